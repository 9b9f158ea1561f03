"""Differential-diagnosis cues: DDx sections, comparison tables, presentation lists and prose.

Three shapes of evidence, one output (a :class:`RelationCandidate` of kind ``ddx``):

- *anchored*: "Differential diagnosis" under a condition, "A is (to be) distinguished from B",
  "A may be confused with B", "A resembles B", "A differs from B": pairs of the anchor with each name;
- *grouped*: a comparison table of conditions, "the (main) differential diagnoses for a red swollen leg
  are A, B and C", "the common causes of blisters are ...", a presentation's "can be ... (e.g. A, B)":
  every two members are mutual differentials, and the presentation is kept as the evidence context.

A list of *causes* of a presentation ("causes of blisters are impetigo, insect bites, burns") and a
presentation's examples ("can be ... e.g. A, B") name conditions without describing them: their
relations carry ``mention=True`` and a lower score: the names are still proposed, so that the pairs can
land (for a presentation, its causes *are* its differentials), and the pipeline reports the names
that have no entry of their own apart, for curators to confirm first.
A list of causes of a *condition* ("causes of urticaria include drugs ...") is its aetiology, not a
differential: it gives no DDx at all.
"""

from __future__ import annotations

import itertools
import re

from ingest.labels import is_clinical_label, label_word
from ingest.mentions import clean_name, make_evidence, split_names
from ingest.text_units import sentences, units
from ingest.types import Line, RelationCandidate, Section, TableGrid

DDX_TITLE = re.compile(r"^(differential( diagnos[ie]s)?|differentials|ddx|d\.d\.)\b", re.IGNORECASE)
_NP = r"(?P<{0}>[A-Za-z][\w'’\- ]{{1,70}}?)"
_END = (
    r"(?=\s+(?:by|in|on|because|when|which|as|through|due|since|except|if|but|including|especially|whereas|"
    r"although|while|that)\b|[;.:(]|,\s+(?:which|who|but|although|whereas|as)\b|$)"
)
_BE = (
    r"(?:is|are|(?:can|may|might|must|should|could|will)(?:\s+not)?\s+be|has to be|have to be|"
    r"(?:is|are) apt to be)"
)
_ADV = r"(?:(?:readily|easily|usually|often|commonly|sometimes|frequently|clinically|closely|always)\s+)?"


def _cue(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("{A}", _NP.format("a")).replace("{B}", r"(?P<b>.+?)" + _END), re.I)


_CUE_WORDS = re.compile(
    r"distinguish|differentiat|confus|confound|mistak|misdiagnos|resembl|mimic|simulat|imitat|differ|"
    r"overlap|considered|tell apart|told apart|separat",
    re.I,
)
# Anchored cues: the subject (A) pairs with each name of the object list (B).
ANCHORED = [
    (
        _cue(
            r"{A}\s+"
            + _BE
            + r"\s+"
            + _ADV
            + r"(?:to be\s+)?(?:distinguished|differentiated|told apart|separated)"
            r"\s+from\s+{B}"
        ),
        "prose:distinguished",
    ),
    (_cue(r"(?:distinguish(?:es)?|differentiates?|separates?)\s+{A}\s+from\s+{B}"), "prose:distinguishes"),
    (
        _cue(
            r"{A}\s+"
            + _BE
            + r"\s+"
            + _ADV
            + r"(?:confused|mistaken|confounded|misdiagnosed)\s+(?:with|for|as)\s+{B}"
        ),
        "prose:confused",
    ),
    (
        _cue(
            r"{A}\s+(?:(?:may|can|might|often|closely|may closely|can closely)\s+)?"
            r"(?:resembles?|mimics?|simulates?|imitates?)\s+{B}"
        ),
        "prose:resembles",
    ),
    (
        _cue(r"{A}\s+(?:differs?|is different|is indistinguishable|may be indistinguishable)\s+from\s+{B}"),
        "prose:differs",
    ),
    (
        _cue(
            r"{A}\s+(?:is|are|can be|may be)\s+(?:difficult|hard|impossible)\s+to\s+"
            r"(?:distinguish|differentiate|tell apart|separate)\s+from\s+{B}"
        ),
        "prose:difficult",
    ),
    (_cue(r"{A}\s+(?:may|can)\s+(?:have|show)\s+features\s+overlapping\s+with\s+{B}"), "prose:overlaps"),
    (
        _cue(
            r"{A}\s+(?:should|must|may)\s+be\s+considered\s+in\s+the\s+differential(?:\s+diagnosis)?\s+of\s+{B}"
        ),
        "prose:considered",
    ),
]
# A list of causes of a presentation: mutual differentials whose names are only mentioned.
CAUSES = re.compile(
    r"\b(?:common|main|usual|important|principal)?\s*causes\s+of\s+(?P<ctx>[\w\s-]{3,40}?)\s+"
    r"(?:are|include|includes)\s*:?\s+(?P<list>.+)$",
    re.I,
)
GROUPED = [
    re.compile(
        r"\b(?:main|principal|important|common|chief|usual)?\s*differential(?:\s+diagnos[ie]s)?\s+"
        r"(?:of|for)\s+(?P<ctx>.+?)\s+(?:is|are|include|includes)\s*:?\s+(?P<list>.+)$",
        re.I,
    ),
    CAUSES,
    re.compile(
        r"\b(?:conditions|disorders|diseases|lesions|eruptions)\s+(?:that|which)\s+(?:may|can|might)\s+"
        r"(?:mimic|simulate|resemble|be confused with)\s+(?P<ctx>.+?)\s+(?:include|are)\s*:?\s+(?P<list>.+)$",
        re.I,
    ),
    # "A and B are easily confused": mutual, no presentation named
    re.compile(
        r"^(?P<list>[^,;]+?(?:,[^,;]+?)*\s+and\s+[^,;]+?)\s+(?:are|may be|can be)\s+(?:easily\s+|often\s+)?"
        r"(?:confused|mistaken for (?:one another|each other)|difficult to (?:distinguish|tell apart))\b",
        re.I,
    ),
]
FREE_LIST = re.compile(
    r"(?:\bthe\s+|^)differential(?:\s+diagnos[ie]s)?\s*(?:includes?|is|are|:|–|-)\s*:?\s+(?P<list>.+)$", re.I
)
_PRONOUN = re.compile(
    r"^(it|this|this condition|this disorder|the condition|the disease|the lesion|"
    r"the rash|the eruption|they|these)$",
    re.I,
)
_EG = re.compile(r"\be\.\s?g\.?,?\s*(?P<list>[^()]+?)(?=\)|$|\.\s|;)", re.I)
_TYPES_LIST = re.compile(r"\b(?:types|forms|kinds|causes)\s*(?:are|include|:)\s*:?\s*(?P<list>[^.;]+)", re.I)
# Words that make a phrase a presentation ("a red swollen leg", "blisters") rather than a condition.
_PRESENTATION = re.compile(r"\b(leg|rash|eruption|blisters?|lesions?|swelling)\b", re.I)
_ECHO_VERB = re.compile(r"\b(can|may)\s+(be|present)|\bclassified\b|\bdivided\b|\bdifferential", re.I)
_CUT = re.compile(r"\s+(?:in|on|at|with|after|from|of the|see)\s+(?!situ\b).*$", re.I)


def _names(text: str) -> list[str]:
    text = re.sub(r"\((?:see|cf\.?)[^)]*\)", "", text)
    return [n for n in (clean_name(_CUT.sub("", p)) for p in split_names(_distribute(text))) if n]


_ADJECTIVE = re.compile(r"^[a-z-]+(al|ous|ic|ar|ive|ed|ary|oid|ile|ant|ent|ine)$")


def _distribute(text: str) -> str:
    """'venous, arterial and neuropathic ulcers' -> 'venous ulcers, arterial ulcers and neuropathic ulcers'"""
    parts = re.split(r"\s*(?:,|\band\b|\bor\b)\s*", text.strip(" ."))
    parts = [p for p in parts if p]
    if (
        len(parts) >= 2
        and len(parts[-1].split()) == 2
        and all(len(p.split()) == 1 and _ADJECTIVE.search(p) for p in parts[:-1])
        and _ADJECTIVE.search(parts[-1].split()[0])
    ):
        head = parts[-1].split()[-1]
        return ", ".join(f"{p} {head}" for p in parts[:-1]) + " and " + parts[-1]
    return text


def _pairs(
    members: list[str],
    rule: str,
    lines: list[Line],
    source: str,
    quote: str,
    *,
    context: str | None,
    anchor: str | None = None,
    score: float = 0.6,
    mention: bool = False,
) -> list[RelationCandidate]:
    ev = make_evidence(source, lines, quote, kind="ddx", context=context)
    uniq: list[str] = []
    for m in members:
        if m.lower() not in {u.lower() for u in uniq} and (anchor is None or m.lower() != anchor.lower()):
            uniq.append(m)
    pairs = [(anchor, m) for m in uniq] if anchor is not None else list(itertools.combinations(uniq, 2))
    return [
        RelationCandidate(
            kind="ddx", subject=a, object=b, rule=rule, score=score, evidence=ev, mention=mention
        )
        for a, b in pairs
    ]


def prose_relations(section: Section, anchor: str | None, source: str) -> list[RelationCandidate]:
    """Cue phrases in the sentences of a section; ``anchor`` stands for 'it' / 'this condition'."""
    out: list[RelationCandidate] = []
    title = section.title or None
    for unit_index, unit in enumerate(units(section.lines)):
        unit_sentences = sentences(unit)
        echo = unit_index < 3 and anchor is None and _echoes(unit_sentences[0][0], section.title)
        for text, lines in unit_sentences:
            out.extend(_anchored(text, lines, anchor, source, title))
            for pattern in GROUPED:
                m = pattern.search(text)
                if m and "ctx" not in m.groupdict():
                    out.extend(
                        _pairs(_names(m.group("list")), "prose:mutual", lines, source, text, context=title)
                    )
                    break
                if m and pattern is CAUSES:
                    ctx = m.group("ctx").strip()
                    if clean_name(ctx) and not _PRESENTATION.search(ctx):
                        break  # causes of a condition: aetiology, not differentials
                    out.extend(
                        _pairs(
                            _names(m.group("list")),
                            "prose:causes",
                            lines,
                            source,
                            text,
                            context=ctx,
                            score=0.4,
                            mention=True,
                        )
                    )
                    break
                if m:
                    ctx = m.group("ctx").strip()
                    members = _names(m.group("list"))
                    is_name = clean_name(ctx) and not re.match(r"^(a|an|the)\s", ctx, re.I)
                    target = None
                    if anchor and ctx.lower() in {"this condition", "it"}:
                        target = anchor
                    elif is_name and not _PRESENTATION.search(ctx):
                        target = clean_name(ctx)
                    if target:
                        rule = "prose:differential"
                        out.extend(_pairs(members, rule, lines, source, text, context=title, anchor=target))
                    else:
                        out.extend(_pairs(members, "prose:presentation", lines, source, text, context=ctx))
                    break
            else:
                m = FREE_LIST.search(text)
                if m:
                    members = _names(m.group("list"))
                    out.extend(
                        _pairs(
                            members, "prose:differential", lines, source, text, context=title, anchor=anchor
                        )
                    )
        if echo and section.title:
            members: list[str] = []
            for text, _ in unit_sentences:
                for m in list(_EG.finditer(text)) + list(_TYPES_LIST.finditer(text)):
                    members.extend(_names(m.group("list")))
            if len(members) >= 2:
                out.extend(
                    _pairs(
                        members,
                        "presentation-list",
                        unit.lines,
                        source,
                        unit.text,
                        context=section.title,
                        score=0.4,
                        mention=True,
                    )
                )
    return out


def _echoes(sentence: str, title: str) -> bool:
    """Does the unit open by talking about the section's subject ('A purpuric eruption can be ...')?"""
    if not title or not _ECHO_VERB.search(sentence):
        return False
    words = {w for w in re.findall(r"[a-z]{4,}", title.lower())}
    opening = set(re.findall(r"[a-z]{4,}", " ".join(sentence.lower().split()[:8])))
    return bool(words) and len(words & opening) >= min(2, len(words))


def _anchored(
    text: str, lines: list[Line], anchor: str | None, source: str, context: str | None
) -> list[RelationCandidate]:
    out: list[RelationCandidate] = []
    if not _CUE_WORDS.search(text):  # most sentences have no cue: skip the costly patterns
        return out
    for pattern, rule in ANCHORED:
        for m in pattern.finditer(text):
            subject = _subject(m.group("a"), anchor)
            others = _names(m.group("b"))
            if subject and others:
                out.extend(
                    _pairs(others, rule, lines, source, text, context=context, anchor=subject, score=0.7)
                )
    return out


def _subject(raw: str, anchor: str | None) -> str | None:
    """The noun phrase just before a cue: the words after the last clause break."""
    raw = re.split(r"[,;:()]|\b(?:and|but|although|while|whereas|that|which)\b", raw)[-1].strip()
    raw = re.sub(r"^(the|a|an|extensive|typical|classical|this)\s+", "", raw, flags=re.I)
    raw = _CUT.sub("", raw)
    if _PRONOUN.match(raw) or not raw:
        return anchor
    name = clean_name(raw)
    if name and len(name.split()) <= 5:
        return name
    return None


def section_relations(section: Section, anchor: str, source: str) -> list[RelationCandidate]:
    """A 'Differential diagnosis' sub-section: each listed name pairs with the condition."""
    out: list[RelationCandidate] = []
    for unit in units(section.lines):
        text = unit.text
        head = re.split(r"\s[–—-]\s|:\s|\(", text, maxsplit=1)[0] if unit.bullet else text
        members = _names(head)
        if members:
            out.extend(
                _pairs(
                    members,
                    "ddx-section",
                    unit.lines,
                    source,
                    text,
                    context=section.title,
                    anchor=anchor,
                    score=0.8,
                )
            )
    return out


def table_relations(table: TableGrid, context: str | None, source: str) -> list[RelationCandidate]:
    """A comparison table: condition names across the top (or down the side) are mutual differentials."""
    members = table_members(table)
    if len(members) < 2:
        return []
    line = Line(page=table.page, text=" | ".join(members), bbox=table.bbox, size=0)
    return _pairs(members, "table", [line], source, " | ".join(members), context=context, score=0.7)


def table_members(table: TableGrid) -> list[str]:
    """Names of the compared conditions, or [] when the table is not a comparison of conditions."""
    rows = [[c.strip() for c in r] for r in table.rows if any(c.strip() for c in r)]
    if len(rows) < 2:
        return []
    first_col = [r[0] for r in rows if r and r[0]]
    if _distinct_labels(first_col) >= 3:
        header_rows = []
        for i, r in enumerate(rows):
            if i > 0 and r[0] and is_clinical_label(r[0]):
                break
            header_rows.append(r)
        return _header_names(header_rows)
    header = rows[0]
    if _distinct_labels([c for c in header[1:] if c]) >= 2:
        return [n for r in rows[1:] if r[0] for n in _names(r[0])][:12]
    return []


def _distinct_labels(cells: list[str]) -> int:
    """How many different clinical attributes label these cells (History, Sites, Lesion, ...)."""
    heads = {label_word(c) for c in cells if is_clinical_label(c)}
    return len(heads - {None})


def _header_names(header_rows: list[list[str]]) -> list[str]:
    if not header_rows:
        return []
    counts = [sum(1 for c in r if c) for r in header_rows]
    main = counts.index(max(counts))
    cells = list(header_rows[main])
    for r in header_rows[main + 1 :]:  # a name wrapped onto the next grid row
        for i, c in enumerate(r):
            if c and i < len(cells):
                cells[i] = (cells[i] + " " + c).strip()
    names: list[str] = []
    for cell in cells:
        if cell and not is_clinical_label(cell):
            names.extend(_names(cell))
    return names
