"""The case statistics behind a ``stats`` finding proposal, as a small table and a bar chart.

``kg propose-findings`` stores the numbers as structured data beside the human sentence
(``Evidence.stats``, written by :func:`kg.finding_stats.evidence_stats`); they are read from there.
Evidence written before that field existed holds the numbers only in its sentence
(:func:`kg.finding_stats.evidence_sentence`), so for it they are parsed back from the text: the
counts anchor the pattern (names may hold any words), rates are recomputed from the counts, and a
sentence that does not parse or whose counts are impossible shows nothing rather than wrong numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import streamlit as st
from pydantic import BaseModel, ConfigDict

from kg.models import Evidence
from studio.components.safe import md

_NUM = r"\d+(?:\.\d+)?"
_SENTENCE = re.compile(
    r"^(?P<dataset>[^:]+?):\s.*?\bin (?P<support>\d+) of (?P<cases>\d+) cases of .+? "
    rf"\((?P<rate>{_NUM})%, 95% Wilson (?P<side>lower|upper) bound (?P<bound>{_NUM})%\) "
    r"vs (?P<others_support>\d+) of (?P<others>\d+) cases of other diagnoses "
    rf"\((?P<others_rate>{_NUM})%\); one-sided Fisher exact (?P<test>enrichment|depletion) "
    r"p = (?P<p>\d+(?:\.\d+)?(?:e[-+]?\d+)?)",
    re.IGNORECASE | re.DOTALL,
)


class FindingStatistics(BaseModel):
    """One 2x2 table: cases of the diagnosis and of the other diagnoses, with and without the finding."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dataset: str
    support: int  # cases of the diagnosis showing the finding
    cases: int
    others_support: int
    others: int
    bound_side: str  # "lower" (typical) or "upper" (against)
    bound: float  # the 95 % Wilson bound of the diagnosis's rate, 0..1 (as printed: whole percent)
    test: str  # "enrichment" or "depletion"
    p: float

    @property
    def rate(self) -> float:
        return self.support / self.cases

    @property
    def others_rate(self) -> float:
        return self.others_support / self.others if self.others else 0.0


def parse_statistics(quote: str) -> FindingStatistics | None:
    """The numbers of an ``evidence_sentence``; None when the text is not one or is inconsistent."""
    m = _SENTENCE.search(" ".join(quote.split()))
    if m is None:
        return None
    support, cases = int(m["support"]), int(m["cases"])
    others_support, others = int(m["others_support"]), int(m["others"])
    bound, p = float(m["bound"]) / 100, float(m["p"])
    if cases == 0 or support > cases or others_support > others or not 0 <= bound <= 1 or not 0 <= p <= 1:
        return None
    return FindingStatistics(
        dataset=m["dataset"].strip(),
        support=support,
        cases=cases,
        others_support=others_support,
        others=others,
        bound_side=m["side"].lower(),
        bound=bound,
        test=m["test"].lower(),
        p=p,
    )


def structured_statistics(stats: dict[str, float | int | str]) -> FindingStatistics | None:
    """``Evidence.stats`` as a table; None when a field is missing or the counts are impossible."""
    try:
        s = FindingStatistics.model_validate({k: stats[k] for k in FindingStatistics.model_fields})
    except (KeyError, ValueError):
        return None
    if s.cases <= 0 or not 0 <= s.support <= s.cases or not 0 <= s.others_support <= s.others:
        return None
    return s if 0 <= s.bound <= 1 and 0 <= s.p <= 1 else None


def statistics_of(evidence: Iterable[Evidence]) -> FindingStatistics | None:
    """The first ``statistics`` evidence with usable numbers: its structured ``stats``, else (older
    evidence) its sentence parsed."""
    for ev in evidence:
        if ev.kind != "statistics":
            continue
        found = (structured_statistics(ev.stats) if ev.stats else None) or parse_statistics(ev.quote)
        if found is not None:
            return found
    return None


def table_rows(s: FindingStatistics, diagnosis: str) -> list[dict[str, object]]:
    """Diagnosis and the others, with / without the finding, the rate, and the bound on the first row."""
    sign = "≥" if s.bound_side == "lower" else "≤"
    return [
        {
            "cases": diagnosis,
            "with finding": s.support,
            "without": s.cases - s.support,
            "rate": f"{s.rate:.0%}",
            "95% bound": f"{sign} {s.bound:.0%}",
        },
        {
            "cases": "other diagnoses",
            "with finding": s.others_support,
            "without": s.others - s.others_support,
            "rate": f"{s.others_rate:.0%}",
            "95% bound": "—",
        },
    ]


def show_statistics(s: FindingStatistics, diagnosis: str, finding: str) -> None:
    """Table, bar chart of the two rates and the test, in a bordered box beside the decision."""
    with st.container(border=True):
        st.markdown(f"**Case statistics** ({md(s.dataset)})")
        st.dataframe(table_rows(s, diagnosis), hide_index=True, width="stretch")
        st.bar_chart(
            {"cases": [diagnosis, "other diagnoses"], "rate with the finding": [s.rate, s.others_rate]},
            x="cases",
            y="rate with the finding",
            height=180,
        )
        st.caption(
            md(
                f"{finding}: one-sided Fisher exact {s.test} test p = {s.p:.2g}; "
                f"95% Wilson {s.bound_side} bound of the rate in {diagnosis}: {s.bound:.0%}."
            )
        )
