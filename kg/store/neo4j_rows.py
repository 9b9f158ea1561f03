"""Every row the Neo4j store reads or writes: the :class:`kg.store._rows.Rows` protocol in Cypher.

Each record is a node with the whole record as JSON (``data``) plus the properties queries filter
on (built here; the statements are :mod:`kg.store.neo4j_queries`). ``akey`` = kind|subject|object
is unique, so a DDx pair exists once. A finding's name keys live on its node (a vocabulary of
findings is small); a diagnosis's are ``:Name`` nodes, with a full-text index for fuzzy shortlists.
Large reads come back as one collected list, not a record per row: the driver spends most of a
20,000-row read building record objects.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from dermkg.errors import ConflictError, InputError
from kg import models as km
from kg.names import name_keys, normalize
from kg.store import neo4j_queries as cy
from kg.store._neo4j_tx import Neo4jConnection, where
from kg.store._rows import Dumped, Key, NameColumns, chunks, ts

M = TypeVar("M", km.Assertion, km.Case, km.Diagnosis, km.Finding)
PIPELINE_CHUNK = 1000  # rows per statement of a pipelined bulk insert
ASSERTION_KEYS = ("id", "akey", "kind", "subject", "object", "status", "origin", "score", "created")
ASSERTION_KEYS += ("relation", "version", "sources", "data")


def akey(kind: str, subject: str, object: str) -> str:
    return f"{kind}\x1f{subject}\x1f{object}"


def _create_assertions(relationship: str | None) -> str:
    """New assertion nodes and (accepted is_a / DDx) their relationship in one statement; the
    property map spelled out (``SET a = r`` costs the server a map merge per row)."""
    node = ", ".join(f"{k}: r.{k}" for k in ASSERTION_KEYS)
    cypher = f"UNWIND $rows AS r CREATE (:Assertion {{{node}}})"
    if relationship:
        cypher += (
            " WITH r MATCH (s:Diagnosis {id: r.subject}) MATCH (o:Diagnosis {id: r.object}) "
            f"CREATE (s)-[:{relationship} {{assertion: r.id}}]->(o)"
        )
    return cypher


CREATE_ASSERTIONS = {
    None: _create_assertions(None),
    "is_a": _create_assertions("IS_A"),
    "ddx": _create_assertions("DDX"),
}


def assertion_props(a: km.Assertion, data: str | None = None) -> dict[str, Any]:
    return {
        "id": a.id,
        "akey": akey(a.kind, a.subject, a.object),
        "kind": a.kind,
        "subject": a.subject,
        "object": a.object,
        "status": a.status,
        "origin": a.origin,
        "score": a.score,
        "created": ts(a.created_at),
        "relation": a.relation,
        "version": a.version,
        "sources": sorted({ev.source_sha256 for ev in a.evidence}),
        "data": data or a.model_dump_json(),
    }


def _props(item: km.Diagnosis | km.Finding | km.Case, data: str | None = None) -> dict[str, Any]:
    """Node properties of a diagnosis, finding or case: the JSON and what queries filter on."""
    out: dict[str, Any] = {"id": item.id, "status": item.status, "version": item.version}
    if isinstance(item, km.Case):
        out["diagnosis"] = item.diagnosis
    else:
        out["name"] = item.name
    if isinstance(item, km.Finding):
        out.update(
            type=item.type,
            key=normalize(item.name),
            keys=[k for k, _, _ in name_keys(item.name, item.synonyms)],
        )
    return {**out, "data": data or item.model_dump_json()}


def _label_map_props(m: km.LabelMapping) -> dict[str, Any]:
    key = f"{m.dataset}\x1f{m.label}"
    return {
        "key": key,
        "dataset": m.dataset,
        "label": m.label,
        "diagnosis": m.diagnosis,
        "data": m.model_dump_json(),
    }


def _name_rows(d: km.Diagnosis) -> list[dict[str, Any]]:
    return [
        {"uid": f"{k}\x1f{d.id}", "key": k, "diagnosis": d.id, "surface": s, "primary": p}
        for k, s, p in name_keys(d.name, d.synonyms)
    ]


def _lucene(key: str) -> str:
    """A full-text query for the words of a normalised name: each word, prefix or one edit away."""
    words = [w for w in key.split() if w.isalnum()][:16]
    return " OR ".join(f"{w} OR {w}* OR {w}~1" if len(w) > 2 else w for w in words)


def _columns(rows: list[dict[str, Any]]) -> NameColumns:
    rows = sorted(rows, key=lambda r: (r["key"], r["diagnosis"]))
    return [r["key"] for r in rows], [r["diagnosis"] for r in rows], [r["surface"] for r in rows]


class Neo4jRows(Neo4jConnection):
    """The rows of one Neo4j database. ``fulltext_threshold``: above this many names, fuzzy
    suggestions score only the candidates of the full-text index (the same scores, on a shortlist)."""

    def __init__(self, url: str, *, fulltext_threshold: int = 50_000) -> None:
        super().__init__(url)
        self.fulltext_threshold = fulltext_threshold

    def _by_ids(self, label: str, model: type[M], ids: list[str]) -> dict[str, M]:
        out: dict[str, M] = {}
        for part in chunks(ids):
            for r in self.q(cy.BY_IDS.format(label=label), ids=part):
                item = model.model_validate_json(r["data"])
                out[item.id] = item
        return out

    def _update(self, label: str, rows: list[dict[str, Any]]) -> None:
        for part in chunks(rows):
            if self.w(cy.UPDATE.format(label=label), rows=part)[0]["n"] != len(part):
                raise ConflictError(f"a {label.lower()} was changed by someone else; reload and retry")

    def is_empty(self) -> bool:
        return self.one(cy.ANY_RECORD) is None

    # -- label maps ------------------------------------------------------------------------
    def label_map(self, dataset: str, label: str) -> km.LabelMapping | None:
        row = self.one(cy.LABEL_MAP, key=f"{dataset}\x1f{label}")
        return None if row is None else km.LabelMapping.model_validate_json(row["data"])

    def label_maps(
        self, *, dataset: str | None = None, diagnosis: str | None = None
    ) -> list[km.LabelMapping]:
        clause, params = where([("m.dataset = $ds", "ds", dataset), ("m.diagnosis = $dx", "dx", diagnosis)])
        rows = self.q(
            f"MATCH (m:LabelMap) {clause} RETURN m.data AS data ORDER BY m.dataset, m.label", **params
        )
        return [km.LabelMapping.model_validate_json(r["data"]) for r in rows]

    def put_label_maps(self, maps: list[km.LabelMapping]) -> None:
        self.w_rows(cy.PUT_LABEL_MAPS, [_label_map_props(m) for m in maps])

    # -- diagnoses, names, aliases ---------------------------------------------------------
    def resolve_ids(self, ids: list[str]) -> dict[str, str | None]:
        """Most ids are live, so only the others come back, as one list (no record per id)."""
        out: dict[str, str | None] = {}
        for part in chunks(sorted(set(ids))):
            out.update((i, i) for i in part)
            out.update(self.value(cy.RESOLVE_IDS, "misses", ids=part))
        return out

    def diagnoses(self, ids: list[str]) -> dict[str, km.Diagnosis]:
        return self._by_ids("Diagnosis", km.Diagnosis, ids)

    def list_diagnoses(self, status: str | None, offset: int, limit: int | None) -> list[km.Diagnosis]:
        clause, params = where([("d.status = $status", "status", status)])
        page = "" if limit is None else " LIMIT $limit"
        cypher = f"MATCH (d:Diagnosis) {clause} RETURN d.data AS data ORDER BY d.id SKIP $offset{page}"
        return [
            km.Diagnosis.model_validate_json(r["data"])
            for r in self.q(cypher, **params, offset=offset, limit=limit)
        ]

    def count_diagnoses(self) -> int:
        return int(self.q("MATCH (d:Diagnosis) RETURN count(d) AS n")[0]["n"])

    def insert_diagnoses(self, items: list[Dumped[km.Diagnosis]]) -> None:
        self.w_rows(cy.CREATE.format(label="Diagnosis"), [_props(d, data) for d, data in items])
        self.w_rows(cy.INSERT_NAMES, [r for d, _ in items for r in _name_rows(d)])

    def write_diagnoses(self, pairs: list[tuple[int, km.Diagnosis]]) -> None:
        self._update("Diagnosis", [{"id": d.id, "prev": prev, "props": _props(d)} for prev, d in pairs])
        for part in chunks([d.id for _, d in pairs]):
            self.w(cy.DELETE_NAMES, ids=part)
        self.w_rows(cy.INSERT_NAMES, [r for _, d in pairs for r in _name_rows(d)])

    def delete_diagnosis(self, id: str) -> None:
        self.w(cy.DELETE_NAMES, ids=[id])
        self.w(cy.DELETE_DIAGNOSIS, id=id)

    def name_owner(self, keys: list[str], exclude: list[str]) -> tuple[str, str] | None:
        row = self.one(cy.NAME_OWNER, keys=keys, ids=exclude)
        return None if row is None else (row["k"], row["d"])

    def best_by_name(self, key: str) -> km.Diagnosis | None:
        row = self.one(cy.BEST_BY_NAME, key=key)
        return None if row is None else km.Diagnosis.model_validate_json(row["data"])

    def exact_names(self, key: str) -> list[tuple[str, str]]:
        return [(r["d"], r["s"]) for r in self.q(cy.EXACT_NAMES, key=key)]

    def all_names(self) -> NameColumns | None:
        if self.q(cy.COUNT_NAMES)[0]["n"] > self.fulltext_threshold:
            return None
        return _columns(self.q(cy.ALL_NAMES))

    def name_shortlist(self, key: str) -> NameColumns:
        query = _lucene(key)
        return _columns(self.q(cy.FULLTEXT_NAMES, q=query, n=500) if query else [])

    def aliases_of(self, target: str) -> list[str]:
        return [r["a"] for r in self.q(cy.ALIASES_OF, d=target)]

    def point_aliases(self, aliases: list[str], target: str) -> None:
        if aliases:
            self.w(cy.POINT_ALIASES, aliases=aliases, target=target)

    def delete_alias(self, alias: str) -> None:
        self.w(cy.DELETE_ALIAS, alias=alias)

    # -- findings --------------------------------------------------------------------------
    def findings(self, ids: list[str]) -> dict[str, km.Finding]:
        return self._by_ids("Finding", km.Finding, ids)

    def list_findings(self, type: km.FindingType | None) -> list[km.Finding]:
        clause, params = where([("f.type = $type", "type", type)])
        rows = self.q(f"MATCH (f:Finding) {clause} RETURN f.data AS data ORDER BY f.id", **params)
        return [km.Finding.model_validate_json(r["data"]) for r in rows]

    def finding_ids_by_key(self, key: str) -> list[str]:
        return [r["id"] for r in self.q(cy.FINDING_IDS_BY_KEY, key=key)]

    def insert_findings(self, items: list[km.Finding]) -> None:
        self.w_rows(cy.CREATE.format(label="Finding"), [_props(f) for f in items])

    def write_findings(self, pairs: list[tuple[int, km.Finding]]) -> None:
        self._update("Finding", [{"id": f.id, "prev": prev, "props": _props(f)} for prev, f in pairs])

    # -- assertions ------------------------------------------------------------------------
    def assertions(self, ids: list[str]) -> dict[str, km.Assertion]:
        return self._by_ids("Assertion", km.Assertion, ids)

    def assertions_by_keys(self, keys: Iterable[Key]) -> dict[Key, km.Assertion]:
        out: dict[Key, km.Assertion] = {}
        for part in chunks(list(dict.fromkeys(akey(*k) for k in keys))):
            for r in self.q(cy.BY_AKEYS, ks=part):
                a = km.Assertion.model_validate_json(r["data"])
                out[(a.kind, a.subject, a.object)] = a
        return out

    def assertions_touching(self, diagnosis: str) -> list[km.Assertion]:
        return [km.Assertion.model_validate_json(r["data"]) for r in self.q(cy.TOUCHING, d=diagnosis)]

    def insert_assertions(self, items: list[Dumped[km.Assertion]]) -> None:
        """Pipelined: the rows of the next chunk are built while the server writes the previous
        one. An id already taken by another key trips the uniqueness constraint and aborts the batch."""
        from neo4j.exceptions import ConstraintError

        tx = self._tx
        assert tx is not None
        pending = []
        try:
            for part in chunks(items, PIPELINE_CHUNK):
                groups: dict[str | None, list[dict[str, Any]]] = {}
                for a, data in part:
                    projected = a.status == "accepted" and a.kind != "finding"  # findings: at commit
                    groups.setdefault(a.kind if projected else None, []).append(assertion_props(a, data))
                for relationship, rows in groups.items():
                    tx.writes += 1
                    pending.append(tx.tx.run(CREATE_ASSERTIONS[relationship], {"rows": rows}))
            for result in pending:
                result.consume()
        except ConstraintError as exc:
            self.doom()  # the server rolled the transaction back
            raise InputError(f"an assertion id is already used by another assertion: {exc.message}") from None
        self.touch([a.id for a, _ in items if a.kind == "finding" and a.status == "accepted"], fresh=True)

    def write_assertions(self, pairs: list[tuple[int, km.Assertion]]) -> None:
        self._update(
            "Assertion", [{"id": a.id, "prev": prev, "props": assertion_props(a)} for prev, a in pairs]
        )
        self.touch([a.id for _, a in pairs])

    def delete_assertions(self, ids: list[str]) -> None:
        for part in chunks(ids):
            self.w(cy.DELETE_ASSERTIONS, ids=part)
        self.touch(ids)

    def accepted_is_a(self) -> list[tuple[str, str, str]]:
        return [(r[0], r[1], r[2]) for r in self.value(cy.ACCEPTED_IS_A, "rows") or []]

    def _assertion_where(self, query: km.AssertionQuery) -> tuple[str, dict[str, Any]]:
        statuses = (
            None
            if query.status is None
            else [query.status]
            if isinstance(query.status, str)
            else query.status
        )
        return where(
            [
                ("a.kind = $kind", "kind", query.kind),
                ("a.status IN $statuses", "statuses", None if statuses is None else list(statuses)),
                ("a.origin = $origin", "origin", query.origin),
                ("$source IN a.sources", "source", query.source_sha256),
                ("(a.subject = $dx OR a.object = $dx)", "dx", query.diagnosis),
                ("a.score >= $min_score", "min_score", query.min_score),
                ("a.score <= $max_score", "max_score", query.max_score),
            ]
        )

    def query_assertions(self, query: km.AssertionQuery) -> tuple[int, list[km.Assertion]]:
        clause, params = self._assertion_where(query)
        page = (f"MATCH (a:Assertion) {clause}", "a.data AS data", "a.created, a.id")
        total, rows = self.counted(*page, params, query.offset, query.limit)
        return total, [km.Assertion.model_validate_json(r["data"]) for r in rows]

    def count_assertions(self, query: km.AssertionQuery) -> int:
        clause, params = self._assertion_where(query)
        return int(self.value(f"MATCH (a:Assertion) {clause} RETURN count(a) AS n", "n", **params))

    def summarize_assertions(self, query: km.AssertionQuery) -> list[km.AssertionSummary]:
        clause, params = self._assertion_where(query)
        page = "" if query.limit is None else " LIMIT $limit"
        rows = self.value(
            f"MATCH (a:Assertion) {clause} WITH a {cy.ASSERTION_ORDER}{page} RETURN {cy.SUMMARY}",
            "rows",
            **params,
            offset=query.offset,
            limit=query.limit,
        )
        return km.AssertionSummary.from_rows(rows or [])

    def edges(self, kind: km.AssertionKind, statuses: list[str]) -> list[tuple[str, str]]:
        return [(r["s"], r["o"]) for r in self.q(cy.EDGES, kind=kind, statuses=statuses)]

    def assertions_after(self, last: str, limit: int) -> list[km.Assertion]:
        return [
            km.Assertion.model_validate_json(r["data"])
            for r in self.q(cy.ASSERTIONS_AFTER, last=last, n=limit)
        ]

    # -- cases -----------------------------------------------------------------------------
    def cases(self, ids: list[str]) -> dict[str, km.Case]:
        return self._by_ids("Case", km.Case, ids)

    def _case_where(self, diagnosis: str | None, status: km.CaseStatus | None) -> tuple[str, dict[str, Any]]:
        return where([("c.diagnosis = $dx", "dx", diagnosis), ("c.status = $status", "status", status)])

    def list_cases(
        self, diagnosis: str | None, status: km.CaseStatus | None, offset: int, limit: int | None
    ) -> list[km.Case]:
        clause, params = self._case_where(diagnosis, status)
        page = "" if limit is None else " LIMIT $limit"
        cypher = f"MATCH (c:Case) {clause} RETURN c.data AS data ORDER BY c.id SKIP $offset{page}"
        return [
            km.Case.model_validate_json(r["data"])
            for r in self.q(cypher, **params, offset=offset, limit=limit)
        ]

    def count_cases(self, status: km.CaseStatus | None) -> int:
        clause, params = self._case_where(None, status)
        return int(self.q(f"MATCH (c:Case) {clause} RETURN count(c) AS n", **params)[0]["n"])

    def case_counts(self, status: km.CaseStatus | None) -> dict[str, int]:
        clause, params = self._case_where(None, status)
        rows = self.q(f"MATCH (c:Case) {clause} RETURN c.diagnosis AS d, count(c) AS n ORDER BY d", **params)
        return {r["d"]: int(r["n"]) for r in rows}

    def insert_cases(self, items: list[km.Case]) -> None:
        self.w_rows(cy.CREATE.format(label="Case"), [_props(c) for c in items])

    def write_cases(self, pairs: list[tuple[int, km.Case]]) -> None:
        self._update("Case", [{"id": c.id, "prev": prev, "props": _props(c)} for prev, c in pairs])
