"""Diagnosis-level finding statistics over labelled cases: what ``kg propose-findings`` proposes.

For each diagnosis d and finding f over every case with recorded findings (one row per lesion):
support (cases of d showing f), rate (support / cases of d) and the rate among all other diagnoses;
a one-sided Fisher exact test (enrichment or depletion) and a 95 % Wilson interval of d's rate.

The threshold (documented in the README; change it here, not per run):
- a diagnosis needs at least ``MIN_CASES`` (10) cases;
- **typical**: support >= 5, Wilson lower bound of d's rate >= 0.25, d's rate >= 2x the others' rate,
  and enrichment p < 0.05 / m (Bonferroni over the m tests of the run);
- **against**: the others' rate >= 0.25, Wilson upper bound of d's rate <= 0.10, and depletion
  p < 0.05 / m.
Nothing else is proposed: "possible" is a curator's call. Pure functions (no scipy needed: the
hypergeometric tail is summed in log space).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

MIN_CASES = 10
MIN_SUPPORT = 5
TYPICAL_MIN_LOWER = 0.25
TYPICAL_MIN_RATIO = 2.0
AGAINST_MIN_OTHERS = 0.25
AGAINST_MAX_UPPER = 0.10
ALPHA = 0.05
Z95 = 1.959963984540054
THRESHOLD_TEXT = (
    f"typical: support >= {MIN_SUPPORT}, Wilson 95% lower bound >= {TYPICAL_MIN_LOWER}, rate >= "
    f"{TYPICAL_MIN_RATIO:g}x the other diagnoses', one-sided Fisher p < {ALPHA}/m (Bonferroni); against: "
    f"others' rate >= {AGAINST_MIN_OTHERS}, Wilson 95% upper bound <= {AGAINST_MAX_UPPER}, one-sided "
    f"Fisher p < {ALPHA}/m; diagnoses with >= {MIN_CASES} cases"
)


class FindingStat(BaseModel):
    """One (diagnosis, finding) contingency table and its tests."""

    model_config = ConfigDict(extra="forbid")

    diagnosis: str
    finding: str
    support: int  # cases of d showing f
    cases: int  # cases of d
    others_support: int
    others: int
    rate: float
    others_rate: float
    wilson_lower: float
    wilson_upper: float
    p_enriched: float
    p_depleted: float
    relation: str | None = None  # typical / against when it passes the threshold


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """95 % Wilson score interval of a proportion k/n."""
    if n == 0:
        return 0.0, 1.0
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_one_sided(a: int, b: int, c: int, d: int, *, greater: bool) -> float:
    """P(X >= a) (greater) or P(X <= a) for the 2x2 table [[a, b], [c, d]] with fixed margins."""
    row1, col1, n = a + b, a + c, a + b + c + d
    lo, hi = max(0, col1 - (n - row1)), min(row1, col1)
    base = _log_comb(n, col1)
    ks = range(a, hi + 1) if greater else range(lo, a + 1)
    logs = [_log_comb(row1, k) + _log_comb(n - row1, col1 - k) - base for k in ks]
    if not logs:
        return 1.0
    top = max(logs)
    return min(1.0, math.exp(top) * sum(math.exp(x - top) for x in logs))


def finding_stats(cases: Iterable[tuple[str, Iterable[str]]]) -> list[FindingStat]:
    """Tables and decisions for every (diagnosis with >= MIN_CASES cases, finding seen at least once).

    ``cases``: (diagnosis id, observed finding ids) per lesion.
    """
    rows = [(d, set(f)) for d, f in cases]
    total = len(rows)
    per_dx = Counter(d for d, _ in rows)
    per_f = Counter(f for _, fs in rows for f in fs)
    joint = Counter((d, f) for d, fs in rows for f in fs)
    stats: list[FindingStat] = []
    for d in sorted(x for x, n in per_dx.items() if n >= MIN_CASES):
        n_d = per_dx[d]
        for f in sorted(per_f):
            a = joint.get((d, f), 0)
            c = per_f[f] - a
            others = total - n_d
            lo, hi = wilson(a, n_d)
            stats.append(
                FindingStat(
                    diagnosis=d,
                    finding=f,
                    support=a,
                    cases=n_d,
                    others_support=c,
                    others=others,
                    rate=a / n_d,
                    others_rate=c / others if others else 0.0,
                    wilson_lower=lo,
                    wilson_upper=hi,
                    p_enriched=fisher_one_sided(a, n_d - a, c, others - c, greater=True),
                    p_depleted=fisher_one_sided(a, n_d - a, c, others - c, greater=False),
                )
            )
    alpha = ALPHA / max(1, len(stats))
    for s in stats:
        if (
            s.support >= MIN_SUPPORT
            and s.wilson_lower >= TYPICAL_MIN_LOWER
            and s.rate >= TYPICAL_MIN_RATIO * s.others_rate
            and s.p_enriched < alpha
        ):
            s.relation = "typical"
        elif (
            s.others_rate >= AGAINST_MIN_OTHERS
            and s.wilson_upper <= AGAINST_MAX_UPPER
            and s.p_depleted < alpha
        ):
            s.relation = "against"
    return stats


def evidence_sentence(s: FindingStat, dx_name: str, finding_name: str, dataset: str) -> str:
    """The human sentence a statistics evidence quotes (counts, rates, the test, the threshold)."""
    p = s.p_enriched if s.relation == "typical" else s.p_depleted
    bound = (
        f"95% Wilson lower bound {s.wilson_lower:.0%}"
        if s.relation == "typical"
        else f"95% Wilson upper bound {s.wilson_upper:.0%}"
    )
    test = "enrichment" if s.relation == "typical" else "depletion"
    return (
        f"{dataset}: {finding_name} in {s.support} of {s.cases} cases of {dx_name} ({s.rate:.0%}, {bound}) "
        f"vs {s.others_support} of {s.others} cases of other diagnoses ({s.others_rate:.0%}); one-sided "
        f"Fisher exact {test} p = {p:.2g}. Threshold: {THRESHOLD_TEXT}."
    )


def evidence_stats(s: FindingStat, dataset: str) -> dict[str, float | int | str]:
    """The structured numbers stored beside :func:`evidence_sentence` (``Evidence.stats``): the
    2x2 table, the bound and the test the sentence states, unrounded."""
    typical = s.relation == "typical"
    return {
        "dataset": dataset,
        "support": s.support,
        "cases": s.cases,
        "others_support": s.others_support,
        "others": s.others,
        "rate": s.rate,
        "others_rate": s.others_rate,
        "bound_side": "lower" if typical else "upper",
        "bound": s.wilson_lower if typical else s.wilson_upper,
        "test": "enrichment" if typical else "depletion",
        "p": s.p_enriched if typical else s.p_depleted,
    }
