"""The Neo4j backend: the same graph and semantics as the embedded store, on any Neo4j 5 server.

``DERMKG_STORE=neo4j://user:password@host:7687`` (or ``bolt://``; the password may come from
``NEO4J_PASSWORD``). The schema (uniqueness constraints on every id, status / kind indexes, a
full-text index over names and synonyms) is set up on first use. Records are nodes that keep the
whole pydantic record as JSON plus indexed properties; the rules of the store contract are the
shared pure functions of :mod:`kg.store._semantics`, so both backends behave identically.
Writes are parameterised Cypher only, batched with ``UNWIND``; concurrency and transactions are
described in :mod:`kg.store._neo4j_core`.

Example:
    >>> with Neo4jGraphStore("neo4j://neo4j@localhost:7687") as store:  # doctest: +SKIP
    ...     store.resolve_name("Seborrhoeic keratoses")
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dermkg.errors import ConflictError, InputError, NotFoundError
from kg.models import (
    Diagnosis,
    Source,
)
from kg.names import name_keys, normalize
from kg.store import _semantics as sem
from kg.store._findings import FindingWorkflows
from kg.store._neo4j_assertions import AssertionsMixin
from kg.store._neo4j_bulk import BulkReadMixin
from kg.store._neo4j_core import chunks
from kg.store._neo4j_findings import FindingsMixin
from kg.store._neo4j_history import HistoryMixin
from kg.store._neo4j_records import RecordsMixin, case_props, label_map_props
from kg.store._workflows import CurationWorkflows
from kg.store.base import SYSTEM_USER

__all__ = ["Neo4jGraphStore", "case_props", "label_map_props"]

INSERT_DIAGNOSES = "UNWIND $rows AS r CREATE (d:Diagnosis) SET d = r"
UPDATE_DIAGNOSES = (
    "UNWIND $rows AS r MATCH (d:Diagnosis {id: r.id}) WHERE d.version = r.prev "
    "SET d.status = r.status, d.version = r.version, d.name = r.name, d.data = r.data RETURN count(d) AS n"
)
DELETE_NAMES = "UNWIND $ids AS i MATCH (n:Name {diagnosis: i}) DETACH DELETE n"
INSERT_NAMES = (
    "UNWIND $rows AS r MATCH (d:Diagnosis {id: r.diagnosis}) "
    "CREATE (n:Name {uid: r.uid, key: r.key, diagnosis: r.diagnosis, surface: r.surface, primary: r.primary})"
    "-[:NAME_OF]->(d)"
)
RESOLVE_IDS = (  # only the ids that are not live diagnoses come back: [id, alias target or null]
    "UNWIND $ids AS i OPTIONAL MATCH (d:Diagnosis {id: i}) WITH i WHERE d IS NULL "
    "OPTIONAL MATCH (a:Alias {alias: i}) RETURN collect([i, a.target]) AS misses"
)
RESOLVE_NAME = (
    "MATCH (n:Name {key: $key}) MATCH (d:Diagnosis {id: n.diagnosis}) RETURN d.data AS data "
    "ORDER BY d.status = 'accepted' DESC, n.primary DESC, d.status = 'proposed' DESC, d.id LIMIT 1"
)
FULLTEXT_NAMES = (
    "CALL db.index.fulltext.queryNodes('dermkg_names', $q, {limit: $n}) YIELD node "
    "RETURN node.key AS key, node.diagnosis AS diagnosis, node.surface AS surface"
)


def name_rows(d: Diagnosis) -> list[dict[str, Any]]:
    return [
        {"uid": f"{k}\x1f{d.id}", "key": k, "diagnosis": d.id, "surface": s, "primary": p}
        for k, s, p in name_keys(d.name, d.synonyms)
    ]


def diagnosis_props(d: Diagnosis) -> dict[str, Any]:
    return {"id": d.id, "status": d.status, "version": d.version, "name": d.name, "data": d.model_dump_json()}


def _lucene_query(key: str) -> str:
    """A full-text query for the words of a normalised name: each word, prefix or one edit away."""
    words = [w for w in key.split() if w.isalnum()][:16]
    return " OR ".join(f"{w} OR {w}* OR {w}~1" if len(w) > 2 else w for w in words)


class Neo4jGraphStore(
    RecordsMixin,
    HistoryMixin,
    AssertionsMixin,
    FindingsMixin,
    BulkReadMixin,
    FindingWorkflows,
    CurationWorkflows,
):
    """A dermkg knowledge graph in a Neo4j 5 database.

    ``fulltext_threshold``: above this many names, fuzzy suggestions score only the candidates of
    the full-text index instead of every name (the same rapidfuzz scores, on a shortlist).
    """

    def __init__(self, url: str, *, fulltext_threshold: int = 50_000) -> None:
        super().__init__(url)
        self.fulltext_threshold = fulltext_threshold

    # -- sources ---------------------------------------------------------------------------
    def upsert_source(self, source: Source) -> Source:
        def run() -> Source:
            current = self.get_source(source.sha256)
            merged = source
            if current is not None:
                merged = current.model_copy(
                    update={k: v for k, v in source.model_dump().items() if v is not None}
                )
            self._w(
                "MERGE (s:Source {sha256: $sha}) SET s.data = $data",
                sha=merged.sha256,
                data=merged.model_dump_json(),
            )
            return merged

        return self._atomic(run)

    def get_source(self, sha256: str) -> Source | None:
        row = self._one("MATCH (s:Source {sha256: $sha}) RETURN s.data AS data", sha=sha256)
        return None if row is None else Source.model_validate_json(row["data"])

    def list_sources(self) -> list[Source]:
        rows = self._q("MATCH (s:Source) RETURN s.data AS data ORDER BY s.sha256")
        return [Source.model_validate_json(r["data"]) for r in rows]

    # -- diagnoses -------------------------------------------------------------------------
    def _resolve_ids(self, ids: list[str]) -> dict[str, str | None]:
        """Each id (or merged alias id) -> the live diagnosis id, None if unknown; one query per chunk.
        Most ids are live, so only the others come back, as one list (no record per id)."""
        out: dict[str, str | None] = {}
        for part in chunks(sorted(set(ids))):
            out.update((i, i) for i in part)
            out.update(self._read_value(RESOLVE_IDS, "misses", ids=part))
        return out

    def _resolve_id(self, id: str) -> str | None:
        return self._resolve_ids([id])[id]

    def _require_id(self, id: str, what: str = "diagnosis") -> str:
        got = self._resolve_id(id)
        if got is None:
            raise NotFoundError(f"unknown {what} id {id!r}")
        return got

    def _diagnosis_rows(self, ids: list[str]) -> dict[str, Diagnosis]:
        out: dict[str, Diagnosis] = {}
        for part in chunks(ids):
            for r in self._q("UNWIND $ids AS i MATCH (d:Diagnosis {id: i}) RETURN d.data AS data", ids=part):
                d = Diagnosis.model_validate_json(r["data"])
                out[d.id] = d
        return out

    def _diagnosis_row(self, id: str) -> Diagnosis | None:
        return self._diagnosis_rows([id]).get(id)

    def get_diagnosis(self, id: str) -> Diagnosis | None:
        real = self._resolve_id(id)
        return None if real is None else self._diagnosis_row(real)

    def list_diagnoses(
        self, *, status: str | None = None, offset: int = 0, limit: int | None = None
    ) -> list[Diagnosis]:
        where = "WHERE d.status = $status" if status else ""
        page = "" if limit is None else " LIMIT $limit"
        rows = self._q(
            f"MATCH (d:Diagnosis) {where} RETURN d.data AS data ORDER BY d.id SKIP $offset{page}",
            status=status,
            offset=offset,
            limit=limit,
        )
        return [Diagnosis.model_validate_json(r["data"]) for r in rows]

    def count_diagnoses(self) -> int:
        return int(self._q("MATCH (d:Diagnosis) RETURN count(d) AS n")[0]["n"])

    def _index_names(self, d: Diagnosis) -> None:
        self._w(DELETE_NAMES, ids=[d.id])
        self._w(INSERT_NAMES, rows=name_rows(d))

    def _check_name_collisions(self, before: Diagnosis, after: Diagnosis) -> None:
        old = {k for k, _, _ in name_keys(before.name, before.synonyms)}
        for key, surface, _ in name_keys(after.name, after.synonyms):
            if key in old:
                continue
            row = self._one(
                "MATCH (n:Name {key: $key}) WHERE n.diagnosis <> $id RETURN n.diagnosis AS d LIMIT 1",
                key=key,
                id=after.id,
            )
            if row is not None:
                raise InputError(
                    f"name {surface!r} of {after.id} collides with a name of diagnosis {row['d']}"
                )

    def _write_diagnoses(self, pairs: list[tuple[Diagnosis, Diagnosis]]) -> None:
        rows = [{**diagnosis_props(a), "prev": b.version} for b, a in pairs]
        for part in chunks(rows):
            if self._w(UPDATE_DIAGNOSES, rows=part)[0]["n"] != len(part):
                raise ConflictError("a diagnosis was changed by someone else; reload and retry")

    def _write_diagnosis(self, d: Diagnosis, *, prev_version: int) -> None:
        self._write_diagnoses([(d.model_copy(update={"version": prev_version}), d)])

    def upsert_diagnoses(self, diagnoses: Iterable[Diagnosis], *, user: str = SYSTEM_USER) -> int:
        items = [sem.prepare_diagnosis(d) for d in diagnoses]
        return self._atomic(lambda: self._upsert_diagnoses(items, user))

    def _upsert_diagnoses(self, items: list[Diagnosis], user: str) -> int:
        real_ids = self._resolve_ids([d.id for d in items])
        stored = self._diagnosis_rows(sorted({r for r in real_ids.values() if r}))
        staged: dict[str, tuple[Diagnosis | None, Diagnosis]] = {}
        for d in items:
            real = real_ids[d.id] or d.id
            before, current = staged[real] if real in staged else (stored.get(real), stored.get(real))
            if current is None:
                staged[real] = (None, d.model_copy(update={"version": 1, "aliases": []}))
                continue
            merged = sem.merge_diagnosis(current, d.model_copy(update={"id": real}))
            if merged is not None:
                version = 1 if before is None else before.version + 1
                staged[real] = (before, merged.model_copy(update={"version": version}))
        inserts = [a for b, a in staged.values() if b is None]
        updates = [(b, a) for b, a in staged.values() if b is not None and b != a]
        rows = [diagnosis_props(d) for d in inserts]
        self._w_rows(INSERT_DIAGNOSES, rows)
        self._write_diagnoses(updates)
        for part in chunks([a.id for _, a in updates]):
            self._w(DELETE_NAMES, ids=part)
        self._w_rows(INSERT_NAMES, [r for d in [*inserts, *(a for _, a in updates)] for r in name_rows(d)])
        events = []
        for r in rows:  # the create event's snapshot is the stored JSON itself, not a second dump
            events.append(self._event_row(user, "create", "diagnosis", r["id"], None, None))
            events[-1]["after"] = r["data"]
        events += [
            self._event_row(user, "edit", "diagnosis", a.id, sem.snapshot(b), sem.snapshot(a))
            for b, a in updates
        ]
        self._insert_events(events)
        for before, after in staged.values():
            self._mark_changed(before, after)
        return len(inserts)

    # -- names -----------------------------------------------------------------------------
    def resolve_name(self, name: str) -> Diagnosis | None:
        key = normalize(name)
        if not key:
            return None
        row = self._one(RESOLVE_NAME, key=key)
        return None if row is None else Diagnosis.model_validate_json(row["data"])

    def _name_choices(self, key: str) -> tuple[list[str], list[str], list[str]]:
        """(keys, diagnosis ids, surfaces) to score fuzzily: every name, or a full-text shortlist."""

        def columns(rows: list[dict[str, Any]]) -> tuple[list[str], list[str], list[str]]:
            rows = sorted(rows, key=lambda r: (r["key"], r["diagnosis"]))
            return [r["key"] for r in rows], [r["diagnosis"] for r in rows], [r["surface"] for r in rows]

        def load_all() -> tuple[list[str], list[str], list[str]] | None:
            if self._q("MATCH (n:Name) RETURN count(n) AS n")[0]["n"] > self.fulltext_threshold:
                return None
            return columns(
                self._q("MATCH (n:Name) RETURN n.key AS key, n.diagnosis AS diagnosis, n.surface AS surface")
            )

        everything = self._cached("names", load_all)
        if everything is not None:
            return everything
        query = _lucene_query(key)
        return columns(self._q(FULLTEXT_NAMES, q=query, n=500) if query else [])

    def _exact_names(self, key: str) -> list[tuple[str, str]]:
        rows = self._q(
            "MATCH (n:Name {key: $key}) RETURN n.diagnosis AS d, n.surface AS s "
            "ORDER BY n.primary DESC, n.diagnosis",
            key=key,
        )
        return [(r["d"], r["s"]) for r in rows]

    # -- graph views -----------------------------------------------------------------------
    def graph_view(self, *, include_proposed: bool = False) -> Any:
        """The networkx view, rebuilt only after a commit (by any process)."""
        from kg.view import GraphView

        return self._cached(
            ("view", include_proposed), lambda: GraphView.from_store(self, include_proposed=include_proposed)
        )
