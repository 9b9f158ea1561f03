"""Word-list patterns (:mod:`ingest.patterns`): whole words, any case, contracted negations."""

from __future__ import annotations

import re

from ingest.patterns import bounded, negation, words


def test_words_match_whole_words_and_phrases_in_any_case() -> None:
    pattern = words(r"rarely|absence\s+of|lacks?")
    assert [m.group(0) for m in pattern.finditer("Rarely: an ABSENCE  of scale; it lacks crust")] == [
        "Rarely",
        "ABSENCE  of",
        "lacks",
    ]
    assert pattern.search("barely, lackluster, absences of") is None


def test_flags_can_make_words_case_sensitive() -> None:
    assert words("ABCDE", flags=0).search("the abcde rule") is None
    assert words("ABCDE", flags=0).search("the ABCDE rule")


def test_negation_adds_contractions() -> None:
    pattern = negation("not|never")
    assert pattern.search("it doesn't itch") and pattern.search("it can’t be") and pattern.search("Never")
    assert pattern.search("knotted nevertheless") is None


def test_bounded_is_the_plain_alternation_source() -> None:
    assert bounded("a|b") == r"\b(?:a|b)\b"
    assert words("a|b").pattern == bounded("a|b") and words("a|b").flags & re.IGNORECASE
