"""Reverting a merge in the embedded store (rules in :mod:`._revert`; the other reverts are shared,
in :mod:`._workflows`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dermkg.errors import ConflictError
from kg.models import Assertion, Case, CurationEvent, Diagnosis, LabelMapping
from kg.names import name_keys
from kg.store import _semantics as sem
from kg.store._revert import plan_merge_revert
from kg.store._sqlite_core import _SQLiteCore


class _RevertMixin(_SQLiteCore):
    if TYPE_CHECKING:  # provided by the other mixins of SQLiteGraphStore (stubs would shadow them)

        def get_assertion(self, id: str) -> Assertion | None: ...  # type: ignore[empty-body]
        def get_case(self, id: str) -> Case | None: ...  # type: ignore[empty-body]
        def _assertion_params(self, a: Assertion) -> tuple[Any, ...]: ...  # type: ignore[empty-body]
        def _diagnosis_row(self, id: str) -> Diagnosis | None: ...  # type: ignore[empty-body]
        def _index_names(self, d: Diagnosis, *, replace: bool = True) -> None: ...
        def _label_mapping(self, dataset: str, label: str) -> LabelMapping | None: ...  # type: ignore[empty-body]
        def _resolve_id(self, id: str) -> str | None: ...  # type: ignore[empty-body]
        def _write_assertion(self, a: Assertion, *, prev_version: int) -> None: ...
        def _write_case(self, c: Case, *, prev_version: int) -> None: ...
        def _write_diagnosis(self, d: Diagnosis, *, prev_version: int) -> None: ...
        def _write_label_mapping(self, m: LabelMapping) -> None: ...

    def _revert_merge(self, ev: CurationEvent, user: str, reason: str) -> CurationEvent:
        """Bring the dropped diagnosis back with its names, aliases, assertions, cases and mappings."""
        plan = plan_merge_revert(
            ev,
            diagnosis=self._diagnosis_row,
            resolve=self._resolve_id,
            assertion=self.get_assertion,
            case=self.get_case,
            label_map=self._label_mapping,
        )
        (keep, keep_restored), drop = plan.keep, plan.drop
        for key, surface, _ in name_keys(drop.name, drop.synonyms):
            row = self._one(
                "SELECT diagnosis FROM names WHERE key = ? AND diagnosis NOT IN (?, ?) LIMIT 1",
                (key, keep.id, drop.id),
            )
            if row is not None:
                raise ConflictError(f"name {surface!r} of {drop.id} is now a name of {row[0]}; cannot revert")
        self.conn.execute(
            "INSERT INTO diagnoses VALUES (?, ?, ?, ?)",
            (drop.id, drop.status, drop.version, drop.model_dump_json()),
        )
        self._write_diagnosis(keep_restored, prev_version=keep.version)
        self._index_names(keep_restored, replace=True)
        self._index_names(drop, replace=True)
        self.conn.execute("DELETE FROM aliases WHERE alias = ?", (drop.id,))
        self.conn.executemany(
            "UPDATE aliases SET target = ? WHERE alias = ?", [(drop.id, alias) for alias in plan.aliases]
        )
        for current, restored in plan.assertions:
            self._write_assertion(restored, prev_version=current.version)
        self.conn.executemany(
            "INSERT INTO assertions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [self._assertion_params(a) for a in plan.reinsert],
        )
        touched = [a for _, a in plan.assertions] + plan.reinsert
        self.conn.executemany("DELETE FROM assertion_sources WHERE assertion = ?", [(a.id,) for a in touched])
        self.conn.executemany(
            "INSERT OR IGNORE INTO assertion_sources VALUES (?, ?)",
            [(e.source_sha256, a.id) for a in touched for e in a.evidence],
        )
        for current_case, case_back in plan.cases:
            self._write_case(case_back, prev_version=current_case.version)
        for _, restored_map in plan.label_maps:
            self._write_label_mapping(restored_map)
        sem.check_no_cycle(
            self._q("SELECT subject, object FROM assertions WHERE kind = 'is_a' AND status = 'accepted'"),
            f"reverting merge event {ev.id} would make the taxonomy cyclic",
        )
        if self._tx is not None:
            self._tx.graph_changed = True
        return self._event(
            user, "revert", "diagnosis", keep.id, plan.event_before(), plan.event_after(ev.id), reason
        )
