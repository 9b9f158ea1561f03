"""The statistics of a ``stats`` finding proposal, parsed back from its evidence sentence."""

from __future__ import annotations

import pytest

from kg.finding_stats import evidence_sentence, finding_stats
from kg.models import Evidence
from studio.components.finding_stats import parse_statistics, statistics_of, table_rows
from tests.studio.findings_graph import STAT

TAIL = "one-sided Fisher exact enrichment p = 3.2e-12. Threshold: typical: support >= 5."
CASES = [
    # the sentence kg.finding_stats writes, names plain
    (
        f"derm7pt: Atypical pigment network in 30 of 60 cases of Melanoma (50%, 95% Wilson lower bound "
        f"38%) vs 40 of 400 cases of other diagnoses (10%); {TAIL}",
        ("derm7pt", 30, 60, 40, 400, "lower", 0.38, "enrichment", 3.2e-12),
    ),
    # names holding the words the pattern uses ("in", "of", "cases", parentheses) do not confuse it
    (
        "isic: Dots in clusters in 5 of 12 cases of Naevus of Ota (Ota's naevus) (42%, 95% Wilson lower "
        f"bound 19%) vs 3 of 90 cases of other diagnoses (3%); {TAIL}",
        ("isic", 5, 12, 3, 90, "lower", 0.19, "enrichment", 3.2e-12),
    ),
    # an "against" sentence: upper bound, depletion test, p printed without exponent
    (
        "derm7pt: Typical pigment network in 0 of 40 cases of Melanoma (0%, 95% Wilson upper bound 9%) vs "
        "120 of 300 cases of other diagnoses (40%); one-sided Fisher exact depletion p = 0.00031. Thr.",
        ("derm7pt", 0, 40, 120, 300, "upper", 0.09, "depletion", 0.00031),
    ),
    # wrapped over lines (a quote re-flowed by an export or an editor) still parses
    (
        "derm7pt: Streaks in 8 of 20 cases of\nMelanoma (40%, 95% Wilson lower\n bound 22%) vs 10 of 200 "
        "cases of other diagnoses (5%); one-sided Fisher exact enrichment p = 1",
        ("derm7pt", 8, 20, 10, 200, "lower", 0.22, "enrichment", 1.0),
    ),
]
BAD = [
    "A changing pigmented lesion can be benign or malignant",  # a textbook quote, not statistics
    # impossible counts (support above cases): shown as nothing rather than as a wrong table
    f"derm7pt: X in 70 of 60 cases of Melanoma (50%, 95% Wilson lower bound 38%) vs 4 of 40 cases of "
    f"other diagnoses (10%); {TAIL}",
    # zero cases: no rate to show
    f"derm7pt: X in 0 of 0 cases of Melanoma (0%, 95% Wilson lower bound 0%) vs 4 of 40 cases of "
    f"other diagnoses (10%); {TAIL}",
    # truncated before the test
    "derm7pt: X in 3 of 10 cases of Melanoma (30%, 95% Wilson lower bound 11%) vs 4 of 40",
]


@pytest.mark.parametrize(("quote", "want"), CASES)
def test_parses_the_numbers(quote: str, want: tuple) -> None:
    s = parse_statistics(quote)
    assert s is not None
    got = (s.dataset, s.support, s.cases, s.others_support, s.others, s.bound_side, s.bound, s.test, s.p)
    assert got == pytest.approx(want)


@pytest.mark.parametrize("quote", BAD)
def test_refuses_what_is_not_a_consistent_statistics_sentence(quote: str) -> None:
    assert parse_statistics(quote) is None


def test_round_trips_every_sentence_kg_writes() -> None:
    """Whatever finding_stats computes on a real-shaped table, the studio reads the same counts back."""
    cases = [("mel", ["f1"])] * 14 + [("mel", [])] * 6 + [("nev", ["f2"])] * 30 + [("nev", ["f1"])] * 2
    stats = [s for s in finding_stats(cases) if s.relation]
    assert stats
    for s in [*stats, STAT]:
        parsed = parse_statistics(evidence_sentence(s, "Mel (x)", "Finding: one", "derm7pt"))
        assert parsed is not None
        assert (parsed.support, parsed.cases, parsed.others_support, parsed.others) == (
            s.support,
            s.cases,
            s.others_support,
            s.others,
        )
        assert parsed.rate == pytest.approx(s.rate) and parsed.others_rate == pytest.approx(s.others_rate)


def test_table_rows_and_first_statistics_evidence() -> None:
    quote = evidence_sentence(STAT, "Melanoma", "Atypical pigment network", "derm7pt")
    found = statistics_of(
        [
            Evidence(kind="ddx", source_sha256="x", quote=quote),
            Evidence(kind="statistics", source_sha256="x", quote=quote),
        ]
    )
    assert found is not None
    assert table_rows(found, "Melanoma") == [
        {"cases": "Melanoma", "with finding": 30, "without": 30, "rate": "50%", "95% bound": "≥ 38%"},
        {"cases": "other diagnoses", "with finding": 40, "without": 360, "rate": "10%", "95% bound": "—"},
    ]
    assert statistics_of([Evidence(kind="ddx", source_sha256="x", quote=quote)]) is None  # kind matters


def test_structured_stats_are_read_before_the_sentence() -> None:
    """``Evidence.stats`` (kg.finding_stats.evidence_stats) is the source; the quote stays for people."""
    from kg.finding_stats import evidence_stats

    s = STAT
    stats = evidence_stats(s, "derm7pt")
    # a quote a person reworded (no longer parseable): the structured numbers still show
    ev = Evidence(kind="statistics", source_sha256="d" * 64, quote="reworded by a curator", stats=stats)
    got = statistics_of([ev])
    assert got is not None
    assert (got.dataset, got.support, got.cases, got.others_support, got.others) == (
        "derm7pt",
        s.support,
        s.cases,
        s.others_support,
        s.others,
    )
    assert got.p == pytest.approx(stats["p"]) and got.bound == pytest.approx(stats["bound"])
    # old evidence without the field: parsed from its sentence, as before
    old = Evidence(
        kind="statistics", source_sha256="d" * 64, quote=evidence_sentence(s, "Mel", "F", "derm7pt")
    )
    parsed = statistics_of([old])
    assert old.stats is None and parsed is not None
    assert (parsed.support, parsed.cases, parsed.others_support, parsed.others) == (
        got.support,
        got.cases,
        got.others_support,
        got.others,
    )
    assert parsed.bound == round(got.bound, 2)  # the sentence prints whole percent; stats do not
    # impossible structured numbers fall back to the sentence, and show nothing when that fails too
    broken = ev.model_copy(update={"stats": {**stats, "support": stats["cases"] + 1}})
    assert statistics_of([broken]) is None
    assert statistics_of([broken.model_copy(update={"quote": old.quote})]) is not None
