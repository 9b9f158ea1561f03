"""The audit log, revert and whole-graph restore of the Neo4j backend (see :mod:`kg.store.neo4j`)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from typing import Any

from kg.errors import InputError, NotFoundError
from kg.models import Assertion, Case, CurationEvent, Diagnosis, EventQuery, GraphExport, LabelMapping, Page
from kg.store import _semantics as sem
from kg.store._neo4j_assertions import INSERT_ASSERTIONS, assertion_props
from kg.store._neo4j_core import CREATE_EVENTS, event_from, ts
from kg.store._neo4j_merge import MergeMixin
from kg.store._revert import (
    check_revertible,
    rejected_copy,
    restored_assertion,
    restored_case,
    restored_label_map,
    restored_record,
)

_EVENT_COLS = (
    "e.seq AS seq, e.id AS id, e.at AS at, e.user AS user, e.action AS action, e.target_type AS target_type, "
    "e.target AS target, e.before AS before, e.after AS after, e.reason AS reason"
)
_RECORD_LABELS = ("Diagnosis", "Assertion", "Case", "Event", "Source", "LabelMap")


class HistoryMixin(MergeMixin):
    """Events, revert and restore of :class:`kg.store.neo4j.Neo4jGraphStore`."""

    # provided by the store class
    def _check_name_collisions(self, before: Diagnosis, after: Diagnosis) -> None: ...
    def get_case(self, id: str) -> Case | None: ...  # type: ignore[empty-body]
    def _write_case(self, c: Case, *, prev_version: int) -> None: ...
    def _label_mapping(self, dataset: str, label: str) -> LabelMapping | None: ...  # type: ignore[empty-body]
    def _write_label_mapping(self, m: LabelMapping) -> None: ...

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

    def comment(self, target_type: str, target: str, text: str, *, user: str) -> CurationEvent:
        if not text.strip():
            raise InputError("a comment needs text")
        return self._atomic(
            lambda: self._event(user, "comment", target_type, target, None, {"text": text}, text)
        )

    # -- revert ----------------------------------------------------------------------------
    def revert_event(self, id: str, *, user: str, reason: str | None = None) -> CurationEvent:
        def run() -> CurationEvent:
            ev = self.get_event(id)
            if ev is None:
                raise NotFoundError(f"unknown event id {id!r}")
            check_revertible(ev)
            why = reason or f"revert {ev.id}"
            if ev.action == "merge":
                return self._revert_merge(ev, user, why)
            if ev.action == "create":
                current, restored = self._revert_create(ev, user, why)
            else:
                restorer = {
                    "assertion": self._revert_assertion,
                    "diagnosis": self._revert_diagnosis,
                    "case": self._revert_case,
                    "label_map": self._revert_label_map,
                }.get(ev.target_type)
                if restorer is None:
                    raise InputError(f"events on {ev.target_type} cannot be reverted")
                current, restored = restorer(ev)
            self._mark_changed(current, restored)
            return self._event(
                user, "revert", ev.target_type, ev.target, sem.snapshot(current), sem.snapshot(restored), why
            )

        return self._atomic(run)

    def _revert_create(self, ev: CurationEvent, user: str, reason: str) -> tuple[Any, Any]:
        """A created diagnosis / assertion is rejected (a case excluded), never deleted."""
        if ev.target_type == "assertion":
            current: Any = self.get_assertion(ev.target)
            restored = rejected_copy(ev, current, user=user, reason=reason)
            self._write_assertions([(current, restored)])
        elif ev.target_type == "diagnosis":
            current = self._diagnosis_row(ev.target)
            restored = rejected_copy(ev, current, user=user, reason=reason)
            self._write_diagnosis(restored, prev_version=current.version)
        else:
            current = self.get_case(ev.target)
            restored = rejected_copy(ev, current, user=user, reason=reason)
            self._write_case(restored, prev_version=current.version)
        return current, restored

    def _revert_assertion(self, ev: CurationEvent) -> tuple[Assertion, Assertion]:
        current = self.get_assertion(ev.target)
        restored = restored_assertion(ev, current, require_id=self._require_id, by_key=self._assertion_by_key)
        assert current is not None
        self._check_acyclic_assertion(restored, without=current.id)
        self._write_assertions([(current, restored)])
        return current, restored

    def _revert_diagnosis(self, ev: CurationEvent) -> tuple[Diagnosis, Diagnosis]:
        current = self._diagnosis_row(ev.target)
        restored = restored_record(ev, current, Diagnosis)
        assert current is not None
        self._check_name_collisions(current, restored)
        self._write_diagnosis(restored, prev_version=current.version)
        self._index_names(restored)
        return current, restored

    def _revert_case(self, ev: CurationEvent) -> tuple[Case, Case]:
        current = self.get_case(ev.target)
        restored = restored_case(ev, current, require_id=self._require_id)
        assert current is not None
        self._write_case(restored, prev_version=current.version)
        return current, restored

    def _revert_label_map(self, ev: CurationEvent) -> tuple[LabelMapping, LabelMapping]:
        current, restored = restored_label_map(ev, label_map=self._label_mapping, require_id=self._require_id)
        self._write_label_mapping(restored)
        return current, restored

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
        ("assertion", [a.id for a in export.assertions]),
        ("case", [c.id for c in export.cases]),
        ("event", [e.id for e in export.events if e.id]),
        ("event seq", [str(e.seq) for e in export.events if e.seq]),
    ):
        if len(set(ids)) != len(ids):
            raise InputError(f"the export is inconsistent: duplicate {what} ids")
    live = {d.id for d in export.diagnoses}
    refs = [(a.id, x) for a in export.assertions for x in (a.subject, a.object)]
    refs += [(c.id, c.diagnosis) for c in export.cases]
    refs += [(f"{m.dataset}:{m.label}", m.diagnosis) for m in export.label_maps if m.diagnosis is not None]
    for owner, ref in refs:
        if ref not in live:
            raise InputError(f"the export is inconsistent: {owner} refers to unknown diagnosis {ref!r}")
