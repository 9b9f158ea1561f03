"""Rationales: the sentences that say how a diagnosis looks and presents (the r of the paper's (I, r, d)).

They come from the descriptive sub-sections of a condition (Presentation, Clinical features, Signs,
Morphology, ...). Under a heading naming several conditions, a sentence goes to the conditions it
names, or to all of them when it names none.
"""

from __future__ import annotations

import re

from ingest.mentions import make_evidence
from ingest.text_units import units
from ingest.types import RationaleCandidate, Section

RATIONALE_TITLE = re.compile(
    r"^(presentation|clinical (features|presentation|picture|findings|appearance)|features|signs|"
    r"(signs and )?symptoms|appearance|morphology|description|lesions?|physical findings|examination)\b",
    re.IGNORECASE,
)
MAX_QUOTE = 700


def rationale_candidates(section: Section, names: list[str], source: str) -> list[RationaleCandidate]:
    if not RATIONALE_TITLE.match(section.title) or not names:
        return []
    out: list[RationaleCandidate] = []
    for unit in units(section.lines):
        text = unit.text
        if len(text) < 12:
            continue
        opening = " ".join(text.lower().split()[:6])
        named = [n for n in names if n.lower() in opening] or [n for n in names if n.lower() in text.lower()]
        ev = make_evidence(source, unit.lines, text[:MAX_QUOTE], kind="rationale", context=section.title)
        out.extend(RationaleCandidate(diagnosis=n, evidence=ev) for n in (named or names))
    return out
