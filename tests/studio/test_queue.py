"""Queue ordering: impact (cases + exported rows of both ends), then score; disagreements; paging."""

from __future__ import annotations

from kg.models import Assertion, Vote
from studio.queue import QueueFilters, build_queue, is_disagreement, load_page, order_entries


def a(subject: str, obj: str, score: float | None) -> Assertion:
    return Assertion(kind="ddx", subject=subject, object=obj, origin="llm", score=score)


def test_impact_counts_cases_and_exported_rows_of_both_ends_then_score():
    items = [a("x", "y", 0.9), a("m", "n", 0.1), a("m", "y", 0.5), a("p", "q", None)]
    cases = {"m": 3, "y": 1}
    rows = {"n": 10}
    entries = order_entries(items, "impact", cases, rows)
    assert [(e.impact, e.score) for e in entries] == [(13, 0.1), (4, 0.5), (1, 0.9), (0, None)]
    by_score = order_entries(items, "score", cases, rows)
    assert [e.score for e in by_score] == [0.9, 0.5, 0.1, None]


def test_disagreement_means_split_votes_on_an_undecided_item():
    split = a("x", "y", 0.5).model_copy(
        update={"votes": [Vote(user="u", decision="accept"), Vote(user="v", decision="reject")]}
    )
    assert is_disagreement(split)
    assert not is_disagreement(split.model_copy(update={"status": "accepted"}))
    assert not is_disagreement(
        a("x", "y", 0.5).model_copy(update={"votes": [Vote(user="u", decision="accept")]})
    )


def test_impact_counts_cases_not_excluded_from_the_store(studio_env, read_store):
    # fixture: one proposed case each for melanoma, naevus and bcc
    entries = {e.id: e.impact for e in build_queue(read_store, QueueFilters())}
    ids = studio_env["ids"]
    assert entries == {ids["melanoma-naevus"]: 2, ids["bcc-naevus"]: 2, ids["melanoma-seb-k"]: 1}
    for case in read_store.list_cases(diagnosis="naevus"):
        read_store.update_case(case.id, {"status": "excluded"}, user="cleo")
    for case in read_store.list_cases(diagnosis="bcc"):
        read_store.update_case(case.id, {"status": "accepted"}, user="cleo")
    order = build_queue(read_store, QueueFilters())
    # naevus's case is excluded, bcc's accepted: every item now touches one case; ties go by score
    assert [(e.id, e.impact) for e in order] == [
        (ids["melanoma-naevus"], 1),
        (ids["melanoma-seb-k"], 1),
        (ids["bcc-naevus"], 1),
    ]


def test_pages_clamp_to_the_last_page(studio_env, read_store):
    entries = build_queue(read_store, QueueFilters())
    page = load_page(read_store, entries, page=7, page_size=2)
    assert (page.page, page.pages, page.total, len(page.items)) == (1, 2, 3, 1)


def test_the_queue_total_counts_what_matches_now_not_what_was_ordered(studio_env, read_store, tmp_path):
    from studio.components import facts

    filters = QueueFilters()
    entries = facts.queue_entries(read_store, filters, tmp_path)
    assert facts.queue_total(read_store, filters) == len(entries) == 3
    read_store.review(entries[0].id, "accept", user="cleo")
    assert len(facts.queue_entries(read_store, filters, tmp_path)) == 3  # the ordering is kept…
    assert facts.queue_total(read_store, filters) == 2  # …but the total is exact
