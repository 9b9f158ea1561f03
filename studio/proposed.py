"""The proposed-diagnoses queue: names ingestion could not resolve, each accepted as a new diagnosis,
rejected, or merged into the existing diagnosis it means (the nearest existing name is suggested).

Every decision goes through the store with the curator and a reason, so it is in the audit log:
accept and reject are ``edit`` events (status proposed → accepted / rejected), a merge is a
``merge`` event that History can revert.

Example:
    >>> items = proposed_diagnoses(store)
    >>> merge_proposed(actions, items[0].diagnosis.id, items[0].suggestions[0].id, "spelling variant")
"""

from __future__ import annotations

from pydantic import BaseModel

from dermkg.errors import InputError
from kg.models import AssertionQuery, Diagnosis
from kg.store.base import GraphStore
from studio.actions import CurationActions


class Suggestion(BaseModel):
    id: str
    name: str
    matched: str  # the name or synonym that was close
    score: float  # 0..100


class ProposedItem(BaseModel):
    diagnosis: Diagnosis
    assertions: int  # assertions that mention it (what a reject leaves dangling, what a merge moves)
    suggestions: list[Suggestion]


def suggestions_for(store: GraphStore, d: Diagnosis, *, limit: int = 3) -> list[Suggestion]:
    """The nearest established diagnoses by name (never the proposal itself, never another proposal)."""
    out: list[Suggestion] = []
    for m in store.suggest_names(d.name, limit=limit + 5, min_score=60.0):
        if m.diagnosis.id == d.id or m.diagnosis.status != "accepted":
            continue
        if any(s.id == m.diagnosis.id for s in out):
            continue
        out.append(Suggestion(id=m.diagnosis.id, name=m.diagnosis.name, matched=m.matched, score=m.score))
        if len(out) >= limit:
            break
    return out


def proposed_diagnoses(store: GraphStore, *, limit: int = 200) -> list[ProposedItem]:
    """Proposed diagnoses, the most mentioned first (deciding those unblocks the most assertions);
    the fuzzy suggestions are computed for the ``limit`` shown only."""
    counted = [
        (store.count_assertions(AssertionQuery(diagnosis=d.id)), d)
        for d in store.list_diagnoses(status="proposed")
    ]
    counted.sort(key=lambda x: (-x[0], x[1].name.lower()))
    return [
        ProposedItem(diagnosis=d, assertions=n, suggestions=suggestions_for(store, d))
        for n, d in counted[:limit]
    ]


def _current(actions: CurationActions, diagnosis_id: str) -> Diagnosis:
    d = actions.store.get_diagnosis(diagnosis_id)
    if d is None or d.id != diagnosis_id:
        raise InputError(f"{diagnosis_id} was merged or removed meanwhile; the queue now shows the rest")
    if d.status != "proposed":
        raise InputError(f"{d.name} is already {d.status}")
    return d


def accept_proposed(
    actions: CurationActions, diagnosis_id: str, reason: str, *, version: int | None = None
) -> Diagnosis:
    """Make a proposed name a diagnosis of the graph."""
    actions.check("edit")
    d = _current(actions, diagnosis_id)
    return actions.store.update_diagnosis(
        d.id,
        {"status": "accepted"},
        user=actions.username,
        expected_version=version,
        reason=reason.strip() or "accepted as a new diagnosis",
    )


def reject_proposed(
    actions: CurationActions, diagnosis_id: str, reason: str, *, version: int | None = None
) -> Diagnosis:
    """Refuse a proposed name (not a diagnosis: a sign, a misread heading, …); a reason is required."""
    actions.check("edit")
    if not reason.strip():
        raise InputError("rejecting needs a reason: say why this is not a diagnosis")
    d = _current(actions, diagnosis_id)
    return actions.store.update_diagnosis(
        d.id, {"status": "rejected"}, user=actions.username, expected_version=version, reason=reason.strip()
    )


def merge_proposed(actions: CurationActions, diagnosis_id: str, into: str, reason: str) -> Diagnosis:
    """Fold a proposed name into an existing diagnosis: it becomes a synonym, its assertions move."""
    d = _current(actions, diagnosis_id)
    target = actions.store.get_diagnosis(into)
    if target is None:
        raise InputError(f"no diagnosis {into!r}: pick the existing diagnosis from the list")
    if target.id == d.id:
        raise InputError("pick another diagnosis to merge into")
    why = f"proposed name {d.name!r} is {target.name!r}" + (f": {reason.strip()}" if reason.strip() else "")
    return actions.merge_diagnoses(target.id, d.id, reason=why)
