"""Merging diagnoses and reverting events over :class:`kg.store._rows.Rows`.

The rules (what a merge moves and logs, what a revert restores and when it must refuse) are the
pure functions of :mod:`._revert`; here they read and write rows, once for every backend. A merge
event records exactly what moved, so its revert moves back only that.
"""

from __future__ import annotations

from typing import Any

from dermkg.errors import ConflictError, InputError, NotFoundError
from kg.models import CurationEvent, Diagnosis, Finding
from kg.names import name_keys
from kg.store import _access as acc
from kg.store import _semantics as sem
from kg.store._revert import (
    MergeLog,
    check_revertible,
    plan_merge_revert,
    rejected_copy,
    restored_assertion,
    restored_case,
    restored_label_map,
    restored_record,
)
from kg.store._rows import Rows, event_from


def merge_diagnoses(rows: Rows, keep: str, drop: str, user: str, reason: str | None) -> Diagnosis:
    log = MergeLog.start(
        keep, drop, require_id=lambda i: acc.require_id(rows, i), diagnosis=lambda i: acc.diagnosis(rows, i)
    )
    k_id, d_id = log.keep.id, log.drop.id
    originals = sorted(rows.assertions_touching(d_id), key=lambda a: a.id)
    rows.delete_assertions([a.id for a in originals])
    for a in originals:
        moved = log.repoint(a)
        if moved is None:
            continue
        existing = acc.by_key(rows, moved.kind, moved.subject, moved.object)
        if existing is None:
            rows.insert_assertions([(moved, moved.model_dump_json())])
        else:
            target = sem.merge_assertion(existing, moved)
            if target is not None:
                rows.write_assertions([(existing.version, target)])
            log.absorb(a, existing, target)
    acc.check_taxonomy(rows, f"merging {d_id} into {k_id} would make the taxonomy cyclic")
    cases = rows.list_cases(d_id, None, 0, None)
    rows.write_cases([(c.version, log.repoint_case(c)) for c in cases])
    rows.put_label_maps([log.repoint_label_map(m) for m in rows.label_maps(diagnosis=d_id)])
    log.redirected_aliases = rows.aliases_of(d_id)
    rows.point_aliases(log.redirected_aliases, k_id)  # before the row goes: aliases refer to live ids
    rows.delete_diagnosis(d_id)
    rows.point_aliases([d_id], k_id)
    rows.write_diagnoses([(log.keep.version, log.merged)])
    acc.record(rows, user, "merge", "diagnosis", k_id, *log.event(), reason)
    rows.mark_graph_changed()
    return log.merged


def _revert_merge(rows: Rows, ev: CurationEvent, user: str, reason: str) -> CurationEvent:
    """Bring the dropped diagnosis back with its names, aliases, assertions, cases and mappings."""
    plan = plan_merge_revert(
        ev,
        diagnosis=lambda i: acc.diagnosis(rows, i),
        resolve=lambda i: acc.resolve_id(rows, i),
        assertion=lambda i: acc.assertion(rows, i),
        case=lambda i: acc.case(rows, i),
        label_map=rows.label_map,
    )
    (keep, keep_restored), drop = plan.keep, plan.drop
    surfaces = {k: s for k, s, _ in name_keys(drop.name, drop.synonyms)}
    taken = rows.name_owner(sorted(surfaces), [keep.id, drop.id])
    if taken is not None:
        raise ConflictError(
            f"name {surfaces[taken[0]]!r} of {drop.id} is now a name of {taken[1]}; cannot revert"
        )
    rows.delete_alias(drop.id)
    rows.insert_diagnoses([(drop, drop.model_dump_json())])
    rows.write_diagnoses([(keep.version, keep_restored)])
    rows.point_aliases(plan.aliases, drop.id)
    rows.write_assertions([(current.version, restored) for current, restored in plan.assertions])
    rows.insert_assertions([(a, a.model_dump_json()) for a in plan.reinsert])
    rows.write_cases([(current.version, back) for current, back in plan.cases])
    rows.put_label_maps([back for _, back in plan.label_maps])
    acc.check_taxonomy(rows, f"reverting merge event {ev.id} would make the taxonomy cyclic")
    rows.mark_graph_changed()
    return acc.record(
        rows, user, "revert", "diagnosis", keep.id, plan.event_before(), plan.event_after(ev.id), reason
    )


def _revert_create(rows: Rows, ev: CurationEvent, user: str, reason: str) -> tuple[Any, Any]:
    """A created diagnosis / assertion / finding is rejected (a case excluded), never deleted."""
    current: Any = {
        "assertion": acc.assertion,
        "diagnosis": acc.diagnosis,
        "finding": acc.finding,
        "case": acc.case,
    }[ev.target_type](rows, ev.target)
    restored = rejected_copy(ev, current, user=user, reason=reason)
    _write_back(rows, ev.target_type, current, restored)
    return current, restored


def _write_back(rows: Rows, target_type: str, current: Any, restored: Any) -> None:
    if target_type == "assertion":
        rows.write_assertions([(current.version, restored)])
    elif target_type == "diagnosis":
        rows.write_diagnoses([(current.version, restored)])
    elif target_type == "finding":
        rows.write_findings([(current.version, restored)])
    elif target_type == "case":
        rows.write_cases([(current.version, restored)])
    else:
        rows.put_label_maps([restored])


def _restored(rows: Rows, ev: CurationEvent) -> tuple[Any, Any]:
    """(current, restored) of an edit / review / vote event, refused when the target changed since."""
    if ev.target_type == "assertion":
        a = acc.assertion(rows, ev.target)
        restored: Any = restored_assertion(
            ev,
            a,
            require_ends=lambda *key: acc.require_ends(rows, *key),
            by_key=lambda *key: acc.by_key(rows, *key),
        )
        assert a is not None
        acc.check_acyclic(rows, restored, without=a.id)
        return a, restored
    if ev.target_type == "diagnosis":
        d = acc.diagnosis(rows, ev.target)
        restored = restored_record(ev, d, Diagnosis)
        assert d is not None
        acc.check_name_collisions(rows, d, restored)
        return d, restored
    if ev.target_type == "finding":
        f = acc.finding(rows, ev.target)
        return f, restored_record(ev, f, Finding)
    if ev.target_type == "case":
        c = acc.case(rows, ev.target)
        return c, restored_case(ev, c, require_id=lambda i: acc.require_id(rows, i))
    if ev.target_type == "label_map":
        return restored_label_map(ev, label_map=rows.label_map, require_id=lambda i: acc.require_id(rows, i))
    raise InputError(f"events on {ev.target_type} cannot be reverted")


def revert_event(rows: Rows, id: str, user: str, reason: str | None) -> CurationEvent:
    """A ``merge`` is undone whole: the dropped diagnosis returns with its names and aliases, and
    exactly the assertions, cases and label mappings the merge moved go back (ConflictError if any of
    them, or the kept diagnosis, changed since). A ``create`` of a diagnosis or assertion is undone by
    rejecting it (a case: excluding it), not by deleting it. Comments, label-map creates and reverts
    of merges are not revertible (InputError)."""
    row = rows.event(id)
    if row is None:
        raise NotFoundError(f"unknown event id {id!r}")
    ev = event_from(row)
    check_revertible(ev)
    why = reason or f"revert {ev.id}"
    if ev.action == "merge":
        return _revert_merge(rows, ev, user, why)
    if ev.action == "create":
        current, restored = _revert_create(rows, ev, user, why)
    else:
        current, restored = _restored(rows, ev)
        _write_back(rows, ev.target_type, current, restored)
    acc.mark(rows, current, restored)
    return acc.record(
        rows, user, "revert", ev.target_type, ev.target, acc.snap(current), acc.snap(restored), why
    )
