"""A merge, planned before it is done: which diagnosis survives by default and what moves.

Merging two diagnoses folds one into the other (its name becomes a synonym; its assertions and
cases move over). Issue 15: one click once made Psoriasis a synonym of its own subtype. So a merge
is never offered on is-a items (their ends differ by definition), the survivor is chosen
explicitly, the default keeps the established term, and the curator sees what moves first.

Example:
    >>> plan = plan_merge(store, "tinea-versicolor", "pityriasis-versicolor")
    >>> plan.keep, plan.moves_cases
"""

from __future__ import annotations

from pydantic import BaseModel

from kg.models import AssertionQuery, Diagnosis
from kg.store.base import GraphStore

STATUS_RANK = {"accepted": 0, "proposed": 1, "rejected": 2, "merged": 3}
ORIGIN_RANK = {"import": 0, "human": 1, "llm": 2, "rules": 3}


class MergeSide(BaseModel):
    id: str
    name: str
    status: str
    origin: str
    synonyms: list[str]
    cases: int
    assertions: int


class MergePlan(BaseModel):
    """What folding ``drop`` into ``keep`` does; ``reason`` says why ``keep`` is the default."""

    keep: MergeSide
    drop: MergeSide
    reason: str

    @property
    def new_synonyms(self) -> list[str]:
        known = {self.keep.name.lower(), *(s.lower() for s in self.keep.synonyms)}
        out: list[str] = []
        for s in [self.drop.name, *self.drop.synonyms]:
            if s.lower() not in known:
                known.add(s.lower())
                out.append(s)
        return out

    def preview(self) -> list[str]:
        """The lines shown before the curator confirms."""
        syn = ", ".join(self.new_synonyms) or "none"
        return [
            f"{self.keep.name} stays; {self.drop.name} stops being a diagnosis of its own.",
            f"New synonyms of {self.keep.name}: {syn}.",
            f"Cases moving over: {self.drop.cases}.",
            f"Assertions moving over: {self.drop.assertions}.",
        ]


def _side(store: GraphStore, d: Diagnosis) -> MergeSide:
    return MergeSide(
        id=d.id,
        name=d.name,
        status=d.status,
        origin=d.origin,
        synonyms=list(d.synonyms),
        cases=store.case_counts(status=None).get(d.id, 0),
        assertions=store.count_assertions(AssertionQuery(diagnosis=d.id)),
    )


def established_first(a: MergeSide, b: MergeSide) -> tuple[MergeSide, MergeSide, str]:
    """The established term first: accepted before proposed, imported before machine-made, then
    the one with more cases and assertions (ties: the shorter, more general name)."""
    if STATUS_RANK.get(a.status, 9) != STATUS_RANK.get(b.status, 9):
        first, second = sorted((a, b), key=lambda s: STATUS_RANK.get(s.status, 9))
        return first, second, f"{first.name} is {first.status}, {second.name} is {second.status}"
    if ORIGIN_RANK.get(a.origin, 9) != ORIGIN_RANK.get(b.origin, 9):
        first, second = sorted((a, b), key=lambda s: ORIGIN_RANK.get(s.origin, 9))
        return first, second, f"{first.name} comes from a vocabulary or a curator"
    weight_a, weight_b = a.cases + a.assertions, b.cases + b.assertions
    if weight_a != weight_b:
        first, second = (a, b) if weight_a > weight_b else (b, a)
        return first, second, f"{first.name} has more cases and assertions"
    first, second = sorted((a, b), key=lambda s: (len(s.name), s.name.lower()))
    return first, second, f"{first.name} is the shorter name"


def plan_merge(store: GraphStore, a_id: str, b_id: str, *, keep: str | None = None) -> MergePlan:
    """The plan for merging ``a_id`` and ``b_id``; ``keep`` overrides the default survivor."""
    a, b = store.get_diagnosis(a_id), store.get_diagnosis(b_id)
    if a is None or b is None:
        from dermkg.errors import NotFoundError

        raise NotFoundError(f"diagnosis {a_id if a is None else b_id} no longer exists")
    first, second, reason = established_first(_side(store, a), _side(store, b))
    if keep is not None and keep == second.id:
        first, second, reason = second, first, "chosen by the curator"
    return MergePlan(keep=first, drop=second, reason=reason)
