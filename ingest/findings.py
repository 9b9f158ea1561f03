"""Findings from text: sentences and table cells that describe a diagnosis's findings.

Where a statement comes from decides whom it is about:

- a descriptive sub-section of a condition ("Presentation", "Clinical features", "Symptoms.—") or the
  body of a condition's own heading: every sentence is about that condition;
- any other sentence only when it names its subject: "In lichen planus the papules are ...",
  "Melanoma (typically) shows ...", a question "What are the symptoms of X?" and its answer; a contrast
  clause "whereas in Y ..." switches the subject to Y;
- a comparison table: each cell is about its column's condition, and the row label says which kind of
  finding it can state ("Common sites" states sites, "Lesion" morphology and colour, "History" history);
  rows about investigations and management state none.

A checklist ("the ABCDE rule", "major suspicious features") is a rule about a diagnosis only when it
sits under that diagnosis: its items become ``possible`` findings with the rule ``checklist``, never
observations; a checklist elsewhere gives nothing. Terms and their polarity: :mod:`ingest.finding_terms`.
"""

from __future__ import annotations

import re

from ingest.ddx_names import _names, _subject
from ingest.finding_terms import Term, clauses, is_finding_phrase, terms
from ingest.labels import NO_FINDING_WORDS, label_word
from ingest.mentions import make_evidence
from ingest.patterns import words
from ingest.prefilter import prefiltered
from ingest.prose_cues import strip_marks
from ingest.qa_cues import is_answer_marker
from ingest.rationales import RATIONALE_TITLE
from ingest.text_units import sentences, units
from ingest.types import FindingCandidate, Line, Section, TableGrid

# Which finding types a comparison-table row label can state.
_ROW_TYPES = {
    "history": {"history"},
    "onset": {"history"},
    "course": {"history"},
    "symptoms": {"history"},
    "sites": {"site", "distribution"},
    "site": {"site", "distribution"},
    "distribution": {"site", "distribution"},
    "lesion": {"morphology", "colour", "dermoscopy", "distribution"},
    "lesions": {"morphology", "colour", "dermoscopy", "distribution"},
    "morphology": {"morphology", "colour", "distribution"},
    "features": {"morphology", "colour", "dermoscopy", "distribution", "site", "history"},
    "signs": {"morphology", "colour", "dermoscopy", "distribution", "site"},
    "examination": {"morphology", "colour", "dermoscopy", "distribution", "site"},
    "presentation": {"morphology", "colour", "dermoscopy", "distribution", "site", "history"},
    "description": {"morphology", "colour", "dermoscopy", "distribution", "site", "history"},
}
_NAME = r"(?P<x>[A-Za-z][\w'’\- ]{2,50}?)"
_IN_X = re.compile(
    r"^(?:(?:but|and|whereas|while)\s+)?in\s+(?:the\s+)?"
    + _NAME
    + r",?\s+(?=(?:the|its|there|it|they|these|all|both|"
    r"lesions?|papules?|plaques?|patches|macules?|nodules?|vesicles?|bullae|scales?|eruption|rash|"
    r"itching|ulcers?|surface|border|margin|colou?r|pigment|dermoscopy)\b)",
    re.I,
)
_X_SHOWS = re.compile(
    r"^(?:(?:whereas|while|but|and)\s+)?(?:the\s+|an?\s+)?"
    + _NAME
    + r"\s+(?:(?:typically|usually|classically|characteristically|often|"
    r"commonly|always|may|can|sometimes|occasionally|never|does\s+not|rarely)\s+)?"
    r"(?:shows?|presents?\s+(?:with|as)|is\s+characteri[sz]ed\s+by|has|have|displays?|appears?\s+as|"
    r"consists?\s+of|begins?\s+(?:as|with)|is\s+marked\s+by|is\s+seen\s+as|occurs?|arises?|affects?|"
    r"is\s+an?|(?:is|are|can\s+be|may\s+be)\s+(?:\w+\s+)?(?:distinguished|differentiated)|differs?)\b",
    re.I,
)
# A clause after a ";" that names its own subject: "pityriasis alba is ill-defined and scaly".
_CLAUSE_SUBJECT = re.compile(
    r"^(?:(?:whereas|while|but|and)\s+)?(?:the\s+)?" + _NAME + r"\s+(?:is|are|has|have|shows?|follows?)\b",
    re.I,
)
# "Candidiasis (candidal skin infection) – white plaques ...": an item of a list of subtypes.
_X_DASH = re.compile(r"^" + _NAME.replace("\\- ", "\\-/ ") + r"\s*(?:\([^()]*\))?\s+[–—]\s+(?=\S)", re.I)
_QUESTION = re.compile(
    r"what\s+(?:are|is)\s+the\s+(?:\w+\s+){0,2}?(?:symptoms|features|signs|appearances?|lesions?|"
    r"characteristics|findings|morphology)\s+of\s+(?:the\s+)?" + _NAME + r"\s*\?",
    re.I,
)
_ANSWER = re.compile(r"^(?:a(?:ns(?:wer)?)?\.?\s*\d*[.:]\s+|answer:\s*)(?=[A-Z])")
_PREPOSITION = re.compile(
    r"^(?:in|on|with|for|at|of|from|by|after|before|during)\s|^(?:general|practice|addition|particular|short)$",
    re.I,
)
_CHECKLIST = words(
    r"ABCDE|checklist|check-list|(?<!as a )rule(?!\s+(?:out|of thumb))|criteria|warning signs|"
    r"suspicious features|red flags|seven-point|7-point"
)


def section_findings(
    section: Section, anchor: str | None, source: str, *, implicit: bool
) -> list[FindingCandidate]:
    """Findings stated in a section's sentences. ``implicit``: every sentence is about ``anchor``
    (a descriptive sub-section, a condition's own body); otherwise only sentences naming a subject."""
    if label_word(section.title or "") in NO_FINDING_WORDS and not RATIONALE_TITLE.match(section.title or ""):
        return []
    out: list[FindingCandidate] = []
    asked: str | None = None
    question = False
    checklist = False
    for unit in units(section.lines):
        if _CHECKLIST.search(unit.text):
            checklist = True  # this unit and the short items after it
        elif checklist and (unit.bullet or len(unit.text.split()) > 8):
            checklist = False
        for quote, lines in sentences(unit):
            text = _ANSWER.sub("", strip_marks(quote).strip())
            if not text or is_answer_marker(text):
                continue
            after_question = question
            question = text.rstrip().endswith("?")
            subject, rule = _sentence_subject(text, anchor if implicit else None, asked)
            q = _QUESTION.search(text)
            asked = _subject(q.group("x"), anchor) if q else None
            if question or subject is None or (after_question and rule == "rationale"):
                continue  # a question, or the answer to one that asked no findings (a list of names)
            if checklist:
                if implicit and anchor:
                    out.extend(
                        _candidates(
                            anchor,
                            text,
                            lines,
                            source,
                            section.title,
                            "checklist",
                            force="possible",
                            quote=quote,
                        )
                    )
                continue
            masked = _names_in(text)
            out.extend(
                _candidates(subject, text, lines, source, section.title, rule, masked=masked, quote=quote)
            )
    return out


def _sentence_subject(text: str, implicit: str | None, asked: str | None) -> tuple[str | None, str]:
    for pattern, rule in ((_IN_X, "prose:in-x"), (_X_SHOWS, "prose:x-shows"), (_X_DASH, "prose:x-dash")):
        m = pattern.match(text)
        if m and _condition(m.group("x")) and (name := _subject(m.group("x"), implicit)):
            return name, rule
    if asked:
        return asked, "answer"
    return implicit, "rationale"


def _condition(phrase: str) -> bool:
    """Can the phrase before a verb be a condition ('lichen planus'), not 'in darker skin', 'the papules'?"""
    return not _PREPOSITION.match(phrase) and not is_finding_phrase(phrase)


def _names_in(text: str) -> tuple[str, ...]:
    """Condition names the sentence itself gives (masked: 'erythema' in 'erythema multiforme')."""
    found = [m.group("x") for p in (_IN_X, _X_SHOWS, _X_DASH) for m in p.finditer(text)]
    return tuple(n for x in found for n in _names(x)) + tuple(name for _, name in _switches(text))


def _switches(text: str) -> list[tuple[int, str]]:
    """Clauses that turn to another condition: "whereas in Y the ...", "; Y shows ...", "while Y has"."""
    out: list[tuple[int, str]] = []
    for offset, clause in clauses(text):
        if offset == 0:
            continue  # the sentence's own subject
        c = clause.strip()
        m = _IN_X.match(c) or _X_SHOWS.match(c) or _CLAUSE_SUBJECT.match(c)
        if m and _condition(m.group("x")) and (name := _subject(m.group("x"), None)):
            out.append((offset, name))
    return out


def _candidates(
    subject: str,
    text: str,
    lines: list[Line],
    source: str,
    context: str | None,
    rule: str,
    *,
    masked: tuple[str, ...] = (),
    types: set[str] | None = None,
    force: str | None = None,
    quote: str | None = None,
) -> list[FindingCandidate]:
    """One candidate per finding term; a "whereas in Y ..." clause speaks of Y."""
    switches = _switches(text)
    found: list[tuple[str, Term]] = []
    for t in terms(text, masked=(subject, *masked)):
        who = subject
        for start, name in switches:
            if t.start >= start:
                who = _subject(name, None) or ""
        if t.name.lower() in who.lower():
            continue  # "ulcer" of an ulcer, "purpura" of actinic purpura: the name, not a finding
        if (
            who
            and (types is None or t.type in types)
            and (who, t.name) not in {(w, x.name) for w, x in found}
        ):
            found.append((who, t))
    if not found:
        return []
    ev = make_evidence(source, lines, quote or text, kind="finding", context=context)  # verbatim
    return [
        FindingCandidate(
            diagnosis=who,
            finding=t.name,
            type=t.type,  # type: ignore[arg-type]
            synonyms=list(t.synonyms),
            relation=force or t.relation,  # type: ignore[arg-type]
            known=t.known,
            rule=rule,
            evidence=ev,
        )
        for who, t in found
    ]


def table_findings(
    table: TableGrid, members: list[str], source: str, context: str | None
) -> list[FindingCandidate]:
    """A comparison table's cells: each item of a cell is a finding of its condition (the column's, or
    the row's when the conditions run down the side), of the kinds its attribute label allows."""
    rows = [[c.strip() for c in r] for r in table.rows if any(c.strip() for c in r)]
    if len(members) < 2 or len(rows) < 2:
        return []
    cells: list[tuple[str, str, str]] = []  # (condition, attribute label, cell)
    if columns := _match(rows[:3], members):
        for row in rows:
            cells += [(columns[i], row[0], c) for i, c in enumerate(row) if i in columns and i > 0 and c]
    else:
        header = rows[0]
        for row in rows[1:]:
            name = _match([[row[0]]], members).get(0)
            if name:
                cells += [(name, header[i], c) for i, c in enumerate(row) if 0 < i < len(header) and c]
    out: list[FindingCandidate] = []
    for name, label, cell in cells:
        types = _ROW_TYPES.get(label_word(label or "") or "")
        if not types:
            continue
        for item in re.split(r"(?:^|\s)-\s+|\s*[•●]\s*", cell):
            item = " ".join(item.split())
            if len(item) < 3:
                continue
            line = Line(page=table.page, text=item, bbox=table.bbox, size=0)
            where = f"{context or 'table'} – {name} – {label}"
            rule = f"table:{label_word(label)}"
            own, how = _sentence_subject(item, name, None)  # "Compound naevi are usually raised ..."
            if how == "rationale":
                m = _CLAUSE_SUBJECT.match(item)
                own = _subject(m.group("x"), name) if m and _condition(m.group("x")) else name
            out.extend(_candidates(own or name, item, [line], source, where, rule, types=types))
    return out


def _match(rows: list[list[str]], members: list[str]) -> dict[int, str]:
    """Column index -> the compared condition a header cell names (a wrapped name by its start)."""
    for row in rows:
        cols: dict[int, str] = {}
        for i, cell in enumerate(row):
            key = " ".join(cell.lower().split())
            if len(key) < 3:
                continue
            hit = next((m for m in members if m.lower() == key or m.lower().startswith(key + " ")), None)
            if hit:
                cols[i] = hit
        if len(cols) >= (1 if len(rows) == 1 and len(rows[0]) == 1 else 2):
            return cols
    return {}


# Speed only, same matches: the costly patterns behind a test for the words every match needs
# (ingest.prefilter); a sentence without them skips the pattern.
_IN_X, _X_SHOWS, _X_DASH = prefiltered(_IN_X), prefiltered(_X_SHOWS), prefiltered(_X_DASH)
_QUESTION = prefiltered(_QUESTION)
