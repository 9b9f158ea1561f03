"""Differentials in the shorthand of lecture notes, slides and revision books.

Notes state a differential with a label rather than a verb, and leave the subject to the heading:
"DDx: A, B", "Ddx — A; B (check ...); C", "Look-alikes: A, B and C", "Don't miss: A and B can look
identical", "→ Think of A and B when ...", "Mimics: A, B"; or with a bare modal verb: "• Can mimic A
(...) and B", "May be mistaken for A". Each listed name pairs with the condition of the section (its
heading). Shapes of language, measured on the lecture-notes book of the development corpus with its
gold written before this module (README, "Ingestion").
"""

from __future__ import annotations

import re

from ingest.ddx_names import _pairs
from ingest.mentions import split_names
from ingest.prose_cues import LIST_END as _LIST_END
from ingest.prose_cues import is_condition_phrase
from ingest.text_units import Unit, sentences, units
from ingest.types import Line, RelationCandidate, Section

_LEAD = r"^\s*(?:[●•▪◦‣∙·*→⇒>\-–—]\s*)?"
# A label, then ':' or a dash; the verb-like labels ("think of", "rule out") may also run straight on.
LABELLED = re.compile(
    _LEAD + r"(?:(?P<label>dd?x|d\.\s?d\.|d/d|look[\s-]?alikes?|mimics|mimickers|differentials?"
    r"|(?:don['’]t|do\s+not|must\s+not)\s+miss|beware(?:\s+of)?)\s*(?:[:—–]|\s-\s)"
    r"|(?P<verb>think\s+of|consider|rule\s+out|exclude)\s*[:—–]?)\s*(?P<list>.+)$",
    re.IGNORECASE,
)
# "Can mimic A and B", "May be mistaken for A": the subject is the section's condition.
MODAL = re.compile(
    _LEAD + r"(?:(?:it|this)\s+)?(?:can|may|might|often|sometimes|commonly)\s+(?:closely\s+|easily\s+)?"
    r"(?:mimic|resemble|simulate|imitate|be\s+(?:confused|mistaken|misdiagnosed)\s+(?:with|for|as))\s+"
    r"(?P<list>.+)$",
    re.IGNORECASE,
)
_PARENS = re.compile(r"\s*\([^()]*\)")


def note_list(text: str) -> str | None:
    """The names a labelled or modal note lists, or None when ``text`` is no such note."""
    m = LABELLED.match(text) or MODAL.match(text)
    if m is None:
        return None
    listed = _PARENS.sub("", m.group("list"))
    listed = re.split(r"(?<=[a-z)])\.(?:\s|$)", listed, maxsplit=1)[0]
    return _LIST_END.sub("", listed).strip(" .:")


def note_relations(section: Section, subject: str | None, source: str) -> list[RelationCandidate]:
    """DDx pairs (``subject``, each listed name) of the section's labelled and modal notes."""
    if not subject:
        return []
    out: list[RelationCandidate] = []
    for unit in units(section.lines):
        for text, lines in _notes(unit.lines):
            listed = note_list(text)
            if not listed:
                continue
            names = [n for n in split_names(listed) if is_condition_phrase(n)]
            ctx = section.title
            out.extend(_pairs(names, "notes:label", lines, source, text, context=ctx, anchor=subject))
    return out


def _notes(lines: list[Line]) -> list[tuple[str, list[Line]]]:
    """Each note that opens a line, with the lines it runs on: notes seldom end with a full stop, so
    a note ends at a sentence end, or where its paragraph does (a line stopping well short of the
    column's width, the next one starting anew with a capital)."""
    width = max((ln.bbox[2] - ln.bbox[0] for ln in lines), default=0.0)
    out: list[tuple[str, list[Line]]] = []
    for i, line in enumerate(lines):
        if not (LABELLED.match(line.text) or MODAL.match(line.text)):
            continue
        taken = [line]
        for prev, nxt in zip(lines[i:], lines[i + 1 :], strict=False):
            short = prev.bbox[2] - prev.bbox[0] < 0.8 * width
            if prev.text.rstrip().endswith((".", "!", "?")) or (short and nxt.text[:1].isupper()):
                break
            taken.append(nxt)
        text = " ".join(ln.text.strip() for ln in taken)
        first = [seg for seg, _ in sentences(Unit(lines=taken, bullet=False))][:1]
        out.append((first[0] if first else text, taken))
    return out
