"""Differential-diagnosis cues: DDx sections, comparison tables, presentation lists and prose.

Three shapes of evidence, one output (a :class:`RelationCandidate` of kind ``ddx``):

- *anchored*: "Differential diagnosis" under a condition, "A is (to be) distinguished from B",
  "A may be confused with B", "A resembles B", "A differs from B": pairs of the anchor with each name;
- *grouped*: a comparison table of conditions, "the (main) differential diagnoses for a red swollen leg
  are A, B and C", "the common causes of blisters are ...", a presentation's "can be ... (e.g. A, B)":
  every two members are mutual differentials, and the presentation is kept as the evidence context.

A list of *causes* of a presentation ("causes of blisters are impetigo, insect bites, burns") and a
presentation's examples ("can be ... e.g. A, B") name conditions without describing them: their
relations carry ``mention=True``; :mod:`ingest.framing` then decides what the group is, and the
extractor turns the causes of a presentation into a presentation (:mod:`ingest.presentations`)
instead of DDx pairs.
A list of causes of a *condition* ("causes of urticaria include drugs ...") is its aetiology: no DDx.
"""

from __future__ import annotations

import re

from ingest import old_prose as old
from ingest import prose_cues as cues
from ingest import qa_cues as qa
from ingest.ddx_frames import RULE as FRAME_RULE
from ingest.ddx_frames import DiagnosisFrame, question_condition
from ingest.ddx_names import _names, _pairs, _subject, expand_initials
from ingest.framing import is_presentation
from ingest.mentions import clean_name
from ingest.ocr_words import denoise
from ingest.prefilter import prefiltered
from ingest.section_cues import contextual_relations
from ingest.stem_cues import asks_differential, fallback_relations, frames_differential, title_relations
from ingest.text_units import sentences, units
from ingest.types import Line, RelationCandidate, Section

DDX_TITLE = re.compile(
    r"^(differential( diagnos[ie]s)?|differentials|ddx|d\.d\.|consider also|also consider|"
    r"(don['’]t|do not) confuse (it )?with|not to be confused with|look[\s-]?alikes?|mimics|"
    r"what else could it be|other possibilities)\b",
    re.IGNORECASE,
)
_NP = r"(?P<{0}>[A-Za-z][\w'’\- ]{{1,70}}?)"
_END = (
    r"(?=\s+(?:by|in|on|because|when|which|as(?<!such\sas)|through|due|since|except|if|but|including|especially|particularly|"
    r"notably|whereas|"
    r"although|while|that|without|unless|until|before|after|so|too|chiefly|mainly|principally|largely|only|clinically|histologically|where)\b|"
    r"[;.:(?]|,\s+(?:which|who|but|although|whereas|as|while|(?:more\s+)?especially|particularly)\b|,?\s+and\s+(?:the|a|an|it|its|this|in|from|"
    r"also|is|are)\b|$)"
)
_BE = (
    r"(?:is|are|cannot\s+(?:always\s+|easily\s+|readily\s+)?be|"
    r"(?:can|may|might|must|should|could|will)(?:\s+not)?\s+be|has to be|have to be|"
    r"(?:is|are)\s+(?:apt|likely|liable|prone)\s+to\s+be|(?:is|are)(?:\s+not)?\s+to\s+be|"
    # the old subjunctive: "if roseola be confounded with erythema"
    r"be)"
)
_ADV = r"(?:(?:readily|easily|usually|often|commonly|sometimes|frequently|clinically|closely|always)\s+)?"


def _cue(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern.replace("{A}", _NP.format("a")).replace("{B}", r"(?P<b>.+?)" + _END), re.I)


_CUE_WORDS = re.compile(
    r"distinguish|differentiat|confus|confound|mistak|misdiagnos|mislabel|misidentif|resembl|mimic|simulat|"
    r"imitat|differ|masquerad|counterfeit|known from|suspected case|similarit|assum|partak|takes? on|"
    r"taken for|overlap|considered|tell apart|told apart|separat",
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
            + r"(?:to be\s+)?(?:distinguished|differentiated|told apart|separated|known)"
            r"\s+from\s+{B}"
        ),
        "prose:distinguished",
    ),
    (_cue(r"(?:distinguish(?:es)?|differentiates?|separates?)\s+{A}\s+from\s+{B}"), "prose:distinguishes"),
    (  # a question: "How is X distinguished from Y?"
        _cue(
            r"\b(?:how|when)\s+(?:is|are|can|may|would|should)\s+(?:one\s+|you\s+|we\s+)?{A}\s+(?:be\s+)?"
            r"(?:distinguished|differentiated|told apart|separated)\s+from\s+{B}"
        ),
        "prose:distinguished",
    ),
    (
        _cue(
            r"{A}\s+"
            + _BE
            + r"\s+"
            + _ADV
            + r"(?:(?:confused|mistaken|confounded|misdiagnosed|mislabell?ed|misidentified)"
            r"\s+(?:with|for|as)|taken\s+for(?!\s+(?:mycology|histolog|cultur|microscop|examin|biops|analys|test)))\s+{B}"
        ),
        "prose:confused",
    ),
    (
        _cue(
            r"{A}\s+(?:(?:may|can|might|often|closely|may closely|can closely)\s+)?"
            r"(?:resembles?|mimics?|simulates?|imitates?|masquerades?\s+as|counterfeits?|"
            r"(?:bears?|presents?|shows?|ha(?:s|ve))\s+(?:at\s+times\s+)?(?:a\s+|some\s+|any\s+)?(?:\w+\s+)?(?:resemblance|similarity)"
            r"\s+(?:in\s+(?:its|their)\s+\w+\s+)?to|(?:assumes?|takes?\s+on|partakes?\s+of)\s+(?:some\s+of\s+)?the\s+(?:\w+\s+)?"
            r"(?:features|characters|appearance|nature)\s+of)\s+(?:the\s+)?{B}"
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
    (  # a question-and-answer book: "How would you exclude psoriasis in a suspected case of eczema?"
        _cue(
            r"\b(?:exclude|rule\s+out|eliminate)\s+{A}(?:\s*\([^()]*\))?\s+in\s+(?:a\s+)?(?:suspected|doubtful|supposed)"
            r"\s+case\s+of\s+{B}"
        ),
        "prose:excluded",
    ),
    (
        _cue(
            r"{A}\s+(?:(?:should|must|may)\s+be\s+considered\s+in|enters?\s+(?:into\s+)?)\s*the\s+differential"
            r"(?:\s+diagnosis)?\s+of\s+{B}"
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
        r"(?:of|for)\s+(?P<ctx>.+?)\s+(?:(?:must|should|will|may|can|might)\s+)?(?:is|are|include|includes)\s*:?\s+"
        r"(?P<list>.+)$",
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
        r"^(?P<list>[^,;]+?(?:,[^,;]+?)*\s+and\s+[^,;]+?)\s+(?:are|may be|can be|may|can|often|"
        r"(?:should|must)\s+not\s+be)\s+"
        r"(?:easily\s+|often\s+|closely\s+)?(?:confused|confounded|mistaken for (?:one another|each other)|"
        r"difficult to (?:distinguish|tell apart)|look (?:alike|identical|very similar)|"
        r"resemble each other)\b",
        re.I,
    ),
]
_EG = re.compile(r"\be\.\s?g\.?,?\s*(?P<list>[^()]+?)(?=\)|$|\.\s|;)", re.I)
_TYPES_LIST = re.compile(
    r"\b(?:types|forms|kinds|causes)\s*(?:are|include|:)\s*:?\s*(?P<list>(?:\be\.\s?g\.|\bi\.e\.|[^.;])+)",
    re.I,
)
# Words that make a phrase a presentation ("a red swollen leg", "blisters") rather than a condition.
PRESENTATION_WORDS = _PRESENTATION = re.compile(r"\b(leg|rash|eruption|blisters?|lesions?|swelling)\b", re.I)
_ECHO_VERB = re.compile(r"\b(can|may)\s+(be|present)|\bclassified\b|\bdivided\b|\bdifferential", re.I)


def prose_relations(
    section: Section, anchor: str | None, source: str, *, implicit: bool = False
) -> list[RelationCandidate]:
    """Cue phrases in the sentences of a section; ``anchor`` stands for 'it' / 'this condition'."""
    out: list[RelationCandidate] = []
    title = section.title or None
    asked: str | None = None  # the subject of the last question, for the list its answer gives
    options: dict[str, str] = {}  # a best-of-N question's lettered options
    carried: list[str] = []
    diagnosis_asked = False
    stated_ok = anchor is None  # a case without a heading condition: its answer names the subject
    heads, framed = [*section.path, section.title], frames_differential(title or "")
    frame, quizzed = DiagnosisFrame(title, anchor), None
    out.extend(title_relations(title or "", section.lines[:1], source) + old.parent_frame(section, source))
    for unit_index, unit in enumerate(units(section.lines)):
        unit_sentences = sentences(unit)
        if stated_ok and re.search(r"diagnos[^?]*\?", unit.text, re.I):
            diagnosis_asked = True
        texts = [ln.text for ln in unit.lines]
        if diagnosis_asked and (found := qa.lettered_options(carried + texts)):
            options = found
        # options set one a paragraph, or wrapped onto the next one, continue in the next unit
        carried = carried + texts if texts and qa.OPTION.search(texts[-1]) else []
        echo = (
            unit_index < 3 and (anchor is None or implicit) and _echoes(unit_sentences[0][0], section.title)
        )
        for k, (quote, lines) in enumerate(unit_sentences):
            text = expand_initials(cues.unhedged(cues.strip_marks(denoise(quote))), [anchor or "", *heads])
            if asked and qa.is_answer_marker(text):
                continue  # "A." split off as a sentence of its own: the answer is the next one
            if asked and (listed := qa.answer_list(text)):
                out.extend(
                    _pairs(_names(listed), "prose:answer", lines, source, quote, context=title, anchor=asked)
                )
            asked = None
            if not text:
                continue  # an old or disputed opinion states no relation
            found_before = len(out)
            stated = qa.stated_diagnosis(text, options) if stated_ok else None
            if stated and (name := clean_name(stated)):
                anchor, implicit = name, False
                rest = [n for n in options.values() if clean_name(n) and clean_name(n) != name]
                out.extend(_pairs(rest, "prose:options", lines, source, quote, context=title, anchor=name))
                options = {}
            anchor = old.own_subject(text, k == 0) or anchor  # "The recognition of X does not present ..."
            # a question-and-answer book: the answer's "it" is the question's condition
            here = old.run_in_subject(text) or (quizzed := question_condition(text, quizzed)) or anchor
            if (q := qa.question_subject(text)) is not None:
                asked = _subject(q, anchor)
            out.extend(_anchored(text, lines, here, source, title, quote))
            out.extend(contextual_relations(text, lines, here, source, title, quote))
            out.extend(old.old_prose_relations(text, lines, here, source, title, quote))
            for pattern in GROUPED:
                m = pattern.search(text)
                if m and "ctx" not in m.groupdict():
                    out.extend(
                        _pairs(_names(m.group("list")), "prose:mutual", lines, source, quote, context=title)
                    )
                    break
                if m and pattern is CAUSES:
                    ctx = old.group_context(m)
                    if clean_name(ctx) and not is_presentation(ctx):
                        break  # causes of a condition: aetiology, nothing (ingest.framing)
                    out.extend(
                        _pairs(
                            _names(m.group("list")),
                            "prose:causes",
                            lines,
                            source,
                            quote,
                            context=ctx,
                            score=0.4,
                            mention=True,
                        )
                    )
                    break
                if m:
                    ctx = old.group_context(m)
                    # a new statement follows a ";"
                    members = _names(re.split("[;\u037e]", m.group("list"))[0])
                    is_name = clean_name(ctx) and not re.match(r"^(a|an|the)\s", ctx, re.I)
                    target = None
                    if anchor and ctx.lower() in {"this condition", "it"}:
                        target = anchor
                    elif is_name and not _PRESENTATION.search(ctx):
                        target = clean_name(ctx)
                    if target:
                        rule = "prose:differential"
                        out.extend(_pairs(members, rule, lines, source, quote, context=title, anchor=target))
                    else:
                        out.extend(_pairs(members, "prose:presentation", lines, source, quote, context=ctx))
                    break
            else:
                m = cues.FREE_LIST.search(text)
                if m:
                    members = _names(re.split("[;:\u037e]", m.group("list"))[0])
                    out.extend(
                        _pairs(
                            members, "prose:differential", lines, source, quote, context=title, anchor=anchor
                        )
                    )
            named = frame.read(text, k == 0) if len(out) == found_before else []
            ev = (lines, source, quote)
            out.extend(_pairs(named, FRAME_RULE, *ev, context=title, anchor=anchor, score=0.5))
            if len(out) == found_before:  # no explicit pattern read the sentence: the stem fallback
                out.extend(fallback_relations(text, lines, (here, heads), source, title, quote, framed))
            framed = framed or asks_differential(text)  # "What else might it be?": the answer follows
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
    words = {w for w in re.findall(r"[a-z]{3,}", title.lower())} - {"the", "and", "for", "with"}
    opening = set(re.findall(r"[a-z]{3,}", " ".join(sentence.lower().split()[:8])))
    return bool(words) and len(words & opening) >= min(2, len(words))


def _anchored(
    text: str, lines: list[Line], anchor: str | None, source: str, context: str | None, quote: str
) -> list[RelationCandidate]:
    out: list[RelationCandidate] = []
    if not _CUE_WORDS.search(text):  # most sentences have no cue: skip the costly patterns
        return out
    for pattern, rule in ANCHORED:
        for m in pattern.finditer(text):
            if cues.is_negated(text[: m.start("b")]) or old.A_NAME.match(m.group("b")):
                continue  # "is not to be confounded with", "does not resemble"
            subject = _subject(m.group("a"), anchor)
            if re.search(r"\b(?:which|that)\s*$", m.group("a")):  # "cases (X) are met with which resemble"
                subject = old.bracketed_subject(text[: m.end("a")]) or subject
            others = _names(m.group("b")) + old.question_tail(text, m.end("b"))
            more = {"prose:confused": cues.AND_WITH, "prose:resembles": None}.get(rule, cues.AND_FROM)
            if more is not None:  # "..., and from Y by ...", "..., especially upon the scalp, and for Y"
                others += [
                    n
                    for f in more.finditer(text, m.end("b"))
                    for n in _names(f.group("b"))
                    if cues.is_condition_phrase(n)
                ]
            if subject and others:
                out.extend(
                    _pairs(others, rule, lines, source, quote, context=context, anchor=subject, score=0.7)
                )
    return out


# Speed only, same matches: the costly patterns behind a test for the words every match needs
# (ingest.prefilter); a sentence without them skips the pattern.
ANCHORED = [(prefiltered(p), rule) for p, rule in ANCHORED]
GROUPED = [prefiltered(p) for p in GROUPED]
CAUSES, _CUE_WORDS, _ECHO_VERB = prefiltered(CAUSES), prefiltered(_CUE_WORDS), prefiltered(_ECHO_VERB)
