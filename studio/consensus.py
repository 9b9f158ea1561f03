"""Agreement between curators: Cohen's kappa for every pair that reviewed the same assertions.

Each assertion keeps one vote per user (a second vote replaces the first), so a pair's ratings are
their votes on the assertions both reviewed. Kappa corrects raw agreement for chance
(kappa = (p_o - p_e) / (1 - p_e)); it is the number the Overview shows per pair.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from itertools import combinations

from pydantic import BaseModel

from kg.models import Assertion


class PairAgreement(BaseModel):
    """Agreement of two curators over the ``n`` assertions both voted on."""

    a: str
    b: str
    n: int
    observed: float  # raw share of identical decisions
    kappa: float | None  # None when undefined (fewer than 2 items, or chance agreement is 1)


def cohen_kappa(pairs: list[tuple[str, str]]) -> float | None:
    """Cohen's kappa of two raters' labels; None when undefined."""
    n = len(pairs)
    if n < 2:
        return None
    observed = sum(1 for x, y in pairs if x == y) / n
    left = Counter(x for x, _ in pairs)
    right = Counter(y for _, y in pairs)
    expected = sum(left[label] * right[label] for label in set(left) | set(right)) / (n * n)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1.0 - expected)


def pairwise_agreement(assertions: Iterable[Assertion]) -> list[PairAgreement]:
    """Kappa for every curator pair with at least one assertion in common, most items first."""
    ratings: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for a in assertions:
        votes = {v.user: v.decision for v in a.votes}
        for u, w in combinations(sorted(votes), 2):
            ratings.setdefault((u, w), []).append((votes[u], votes[w]))
    out = [
        PairAgreement(
            a=u,
            b=w,
            n=len(pairs),
            observed=sum(1 for x, y in pairs if x == y) / len(pairs),
            kappa=cohen_kappa(pairs),
        )
        for (u, w), pairs in ratings.items()
    ]
    return sorted(out, key=lambda p: (-p.n, p.a, p.b))
