"""Presentations: a book's lists of the causes of what a patient shows, kept as lists, not as DDx pairs.

:mod:`ingest.framing` decides which groups are causes; this module turns them into
:class:`~ingest.types.PresentationCandidate` records:

- the cause lists the cue modules found (``prose:causes``, ``presentation-list``) leave the DDx
  relations and become one presentation each, with the list's own evidence;
- the cause sentences they do not cover: "an itchy eruption can be caused by ...", "Other causes
  include ..." under a presentation heading, "X is usually due to ...";
- the conditions a comparison table under a presentation heading sets side by side join that
  presentation too (they also stay DDx: the book compares them to tell them apart), also when the
  table sits on the next page under the same heading.

Example:
    >>> chunk = split_presentations(chunk)  # doctest: +SKIP
"""

from __future__ import annotations

import re

from ingest.ddx_names import _names
from ingest.framing import DIFFERENTIAL_WORDS, frames_causes, presentation_name
from ingest.mentions import make_evidence
from ingest.patterns import words
from ingest.prefilter import prefiltered
from ingest.prose_cues import strip_marks
from ingest.qa_cues import answer_list, is_answer_marker
from ingest.text_units import sentences, units
from ingest.types import Extraction, Line, PresentationCandidate, RelationCandidate, Section, TableGrid

# "X can be caused by A, B or C", "X is usually due to A", "X may result from A".
_CAUSED_BY = re.compile(
    r"^(?P<p>[A-Za-z][\w'’ ()-]{2,60}?)\s+(?:can|may|might|could)\s+(?:\w+\s+)?"
    r"(?:be\s+)?(?:caused\s+by|due\s+to|result\s+from|the\s+result\s+of)\s+(?P<list>.+)$",
    re.IGNORECASE,
)
_CLAUSE_WORDS = words("which|that|who|whom|when|where|with")
# A question asking the causes of a presentation; its answer (the next sentence) lists them.
_CAUSE_QUESTION = re.compile(
    r"what\s+(?:are|is)\s+the\s+(?:\w+\s+)?causes?\s+of\s+(?P<p>[^?]{3,60})\?", re.IGNORECASE
)
_RUN_IN = re.compile(r"^[A-Z][a-z]+(?:\s[a-z]+){0,2}\s*[.:]?\s*[—–]\s*")  # "Causes.—Itching ..."
_BY = re.compile(r"(^|,|;|\bor\b|\band\b)\s*(?:by|to|from)\s+(?:the\s+)?", re.IGNORECASE)
# "Other causes include A, B and C", "Rarer causes are A and B": causes of the section's presentation.
_OTHER_CAUSES = re.compile(
    r"\b(?:other|further|rarer|less common|uncommon|additional)\s+causes\s+(?:include|are|comprise)\s*:?\s+"
    r"(?P<list>.+)$",
    re.IGNORECASE,
)
# "an inflammatory condition (e.g. eczema)": a category stands for its examples.
_CATEGORY_EG = re.compile(
    r"(?:\b(?!and\b|or\b)[\w-]+\s+){0,3}\b(?!and\b|or\b)[\w-]+\s*"
    r"\((?:e\.\s?g\.?|such as|for example),?\s*(?:some\s+cases\s+of\s+)?"
    r"(?P<ex>[^()]+)\)",
    re.IGNORECASE,
)
# A category or a bare cause is no member: "skin disease", "an unknown cause", "allergic reaction".
_NOT_A_MEMBER = re.compile(
    r"^(?:(?:an?|the|some|other|skin|systemic|unknown|inflammatory|allergic|metabolic|internal|possibly)\s+)*"
    r"(?:causes?|factors?|reactions?|conditions?|disorders?|diseases?|infections?|infestations?|autoimmune|"
    r"drugs?|trauma|skin|age|aged skin)$",
    re.IGNORECASE,
)


def cause_members(listed: str) -> list[str]:
    """The conditions of a cause list: 'an inflammatory condition (e.g. eczema), infection (e.g.
    varicella) or an unknown cause' -> eczema, varicella; categories and bare causes are no members."""
    listed = re.split("[;\u037e]", listed)[0]  # what follows a semicolon is a new statement
    text = _BY.sub(lambda m: m.group(1) + " ", _CATEGORY_EG.sub(lambda m: m.group("ex"), listed))
    return [n for n in _names(text) if not _NOT_A_MEMBER.match(n)]


def split_presentations(chunk: Extraction) -> Extraction:
    """Move the cause lists out of ``chunk.relations`` into ``chunk.presentations`` (one per list)."""
    keep: list[RelationCandidate] = []
    groups: dict[str, tuple[list[str], RelationCandidate]] = {}
    for rel in chunk.relations:
        ev = rel.evidence
        if rel.kind != "ddx" or not frames_causes(rel.rule, ev.quote, ev.context):
            keep.append(rel)
            continue
        members, _ = groups.setdefault(ev.id, ([], rel))
        for name in (rel.subject, rel.object):
            if name.lower() not in {m.lower() for m in members}:
                members.append(name)
    chunk.relations = keep
    for members, rel in groups.values():
        name = presentation_name(rel.evidence.context or "")
        if name and members:
            chunk.presentations.append(
                PresentationCandidate(name=name, members=members, rule=rel.rule, evidence=rel.evidence)
            )
    chunk.presentations = _dedup(chunk.presentations)
    return chunk


def cause_sentences(
    section: Section, source: str, *, title: str | None = None
) -> list[PresentationCandidate]:
    """Cause sentences the cue modules leave: "X can be caused by ...", "Other causes include ...",
    "What are the causes of X? A. ...". ``title``: the heading "Other causes" refer to (default: the
    section's own)."""
    title_name = presentation_name(title or section.title or "")
    out: list[PresentationCandidate] = []
    asked: str | None = None  # the presentation a question asked the causes of
    for unit in units(section.lines):
        for quote, lines in sentences(unit):
            text = _RUN_IN.sub("", strip_marks(quote).strip())
            if is_answer_marker(text):
                continue
            q = _CAUSE_QUESTION.search(text)
            found = _cause_list(text, asked, title_name) if not DIFFERENTIAL_WORDS.search(text) else None
            asked = presentation_name(q.group("p")) if q else None
            if found is None:
                continue
            name, listed, rule = found
            if members := cause_members(listed):
                ev = make_evidence(source, lines, quote, kind="ddx", context=section.title or name)
                out.append(PresentationCandidate(name=name, members=members, rule=rule, evidence=ev))
    return out


def _cause_list(text: str, asked: str | None, title_name: str | None) -> tuple[str, str, str] | None:
    """(presentation, list text, rule) when the sentence lists the causes of a presentation."""
    if asked and "?" not in text and (answer := answer_list(text)):
        return asked, answer, "prose:answer"
    m = _CAUSED_BY.match(text)
    if m and not _CLAUSE_WORDS.search(m.group("p")) and (name := presentation_name(m.group("p"))):
        return name, m.group("list"), "prose:caused-by"
    if (m := _OTHER_CAUSES.search(text)) and title_name:
        return title_name, m.group("list"), "prose:other-causes"
    return None


class PresentationTables:
    """The conditions a comparison table under a presentation heading compares join the presentation,
    also when the table sits on the next page under the same heading."""

    def __init__(self, source: str) -> None:
        self.source = source

    def add(self, section: Section, members_of: object) -> list[PresentationCandidate]:
        name = presentation_name(section.title or "")
        if not name:
            return []
        out: list[PresentationCandidate] = []
        for table in section.tables:
            members = members_of(table)  # type: ignore[operator]
            if len(members) < 2:
                continue
            ev = make_evidence(self.source, [table_line(table, members)], kind="ddx", context=section.title)
            out.append(PresentationCandidate(name=name, members=members, rule="table", evidence=ev))
        return out


def table_line(table: TableGrid, members: list[str]) -> Line:
    return Line(page=table.page, text=" | ".join(members), bbox=table.bbox, size=0)


def _dedup(items: list[PresentationCandidate]) -> list[PresentationCandidate]:
    """One candidate per (presentation, evidence): a sentence the cue modules and the cause-sentence
    scan both read gives its members once."""
    out: dict[tuple[str, str], PresentationCandidate] = {}
    for p in items:
        key = (p.name, p.evidence.id)
        if key in out:
            have = out[key]
            have.members += [m for m in p.members if m.lower() not in {x.lower() for x in have.members}]
        else:
            out[key] = p
    return list(out.values())


# Speed only, same matches: the costly patterns behind a test for the words every match needs
# (ingest.prefilter); a sentence without them skips the pattern.
_OTHER_CAUSES = prefiltered(_OTHER_CAUSES)
