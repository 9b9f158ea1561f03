"""Word-list patterns: a vocabulary written as data, bounded as whole words and cased in one place.

Cue modules keep many small vocabularies ("rarely|seldom|uncommonly", "not|never|no|nor"); each was a
hand-written ``re.compile(r"\\b(?:...)\\b", re.I)``. Here the bounds, the case rule and the contracted
negation ("doesn't", "can’t") are written once.
"""

from __future__ import annotations

import re

from ingest.prefilter import prefiltered


def bounded(alternation: str) -> str:
    r"""``a|b|c`` -> ``\b(?:a|b|c)\b``: each alternative matches as a whole word or phrase only."""
    return rf"\b(?:{alternation})\b"


def words(alternation: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    r"""Any word or phrase of ``alternation`` ("rarely|seldom|free\s+of"), whole, in any case."""
    return prefiltered(re.compile(bounded(alternation), flags))  # most sentences hold none of them


def negation(alternation: str) -> re.Pattern[str]:
    """A negating word of ``alternation``, or a contracted "n't" ("doesn't", "can’t"), in any case."""
    return re.compile(bounded(alternation) + r"|n['’]t\b", re.IGNORECASE)
