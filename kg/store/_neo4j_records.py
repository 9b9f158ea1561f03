"""Cases and label maps on Neo4j (see :mod:`kg.store.neo4j`): ``:Case`` and ``:LabelMap`` nodes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dermkg.errors import ConflictError, NotFoundError
from kg.models import Case, CaseStatus, LabelMapping
from kg.store import _semantics as sem
from kg.store._neo4j_assertions import AssertionsMixin
from kg.store.base import SYSTEM_USER


def case_props(c: Case) -> dict[str, Any]:
    return {
        "id": c.id,
        "diagnosis": c.diagnosis,
        "status": c.status,
        "version": c.version,
        "data": c.model_dump_json(),
    }


def label_map_props(m: LabelMapping) -> dict[str, Any]:
    return {
        "key": f"{m.dataset}\x1f{m.label}",
        "dataset": m.dataset,
        "label": m.label,
        "diagnosis": m.diagnosis,
        "data": m.model_dump_json(),
    }


class RecordsMixin(AssertionsMixin):
    """Case and label-map methods of :class:`kg.store.neo4j.Neo4jGraphStore`."""

    # -- cases -----------------------------------------------------------------------------
    def get_case(self, id: str) -> Case | None:
        row = self._one("MATCH (c:Case {id: $id}) RETURN c.data AS data", id=id)
        return None if row is None else Case.model_validate_json(row["data"])

    def add_cases(self, cases: Iterable[Case], *, user: str = SYSTEM_USER) -> int:
        items = list(cases)
        return self._atomic(lambda: self._add_cases(items, user))

    def _add_cases(self, items: list[Case], user: str) -> int:
        ids = self._resolve_ids([c.diagnosis for c in items])
        staged: dict[str, tuple[Case | None, Case]] = {}
        for c in items:
            if ids[c.diagnosis] is None:
                raise NotFoundError(f"unknown diagnosis id {c.diagnosis!r}")
            c = sem.prepare_case(c.model_copy(update={"diagnosis": ids[c.diagnosis]}))
            before, current = staged[c.id] if c.id in staged else (self.get_case(c.id),) * 2
            if current is None:
                staged[c.id] = (None, c.model_copy(update={"version": 1}))
                continue
            merged = sem.merge_case(current, c)
            if merged is not None:
                version = (before.version if before else 0) + 1
                staged[c.id] = (before, merged.model_copy(update={"version": version}))
        inserts = [c for b, c in staged.values() if b is None]
        self._w_rows("UNWIND $rows AS r CREATE (c:Case) SET c = r", [case_props(c) for c in inserts])
        events = [self._event_row(user, "create", "case", c.id, None, sem.snapshot(c)) for c in inserts]
        for before, after in staged.values():
            if before is not None and before != after:
                self._write_case(after, prev_version=before.version)
            self._mark_changed(before, after)
        self._insert_events(events)
        return len(inserts)

    def _write_case(self, c: Case, *, prev_version: int) -> None:
        rows = self._w(
            "MATCH (c:Case {id: $id}) WHERE c.version = $prev SET c += $props RETURN count(c) AS n",
            id=c.id,
            prev=prev_version,
            props=case_props(c),
        )
        if rows[0]["n"] != 1:
            raise ConflictError(f"case {c.id} was changed by someone else; reload and retry")

    def _case_filter(self, diagnosis: str | None, status: str | None) -> tuple[str, dict[str, Any]]:
        where, params = [], {}
        if diagnosis is not None:
            where.append("c.diagnosis = $dx")
            params["dx"] = self._resolve_id(diagnosis) or diagnosis
        if status is not None:
            where.append("c.status = $status")
            params["status"] = status
        return (f"WHERE {' AND '.join(where)}" if where else ""), params

    def list_cases(
        self,
        *,
        diagnosis: str | None = None,
        status: CaseStatus | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Case]:
        clause, params = self._case_filter(diagnosis, status)
        page = "" if limit is None else " LIMIT $limit"
        rows = self._q(
            f"MATCH (c:Case) {clause} RETURN c.data AS data ORDER BY c.id SKIP $offset{page}",
            **params,
            offset=offset,
            limit=limit,
        )
        return [Case.model_validate_json(r["data"]) for r in rows]

    def count_cases(self, *, status: CaseStatus | None = None) -> int:
        clause, params = self._case_filter(None, status)
        return int(self._q(f"MATCH (c:Case) {clause} RETURN count(c) AS n", **params)[0]["n"])

    def case_counts(self, *, status: CaseStatus | None = "accepted") -> dict[str, int]:
        clause, params = self._case_filter(None, status)
        rows = self._q(f"MATCH (c:Case) {clause} RETURN c.diagnosis AS d, count(c) AS n ORDER BY d", **params)
        return {r["d"]: int(r["n"]) for r in rows}

    def update_case(
        self,
        id: str,
        changes: dict[str, Any],
        *,
        user: str,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> Case:
        def run() -> Case:
            current = self.get_case(id)
            if current is None:
                raise NotFoundError(f"unknown case id {id!r}")
            sem.check_version("case", current, expected_version)
            todo = changes
            if todo.get("diagnosis") is not None:
                todo = {**todo, "diagnosis": self._require_id(todo["diagnosis"])}
            new = sem.next_version(current, sem.apply_case_changes(current, todo))
            if new is None:
                return current
            self._write_case(new, prev_version=current.version)
            action = sem.case_action(current, new)
            self._event(user, action, "case", id, sem.snapshot(current), sem.snapshot(new), reason)
            self._mark_changed(current, new)
            return new

        return self._atomic(run)

    # -- label maps ------------------------------------------------------------------------
    def _label_mapping(self, dataset: str, label: str) -> LabelMapping | None:
        row = self._one("MATCH (m:LabelMap {key: $key}) RETURN m.data AS data", key=f"{dataset}\x1f{label}")
        return None if row is None else LabelMapping.model_validate_json(row["data"])

    def _write_label_mapping(self, m: LabelMapping) -> None:
        props = label_map_props(m)
        self._w("MERGE (m:LabelMap {key: $key}) SET m += $props", key=props["key"], props=props)

    def set_label_mappings(self, mappings: Iterable[LabelMapping], *, user: str = SYSTEM_USER) -> int:
        items = list(mappings)

        def run() -> int:
            written = 0
            for m in items:
                if m.diagnosis is not None:
                    m = m.model_copy(update={"diagnosis": self._require_id(m.diagnosis)})
                current = self._label_mapping(m.dataset, m.label)
                if current == m:
                    continue
                self._write_label_mapping(m)
                before = None if current is None else sem.snapshot(current)
                action = "create" if current is None else "edit"
                self._event(user, action, "label_map", f"{m.dataset}:{m.label}", before, sem.snapshot(m))
                self._mark_changed(current, m)
                written += 1
            return written

        return self._atomic(run)

    def get_label_map(self, dataset: str | None = None) -> list[LabelMapping]:
        where = "WHERE m.dataset = $dataset" if dataset is not None else ""
        rows = self._q(
            f"MATCH (m:LabelMap) {where} RETURN m.data AS data ORDER BY m.dataset, m.label", dataset=dataset
        )
        return [LabelMapping.model_validate_json(r["data"]) for r in rows]
