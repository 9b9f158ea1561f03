"""The review queue: filters, impact ordering, the disagreements queue and paging (no UI here).

Impact (issue 5): an assertion matters as much as the cases and exported rows it affects, i.e. those
of its subject and object diagnosis (cases not excluded: a proposed textbook figure counts too). The
queue is ordered by impact, then score, so the curator's first hour goes where it changes the most
training data.

Ordering needs every match, but only its light summary (ids, ends, score: no evidence, see
:meth:`kg.store.base.GraphStore.summarize_assertions`), so the ordered id list is built once per
(filters, shape of the store) and a page only loads its own items, fresh, skipping those a curator
has decided meanwhile: after an accept the next page costs ``page_size`` reads, not a re-sort of
20,000 items. The list is rebuilt when assertions are added or removed, case counts or exports
change (see :func:`queue_key`). The disagreements queue needs the votes, so it reads whole records.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from kg.models import (
    Assertion,
    AssertionKind,
    AssertionQuery,
    AssertionStatus,
    AssertionSummary,
    EventQuery,
    Origin,
)
from kg.store.base import GraphStore

Order = Literal["score", "impact", "source", "oldest"]
# "source": the most trusted origins first, then by score
ORIGIN_RANK = {"import": 0, "human": 1, "llm": 2, "stats": 3, "rules": 4}
ORDER_WORDS = {
    "score": "confidence (highest first)",
    "impact": "impact (cases and exported rows), then confidence",
    "source": "source (vocabulary, curator, model, statistics, rules), then confidence",
    "oldest": "oldest first",
}
Mode = Literal["proposed", "disagreements"]


class QueueFilters(BaseModel):
    """What the curator asked for; hashable so it can key a cache."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Mode = "proposed"
    kind: AssertionKind | None = None
    status: AssertionStatus | None = "proposed"
    origin: Origin | None = None
    source_sha256: str | None = None
    diagnosis: str | None = None
    min_score: float | None = None
    order: Order = "score"  # confidence first: an explicit 0.7 differential before a 0.4 list pair

    def query(self, *, offset: int = 0, limit: int | None = None) -> AssertionQuery:
        status = "proposed" if self.mode == "disagreements" else self.status
        return AssertionQuery(
            kind=self.kind,
            status=status,
            origin=self.origin,
            source_sha256=self.source_sha256,
            diagnosis=self.diagnosis,
            min_score=self.min_score,
            offset=offset,
            limit=limit,
        )


class QueueEntry(NamedTuple):
    """One row of the ordered queue: enough to order and page without loading evidence again.
    A tuple, not a model: 20,000 are built per ordering, and a model costs ten times more each."""

    id: str
    impact: int
    score: float | None


class QueuePage(BaseModel):
    items: list[Assertion]
    impact: dict[str, int] = Field(default_factory=dict)
    total: int
    page: int
    pages: int


def matches(a: Assertion, filters: QueueFilters) -> bool:
    """Whether ``a`` still belongs in the queue (it may have been decided since the list was built)."""
    q = filters.query()
    statuses = [q.status] if isinstance(q.status, str) else q.status
    return (
        (statuses is None or a.status in statuses)
        and (q.kind is None or a.kind == q.kind)
        and (q.origin is None or a.origin == q.origin)
        and (q.min_score is None or (a.score is not None and a.score >= q.min_score))
        and (filters.mode != "disagreements" or is_disagreement(a))
    )


def case_impact(store: GraphStore) -> dict[str, int]:
    """Cases per diagnosis that can reach an export: accepted or still proposed (not excluded)."""
    counts = dict(store.case_counts(status="accepted"))
    for d, n in store.case_counts(status="proposed").items():
        counts[d] = counts.get(d, 0) + n
    return counts


def queue_key(store: GraphStore, filters: QueueFilters) -> tuple[object, ...]:
    """What invalidates the ordered list: the number of assertions (ingest, merges), accepted case
    counts (impact), and for the disagreements queue every vote. Decisions alone do not: decided
    items are skipped when a page loads."""
    total = store.count_assertions(AssertionQuery())
    cases = hash(tuple(sorted(case_impact(store).items())))
    votes = store_token(store) if filters.mode == "disagreements" else ()
    return (total, cases, votes)


def store_token(store: GraphStore) -> tuple[int, int]:
    """Changes whenever anything was curated: (revision, newest event seq). Keys the ordered list."""
    newest = store.list_events(EventQuery(limit=1)).items
    return store.revision(), (newest[0].seq if newest else 0)


def is_disagreement(a: Assertion) -> bool:
    """Independent reviewers voted differently and no decision is final yet."""
    return a.status == "proposed" and len({v.decision for v in a.votes}) > 1


def order_entries(
    assertions: Sequence[Assertion | AssertionSummary],
    order: Order,
    cases: Mapping[str, int],
    rows: Mapping[str, int],
) -> list[QueueEntry]:
    """Impact = cases + exported rows of the subject plus those of the object (each end once)."""
    weight = {d: cases.get(d, 0) + rows.get(d, 0) for d in cases.keys() | rows.keys()}
    origin = {a.id: ORIGIN_RANK.get(a.origin, 9) for a in assertions}
    entries = [
        QueueEntry(
            a.id,
            weight.get(a.subject, 0) + (weight.get(a.object, 0) if a.object != a.subject else 0),
            a.score,
        )
        for a in assertions
    ]
    if order == "impact":
        entries.sort(key=lambda e: (-e.impact, -(e.score or 0.0), e.id))
    elif order == "score":
        entries.sort(key=lambda e: (-(e.score or 0.0), -e.impact, e.id))
    elif order == "source":
        entries.sort(key=lambda e: (origin[e.id], -(e.score or 0.0), e.id))
    return entries  # "oldest": the store's own (created_at, id) order


def build_queue(
    store: GraphStore,
    filters: QueueFilters,
    *,
    exported_rows: Callable[[], Mapping[str, int]] | None = None,
) -> list[QueueEntry]:
    """Every matching assertion, ordered; the disagreements mode keeps only split votes."""
    assertions: Sequence[Assertion | AssertionSummary]
    if filters.mode == "disagreements":
        full = store.query_assertions(filters.query(limit=None)).items
        assertions = [a for a in full if is_disagreement(a)]
    else:
        assertions = store.summarize_assertions(filters.query(limit=None))
    cases = case_impact(store)  # impact is shown in every order, so always computed
    rows = exported_rows() if exported_rows else {}
    return order_entries(assertions, filters.order, cases, rows)


def load_page(
    store: GraphStore,
    entries: list[QueueEntry],
    page: int,
    page_size: int,
    filters: QueueFilters | None = None,
) -> QueuePage:
    """The assertions of one page, read fresh (so versions are current); with ``filters``, items
    decided since the list was built are skipped and the page is filled from the entries after it."""
    pages = max(1, -(-len(entries) // page_size))
    page = min(max(page, 0), pages - 1)
    items: list[Assertion] = []
    impact: dict[str, int] = {}
    start = page * page_size
    while len(items) < page_size and start < len(entries):
        batch = entries[start : start + page_size]  # one read per batch, not one per item
        start += page_size
        fresh = {a.id: a for a in store.get_assertions(e.id for e in batch)}
        for e in batch:
            a = fresh.get(e.id)
            if len(items) == page_size or a is None or (filters is not None and not matches(a, filters)):
                continue
            items.append(a)
            impact[a.id] = e.impact
    return QueuePage(items=items, impact=impact, total=len(entries), page=page, pages=pages)
