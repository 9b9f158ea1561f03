"""Operations written once for both backends: review, edit, diagnosis updates, comments, revert
(all but the merge revert, whose writes are backend-specific), assertion lookups and name suggestions.

Each operation is a read-check-write sequence over a few primitives every backend provides with
the same meaning (its transaction, record reads, version-checked writes, the audit event); the
rules themselves live in :mod:`._semantics` and :mod:`._revert`. The class comes last in each
backend's bases, so the backend's primitives override the abstract declarations here.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from dermkg.errors import InputError, NotFoundError
from kg.ids import canonical_pair
from kg.models import (
    Assertion,
    AssertionKind,
    Case,
    CurationEvent,
    Decision,
    Diagnosis,
    Evidence,
    Finding,
    FindingRelation,
    LabelMapping,
    NameMatch,
)
from kg.names import fuzzy_matches, normalize
from kg.store import _semantics as sem
from kg.store._revert import (
    check_revertible,
    rejected_copy,
    restored_assertion,
    restored_case,
    restored_label_map,
    restored_record,
)
from kg.store.base import GraphStore

T = TypeVar("T")


class CurationWorkflows(GraphStore):
    """The shared half of a store backend; the backend supplies the primitives below."""

    # -- primitives (each backend implements these) ---------------------------------------
    @abc.abstractmethod
    def _atomic(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` in one transaction: joined when one is open (Neo4j retries transient errors)."""

    @abc.abstractmethod
    def _resolve_id(self, id: str) -> str | None:
        """The live diagnosis id of ``id`` (or of a diagnosis merged into it); None if unknown."""

    @abc.abstractmethod
    def _require_id(self, id: str, what: str = "diagnosis") -> str:
        """The live diagnosis id of ``id`` (or of a diagnosis merged into it); NotFoundError if none."""

    @abc.abstractmethod
    def _assertion_by_key(self, kind: str, subject: str, object: str) -> Assertion | None: ...

    @abc.abstractmethod
    def _accepted_parents(self, *, without: str | None = None) -> dict[str, set[str]]: ...

    @abc.abstractmethod
    def _require_ends(self, kind: str, subject: str, object: str) -> tuple[str, str]:
        """(subject, object) resolved to live ids for an assertion of ``kind`` (see ``_findings``)."""

    @abc.abstractmethod
    def _diagnosis_row(self, id: str) -> Diagnosis | None: ...

    @abc.abstractmethod
    def _finding_row(self, id: str) -> Finding | None: ...

    @abc.abstractmethod
    def _write_finding(self, f: Finding, *, prev_version: int) -> None: ...

    @abc.abstractmethod
    def _label_mapping(self, dataset: str, label: str) -> LabelMapping | None: ...

    @abc.abstractmethod
    def _write_assertion(self, a: Assertion, *, prev_version: int) -> None:
        """Update a stored assertion; ConflictError when its version is no longer ``prev_version``."""

    @abc.abstractmethod
    def _write_diagnosis(self, d: Diagnosis, *, prev_version: int) -> None: ...

    @abc.abstractmethod
    def _write_case(self, c: Case, *, prev_version: int) -> None: ...

    @abc.abstractmethod
    def _write_label_mapping(self, m: LabelMapping) -> None: ...

    @abc.abstractmethod
    def _index_names(self, d: Diagnosis) -> None:
        """Replace the name-resolution entries of ``d`` by its current name and synonyms."""

    @abc.abstractmethod
    def _check_name_collisions(self, before: Diagnosis, after: Diagnosis) -> None: ...

    @abc.abstractmethod
    def _event(
        self,
        user: str,
        action: str,
        target_type: str,
        target: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        reason: str | None = None,
    ) -> CurationEvent: ...

    @abc.abstractmethod
    def _mark_changed(self, before: Any, after: Any) -> None:
        """Note that the transaction changed the accepted graph (the revision moves at commit)."""

    @abc.abstractmethod
    def _revert_merge(self, ev: CurationEvent, user: str, reason: str) -> CurationEvent: ...

    @abc.abstractmethod
    def _exact_names(self, key: str) -> list[tuple[str, str]]:
        """(diagnosis id, surface) of every name whose normalised key is ``key``, primary names first."""

    @abc.abstractmethod
    def _name_choices(self, key: str) -> tuple[list[str], list[str], list[str]]:
        """(keys, diagnosis ids, surfaces) to score fuzzily against ``key``: every name, or a shortlist."""

    # -- assertions ------------------------------------------------------------------------
    def _require_assertion(self, id: str) -> Assertion:
        a = self.get_assertion(id)
        if a is None:
            raise NotFoundError(f"unknown assertion id {id!r}")
        return a

    def find_assertion(self, kind: AssertionKind, subject: str, object: str) -> Assertion | None:
        s = self._resolve_id(subject)
        o = object if kind == "finding" else self._resolve_id(object)
        if s is None or o is None:
            return None
        return self._assertion_by_key(kind, *canonical_pair(kind, s, o))

    def _check_acyclic_assertion(self, a: Assertion, *, without: str | None) -> None:
        if a.kind == "is_a" and a.status == "accepted":
            sem.check_acyclic_add(self._accepted_parents(without=without), a.subject, a.object)

    def review(
        self,
        id: str,
        decision: Decision,
        *,
        user: str,
        reason: str | None = None,
        expected_version: int | None = None,
        required_votes: int = 1,
    ) -> Assertion:
        def run() -> Assertion:
            current = self._require_assertion(id)
            sem.check_version("assertion", current, expected_version)
            new, action = sem.apply_vote(
                current, user=user, decision=decision, reason=reason, required_votes=required_votes
            )
            if new.kind == "is_a" and new.status == "accepted" and current.status != "accepted":
                sem.check_acyclic_add(self._accepted_parents(), new.subject, new.object)
            self._write_assertion(new, prev_version=current.version)
            self._event(user, action, "assertion", id, sem.snapshot(current), sem.snapshot(new), reason)
            self._mark_changed(current, new)
            return new

        return self._atomic(run)

    def edit_assertion(
        self,
        id: str,
        *,
        user: str,
        kind: AssertionKind | None = None,
        subject: str | None = None,
        object: str | None = None,
        note: str | None = None,
        expected_version: int | None = None,
        reason: str | None = None,
        relation: FindingRelation | None = None,
    ) -> Assertion:
        def run() -> Assertion:
            current = self._require_assertion(id)
            sem.check_version("assertion", current, expected_version)
            s, o = subject, object
            if kind is not None or subject is not None or object is not None:
                k = kind or current.kind
                sem.check_kind_change(current, k)
                s, o = self._require_ends(k, subject or current.subject, object or current.object)
            new = sem.edited_assertion(
                current,
                kind=kind,
                subject=s,
                object=o,
                note=note,
                by_key=self._assertion_by_key,
                relation=relation,
            )
            if new is current:
                return current
            self._check_acyclic_assertion(new, without=current.id)
            self._write_assertion(new, prev_version=current.version)
            self._event(user, "edit", "assertion", id, sem.snapshot(current), sem.snapshot(new), reason)
            self._mark_changed(current, new)
            return new

        return self._atomic(run)

    # -- diagnoses -------------------------------------------------------------------------
    def update_diagnosis(
        self,
        id: str,
        changes: dict[str, Any],
        *,
        user: str,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> Diagnosis:
        def run() -> Diagnosis:
            current = self._diagnosis_row(self._require_id(id))
            assert current is not None
            sem.check_version("diagnosis", current, expected_version)
            new = sem.next_version(current, sem.apply_diagnosis_changes(current, changes))
            if new is None:
                return current
            self._check_name_collisions(current, new)
            self._write_diagnosis(new, prev_version=current.version)
            self._index_names(new)
            self._event(user, "edit", "diagnosis", new.id, sem.snapshot(current), sem.snapshot(new), reason)
            self._mark_changed(current, new)
            return new

        return self._atomic(run)

    def add_diagnosis_evidence(self, id: str, evidence: Iterable[Evidence]) -> int:
        items = list(evidence)  # a retried transaction reads them again

        def run() -> int:
            current = self._diagnosis_row(self._require_id(id))
            assert current is not None
            merged, added = sem.union_evidence(current.evidence, items)
            if added:
                new = current.model_copy(update={"evidence": merged, "version": current.version + 1})
                self._write_diagnosis(new, prev_version=current.version)
                self._mark_changed(current, new)
            return added

        return self._atomic(run)

    def suggest_names(self, name: str, *, limit: int = 5, min_score: float = 70.0) -> list[NameMatch]:
        out: list[NameMatch] = []
        seen: set[str] = set()
        key = normalize(name)
        for did, surface in self._exact_names(key):
            if did not in seen:
                d = self._diagnosis_row(did)
                assert d is not None
                seen.add(did)
                out.append(NameMatch(diagnosis=d, matched=surface, score=100.0, exact=True))
        keys, ids, surfaces = self._name_choices(key)
        for idx, score in fuzzy_matches(name, keys, limit=limit * 4 + len(seen), min_score=min_score):
            if len(out) >= limit:
                break
            if ids[idx] in seen:
                continue
            seen.add(ids[idx])
            d = self._diagnosis_row(ids[idx])
            if d is not None:
                out.append(NameMatch(diagnosis=d, matched=surfaces[idx], score=min(score, 99.9), exact=False))
        return out[:limit]

    # -- audit -----------------------------------------------------------------------------
    def comment(self, target_type: str, target: str, text: str, *, user: str) -> CurationEvent:
        if not text.strip():
            raise InputError("a comment needs text")
        return self._atomic(
            lambda: self._event(user, "comment", target_type, target, None, {"text": text}, text)
        )

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
                    "finding": self._revert_finding,
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
            self._write_assertion(restored, prev_version=current.version)
        elif ev.target_type == "diagnosis":
            current = self._diagnosis_row(ev.target)
            restored = rejected_copy(ev, current, user=user, reason=reason)
            self._write_diagnosis(restored, prev_version=current.version)
        elif ev.target_type == "finding":
            current = self._finding_row(ev.target)
            restored = rejected_copy(ev, current, user=user, reason=reason)
            self._write_finding(restored, prev_version=current.version)
        else:
            current = self.get_case(ev.target)
            restored = rejected_copy(ev, current, user=user, reason=reason)
            self._write_case(restored, prev_version=current.version)
        return current, restored

    def _revert_assertion(self, ev: CurationEvent) -> tuple[Assertion, Assertion]:
        current = self.get_assertion(ev.target)
        restored = restored_assertion(
            ev, current, require_ends=self._require_ends, by_key=self._assertion_by_key
        )
        assert current is not None
        self._check_acyclic_assertion(restored, without=current.id)
        self._write_assertion(restored, prev_version=current.version)
        return current, restored

    def _revert_diagnosis(self, ev: CurationEvent) -> tuple[Diagnosis, Diagnosis]:
        current = self._diagnosis_row(ev.target)
        restored = restored_record(ev, current, Diagnosis)
        assert current is not None
        self._check_name_collisions(current, restored)
        self._write_diagnosis(restored, prev_version=current.version)
        self._index_names(restored)
        return current, restored

    def _revert_finding(self, ev: CurationEvent) -> tuple[Finding, Finding]:
        current = self._finding_row(ev.target)
        restored = restored_record(ev, current, Finding)
        assert current is not None
        self._write_finding(restored, prev_version=current.version)
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
