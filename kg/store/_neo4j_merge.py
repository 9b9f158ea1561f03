"""Merging two diagnoses on Neo4j, and reverting a merge (rules in :mod:`kg.store._revert`).

The merge event records exactly what moved (see :func:`kg.store._revert.merge_details`), so that a
revert can bring the dropped diagnosis back and move back only what the merge moved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dermkg.errors import ConflictError
from kg.models import Assertion, Case, CurationEvent, Diagnosis, LabelMapping
from kg.names import name_keys
from kg.store import _semantics as sem
from kg.store._neo4j_assertions import INSERT_ASSERTIONS, AssertionsMixin, assertion_props
from kg.store._revert import MergeLog, plan_merge_revert


class MergeMixin(AssertionsMixin):
    """``merge_diagnoses`` and the revert of a merge for :class:`kg.store.neo4j.Neo4jGraphStore`."""

    if TYPE_CHECKING:  # provided by the store class (stubs here would shadow them)

        def get_case(self, id: str) -> Case | None: ...
        def _write_case(self, c: Case, *, prev_version: int) -> None: ...
        def _label_mapping(self, dataset: str, label: str) -> LabelMapping | None: ...
        def _write_label_mapping(self, m: LabelMapping) -> None: ...

    # -- merge -----------------------------------------------------------------------------
    def merge_diagnoses(self, keep: str, drop: str, *, user: str, reason: str | None = None) -> Diagnosis:
        return self._atomic(lambda: self._merge(keep, drop, user, reason))

    def _merge(self, keep: str, drop: str, user: str, reason: str | None) -> Diagnosis:
        log = MergeLog.start(keep, drop, require_id=self._require_id, diagnosis=self._diagnosis_row)
        k, k_id, d_id = log.keep, log.keep.id, log.drop.id
        originals = [
            Assertion.model_validate_json(row["data"])
            for row in self._q(
                "MATCH (a:Assertion) WHERE a.subject = $d OR a.object = $d "
                "RETURN a.data AS data ORDER BY a.id",
                d=d_id,
            )
        ]
        for a in originals:
            self._w("MATCH (a:Assertion {id: $id}) DELETE a", id=a.id)
            self._touch(a.id)
            moved_a = log.repoint(a)
            if moved_a is None:
                continue
            existing = self._assertion_by_key(moved_a.kind, moved_a.subject, moved_a.object)
            if existing is None:
                self._w(INSERT_ASSERTIONS, rows=[assertion_props(moved_a)])
            else:
                target = sem.merge_assertion(existing, moved_a)
                if target is not None:
                    self._write_assertions([(existing, target)])
                log.absorb(a, existing, target)
        sem.check_no_cycle(
            ((s, o) for s, ps in self._accepted_parents().items() for o in ps),
            f"merging {d_id} into {k_id} would make the taxonomy cyclic",
        )
        for row in self._q("MATCH (c:Case {diagnosis: $d}) RETURN c.data AS data", d=d_id):
            c = log.repoint_case(Case.model_validate_json(row["data"]))
            self._w(
                "MATCH (c:Case {id: $id}) SET c.diagnosis = $dx, c.version = $v, c.data = $data",
                id=c.id,
                dx=k_id,
                v=c.version,
                data=c.model_dump_json(),
            )
        for row in self._q("MATCH (m:LabelMap {diagnosis: $d}) RETURN m.data AS data", d=d_id):
            m = log.repoint_label_map(LabelMapping.model_validate_json(row["data"]))
            self._w(
                "MATCH (m:LabelMap {key: $key}) SET m.diagnosis = $dx, m.data = $data",
                key=f"{m.dataset}\x1f{m.label}",
                dx=k_id,
                data=m.model_dump_json(),
            )
        log.redirected_aliases = [
            r["a"] for r in self._q("MATCH (a:Alias {target: $d}) RETURN a.alias AS a", d=d_id)
        ]
        self._w("MATCH (a:Alias {target: $d}) SET a.target = $k", d=d_id, k=k_id)
        self._w("MATCH (n:Name {diagnosis: $d}) DETACH DELETE n", d=d_id)
        self._w("MATCH (x:Diagnosis {id: $d}) DETACH DELETE x", d=d_id)
        self._w("MERGE (a:Alias {alias: $d}) SET a.target = $k", d=d_id, k=k_id)
        self._write_diagnosis(log.merged, prev_version=k.version)
        self._index_names(log.merged)
        self._event(user, "merge", "diagnosis", k_id, *log.event(), reason)
        assert self._tx is not None
        self._tx.graph_changed = True
        return log.merged

    def _revert_merge(self, ev: CurationEvent, user: str, reason: str) -> CurationEvent:
        """Bring the dropped diagnosis back with its names, aliases, assertions, cases and mappings."""
        from kg.store.neo4j import INSERT_DIAGNOSES, diagnosis_props

        plan = plan_merge_revert(
            ev,
            diagnosis=self._diagnosis_row,
            resolve=self._resolve_id,
            assertion=self.get_assertion,
            case=self.get_case,
            label_map=self._label_mapping,
        )
        (keep, keep_restored), drop = plan.keep, plan.drop
        taken = self._one(
            "MATCH (n:Name) WHERE n.key IN $keys AND NOT n.diagnosis IN $ids "
            "RETURN n.surface AS s, n.diagnosis AS d LIMIT 1",
            keys=[k for k, _, _ in name_keys(drop.name, drop.synonyms)],
            ids=[keep.id, drop.id],
        )
        if taken is not None:
            raise ConflictError(
                f"name {taken['s']!r} of {drop.id} is now a name of {taken['d']}; cannot revert"
            )
        self._w(INSERT_DIAGNOSES, rows=[diagnosis_props(drop)])
        self._write_diagnosis(keep_restored, prev_version=keep.version)
        self._index_names(keep_restored)
        self._index_names(drop)
        self._w("MATCH (a:Alias {alias: $d}) DELETE a", d=drop.id)
        self._w("UNWIND $ids AS i MATCH (a:Alias {alias: i}) SET a.target = $d", ids=plan.aliases, d=drop.id)
        self._write_assertions(plan.assertions)
        self._w_rows(INSERT_ASSERTIONS, [assertion_props(a) for a in plan.reinsert])
        self._touch(*(a.id for a in plan.reinsert))
        for current_case, restored_case in plan.cases:
            self._write_case(restored_case, prev_version=current_case.version)
        for _, restored_map in plan.label_maps:
            self._write_label_mapping(restored_map)
        sem.check_no_cycle(
            ((s, o) for s, ps in self._accepted_parents().items() for o in ps),
            f"reverting merge event {ev.id} would make the taxonomy cyclic",
        )
        assert self._tx is not None
        self._tx.graph_changed = True
        return self._event(
            user, "revert", "diagnosis", keep.id, plan.event_before(), plan.event_after(ev.id), reason
        )
