"""The audit log and whole-graph restore of the Neo4j backend (see :mod:`kg.store.neo4j`; reverts are
shared, in :mod:`kg.store._workflows`)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

from dermkg.errors import InputError
from kg.models import CurationEvent, EventQuery, GraphExport, Page
from kg.store import _semantics as sem
from kg.store._neo4j_assertions import INSERT_ASSERTIONS, assertion_props
from kg.store._neo4j_core import CREATE_EVENTS, event_from, ts
from kg.store._neo4j_findings import INSERT_FINDINGS, finding_props
from kg.store._neo4j_merge import MergeMixin

_EVENT_COLS = (
    "e.seq AS seq, e.id AS id, e.at AS at, e.user AS user, e.action AS action, e.target_type AS target_type, "
    "e.target AS target, e.before AS before, e.after AS after, e.reason AS reason"
)
_RECORD_LABELS = ("Diagnosis", "Finding", "Assertion", "Case", "Event", "Source", "LabelMap")


class HistoryMixin(MergeMixin):
    """Events and restore of :class:`kg.store.neo4j.Neo4jGraphStore`."""

    # -- events ----------------------------------------------------------------------------
    def list_events(self, query: EventQuery | None = None) -> Page:
        q = query or EventQuery()
        where: list[str] = []
        params: dict[str, Any] = {}
        for field, val in (("user", q.user), ("action", q.action), ("target", q.target)):
            if val is not None:
                where.append(f"e.{field} = ${field}")
                params[field] = val
        if q.since is not None:
            where.append("e.at >= $since")
            params["since"] = ts(q.since)
        if q.until is not None:
            where.append("e.at <= $until")
            params["until"] = ts(q.until)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        page = "" if q.limit is None else " LIMIT $limit"
        with self._lock:
            total = self._q(f"MATCH (e:Event) {clause} RETURN count(e) AS n", **params)[0]["n"]
            rows = self._q(
                f"MATCH (e:Event) {clause} RETURN {_EVENT_COLS} ORDER BY e.seq DESC SKIP $offset{page}",
                **params,
                offset=q.offset,
                limit=q.limit,
            )
        return Page(items=[event_from(r) for r in rows], total=total, offset=q.offset, limit=q.limit)

    def get_event(self, id: str) -> CurationEvent | None:
        row = self._one(f"MATCH (e:Event {{id: $id}}) RETURN {_EVENT_COLS}", id=id)
        return None if row is None else event_from(row)

    def iter_events(self) -> Iterator[CurationEvent]:
        last = 0
        while True:
            rows = self._q(
                f"MATCH (e:Event) WHERE e.seq > $last RETURN {_EVENT_COLS} ORDER BY e.seq LIMIT 5000",
                last=last,
            )
            if not rows:
                return
            for r in rows:
                yield event_from(r)
            last = rows[-1]["seq"]

    # -- whole graph -----------------------------------------------------------------------
    def _is_empty(self) -> bool:
        labels = " OR ".join(f"n:{label}" for label in _RECORD_LABELS)
        return self._one(f"MATCH (n) WHERE {labels} RETURN 1 AS x LIMIT 1") is None

    def restore(self, export: GraphExport) -> None:
        self._atomic(lambda: self._restore(export))

    def _restore(self, export: GraphExport) -> None:
        from kg.store.neo4j import case_props, diagnosis_props, label_map_props, name_rows

        if not self._is_empty():
            raise InputError(f"cannot restore into {self.target.display}: the store is not empty")
        _check_consistent(export)
        sem.check_export_acyclic(export)
        self._w_rows(
            "UNWIND $rows AS r CREATE (s:Source) SET s = r",
            [{"sha256": s.sha256, "data": s.model_dump_json()} for s in export.sources],
        )
        self._w_rows(
            "UNWIND $rows AS r CREATE (d:Diagnosis) SET d = r", [diagnosis_props(d) for d in export.diagnoses]
        )
        from kg.store.neo4j import INSERT_NAMES

        self._w_rows(INSERT_NAMES, [r for d in export.diagnoses for r in name_rows(d)])
        self._w_rows(
            "UNWIND $rows AS r CREATE (a:Alias) SET a = r",
            [{"alias": a, "target": d.id} for d in export.diagnoses for a in d.aliases],
        )
        self._w_rows(INSERT_FINDINGS, [finding_props(f) for f in export.findings])
        self._w_rows(INSERT_ASSERTIONS, [assertion_props(a) for a in export.assertions])
        self._touch(*(a.id for a in export.assertions if a.status == "accepted"), fresh=True)
        self._w_rows("UNWIND $rows AS r CREATE (c:Case) SET c = r", [case_props(c) for c in export.cases])
        self._w_rows(
            "UNWIND $rows AS r CREATE (m:LabelMap) SET m = r", [label_map_props(m) for m in export.label_maps]
        )
        tx = self._tx
        assert tx is not None
        rows = []
        tx.seq = max((e.seq for e in export.events), default=0)
        for e in export.events:
            if not e.seq:
                tx.seq += 1
            seq = e.seq or tx.seq
            rows.append(
                {
                    "seq": seq,
                    "id": e.id or f"ev-{uuid.uuid4().hex[:20]}",
                    "at": ts(e.at),
                    "user": e.user,
                    "action": e.action,
                    "target_type": e.target_type,
                    "target": e.target,
                    "before": None if e.before is None else json.dumps(e.before, ensure_ascii=False),
                    "after": None if e.after is None else json.dumps(e.after, ensure_ascii=False),
                    "reason": e.reason,
                }
            )
        self._w_rows(CREATE_EVENTS, rows)
        tx.revision = export.revision


def _check_consistent(export: GraphExport) -> None:
    """What SQLite's keys enforce: unique ids, references to known diagnoses (or their aliases)."""
    for what, ids in (
        ("diagnosis", [d.id for d in export.diagnoses]),
        ("finding", [f.id for f in export.findings]),
        ("assertion", [a.id for a in export.assertions]),
        ("case", [c.id for c in export.cases]),
        ("event", [e.id for e in export.events if e.id]),
        ("event seq", [str(e.seq) for e in export.events if e.seq]),
    ):
        if len(set(ids)) != len(ids):
            raise InputError(f"the export is inconsistent: duplicate {what} ids")
    live = {d.id for d in export.diagnoses}
    sem.check_export_objects(export)
    refs = [(a.id, a.subject) for a in export.assertions]
    refs += [(a.id, a.object) for a in export.assertions if a.kind != "finding"]
    refs += [(c.id, c.diagnosis) for c in export.cases]
    refs += [(f"{m.dataset}:{m.label}", m.diagnosis) for m in export.label_maps if m.diagnosis is not None]
    for owner, ref in refs:
        if ref not in live:
            raise InputError(f"the export is inconsistent: {owner} refers to unknown diagnosis {ref!r}")
