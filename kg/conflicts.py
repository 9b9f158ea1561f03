"""Conflicting claims between books: one diagnosis filed under two unrelated classes, or one finding
stated with different relations (typical in one book, against in another).

Book A files X under Y, book B under Z, and neither class is below the other: a curator must
choose. :func:`taxonomy_conflicts` lists such pairs while at least one side is still proposed
(``dermkg kg conflicts``; the studio's review can show them side by side). Ingest notes the conflict
on the later book's proposal (:func:`ingest.books.annotate_conflicts`).

Example:
    >>> for c in taxonomy_conflicts(store):  # doctest: +SKIP
    ...     print(c.subject, c.first.object, c.first_source_title, c.second.object, c.second_source_title)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict

from kg.models import Assertion, AssertionQuery
from kg.store.base import GraphStore

_LIVE = ["proposed", "accepted"]


class TaxonomyConflict(BaseModel):
    """Two live is_a assertions of one diagnosis under unrelated classes, from different books."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["is_a"] = "is_a"

    subject: str
    first: Assertion
    second: Assertion
    first_source_title: str
    second_source_title: str


def sources(a: Assertion) -> set[str]:
    return {ev.source_sha256 for ev in a.evidence}


Parents = Callable[[str], Iterable[str]]  # a diagnosis -> its classes


def _ancestors(parents: Parents, node: str) -> set[str]:
    seen: set[str] = set()
    todo = list(parents(node))
    while todo:
        p = todo.pop()
        if p not in seen:
            seen.add(p)
            todo.extend(parents(p))
    return seen


def live_is_a(store: GraphStore) -> list[Assertion]:
    """Proposed and accepted is_a assertions (a rejected or superseded one files nothing)."""
    return store.query_assertions(AssertionQuery(kind="is_a", status=_LIVE, limit=None)).items  # type: ignore[arg-type]


def parents_of(edges: Iterable[Assertion]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a in edges:
        out.setdefault(a.subject, set()).add(a.object)
    return out


def related(parents: Parents, y: str, z: str) -> bool:
    """One class is the other or below it: filing under both is no conflict."""
    return y == z or y in _ancestors(parents, z) or z in _ancestors(parents, y)


def _conflicting(a: Assertion, b: Assertion, parents: Parents) -> bool:
    sa, sb = sources(a), sources(b)
    return (
        a.subject == b.subject
        and "proposed" in (a.status, b.status)
        and bool(sa)
        and bool(sb)
        and sa != sb  # two books (one book filing X twice is its own business)
        and not related(parents, a.object, b.object)
    )


def taxonomy_conflicts(store: GraphStore) -> list[TaxonomyConflict]:
    """Every pair of live is_a assertions that file one diagnosis under two unrelated classes on the
    word of different books; settled once a curator rejects one side (or accepts both)."""
    edges = live_is_a(store)
    table = parents_of(edges)

    def parents(node: str) -> Iterable[str]:
        return table.get(node, ())

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
                            first_source_title=source_titles(store, a, titles),
                            second_source_title=source_titles(store, b, titles),
                        )
                    )
    return out


def source_titles(store: GraphStore, a: Assertion, cache: dict[str, str]) -> str:
    """The titles of the books ``a``'s evidence comes from ('; '-joined)."""
    return "; ".join(_title(store, sha, cache) for sha in sorted(sources(a)))


class FindingConflict(BaseModel):
    """A proposed finding assertion whose books disagree on the relation: one assertion per
    (diagnosis, finding), its relation an attribute the curator sets, each book's quote keeping the
    relation it states (``Evidence.relation``)."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["finding"] = "finding"
    subject: str
    assertion: Assertion
    stated: dict[str, list[str]]  # relation -> titles of the books stating it


def finding_conflicts(store: GraphStore) -> list[FindingConflict]:
    """Proposed finding assertions whose evidence, from two or more books, states two or more
    relations. Settled when a curator accepts (after editing the relation if need be) or rejects it:
    the decision is one assertion's, so curating it never creates a second one."""
    query = AssertionQuery(kind="finding", status="proposed", limit=None)
    titles: dict[str, str] = {}
    out: list[FindingConflict] = []
    for a in sorted(store.query_assertions(query).items, key=lambda x: x.id):
        by_relation: dict[str, set[str]] = {}
        for ev in a.evidence:
            if ev.relation is not None:
                by_relation.setdefault(ev.relation, set()).add(ev.source_sha256)
        books = set().union(*by_relation.values()) if by_relation else set()
        if len(by_relation) < 2 or len(books) < 2:
            continue  # one relation, or one book reading itself two ways (its own note says so)
        stated = {
            rel: [_title(store, sha, titles) for sha in sorted(shas)]
            for rel, shas in sorted(by_relation.items())
        }
        out.append(FindingConflict(subject=a.subject, assertion=a, stated=stated))
    return out


def _title(store: GraphStore, sha: str, cache: dict[str, str]) -> str:
    if sha not in cache:
        src = store.get_source(sha)
        cache[sha] = src.title if src is not None and src.title else sha[:12]
    return cache[sha]
