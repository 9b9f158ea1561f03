"""Assertions on Neo4j: batched add, query, review and edit (see :mod:`kg.store.neo4j`).

Each assertion is an ``:Assertion`` node holding the whole record as JSON (``data``) plus the
indexed fields queries filter on; ``akey`` = kind|subject|object is unique, so a DDx pair can exist
once. Accepted assertions are also projected to ``(:Diagnosis)-[:IS_A|DDX]->(:Diagnosis)``
relationships at commit, for browsing the graph in Neo4j tools.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dermkg.errors import ConflictError, InputError, NotFoundError
from kg.models import Assertion, AssertionKind, AssertionQuery, Diagnosis, Page
from kg.store import _semantics as sem
from kg.store._batch import AssertionBatch
from kg.store._neo4j_core import Neo4jCore, chunks, ts
from kg.store.base import SYSTEM_USER

INSERT_ASSERTIONS = "UNWIND $rows AS r CREATE (a:Assertion) SET a = r"
PIPELINE_CHUNK = 1000  # rows per statement of a pipelined bulk insert
ASSERTION_KEYS = ("id", "akey", "kind", "subject", "object", "status", "origin", "score", "created")
ASSERTION_KEYS += ("relation", "version", "sources", "data")  # the keys of assertion_props
EVENT_KEYS = ("seq", "id", "at", "user", "action", "target_type", "target", "after")  # of a create event


def _create_new(relationship: str | None) -> str:
    """One statement per chunk of new assertions: each node, its ``create`` event and (accepted
    ones) its projected relationship. Property maps are spelled out: ``SET a = r`` costs the server
    a map merge per row."""
    node = ", ".join(f"{k}: r.a.{k}" for k in ASSERTION_KEYS)
    event = ", ".join(f"{k}: r.e.{k}" for k in EVENT_KEYS)
    cypher = f"UNWIND $rows AS r CREATE (:Assertion {{{node}}}) CREATE (:Event {{{event}}})"
    if relationship:
        cypher += (
            " WITH r MATCH (s:Diagnosis {id: r.a.subject}) MATCH (o:Diagnosis {id: r.a.object}) "
            f"CREATE (s)-[:{relationship} {{assertion: r.a.id}}]->(o)"
        )
    return cypher


CREATE_NEW = {  # by the relationship a new assertion projects to: none unless accepted
    None: _create_new(None),
    "is_a": _create_new("IS_A"),
    "ddx": _create_new("DDX"),
}
UPDATE_ASSERTIONS = (
    "UNWIND $rows AS r MATCH (a:Assertion {id: r.id}) WHERE a.version = r.prev "
    "SET a += r.props RETURN count(a) AS n"
)


def _diagnosis_ends(a: Assertion) -> tuple[str, ...]:
    """The ends of ``a`` that name diagnoses (a finding assertion's object is a finding)."""
    return (a.subject,) if a.kind == "finding" else (a.subject, a.object)


def akey(kind: str, subject: str, object: str) -> str:
    return f"{kind}\x1f{subject}\x1f{object}"


def assertion_props(a: Assertion) -> dict[str, Any]:
    """The node's properties: the record as JSON plus what queries filter and sort on."""
    return {
        "id": a.id,
        "akey": akey(a.kind, a.subject, a.object),
        "kind": a.kind,
        "subject": a.subject,
        "object": a.object,
        "status": a.status,
        "origin": a.origin,
        "score": a.score,
        "relation": a.relation,
        "created": ts(a.created_at),
        "version": a.version,
        "sources": sorted({ev.source_sha256 for ev in a.evidence}),
        "data": a.model_dump_json(),
    }  # keys: ASSERTION_KEYS


class AssertionsMixin(Neo4jCore):
    """Assertion methods of :class:`kg.store.neo4j.Neo4jGraphStore`."""

    if TYPE_CHECKING:  # provided by the store class and the bulk-read mixin: stubs here would shadow them

        def _require_id(self, id: str, what: str = "diagnosis") -> str: ...
        def _resolve_ids(self, ids: list[str]) -> dict[str, str | None]: ...
        def _resolve_id(self, id: str) -> str | None: ...
        def _write_diagnosis(self, d: Diagnosis, *, prev_version: int) -> None: ...
        def _index_names(self, d: Diagnosis) -> None: ...
        def _assertion_where(self, query: AssertionQuery) -> tuple[str, dict[str, Any]]: ...
        def _check_finding_ends(self, pairs: list[tuple[str, str | None, str]]) -> None: ...

    # -- reads -----------------------------------------------------------------------------
    def get_assertion(self, id: str) -> Assertion | None:
        row = self._one("MATCH (a:Assertion {id: $id}) RETURN a.data AS data", id=id)
        return None if row is None else Assertion.model_validate_json(row["data"])

    def _assertion_by_key(self, kind: str, subject: str, object: str) -> Assertion | None:
        row = self._one("MATCH (a:Assertion {akey: $k}) RETURN a.data AS data", k=akey(kind, subject, object))
        return None if row is None else Assertion.model_validate_json(row["data"])

    def _assertions_by_keys(self, keys: list[str]) -> dict[str, Assertion]:
        out: dict[str, Assertion] = {}
        for part in chunks(keys):
            for r in self._q("UNWIND $ks AS k MATCH (a:Assertion {akey: k}) RETURN a.data AS data", ks=part):
                a = Assertion.model_validate_json(r["data"])
                out[akey(a.kind, a.subject, a.object)] = a
        return out

    def query_assertions(self, query: AssertionQuery) -> Page:
        clause, params = self._assertion_where(query)
        page = "" if query.limit is None else " LIMIT $limit"
        with self._lock:
            total = self._q(f"MATCH (a:Assertion) {clause} RETURN count(a) AS n", **params)[0]["n"]
            rows = self._q(
                f"MATCH (a:Assertion) {clause} RETURN a.data AS data "
                f"ORDER BY a.created, a.id SKIP $offset{page}",
                **params,
                offset=query.offset,
                limit=query.limit,
            )
        items = [Assertion.model_validate_json(r["data"]) for r in rows]
        return Page(items=items, total=total, offset=query.offset, limit=query.limit)

    def _accepted_parents(self, *, without: str | None = None) -> dict[str, set[str]]:
        parents: dict[str, set[str]] = {}
        for r in self._q(
            "MATCH (a:Assertion {kind: 'is_a', status: 'accepted'}) "
            "RETURN a.id AS id, a.subject AS s, a.object AS o"
        ):
            if r["id"] != without:
                parents.setdefault(r["s"], set()).add(r["o"])
        return parents

    def edges(self, kind: AssertionKind, *, include_proposed: bool = False) -> list[tuple[str, str]]:
        statuses = ["accepted", "proposed"] if include_proposed else ["accepted"]
        rows = self._q(
            "MATCH (a:Assertion) WHERE a.kind = $kind AND a.status IN $statuses "
            "RETURN a.subject AS s, a.object AS o ORDER BY s, o",
            kind=kind,
            statuses=statuses,
        )
        return [(r["s"], r["o"]) for r in rows]

    def iter_assertions(self, *, batch_size: int = 5000):  # noqa: ANN201 (Iterator[Assertion])
        last = ""
        while True:
            rows = self._q(
                "MATCH (a:Assertion) WHERE a.id > $last "
                "RETURN a.id AS id, a.data AS data ORDER BY a.id LIMIT $n",
                last=last,
                n=batch_size,
            )
            if not rows:
                return
            for r in rows:
                yield Assertion.model_validate_json(r["data"])
            last = rows[-1]["id"]

    # -- writes ----------------------------------------------------------------------------
    def _write_assertions(self, pairs: list[tuple[Assertion, Assertion]]) -> None:
        """Version-checked updates of (before, after) pairs."""
        rows = [{"id": a.id, "prev": b.version, "props": assertion_props(a)} for b, a in pairs]
        for part in chunks(rows):
            if self._w(UPDATE_ASSERTIONS, rows=part)[0]["n"] != len(part):
                raise ConflictError("an assertion was changed by someone else; reload and retry")
        self._touch(*(a.id for _, a in pairs))

    def _write_assertion(self, a: Assertion, *, prev_version: int) -> None:
        self._write_assertions([(a.model_copy(update={"version": prev_version}), a)])

    def _insert_assertions(self, inserts: list[Assertion], user: str) -> None:
        """CREATE new assertion nodes with their ``create`` events and (accepted ones) their IS_A /
        DDX relationships, pipelined: the rows of the next chunk are built while the server writes
        the previous one. An id already taken by another (kind, subject, object) trips the
        uniqueness constraint (no lookup round trip) and aborts the whole batch."""
        from neo4j.exceptions import ConstraintError

        tx = self._tx
        assert tx is not None
        pending = []
        try:
            for part in chunks(inserts, PIPELINE_CHUNK):
                groups: dict[str | None, list[dict[str, Any]]] = {}
                for a in part:
                    props = assertion_props(a)
                    event = self._event_row(user, "create", "assertion", a.id, None, None)
                    event["after"] = props["data"]  # the snapshot is the stored JSON, not a second dump
                    projected = a.status == "accepted" and a.kind != "finding"  # findings: at commit
                    groups.setdefault(a.kind if projected else None, []).append({"a": props, "e": event})
                for relationship, rows in groups.items():
                    tx.writes += 1
                    pending.append(tx.tx.run(CREATE_NEW[relationship], {"rows": rows}))
            for result in pending:
                result.consume()
            new_findings = [a.id for a in inserts if a.kind == "finding" and a.status == "accepted"]
            self._touch(*new_findings, fresh=True)
        except ConstraintError as exc:
            tx.doomed = True  # the server rolled the transaction back
            raise InputError(f"an assertion id is already used by another assertion: {exc.message}") from None

    def add_assertions(self, assertions: Any, *, user: str = SYSTEM_USER) -> list[Assertion]:
        items = list(assertions)
        return self._atomic(lambda: self._add_assertions(items, user))

    def _add_assertions(self, items: list[Assertion], user: str) -> list[Assertion]:
        ids = self._resolve_ids([i for a in items for i in _diagnosis_ends(a)])
        self._check_finding_ends([(a.kind, ids[a.subject], a.object) for a in items if a.kind == "finding"])
        prepared: list[Assertion] = []
        for a in items:
            s, o = ids[a.subject], a.object if a.kind == "finding" else ids[a.object]
            if s is None or o is None:
                raise NotFoundError(f"unknown diagnosis id {a.subject if s is None else a.object!r}")
            prepared.append(sem.prepare_assertion(a, s, o))
        stored = self._assertions_by_keys(sorted({akey(a.kind, a.subject, a.object) for a in prepared}))
        batch = AssertionBatch(lambda k, s, o: stored.get(akey(k, s, o)), self._accepted_parents)
        for a in prepared:
            batch.add(a)
        self._insert_assertions(batch.inserts(), user)
        self._write_assertions(batch.updates())
        self._insert_events(
            [
                self._event_row(user, action, "assertion", a.id, sem.snapshot(b), sem.snapshot(a))
                for action, b, a in batch.status_changes()
            ]
        )
        for before, after in batch.staged.values():
            self._mark_changed(before, after)
        return batch.results()
