"""Cohen's kappa per curator pair."""

from __future__ import annotations

import pytest

from kg.models import Assertion, Vote
from studio.consensus import cohen_kappa, pairwise_agreement


@pytest.mark.parametrize(
    ("pairs", "kappa"),
    [
        ([("accept", "accept"), ("reject", "reject")], 1.0),  # perfect agreement
        ([("accept", "reject"), ("reject", "accept")], -1.0),  # perfect disagreement
        ([("accept", "accept"), ("accept", "accept")], None),  # chance agreement is 1: undefined
        ([("accept", "accept")], None),  # one shared item says nothing
        # textbook case: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> p_o 0.7, p_e 0.5, kappa 0.4
        ([("a", "a")] * 20 + [("a", "r")] * 5 + [("r", "a")] * 10 + [("r", "r")] * 15, 0.4),
    ],
)
def test_cohen_kappa(pairs, kappa):
    got = cohen_kappa(pairs)
    assert got == pytest.approx(kappa) if kappa is not None else got is None


def test_pairs_only_count_assertions_both_reviewed():
    def voted(i: int, **votes: str) -> Assertion:
        return Assertion(
            kind="ddx",
            subject=f"s{i}",
            object=f"o{i}",
            origin="llm",
            votes=[Vote(user=u, decision=d) for u, d in votes.items()],
        )

    rows = pairwise_agreement(
        [
            voted(1, ann="accept", bob="accept", cy="reject"),
            voted(2, ann="reject", bob="accept"),
            voted(3, cy="accept"),
        ]
    )
    summary = {(p.a, p.b): (p.n, p.observed) for p in rows}
    assert summary == {("ann", "bob"): (2, 0.5), ("ann", "cy"): (1, 0.0), ("bob", "cy"): (1, 0.0)}
