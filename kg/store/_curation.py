"""Curation writes, each a read-check-write over :class:`kg.store._rows.Rows` run inside one
transaction by :class:`kg.store.base.GraphStore`: votes, edits, diagnosis and case changes, label
maps. The rules themselves are the pure functions of :mod:`._semantics`; here they meet the rows.

An edit that moves an end of an assertion (issue 15.4) makes it the editor's own claim: evidence
whose quote does not mention the new end is dropped (the event's ``before`` keeps it), the
origin becomes ``human`` with the editor as agent, the status goes back to proposed and the
editor's edit counts as their accept vote, so under consensus (k > 1) it still needs k - 1 others.
"""

from __future__ import annotations

from typing import Any

from dermkg.errors import InputError
from kg.models import (
    Agent,
    Assertion,
    Case,
    Decision,
    Diagnosis,
    Evidence,
    Finding,
    LabelMapping,
    Vote,
    utcnow,
)
from kg.names import normalize
from kg.store import _access as acc
from kg.store import _semantics as sem
from kg.store._findings import reviewed_finding
from kg.store._rows import Rows


def review(
    rows: Rows, id: str, decision: Decision, user: str, reason: str | None, expected: int | None, votes: int
) -> Assertion:
    current = acc.require_assertion(rows, id)
    sem.check_version("assertion", current, expected)
    new, action = sem.apply_vote(current, user=user, decision=decision, reason=reason, required_votes=votes)
    if new.kind == "is_a" and new.status == "accepted" and current.status != "accepted":
        sem.check_acyclic_add(acc.accepted_parents(rows), new.subject, new.object)
    rows.write_assertions([(current.version, new)])
    acc.record(rows, user, action, "assertion", id, acc.snap(current), acc.snap(new), reason)
    acc.mark(rows, current, new)
    return new


def _end_names(rows: Rows, kind: str, end: str, *, is_object: bool) -> list[str]:
    """Normalised names and synonyms of an assertion end (a finding for a finding's object)."""
    record: Any = acc.finding(rows, end) if kind == "finding" and is_object else acc.diagnosis(rows, end)
    if record is None:
        return []
    return [k for k in (normalize(n) for n in [record.name, *record.synonyms]) if k]


def _still_supports(quote: str, names: list[str]) -> bool:
    text = f" {normalize(quote)} "
    return any(f" {name} " in text for name in names)


def _as_editors_own(rows: Rows, current: Assertion, new: Assertion, user: str) -> Assertion:
    """``new`` (an edit that moved an end) as the editor's claim: evidence that no longer mentions
    a moved end dropped, origin human, agent the editor, proposed with the editor's accept vote."""
    ends = ((new.subject, False), (new.object, True))
    moved = [(end, is_object) for end, is_object in ends if end not in (current.subject, current.object)]
    names = [_end_names(rows, new.kind, end, is_object=is_obj) for end, is_obj in moved]
    kept: list[Evidence] = [ev for ev in new.evidence if all(_still_supports(ev.quote, n) for n in names)]
    now = utcnow()
    return new.model_copy(
        update={
            "evidence": kept,
            "origin": "human",
            "agent": Agent(name=user),
            "score": None,
            "status": "proposed",
            "reviewed_by": None,
            "reviewed_at": None,
            "votes": [Vote(user=user, decision="accept", at=now, reason="edited")],
        }
    )


def edit_assertion(
    rows: Rows,
    id: str,
    user: str,
    change: dict[str, Any],
    expected: int | None,
    reason: str | None,
) -> Assertion:
    """``change``: kind, subject, object, note, relation (None = unchanged)."""
    current = acc.require_assertion(rows, id)
    sem.check_version("assertion", current, expected)
    kind, subject, object = change.get("kind"), change.get("subject"), change.get("object")
    s, o = subject, object
    if kind is not None or subject is not None or object is not None:
        k = kind or current.kind
        sem.check_kind_change(current, k)
        s, o = acc.require_ends(rows, k, subject or current.subject, object or current.object)
    new = sem.edited_assertion(
        current,
        kind=kind,
        subject=s,
        object=o,
        note=change.get("note"),
        by_key=lambda *key: acc.by_key(rows, *key),
        relation=change.get("relation"),
    )
    if new is current:
        return current
    if {new.subject, new.object} != {current.subject, current.object}:
        new = _as_editors_own(rows, current, new, user)
    acc.check_acyclic(rows, new, without=current.id)
    rows.write_assertions([(current.version, new)])
    acc.record(rows, user, "edit", "assertion", id, acc.snap(current), acc.snap(new), reason)
    acc.mark(rows, current, new)
    return new


def update_diagnosis(
    rows: Rows, id: str, changes: dict[str, Any], user: str, expected: int | None, reason: str | None
) -> Diagnosis:
    current = acc.diagnosis(rows, acc.require_id(rows, id))
    assert current is not None
    sem.check_version("diagnosis", current, expected)
    new = sem.next_version(current, sem.apply_diagnosis_changes(current, changes))
    if new is None:
        return current
    acc.check_name_collisions(rows, current, new)
    rows.write_diagnoses([(current.version, new)])
    acc.record(rows, user, "edit", "diagnosis", new.id, acc.snap(current), acc.snap(new), reason)
    acc.mark(rows, current, new)
    return new


def add_diagnosis_evidence(rows: Rows, id: str, items: list[Evidence]) -> int:
    current = acc.diagnosis(rows, acc.require_id(rows, id))
    assert current is not None
    merged, added = sem.union_evidence(current.evidence, items)
    if added:
        new = current.model_copy(update={"evidence": merged, "version": current.version + 1})
        rows.write_diagnoses([(current.version, new)])
        acc.mark(rows, current, new)
    return added


def update_case(
    rows: Rows, id: str, changes: dict[str, Any], user: str, expected: int | None, reason: str | None
) -> Case:
    current = acc.found(acc.case(rows, id), "case", id)
    sem.check_version("case", current, expected)
    if changes.get("diagnosis") is not None:
        changes = {**changes, "diagnosis": acc.require_id(rows, changes["diagnosis"])}
    new = sem.next_version(current, sem.apply_case_changes(current, changes))
    if new is None:
        return current
    rows.write_cases([(current.version, new)])
    action = sem.case_action(current, new)
    acc.record(rows, user, action, "case", id, acc.snap(current), acc.snap(new), reason)
    acc.mark(rows, current, new)
    return new


def set_label_mappings(rows: Rows, items: list[LabelMapping], user: str) -> int:
    written = 0
    for m in items:
        if m.diagnosis is not None:
            m = m.model_copy(update={"diagnosis": acc.require_id(rows, m.diagnosis)})
        current = rows.label_map(m.dataset, m.label)
        if current == m:
            continue
        rows.put_label_maps([m])
        action = "create" if current is None else "edit"
        acc.record(rows, user, action, "label_map", f"{m.dataset}:{m.label}", acc.snap(current), acc.snap(m))
        acc.mark(rows, current, m)
        written += 1
    return written


def comment(rows: Rows, target_type: str, target: str, text: str, user: str) -> Any:
    if not text.strip():
        raise InputError("a comment needs text")
    return acc.record(rows, user, "comment", target_type, target, None, {"text": text}, text)


def review_finding(
    rows: Rows, id: str, decision: str, user: str, reason: str | None, expected: int | None
) -> Finding:
    """Accept or reject a finding concept (e.g. a presentation): an ``accept`` / ``reject`` event
    with before/after snapshots, so ``revert_event`` restores the previous status."""
    current = acc.found(acc.finding(rows, id), "finding", id)
    sem.check_version("finding", current, expected)
    new = reviewed_finding(current, decision, reason)
    if new is None:
        return current
    rows.write_findings([(current.version, new)])
    acc.record(rows, user, decision, "finding", id, acc.snap(current), acc.snap(new), reason)
    acc.mark(rows, current, new)
    return new
