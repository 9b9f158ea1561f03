"""A condition's differential sub-section ("Differential diagnosis", "Consider also", "Don't confuse
with"): each name it lists pairs with the condition. Bullets give their head ("Rosacea – older adults"),
a short verbless paragraph is a list, and inside a paragraph of prose a bare list sentence still lists
("X (...), Y in its early stage, and Z."); the prose's cue phrases speak for the rest
(:func:`ingest.ddx_rules.prose_relations`).
"""

from __future__ import annotations

import re

from ingest.ddx_names import _cut, _names, _pairs
from ingest.mentions import _SPLIT, clean_name
from ingest.text_units import sentences, units
from ingest.types import RelationCandidate, Section


def section_relations(section: Section, anchor: str, source: str) -> list[RelationCandidate]:
    """A 'Differential diagnosis' sub-section: each listed name pairs with the condition."""
    out: list[RelationCandidate] = []
    for unit in units(section.lines):
        if unit.bullet:
            items = [(re.split(r"\s[–—-]\s|:\s|\(", unit.text, maxsplit=1)[0], unit.text, unit.lines)]
        elif _short_list(unit.text):
            items = [(unit.text, unit.text, unit.lines)]
        else:  # a paragraph of prose: its cue phrases speak for it (prose_relations), but a bare list
            # sentence in it ("X (...), Y in its early stage, and Z.") still lists the differentials
            items = [(_bare(t), t, ls) for t, ls in sentences(unit) if _bare_list(_bare(t))]
        for head, text, lines in items:
            members = _names(head)
            if members:
                out.extend(
                    _pairs(
                        members,
                        "ddx-section",
                        lines,
                        source,
                        text,
                        context=section.title,
                        anchor=anchor,
                        score=0.8,
                    )
                )
    return out


def _short_list(text: str) -> bool:
    return len(text.split()) <= 14 and not re.search(r"\b(?:is|are|may|can|be|has)\b", text)


def _bare(text: str) -> str:
    return re.sub(r"\s*\([^()]*\)", "", text)  # asides in brackets say why, not what


_NOT_LIST_PART = re.compile(r"^(?:in|on|at|for|with|unlike|consider|see|table|figure|fig|note)\b", re.I)


def _bare_list(text: str) -> bool:
    """A verbless sentence of names only: every part of it reads as a name once its site is cut."""
    if not _short_list(text):
        return False
    parts = [p for p in _SPLIT.split(text.strip(" .")) if p]
    return len(parts) >= 2 and all(not _NOT_LIST_PART.match(p) and clean_name(_cut(p)) for p in parts)
