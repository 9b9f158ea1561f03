"""Backend-independent rules for reverting a ``merge`` or a ``create`` event (pure, no I/O).

A merge event records, besides the ``keep`` / ``drop`` snapshots, exactly what the merge moved:
the assertions touching ``drop`` before the merge, the existing assertions that absorbed a
duplicate (before / after), the cases and label mappings re-pointed, and the alias ids that
pointed at ``drop``. :func:`plan_merge_revert` checks that none of it changed since (ConflictError
otherwise) and returns what to write; the backends only apply the plan. A create is reverted by
rejecting what was created (:func:`rejected_copy`): nothing is deleted, history stays whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kg.errors import ConflictError, InputError
from kg.models import Assertion, Case, CurationEvent, Diagnosis, LabelMapping, utcnow

MERGE_DETAILS = ("assertions_before", "absorbed", "moved_cases", "moved_label_maps", "redirected_aliases")
REJECTED_STATUS = {"assertion": "rejected", "diagnosis": "rejected", "case": "excluded"}


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
