"""The duplicates queue: pairs of diagnoses that probably name one entity (``kg.duplicates``), each
merged safely (survivor chosen explicitly, preview, confirmation) or dismissed as not duplicates.

``kg.duplicates`` proposes but records nothing, so a "not duplicates" decision is stored as an audit
comment on the pair's first diagnosis, text ``[not-duplicate dup-…] A / B: reason``; the queue
leaves out every pair with such a comment. The pair id is a hash of both diagnosis ids, so it stays
stable across revisions.

Example:
    >>> pending = pending_duplicates(store)
    >>> dismiss_duplicate(actions, pending[0], "different genus, different disease")
"""

from __future__ import annotations

import re

from pydantic import BaseModel

from dermkg.errors import InputError, NotFoundError
from kg.duplicates import DuplicateProposal, find_duplicates
from kg.models import CurationEvent, Diagnosis, EventQuery
from kg.store.base import GraphStore
from studio.actions import CurationActions
from studio.merging import MergePlan, plan_merge

_DISMISSED = re.compile(r"^\[not-duplicate (dup-[0-9a-f]+)\]")
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


def dismissed_pairs(store: GraphStore) -> set[str]:
    """Ids of the pairs a curator decided are not duplicates (from the audit log's comments)."""
    events = store.list_events(EventQuery(action="comment", limit=None)).items
    return {m.group(1) for e in events if (m := _DISMISSED.match(e.reason or ""))}


def pending_duplicates(store: GraphStore, *, limit: int | None = None) -> list[DuplicateItem]:
    """Undecided pairs, best evidence first."""
    gone = dismissed_pairs(store)
    out = [DuplicateItem(proposal=p) for p in find_duplicates(store).proposals if p.id not in gone]
    return out[:limit]


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
    a, b = item.proposal.names
    text = f"[not-duplicate {item.proposal.id}] {a} / {b}: {reason.strip()}"
    return actions.comment("diagnosis", item.proposal.keep, text)


def default_plan(store: GraphStore, item: DuplicateItem) -> MergePlan:
    """The plan that keeps the established term (``studio.merging``'s rule, one rule everywhere)."""
    return plan_merge(store, item.proposal.keep, item.proposal.drop)


def preview(store: GraphStore, item: DuplicateItem, keep: str) -> MergePlan:
    """The plan for the survivor the curator picked."""
    return plan_merge(store, item.proposal.keep, item.proposal.drop, keep=keep)
