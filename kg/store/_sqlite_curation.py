"""Merges, cases, label maps and reverts of the embedded store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from dermkg.errors import ConflictError, NotFoundError
from kg.models import (
    Assertion,
    Case,
    CaseStatus,
    Diagnosis,
    LabelMapping,
)
from kg.store import _semantics as sem
from kg.store._revert import MergeLog
from kg.store._sqlite_core import _SQLiteCore
from kg.store.base import SYSTEM_USER


class _CurationMixin(_SQLiteCore):
    # -- merge -----------------------------------------------------------------------------
    def merge_diagnoses(self, keep: str, drop: str, *, user: str, reason: str | None = None) -> Diagnosis:
        with self.transaction():
            log = MergeLog.start(keep, drop, require_id=self._require_id, diagnosis=self._diagnosis_row)
            k, k_id, d_id = log.keep, log.keep.id, log.drop.id
            for row in self._q("SELECT data FROM assertions WHERE subject = ? OR object = ?", (d_id, d_id)):
                a = Assertion.model_validate_json(row[0])
                self.conn.execute("DELETE FROM assertions WHERE id = ?", (a.id,))
                moved_a = log.repoint(a)
                if moved_a is None:
                    continue
                existing = self._assertion_by_key(moved_a.kind, moved_a.subject, moved_a.object)
                if existing is None:
                    self.conn.execute(
                        "INSERT INTO assertions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        self._assertion_params(moved_a),
                    )
                    target = moved_a
                else:
                    absorbing = sem.merge_assertion(existing, moved_a)
                    if absorbing is not None:
                        self._write_assertion(absorbing, prev_version=existing.version)
                    log.absorb(a, existing, absorbing)
                    target = absorbing or existing
                self.conn.executemany(
                    "INSERT OR IGNORE INTO assertion_sources VALUES (?, ?)",
                    [(ev.source_sha256, target.id) for ev in target.evidence],
                )
            sem.check_no_cycle(
                self._q("SELECT subject, object FROM assertions WHERE kind = 'is_a' AND status = 'accepted'"),
                f"merging {d_id} into {k_id} would make the taxonomy cyclic",
            )
            for row in self._q("SELECT data FROM cases WHERE diagnosis = ?", (d_id,)):
                c = log.repoint_case(Case.model_validate_json(row[0]))
                self.conn.execute(
                    "UPDATE cases SET diagnosis = ?, version = ?, data = ? WHERE id = ?",
                    (k_id, c.version, c.model_dump_json(), c.id),
                )
            for row in self._q("SELECT data FROM label_maps WHERE diagnosis = ?", (d_id,)):
                m = log.repoint_label_map(LabelMapping.model_validate_json(row[0]))
                self.conn.execute(
                    "UPDATE label_maps SET diagnosis = ?, data = ? WHERE dataset = ? AND label = ?",
                    (k_id, m.model_dump_json(), m.dataset, m.label),
                )
            log.redirected_aliases = [
                r[0] for r in self._q("SELECT alias FROM aliases WHERE target = ?", (d_id,))
            ]
            self.conn.execute("UPDATE aliases SET target = ? WHERE target = ?", (k_id, d_id))
            self.conn.execute("DELETE FROM names WHERE diagnosis = ?", (d_id,))
            self.conn.execute("DELETE FROM diagnoses WHERE id = ?", (d_id,))
            self.conn.execute("INSERT OR REPLACE INTO aliases VALUES (?, ?)", (d_id, k_id))
            self._write_diagnosis(log.merged, prev_version=k.version)
            self._index_names(log.merged, replace=True)
            self._event(user, "merge", "diagnosis", k_id, *log.event(), reason)
            if self._tx is not None:
                self._tx.graph_changed = True
            return log.merged

    # -- cases -----------------------------------------------------------------------------
    def add_cases(self, cases: Iterable[Case], *, user: str = SYSTEM_USER) -> int:
        items = list(cases)
        with self.transaction():
            staged: dict[str, tuple[Case | None, Case]] = {}
            for c in items:
                c = sem.prepare_case(c.model_copy(update={"diagnosis": self._require_id(c.diagnosis)}))
                if c.id in staged:
                    before, current = staged[c.id]
                else:
                    before = current = self.get_case(c.id)
                if current is None:
                    staged[c.id] = (None, c.model_copy(update={"version": 1}))
                    continue
                merged = sem.merge_case(current, c)
                if merged is not None:
                    staged[c.id] = (
                        before,
                        merged.model_copy(update={"version": (before.version if before else 0) + 1}),
                    )
            inserts = [c for b, c in staged.values() if b is None]
            self.conn.executemany(
                "INSERT INTO cases VALUES (?, ?, ?, ?, ?)",
                [(c.id, c.diagnosis, c.status, c.version, c.model_dump_json()) for c in inserts],
            )
            events = [self._event_row(user, "create", "case", c.id, None, sem.snapshot(c)) for c in inserts]
            for before, after in staged.values():
                if before is not None and before != after:
                    self._write_case(after, prev_version=before.version)
                self._mark_changed(before, after)
            self._insert_events(events)
            return len(inserts)

    def _write_case(self, c: Case, *, prev_version: int) -> None:
        cur = self.conn.execute(
            "UPDATE cases SET diagnosis = ?, status = ?, version = ?, data = ? WHERE id = ? AND version = ?",
            (c.diagnosis, c.status, c.version, c.model_dump_json(), c.id, prev_version),
        )
        if cur.rowcount != 1:
            raise ConflictError(f"case {c.id} was changed by someone else; reload and retry")

    def get_case(self, id: str) -> Case | None:
        row = self._one("SELECT data FROM cases WHERE id = ?", (id,))
        return None if row is None else Case.model_validate_json(row[0])

    def _case_filter(self, diagnosis: str | None, status: str | None) -> tuple[str, list[Any]]:
        where, params = [], []
        if diagnosis is not None:
            where.append("diagnosis = ?")
            params.append(self._resolve_id(diagnosis) or diagnosis)
        if status is not None:
            where.append("status = ?")
            params.append(status)
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
        rows = self._q(
            f"SELECT data FROM cases {clause} ORDER BY id LIMIT ? OFFSET ?",
            [*params, -1 if limit is None else limit, offset],
        )
        return [Case.model_validate_json(r[0]) for r in rows]

    def count_cases(self, *, status: CaseStatus | None = None) -> int:
        clause, params = self._case_filter(None, status)
        return int(self._one(f"SELECT COUNT(*) FROM cases {clause}", params)[0])  # type: ignore[index]

    def case_counts(self, *, status: CaseStatus | None = "accepted") -> dict[str, int]:
        clause, params = self._case_filter(None, status)
        rows = self._q(
            f"SELECT diagnosis, COUNT(*) FROM cases {clause} GROUP BY diagnosis ORDER BY diagnosis", params
        )
        return {r[0]: int(r[1]) for r in rows}

    def update_case(
        self,
        id: str,
        changes: dict[str, Any],
        *,
        user: str,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> Case:
        with self.transaction():
            current = self.get_case(id)
            if current is None:
                raise NotFoundError(f"unknown case id {id!r}")
            sem.check_version("case", current, expected_version)
            if changes.get("diagnosis") is not None:
                changes = {**changes, "diagnosis": self._require_id(changes["diagnosis"])}
            new = sem.next_version(current, sem.apply_case_changes(current, changes))
            if new is None:
                return current
            self._write_case(new, prev_version=current.version)
            self._event(
                user,
                sem.case_action(current, new),
                "case",
                id,
                sem.snapshot(current),
                sem.snapshot(new),
                reason,
            )
            self._mark_changed(current, new)
            return new

    # -- label maps ------------------------------------------------------------------------
    def _label_mapping(self, dataset: str, label: str) -> LabelMapping | None:
        row = self._one("SELECT data FROM label_maps WHERE dataset = ? AND label = ?", (dataset, label))
        return None if row is None else LabelMapping.model_validate_json(row[0])

    def _write_label_mapping(self, m: LabelMapping) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO label_maps VALUES (?, ?, ?, ?)",
            (m.dataset, m.label, m.diagnosis, m.model_dump_json()),
        )

    def set_label_mappings(self, mappings: Iterable[LabelMapping], *, user: str = SYSTEM_USER) -> int:
        items = list(mappings)
        written = 0
        with self.transaction():
            for m in items:
                if m.diagnosis is not None:
                    m = m.model_copy(update={"diagnosis": self._require_id(m.diagnosis)})
                current = self._label_mapping(m.dataset, m.label)
                if current == m:
                    continue
                self._write_label_mapping(m)
                self._event(
                    user,
                    "create" if current is None else "edit",
                    "label_map",
                    f"{m.dataset}:{m.label}",
                    None if current is None else sem.snapshot(current),
                    sem.snapshot(m),
                )
                self._mark_changed(current, m)
                written += 1
        return written

    def get_label_map(self, dataset: str | None = None) -> list[LabelMapping]:
        where, params = ("WHERE dataset = ?", [dataset]) if dataset is not None else ("", [])
        rows = self._q(f"SELECT data FROM label_maps {where} ORDER BY dataset, label", params)
        return [LabelMapping.model_validate_json(r[0]) for r in rows]
