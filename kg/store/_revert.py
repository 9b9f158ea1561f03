"""Backend-independent rules for merging diagnoses and reverting events (pure, no I/O: reads
come in as callables, the backends do the writes).

A merge is logged by :class:`MergeLog`, which also decides where each record goes. The merge
event records, besides the ``keep`` / ``drop`` snapshots, exactly what the merge moved: the
assertions touching ``drop`` before the merge, the existing assertions that absorbed a duplicate
(before / after), the cases and label mappings re-pointed, and the alias ids that pointed at
``drop``. :func:`plan_merge_revert` checks that none of it changed since (ConflictError
otherwise) and returns what to write; the backends only apply the plan. A create is reverted by
rejecting what was created (:func:`rejected_copy`): nothing is deleted, history stays whole. An
edit or review is reverted by restoring its ``before`` snapshot (:func:`restored_record` and the
per-type helpers), refused when the item changed since.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from dermkg.errors import ConflictError, InputError
from kg.ids import canonical_pair
from kg.models import Assertion, Case, CurationEvent, Diagnosis, Finding, LabelMapping, utcnow
from kg.store._semantics import merge_diagnoses_into, snapshot

MERGE_DETAILS = ("assertions_before", "absorbed", "moved_cases", "moved_label_maps", "redirected_aliases")
REJECTED_STATUS = {
    "assertion": "rejected",
    "diagnosis": "rejected",
    "finding": "rejected",
    "case": "excluded",
}

R = TypeVar("R", Assertion, Case, Diagnosis, Finding)


def merge_details(
    *,
    assertions_before: list[Assertion],
    absorbed: list[tuple[Assertion, Assertion]],
    moved_cases: list[Case],
    moved_label_maps: list[LabelMapping],
    redirected_aliases: list[str],
) -> dict[str, Any]:
    """The part of a merge event's ``after`` that makes the merge revertible."""
    return {
        "assertions_before": [a.model_dump(mode="json") for a in assertions_before],
        "absorbed": [
            {"before": b.model_dump(mode="json"), "after": a.model_dump(mode="json")} for b, a in absorbed
        ],
        "moved_cases": [c.model_dump(mode="json") for c in moved_cases],
        "moved_label_maps": [m.model_dump(mode="json") for m in moved_label_maps],
        "redirected_aliases": sorted(redirected_aliases),
    }


@dataclass
class MergeLog:
    """What one merge of ``drop`` into ``keep`` moved, logged as the backend writes it; it decides
    where each record goes (pure) and becomes the merge event that :func:`plan_merge_revert` undoes."""

    keep: Diagnosis
    drop: Diagnosis
    merged: Diagnosis  # ``keep`` with ``drop``'s names and evidence
    assertions_before: list[Assertion] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)  # ids of the assertions re-pointed at ``keep``
    dropped: list[dict[str, Any]] = field(default_factory=list)  # snapshots of the deleted ones
    absorbed: list[tuple[Assertion, Assertion]] = field(default_factory=list)
    moved_cases: list[Case] = field(default_factory=list)
    moved_label_maps: list[LabelMapping] = field(default_factory=list)
    redirected_aliases: list[str] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        keep: str,
        drop: str,
        *,
        require_id: Callable[[str], str],
        diagnosis: Callable[[str], Diagnosis | None],
    ) -> MergeLog:
        """Resolve both names or ids (through aliases) and refuse merging a diagnosis into itself;
        ``diagnosis`` reads a live diagnosis row."""
        k_id, d_id = require_id(keep), require_id(drop)
        if k_id == d_id:
            raise InputError(f"{keep!r} and {drop!r} are already the same diagnosis ({k_id})")
        k, d = diagnosis(k_id), diagnosis(d_id)
        assert k is not None and d is not None
        return cls(keep=k, drop=d, merged=merge_diagnoses_into(k, d))

    def repoint(self, a: Assertion) -> Assertion | None:
        """``a`` re-pointed from ``drop`` to ``keep`` (canonical ends, version + 1); None, logged as
        dropped, when it would become a self-loop (the backend deletes it)."""
        self.assertions_before.append(a)
        s = self.keep.id if a.subject == self.drop.id else a.subject
        o = self.keep.id if a.object == self.drop.id else a.object
        if s == o:
            self.dropped.append(snapshot(a))
            return None
        self.moved.append(a.id)
        s, o = canonical_pair(a.kind, s, o)
        return a.model_copy(update={"subject": s, "object": o, "version": a.version + 1})

    def absorb(self, a: Assertion, existing: Assertion, target: Assertion | None) -> None:
        """Log that ``a`` duplicated ``existing`` (``a`` is deleted); ``target``, the merge of the
        two when it differs from ``existing``, is written over it."""
        if target is not None:
            self.absorbed.append((existing, target))
        self.dropped.append(snapshot(a))

    def repoint_case(self, c: Case) -> Case:
        """``c`` moved to ``keep`` at version + 1."""
        moved = c.model_copy(update={"diagnosis": self.keep.id, "version": c.version + 1})
        self.moved_cases.append(moved)
        return moved

    def repoint_label_map(self, m: LabelMapping) -> LabelMapping:
        """``m`` mapped to ``keep`` instead (label maps carry no version)."""
        moved = m.model_copy(update={"diagnosis": self.keep.id})
        self.moved_label_maps.append(moved)
        return moved

    def event(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The merge event's ``before`` / ``after``: both snapshots, what moved, and the
        :func:`merge_details` a revert needs."""
        before = {"keep": snapshot(self.keep), "drop": snapshot(self.drop)}
        after = {
            "keep": snapshot(self.merged),
            "moved_assertions": self.moved,
            "dropped_assertions": self.dropped,
            **merge_details(
                assertions_before=self.assertions_before,
                absorbed=self.absorbed,
                moved_cases=self.moved_cases,
                moved_label_maps=self.moved_label_maps,
                redirected_aliases=self.redirected_aliases,
            ),
        }
        return before, after


@dataclass
class MergeRevert:
    """What reverting one merge writes; every pair is (current, restored)."""

    keep: tuple[Diagnosis, Diagnosis]
    drop: Diagnosis  # the dropped diagnosis, live again
    assertions: list[tuple[Assertion, Assertion]] = field(default_factory=list)  # moved back / un-absorbed
    reinsert: list[Assertion] = field(default_factory=list)  # deleted by the merge (self-loops, duplicates)
    cases: list[tuple[Case, Case]] = field(default_factory=list)
    label_maps: list[tuple[LabelMapping, LabelMapping]] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # alias ids to point at ``drop`` again

    def event_before(self) -> dict[str, Any]:
        return {"keep": self.keep[0].model_dump(mode="json")}

    def event_after(self, merge_event: str) -> dict[str, Any]:
        return {
            "keep": self.keep[1].model_dump(mode="json"),
            "drop": self.drop.model_dump(mode="json"),
            "reverted_merge": merge_event,
        }


def _conflict(ev: CurationEvent, what: str) -> ConflictError:
    return ConflictError(f"{what} changed after merge event {ev.id}; cannot revert it safely")


def plan_merge_revert(
    ev: CurationEvent,
    *,
    diagnosis: Callable[[str], Diagnosis | None],
    resolve: Callable[[str], str | None],
    assertion: Callable[[str], Assertion | None],
    case: Callable[[str], Case | None],
    label_map: Callable[[str, str], LabelMapping | None],
) -> MergeRevert:
    """Check that nothing the merge touched changed since, and plan the inverse writes.

    ``diagnosis`` reads a live diagnosis row (not through aliases), ``resolve`` follows aliases."""
    before, after = ev.before or {}, ev.after or {}
    if not all(key in after for key in MERGE_DETAILS) or "drop" not in before:
        raise InputError(
            f"merge event {ev.id} was recorded without the details a revert needs; "
            "make the inverse change instead"
        )
    keep_before = Diagnosis.model_validate(before["keep"])
    keep_after = Diagnosis.model_validate(after["keep"])
    drop = Diagnosis.model_validate(before["drop"])
    current = diagnosis(keep_after.id)
    if current is None or current.version != keep_after.version:
        raise _conflict(ev, f"diagnosis {keep_after.id}")
    if diagnosis(drop.id) is not None or resolve(drop.id) != current.id:
        raise _conflict(ev, f"the alias {drop.id}")
    plan = MergeRevert(
        keep=(current, keep_before.model_copy(update={"version": current.version + 1})),
        drop=drop.model_copy(update={"version": drop.version + 1}),
    )
    deleted = {snap["id"] for snap in after["dropped_assertions"]}
    for snap in after["assertions_before"]:
        original = Assertion.model_validate(snap)
        now = assertion(original.id)
        if original.id in deleted:  # a self-loop or a duplicate: deleted by the merge, must be absent
            if now is not None:
                raise _conflict(ev, f"assertion {original.id}")
            plan.reinsert.append(original.model_copy(update={"version": original.version + 1}))
        else:  # moved onto ``keep`` with version + 1
            if now is None or now.version != original.version + 1:
                raise _conflict(ev, f"assertion {original.id}")
            plan.assertions.append((now, original.model_copy(update={"version": now.version + 1})))
    for pair in after["absorbed"]:
        was, became = Assertion.model_validate(pair["before"]), Assertion.model_validate(pair["after"])
        now = assertion(became.id)
        if now is None or now.version != became.version:
            raise _conflict(ev, f"assertion {became.id}")
        plan.assertions.append((now, was.model_copy(update={"version": now.version + 1})))
    for snap in after["moved_cases"]:
        moved = Case.model_validate(snap)
        now_case = case(moved.id)
        if now_case is None or now_case.version != moved.version or now_case.diagnosis != current.id:
            raise _conflict(ev, f"case {moved.id}")
        plan.cases.append(
            (now_case, now_case.model_copy(update={"diagnosis": drop.id, "version": now_case.version + 1}))
        )
    for snap in after["moved_label_maps"]:
        moved_map = LabelMapping.model_validate(snap)
        now_map = label_map(moved_map.dataset, moved_map.label)
        if now_map != moved_map:
            raise _conflict(ev, f"label mapping {moved_map.dataset}:{moved_map.label}")
        plan.label_maps.append((now_map, now_map.model_copy(update={"diagnosis": drop.id})))
    for alias in after["redirected_aliases"]:
        if resolve(alias) != current.id:
            raise _conflict(ev, f"the alias {alias}")
        plan.aliases.append(alias)
    return plan


def check_revertible(ev: CurationEvent) -> None:
    """Refuse events that have no inverse: comments, splits, label-map creates, merge reverts."""
    if ev.action == "comment":
        raise InputError(f"event {ev.id} is a comment: comments are history and cannot be reverted")
    if ev.action == "split":
        raise InputError(f"event {ev.id} (split) cannot be reverted; merge the diagnoses instead")
    if ev.action == "revert" and "reverted_merge" in (ev.after or {}):
        raise InputError(f"event {ev.id} reverted a merge; merge the diagnoses again instead")
    if ev.action == "create" and ev.target_type not in REJECTED_STATUS:
        raise InputError(f"a created {ev.target_type} cannot be reverted; change or remove it instead")
    if ev.action not in {"create", "merge"} and (ev.before is None or ev.after is None):
        raise InputError(f"event {ev.id} ({ev.action}) cannot be reverted; make the inverse change instead")


def rejected_copy(ev: CurationEvent, current: Any, *, user: str, reason: str) -> Any:
    """Revert of a create: the created item, unchanged since, goes to rejected (cases: excluded)."""
    if current is None or current.version != (ev.after or {}).get("version"):
        raise ConflictError(f"{ev.target_type} {ev.target} changed after event {ev.id}; cannot revert it")
    status = REJECTED_STATUS[ev.target_type]
    if current.status == status:
        raise InputError(f"{ev.target_type} {ev.target} is already {status}")
    update: dict[str, Any] = {"status": status, "version": current.version + 1}
    if ev.target_type == "assertion":
        update.update(reviewed_by=user, reviewed_at=utcnow(), note=reason)
    return current.model_copy(update=update)


def restored_record(ev: CurationEvent, current: R | None, model: type[R]) -> R:
    """The ``before`` snapshot of an edit/review event as the next version of ``current``; refused
    (ConflictError) when ``current`` changed after the event, so a revert never overwrites later work."""
    assert ev.after is not None
    if current is None or current.version != ev.after.get("version"):
        raise ConflictError(f"{ev.target_type} {ev.target} changed after event {ev.id}; cannot revert it")
    return model.model_validate({**(ev.before or {}), "version": current.version + 1})


def restored_assertion(
    ev: CurationEvent,
    current: Assertion | None,
    *,
    require_ends: Callable[[str, str, str], tuple[str, str]],
    by_key: Callable[[str, str, str], Assertion | None],
) -> Assertion:
    """:func:`restored_record` for an assertion, also refusing to restate a key (kind, subject,
    object) that another assertion now holds, or one whose diagnoses are gone (NotFoundError)."""
    restored = restored_record(ev, current, Assertion)
    assert current is not None
    key = (restored.kind, restored.subject, restored.object)
    if key != (current.kind, current.subject, current.object):
        require_ends(*key)
        other = by_key(*key)
        if other is not None:
            raise ConflictError(f"assertion {other.id} now states {key}; cannot revert event {ev.id}")
    return restored


def restored_case(ev: CurationEvent, current: Case | None, *, require_id: Callable[[str], str]) -> Case:
    """:func:`restored_record` for a case, its diagnosis resolved through aliases (it may have been
    merged away since)."""
    restored = restored_record(ev, current, Case)
    return restored.model_copy(update={"diagnosis": require_id(restored.diagnosis)})


def restored_label_map(
    ev: CurationEvent,
    *,
    label_map: Callable[[str, str], LabelMapping | None],
    require_id: Callable[[str], str],
) -> tuple[LabelMapping, LabelMapping]:
    """(current, restored) for a label-map event: mappings carry no version, so the whole current
    mapping must still equal the event's ``after``."""
    assert ev.before is not None and ev.after is not None
    after = LabelMapping.model_validate(ev.after)
    current = label_map(after.dataset, after.label)
    if current is None or current != after:
        raise ConflictError(f"label mapping {ev.target} changed after event {ev.id}; cannot revert it")
    restored = LabelMapping.model_validate(ev.before)
    if restored.diagnosis is not None:
        restored = restored.model_copy(update={"diagnosis": require_id(restored.diagnosis)})
    return current, restored
