"""Progress from the audit log: per curator and per book, today and in total, and what remains."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from studio.progress import progress
from tests.studio.queues_graph import build_queues_graph, curator_actions


@pytest.fixture
def store(any_store, shared_data):
    build_queues_graph(any_store, shared_data)
    return any_store


def test_decisions_count_per_curator_and_per_book(store, users_template):
    before = progress(store)
    assert before.curators == [] and before.proposed == 8
    (book,) = before.sources
    assert (book.title, book.today, book.decided, book.remaining) == ("BAD handbook (3rd ed.)", 0, 0, 6)

    cleo, cara = curator_actions(store, users_template), curator_actions(store, users_template, "cara")
    ddx = store.find_assertion("ddx", "melanoma", "naevus")
    cleo.accept(ddx.id)
    cleo.reject(store.find_assertion("ddx", "bcc", "naevus").id, "no evidence of confusion")
    cara.accept(store.find_assertion("ddx", "melanoma", "seb-k").id)
    now = progress(store)
    by_user = {c.user: c for c in now.curators}
    assert (
        by_user["cleo"].today,
        by_user["cleo"].total,
        by_user["cleo"].accepted,
        by_user["cleo"].rejected,
    ) == (
        2,
        2,
        1,
        1,
    )
    assert (by_user["cara"].today, by_user["cara"].total) == (1, 1)
    assert now.proposed == 5 and by_user["cleo"].remaining == 5
    (book,) = now.sources
    assert (book.today, book.decided, book.remaining) == (3, 3, 3)
    tomorrow = progress(store, now=datetime.now(UTC) + timedelta(days=1))
    assert [c.today for c in tomorrow.curators] == [0, 0] and [c.total for c in tomorrow.curators] == [1, 2]


def test_remaining_under_consensus_leaves_out_what_the_curator_voted_on(store, users_template):
    cleo = curator_actions(store, users_template, k=2)
    cleo.accept(store.find_assertion("ddx", "melanoma", "naevus").id)
    report = progress(store)
    (c,) = report.curators
    assert report.proposed == 8 and c.remaining == 7 and c.today == 1
    assert report.sources[0].today == 0  # a vote alone decides nothing yet
