"""Several books in one graph: where they disagree, and what curators already decided.

The store merges the same (kind, subject, object) from two books into one assertion with both
books' evidence. Two things need the ingest's help:

- **Conflicting taxonomy** (:mod:`kg.conflicts`): the later book's is_a proposal carries a note
  naming the other book's claim, so the curator reviewing it sees the conflict
  (:func:`annotate_conflicts`); ``dermkg kg conflicts`` lists them all.
- **Curator edits.** An edited assertion keeps its id but states another pair; ingesting the book
  again must not propose the old pair under that id (:func:`without_edited`).
"""

from __future__ import annotations

import logging

from kg.conflicts import related, source_titles, sources
from kg.models import Assertion, AssertionQuery
from kg.store.base import GraphStore

log = logging.getLogger(__name__)

_LIVE = ["proposed", "accepted"]


def annotate_conflicts(store: GraphStore, batch: dict[str, Assertion], sha: str, title: str) -> int:
    """Add to each new is_a proposal of this book (``sha``) a note naming the stored claims of other
    books it conflicts with: 'conflicts with Pityriasis rosea is a Papulosquamous disorders (A
    Textbook, p. 3)'. Returns how many proposals were flagged."""
    new = [a for a in batch.values() if a.kind == "is_a"]
    if not new:
        return 0
    cache: dict[str, list[Assertion]] = {}

    def stated(node: str) -> list[Assertion]:  # live is_a of ``node`` as a child (one query per node)
        if node not in cache:
            query = AssertionQuery(kind="is_a", status=_LIVE, diagnosis=node, limit=None)  # type: ignore[arg-type]
            found = store.query_assertions(query)
            cache[node] = [a for a in found.items if a.subject == node]
        return cache[node]

    def parents(node: str) -> set[str]:  # the taxonomy read lazily: only the ancestors a check walks
        return {a.object for a in stated(node)} | {a.object for a in new if a.subject == node}

    by_subject = {a.subject: [o for o in stated(a.subject) if sha not in sources(o)] for a in new}
    titles: dict[str, str] = {}
    flagged = 0
    for a in new:
        notes = []
        for other in by_subject.get(a.subject, ()):
            if other.id == a.id or related(parents, a.object, other.object):
                continue
            name = _name(store, other.subject), _name(store, other.object)
            page = next((ev.page_label or ev.page for ev in other.evidence if ev.page), None)
            where = source_titles(store, other, titles) + (f", p. {page}" if page else "")
            notes.append(f"conflicts with {name[0]} is a {name[1]} ({where})")
        if notes:
            batch[a.id] = a.model_copy(update={"note": " | ".join([a.note or "", *notes]).strip(" |")})
            flagged += 1
            log.info("%s: %s %s", title, a.id, notes[0])
    return flagged


def _name(store: GraphStore, did: str) -> str:
    d = store.get_diagnosis(did)
    return d.name if d is not None else did


def _key(a: Assertion) -> tuple[str, str, str]:
    return a.kind, a.subject, a.object


def without_edited(store: GraphStore, batch: dict[str, Assertion]) -> list[str]:
    """Drop from ``batch`` the proposals whose id a curator's edit has moved to another pair (the id
    stays with the edited assertion): the book's old claim must not come back. Returns their ids."""
    dropped = []
    for aid, a in list(batch.items()):
        stored = store.get_assertion(aid)
        if stored is not None and _key(stored) != _key(a):
            del batch[aid]
            dropped.append(aid)
    return dropped
