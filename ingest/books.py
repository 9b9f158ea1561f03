"""Several books in one graph: where they disagree, and what curators already decided.

The store merges the same (kind, subject, object) from two books into one assertion with both
books' evidence. Two things need the ingest's help:

- **Conflicting taxonomy.** Book A files X under Y, book B under Z, and neither class is below the
  other: a curator must choose. :func:`taxonomy_conflicts` lists such pairs (at least one side
  still proposed); at ingest, the later book's proposal carries a note naming the other book's
  claim, so the curator reviewing it sees the conflict (:func:`annotate_conflicts`).
- **Curator edits.** An edited assertion keeps its id but states another pair; ingesting the book
  again must not propose the old pair under that id (:func:`without_edited`).

Example:
    >>> for c in taxonomy_conflicts(store):  # doctest: +SKIP
    ...     print(c.subject, c.first.object, c.first_source_title, c.second.object, c.second_source_title)
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from kg.models import Assertion, AssertionQuery
from kg.store.base import GraphStore

log = logging.getLogger(__name__)

_LIVE = ["proposed", "accepted"]


class TaxonomyConflict(BaseModel):
    """Two live is_a assertions of one diagnosis under unrelated classes, from different books."""

    model_config = ConfigDict(extra="forbid")

    subject: str
    first: Assertion
    second: Assertion
    first_source_title: str
    second_source_title: str


def _sources(a: Assertion) -> set[str]:
    return {ev.source_sha256 for ev in a.evidence}


def _ancestors(parents: dict[str, set[str]], node: str) -> set[str]:
    seen: set[str] = set()
    todo = list(parents.get(node, ()))
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo.extend(parents.get(p, ()))
    return seen


def _live_is_a(store: GraphStore) -> list[Assertion]:
    return store.query_assertions(AssertionQuery(kind="is_a", status=_LIVE, limit=None)).items  # type: ignore[arg-type]


def _parents(edges: Iterable[Assertion]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a in edges:
        out.setdefault(a.subject, set()).add(a.object)
    return out


def _related(parents: dict[str, set[str]], y: str, z: str) -> bool:
    return y == z or y in _ancestors(parents, z) or z in _ancestors(parents, y)


def _conflicting(a: Assertion, b: Assertion, parents: dict[str, set[str]]) -> bool:
    sa, sb = _sources(a), _sources(b)
    return (
        a.subject == b.subject
        and "proposed" in (a.status, b.status)
        and bool(sa)
        and bool(sb)
        and sa != sb  # two books (one book filing X twice is its own business)
        and not _related(parents, a.object, b.object)
    )


def taxonomy_conflicts(store: GraphStore) -> list[TaxonomyConflict]:
    """Every pair of live is_a assertions that file one diagnosis under two unrelated classes on the
    word of different books; settled once a curator rejects one side (or accepts both)."""
    edges = _live_is_a(store)
    parents = _parents(edges)
    by_subject: dict[str, list[Assertion]] = {}
    for a in edges:
        by_subject.setdefault(a.subject, []).append(a)
    titles: dict[str, str] = {}
    out: list[TaxonomyConflict] = []
    for subject, items in sorted(by_subject.items()):
        items.sort(key=lambda a: a.created_at)
        for i, a in enumerate(items):
            for b in items[i + 1 :]:
                if _conflicting(a, b, parents):
                    out.append(
                        TaxonomyConflict(
                            subject=subject,
                            first=a,
                            second=b,
                            first_source_title=_title(store, a, titles),
                            second_source_title=_title(store, b, titles),
                        )
                    )
    return out


def _title(store: GraphStore, a: Assertion, cache: dict[str, str]) -> str:
    names = []
    for sha in sorted(_sources(a)):
        if sha not in cache:
            src = store.get_source(sha)
            cache[sha] = src.title if src is not None and src.title else sha[:12]
        names.append(cache[sha])
    return "; ".join(names)


def annotate_conflicts(store: GraphStore, batch: dict[str, Assertion], sha: str, title: str) -> int:
    """Add to each new is_a proposal of this book (``sha``) a note naming the stored claims of other
    books it conflicts with: 'conflicts with Pityriasis rosea is a Papulosquamous disorders (A
    Textbook, p. 3)'. Returns how many proposals were flagged."""
    new = [a for a in batch.values() if a.kind == "is_a"]
    if not new:
        return 0
    stored = [a for a in _live_is_a(store) if sha not in _sources(a)]
    if not stored:
        return 0
    parents = _parents([*stored, *new])
    by_subject: dict[str, list[Assertion]] = {}
    for a in stored:
        by_subject.setdefault(a.subject, []).append(a)
    titles: dict[str, str] = {}
    flagged = 0
    for a in new:
        notes = []
        for other in by_subject.get(a.subject, ()):
            if other.id == a.id or _related(parents, a.object, other.object):
                continue
            name = _name(store, other.subject), _name(store, other.object)
            page = next((ev.page_label or ev.page for ev in other.evidence if ev.page), None)
            where = _title(store, other, titles) + (f", p. {page}" if page else "")
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
