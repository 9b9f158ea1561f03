"""Bulk reads for the review queue (``summarize_assertions``, ``count_assertions``, ``get_assertions``):
every backend answers exactly what ``query_assertions`` / ``get_assertion`` answer, only lighter."""

from __future__ import annotations

from itertools import combinations

import pytest

from kg.models import Assertion, AssertionQuery, AssertionSummary, Diagnosis, Evidence, Source
from kg.store import GraphStore

SHA_A, SHA_B = "a" * 64, "b" * 64


def ev(quote: str, source: str) -> Evidence:
    return Evidence(source_sha256=source, page=1, quote=quote)


@pytest.fixture
def graph(any_store: GraphStore) -> GraphStore:
    """Six diagnoses; DDx and is_a assertions of every status, origin and source, some unscored."""
    store = any_store
    for sha in (SHA_A, SHA_B):
        store.upsert_source(Source(sha256=sha, title=f"Book {sha[0]}", kind="other"))
    ids = ["acne", "bcc", "eczema", "melanoma", "naevus", "psoriasis"]
    store.upsert_diagnoses(Diagnosis(id=i, name=i.title()) for i in ids)
    store.add_assertions(
        [
            Assertion(
                kind="ddx",
                subject=s,
                object=o,
                origin="llm" if n % 3 else "rules",
                score=None if n % 4 == 0 else round(0.1 + 0.06 * n, 2),
                evidence=[ev(f"{s} or {o}", SHA_A if n % 2 else SHA_B)],
            )
            for n, (s, o) in enumerate(combinations(ids, 2))
        ]
        + [Assertion(kind="is_a", subject="bcc", object="naevus", origin="import", score=0.5)]
    )
    store.review(store.find_assertion("ddx", "melanoma", "naevus").id, "accept", user="cleo")  # type: ignore[union-attr]
    store.review(store.find_assertion("ddx", "acne", "eczema").id, "reject", user="cleo", reason="no")  # type: ignore[union-attr]
    return store


QUERIES = [
    AssertionQuery(limit=None),
    AssertionQuery(limit=5),
    AssertionQuery(offset=3, limit=4),
    AssertionQuery(offset=14, limit=None),
    AssertionQuery(kind="ddx", limit=None),
    AssertionQuery(kind="is_a", limit=None),
    AssertionQuery(status="proposed", limit=None),
    AssertionQuery(status=["accepted", "rejected"], limit=None),
    AssertionQuery(origin="rules", limit=None),
    AssertionQuery(source_sha256=SHA_B, limit=None),
    AssertionQuery(diagnosis="naevus", limit=None),
    AssertionQuery(min_score=0.4, limit=None),
    AssertionQuery(max_score=0.4, limit=None),
    AssertionQuery(kind="ddx", status="proposed", origin="llm", min_score=0.2, max_score=0.9, limit=None),
    AssertionQuery(diagnosis="no-such-diagnosis", limit=None),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.model_dump_json(exclude_defaults=True))
def test_summaries_and_counts_are_query_assertions_without_the_records(graph, query):
    page = graph.query_assertions(query)
    assert graph.summarize_assertions(query) == [AssertionSummary.of(a) for a in page.items]
    assert graph.count_assertions(query) == page.total


def test_summaries_follow_reviews_and_merges(graph):
    proposed = AssertionQuery(status="proposed", limit=None)
    before = {s.id for s in graph.summarize_assertions(proposed)}
    target = graph.find_assertion("ddx", "bcc", "melanoma")
    graph.review(target.id, "accept", user="cleo")
    assert {s.id for s in graph.summarize_assertions(proposed)} == before - {target.id}
    assert graph.count_assertions(proposed) == len(before) - 1

    graph.merge_diagnoses("naevus", "melanoma", user="cleo", reason="duplicate for the test")
    by_old_id = AssertionQuery(diagnosis="melanoma", limit=None)  # a merged id still selects
    assert graph.summarize_assertions(by_old_id) == [
        AssertionSummary.of(a) for a in graph.query_assertions(by_old_id).items
    ]
    assert all("melanoma" not in (s.subject, s.object) for s in graph.summarize_assertions(by_old_id))


def test_get_assertions_keeps_the_given_order_and_leaves_out_unknown_ids(graph):
    ids = [a.id for a in graph.query_assertions(AssertionQuery(limit=None)).items][::-2]
    asked = [ids[0], "no-such-assertion", *ids[1:]]
    assert graph.get_assertions(asked) == [graph.get_assertion(i) for i in ids]
    assert graph.get_assertions([]) == []


def test_get_assertions_reads_more_ids_than_one_batch(any_store):
    ids = [f"dx-{i:02d}" for i in range(40)]
    any_store.upsert_diagnoses(Diagnosis(id=i, name=f"Diagnosis {i}") for i in ids)
    added = any_store.add_assertions(
        Assertion(kind="ddx", subject=s, object=o, origin="llm") for s, o in combinations(ids, 2)
    )
    wanted = [a.id for a in reversed(added)]  # 780 ids: more than one SQLite / Neo4j batch
    assert [a.id for a in any_store.get_assertions(wanted)] == wanted


def test_the_interface_defaults_give_the_same_answers_as_the_backend(graph):
    """A third backend without overrides inherits correct (if slower) bulk reads."""
    ids = [a.id for a in graph.query_assertions(AssertionQuery(limit=None)).items]
    for query in QUERIES:
        assert GraphStore.summarize_assertions(graph, query) == graph.summarize_assertions(query)
        assert GraphStore.count_assertions(graph, query) == graph.count_assertions(query)
    assert GraphStore.get_assertions(graph, ids[::-1]) == graph.get_assertions(ids[::-1])
