"""A prefiltered pattern answers exactly as the pattern itself: the strings it requires are ones every
match contains, and the rules' patterns give the same matches on real book text with and without it."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest

from ingest.prefilter import _Prefiltered, prefiltered, required_strings

RULE_MODULES = (
    "ddx_rules",
    "diagnoses",
    "figures",
    "finding_terms",
    "findings",
    "framing",
    "layout",
    "mentions",
    "presentations",
    "prose_cues",
    "stem_cues",
)


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        # an alternation of words: one of them, lower-cased under IGNORECASE
        (re.compile(r"\b(?:Resembl|mimic)\w*", re.I), {"resembl", "mimic"}),
        # a sequence: its most selective mandatory part (the longest literal run)
        (re.compile(r"(?:is|are)\s+distinguished\s+from"), {"distinguished"}),
        # case-sensitive: kept as written
        (re.compile(r"[A-Z]\w+'s Sign"), {"'s Sign"}),
        # an optional part promises nothing; the mandatory one does
        (re.compile(r"(?:very\s+)?similar", re.I), {"similar"}),
        # a lookahead's words are in the text too
        (re.compile(r",\s+(?=but|whereas)", re.I), {"but", "whereas"}),
        # a class of caseless symbols: one of them ('†' is in no ASCII text)
        (re.compile(r"[*†‡]+"), {"*", "†", "‡"}),
        # a branch that can match nothing, or a non-ASCII letter, promises nothing
        (re.compile(r"a?"), None),
        (re.compile(r"ſ|x", re.I), None),
        (re.compile(r"(?i:abc)def"), {"def"}),  # scoped flags: only the part outside them
    ],
)
def test_required_strings(pattern: re.Pattern[str], expected: set[str] | None) -> None:
    found = required_strings(pattern)
    assert (None if found is None else set(found)) == expected


def test_one_wrapper_per_pattern_and_the_pattern_when_nothing_is_required() -> None:
    cue = re.compile(r"resembl\w*", re.I)
    assert prefiltered(cue) is prefiltered(cue)  # identity tests such as `pattern is CAUSES` hold
    anything = re.compile(r"\w*")
    assert prefiltered(anything) is anything


def test_case_folding_exceptions_go_to_the_pattern() -> None:
    cue = prefiltered(re.compile(r"distinguish|kin", re.I))
    assert cue.search("diſtinguiſh").group(0) == "diſtinguiſh"  # long s: not ASCII, the pattern decides
    assert cue.search("\u212aIN")  # Kelvin sign ~ k
    assert cue.search("DISTINGUISHED from") and not cue.search("differs from")
    assert cue.sub("X", "no cue here") == "no cue here" and cue.split("none") == ["none"]
    assert list(cue.finditer("nothing")) == [] and cue.findall("nothing") == []


def _prefiltered_patterns() -> list[tuple[str, Any]]:
    found: dict[int, tuple[str, Any]] = {}
    for name in RULE_MODULES:
        module = importlib.import_module(f"ingest.{name}")
        for attr, value in vars(module).items():
            items = value if isinstance(value, list) else [value]
            for item in items:
                item = item[0] if isinstance(item, tuple) and item else item
                if isinstance(item, _Prefiltered):
                    found.setdefault(id(item), (f"{name}.{attr}", item))
    return list(found.values())


def _book_texts(bad_pdf: Path) -> list[str]:
    from ingest.pdf_loader import open_pdf, read_page

    texts: list[str] = []
    with open_pdf(bad_pdf) as doc:
        for page in doc:
            lines = [ln.text for ln in read_page(page)[0]]
            texts += lines
            texts += [" ".join(lines[i : i + 3]) for i in range(0, len(lines), 3)]  # sentences across lines
    corpus = Path(__file__).with_name("corpus_texts.py").read_text("utf-8")
    texts += [t.strip() for t in re.split(r"(?<=[.?!])\s+|\n", corpus) if t.strip()]
    return texts + [t.upper() for t in texts[:200]] + [t.lower() for t in texts[:200]]


def test_rule_patterns_match_exactly_as_without_the_prefilter(bad_pdf: Path) -> None:
    patterns = _prefiltered_patterns()
    assert len(patterns) >= 20  # the costly cue patterns of the rules are wrapped
    texts = _book_texts(bad_pdf)
    skipped = 0
    for name, fast in patterns:
        slow = fast._pattern
        for text in texts:
            got, want = fast.search(text), slow.search(text)
            assert (got and got.span()) == (want and want.span()), (name, text)
            assert [m.span() for m in fast.finditer(text)] == [m.span() for m in slow.finditer(text)]
            assert fast.sub("#", text) == slow.sub("#", text) and fast.split(text) == slow.split(text)
            skipped += fast.cannot_match(text)
    assert skipped > len(texts)  # and the test does skip the pattern for most texts
