"""The duplicates queue: pairs of diagnoses that probably name one entity (``kg.duplicates``), each
merged safely (survivor chosen explicitly, preview, confirmation) or dismissed as not duplicates.

``kg.duplicates`` proposes but records nothing, so a "not duplicates" decision is stored as an audit
comment on the pair's first diagnosis (``kg.duplicates.dismissal_comment``); the queue, like
``dermkg kg duplicates``, leaves out every pair with such a comment. The pair id is a hash of both
diagnosis ids, so it stays stable across revisions.

Example:
    >>> pending = pending_duplicates(store)
    >>> dismiss_duplicate(actions, pending[0], "different genus, different disease")
"""

from __future__ import annotations

from pydantic import BaseModel

from dermkg.errors import InputError, NotFoundError
from kg.duplicates import DuplicateProposal, dismissal_comment, find_duplicates
from kg.models import CurationEvent, Diagnosis
from kg.store.base import GraphStore
from studio.actions import CurationActions
from studio.merging import MergePlan, plan_merge

RULE_WORDS = {
    "shared_name": "they share a name or synonym",
    "inverted_name": "the same words in another order",
    "spelling_variant": "a spelling or plural variant",
    "generic_word": "one adds only a generic word (infection, disease, …)",
    "distinctive_word": "only these two use their distinctive last word (weaker evidence)",
}


class DuplicateItem(BaseModel):
    """One pending pair as the queue shows it (the merge plan is read only for the opened pair)."""

    proposal: DuplicateProposal

    @property
    def why(self) -> str:
        return RULE_WORDS.get(self.proposal.rule, self.proposal.reason)


def pending_duplicates(store: GraphStore, *, limit: int | None = None) -> list[DuplicateItem]:
    """Undecided pairs, best evidence first."""
    report = find_duplicates(store, include_dismissed=False)
    return [DuplicateItem(proposal=p) for p in report.proposals][:limit]


def merge_duplicate(actions: CurationActions, item: DuplicateItem, keep: str, reason: str) -> Diagnosis:
    """Fold the other diagnosis into ``keep`` (revertible from History); the reason names the pair."""
    ids = {item.proposal.keep, item.proposal.drop}
    if keep not in ids:
        raise InputError(f"choose the surviving name among {' and '.join(item.proposal.names)}")
    actions.check("merge")
    (drop,) = ids - {keep}
    a, b = item.proposal.names
    said = f": {reason.strip()}" if reason.strip() else ""
    why = f"{a} and {b} are one diagnosis ({item.why}){said} [{item.proposal.id}]"
    for d in ids:
        current = actions.store.get_diagnosis(d)
        if current is None or current.id != d:  # merged meanwhile: its id now resolves to another
            raise NotFoundError(f"{d} was merged meanwhile; the queue now shows the current pairs")
    return actions.merge_diagnoses(keep, drop, reason=why)


def dismiss_duplicate(actions: CurationActions, item: DuplicateItem, reason: str) -> CurationEvent:
    """Record "not duplicates" so the pair stops showing; a reason is required, as for a reject."""
    if not reason.strip():
        raise InputError("say why these are different diagnoses, so the next curator knows")
    return actions.comment("diagnosis", item.proposal.keep, dismissal_comment(item.proposal, reason))


def default_plan(store: GraphStore, item: DuplicateItem) -> MergePlan:
    """The plan that keeps the established term (``studio.merging``'s rule, one rule everywhere)."""
    return plan_merge(store, item.proposal.keep, item.proposal.drop)


def preview(store: GraphStore, item: DuplicateItem, keep: str) -> MergePlan:
    """The plan for the survivor the curator picked."""
    return plan_merge(store, item.proposal.keep, item.proposal.drop, keep=keep)
