"""Cues whose subject is not in the cue's own words: the section's condition ("From X, by the
absence of ...", "X must be excluded", "X is a common mimic", "consider X and Y") or a contrast's two
terms ("In X the lesions are ..., whereas in Y ..."). The patterns are :mod:`ingest.prose_cues`';
:func:`ingest.ddx_rules.prose_relations` calls these for every sentence with the section's subject.
"""

from __future__ import annotations

import re

from ingest import prose_cues as cues
from ingest.ddx_names import _names, _pairs
from ingest.mentions import clean_name
from ingest.types import Line, RelationCandidate


def contextual_relations(
    text: str, lines: list[Line], anchor: str | None, source: str, context: str | None, quote: str
) -> list[RelationCandidate]:
    """Cues whose subject is the section's condition or a contrast's two terms (:mod:`ingest.prose_cues`)."""
    out: list[RelationCandidate] = _subject_cues(text, lines, anchor, source, context, quote)
    if not cues.CONTEXT_WORDS.search(text):  # most sentences hold none of these cues: skip the patterns
        return out
    if anchor and (m := cues.FROM_SUBJECT.match(text) or cues.FROM_BY.match(text)):
        out.extend(
            _pairs(
                _names(m.group("b")), "prose:from-by", lines, source, quote, context=context, anchor=anchor
            )
        )
    m = cues.EXCLUDED.search(text) if anchor and not text.rstrip().endswith("?") else None
    if m and not cues.is_negated(m.group(0)):
        names = [n for n in _names(m.group("b") or m.group("t")) if cues.is_condition_phrase(n)]
        out.extend(_pairs(names, "prose:excluded", lines, source, quote, context=context, anchor=anchor))
    if anchor and (m := cues.NOUN_CUE.match(text)) and not cues.is_negated(text[: m.end()]):
        out.extend(
            _pairs(
                _names(m.group("b")), "prose:noun-cue", lines, source, quote, context=context, anchor=anchor
            )
        )
    if (m := cues.BETWEEN.search(text)) is not None and not cues.is_negated(text[: m.start("list")]):
        out.extend(_pairs(_names(m.group("list")), "prose:between", lines, source, quote, context=context))
    if (m := cues.CONTRAST.match(text)) is not None:
        a, b = clean_name(m.group("a")), clean_name(m.group("b"))
        if a and b and cues.is_condition_phrase(a) and cues.is_condition_phrase(b):
            out.extend(
                _pairs([b], "prose:contrast", lines, source, quote, context=context, anchor=a, score=0.6)
            )
    return out


def _subject_cues(
    text: str, lines: list[Line], anchor: str | None, source: str, context: str | None, quote: str
) -> list[RelationCandidate]:
    """Names the sentence gives a role in the subject's differential: "X is a common mimic", "X and Y
    are the other main considerations", "consider X and Y", "exclude Z in ...", "X can look identical",
    "Beware of calling it X"."""
    if not anchor or not cues.ROLE_WORDS.search(text):
        return []
    found = [
        ("prose:role", m.group("b"))
        for clause in re.split(r"[;\u037e]\s*", text)
        if (m := cues.NOUN_ROLE.match(clause.strip())) and not cues.is_negated(m.group(0))
    ]
    if m := cues.LOOKS_ALIKE.match(text):
        found.append(("prose:looks-alike", m.group("b")))
    if listed := cues.mislabel_list(text):
        found.append(("prose:mislabel", listed))
    found += [("prose:imperative", listed) for listed in cues.imperative_lists(text)]
    out: list[RelationCandidate] = []
    for rule, listed in found:
        names = [n for n in _names(listed) if cues.is_condition_phrase(n)]
        out.extend(_pairs(names, rule, lines, source, quote, context=context, anchor=anchor))
    return out
