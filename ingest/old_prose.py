"""Old books' ways of naming a differential that the cue verbs of :mod:`ingest.ddx_rules` do not read.

- a run-in name before a dash gives a sentence its own subject: "Herpes circinatus—one of the
  ringworms ...; the scab distinguishes it from lichen" (``it`` is herpes circinatus, not the section);
- a name in brackets before a relative pronoun: "cases (dermatitis vegetans) are met with which have a
  close similarity to pemphigus vegetans" (the subject of ``which`` is the bracketed name);
- two adjectives of disease offered as alternatives: "whether the ulcerations are lupous or syphilitic"
  names lupus and syphilis (:data:`ADJECTIVE_NOUNS`, a closed list: an unknown adjective names nothing);
- a paragraph that opens on its own subject, whatever the page's heading: "The recognition of herpes
  zoster does not usually present any great difficulty" (under a heading on a rare variety) makes
  herpes zoster the condition the following sentences compare;
- a diagnosis "after exclusion of the bullous phases of such eruptions as A, B and C" names A, B, C
  as the differentials of the sentence's subject;
- a contrast without a cue verb, in a condition's own description: "the vesicles do not burst, as do
  those of eczema", "they are larger than those of eczema", "no crusts or itching as in eczema", and
  "desquamation in eczema is slight as compared with psoriasis" (an "in X" subject needed there); a
  likeness without a contrast ("pitted, as in psoriasis") names nothing;
- a run-in "From X." (its reasons in the next sentence: "From lupus vulgaris. By the long history ...");
- a proof that a condition is not another: "that this is not psoriasis is proved by ..." pairs the
  section's condition with psoriasis (a plain "X is not Y" still gives nothing).
"""

from __future__ import annotations

import re

from ingest.ddx_names import _cut, _names, _pairs
from ingest.mentions import clean_name
from ingest.prose_cues import is_negated as negated
from ingest.stem_cues import diagnosis_names
from ingest.types import Line, RelationCandidate, Section

# "Herpes circinatus—", "Pustular scabies. -", not a section label ("Diagnosis.—", "Treatment—").
_RUN_IN = re.compile(
    r"^(?!(?i:(?:differential\s+)?diagnos\w*|prognos\w*|treatment|etiolog\w*|aetiolog\w*|symptoms|pathology|course|"
    r"definition|synonyms?|causes|varieties|signs?|sites?|age|sex|history|note)\b)(?P<x>[A-Z][a-z]+(?:\s+[a-z]+){0,3})(?:\s*(?:\.\s*)?[—–]|\.\s+-\s)\s*\S"
)
_BRACKETED = re.compile(r"\((?P<x>[^()]{3,50})\)[^()]*\b(?:which|that|who)\s*$")
ADJECTIVE_NOUNS = {
    "lupous": "lupus",
    "syphilitic": "syphilis",
    "psoriatic": "psoriasis",
    "eczematous": "eczema",
    "herpetic": "herpes",
    "leprous": "leprosy",
    "scrofulous": "scrofula",
    "tubercular": "tuberculosis",
    "tuberculous": "tuberculosis",
    "cancerous": "cancer",
    "carcinomatous": "carcinoma",
    "epitheliomatous": "epithelioma",
    "sarcomatous": "sarcoma",
    "urticarial": "urticaria",
    "erysipelatous": "erysipelas",
    "variolous": "variola",
    "gummatous": "gumma",
}
_ADJ = "|".join(ADJECTIVE_NOUNS)
_ALTERNATIVES = re.compile(
    r"\b(?:whether|if)\b[^.;?]{0,120}?\b(?:is|are|be|was|were|seem|seems)\s+(?:\w+\s+)?"
    rf"(?P<a>{_ADJ})\s+or\s+(?P<b>{_ADJ})\b",
    re.IGNORECASE,
)
_OWN_SUBJECT = re.compile(
    r"^(?:(?:differential\s+)?diagnosis\s*\.?\s*[—–:-]+\s*)?(?:the\s+)?(?:recognition|diagnosis)\s+of\s+(?:the\s+)?"
    r"(?P<x>[a-z][\w' -]{2,40}?)\s+(?:(?:is|are)\s+(?:\w+\s+){0,3}(?:easy|difficult|simple|obvious|plain)|"
    r"(?:does|do)\s+not\s+(?:\w+\s+){0,2}(?:present|offer)\s+(?:\w+\s+){0,3}difficult)",
    re.IGNORECASE,
)
_EXCLUSION = re.compile(
    r"\b(?:after|on|upon|by)\s+(?:the\s+)?exclusion\s+of\s+(?:the\s+[\w-]+\s+(?:phases|forms|stages|varieties)\s+of\s+)?"
    r"(?:such\s+[\w-]+\s+as\s+)?(?P<list>[^.;:]+)",
    re.IGNORECASE,
)
_OPENING = re.compile(r"^(?P<x>[A-Z][\w' -]{2,40}?)\s+(?:is|are)\s+(?:a|an|the)\b")
_CONTRASTED = re.compile(
    r"\b(?:no|not|never|nor|without|(?:more|less|larger|smaller|greater|deeper|thicker|thinner|redder|paler|"
    r"darker|drier|slower|quicker|rarer)\b)[^.;:]{0,80}?\b(?:than\s+(?:those|that)\s+of|as\s+(?:do|does|is|are)"
    r"\s+(?:those|that)\s+of|as\s+in)\s+(?:the\s+)?(?P<x>[a-z][\w' -]{2,40}?)"
    r"(?=\s*[,.;:]|\s*$|\s+(?:and|but|or)\b)",
    re.IGNORECASE,
)
_CONTRAST_GATE = re.compile(r"\bthan\s+th|\bas\s+(?:in|do|does|is|are)\b")
_COMPARED = re.compile(
    r"\bin\s+(?P<a>[a-z][\w' -]{2,40}?)\s+(?:is|are)\b[^.;:]{0,60}?\bas\s+compared\s+(?:with|to)\s+"
    r"(?:that\s+of\s+)?(?P<x>[a-z][\w' -]{2,40}?)(?=\s*[,.;:]|\s*$)",
    re.IGNORECASE,
)
_FROM_LABEL = re.compile(
    r"^(?:diagnosis\s+)?from\s+(?:the\s+|a\s+|an\s+)?(?P<x>[A-Za-z][\w' -]{2,50}?)\s*\.?\s*$", re.I
)
# "should not be confounded with the similar name ... applied to X": two names confused, not two diseases
A_NAME = re.compile(r"(?:the|a|an)\s+(?:\w+\s+)?(?:name|term|word|designation)s?\b", re.I)
_AS_BETWEEN = re.compile(
    r"\bas\s+between\s+(?:these|this|it|them|the\s+\w+)\s+and\s+(?:the\s+)?(?P<x>[a-z][\w' -]{2,40}?)"
    r"(?=\s*[,.;:]|\s*$|\s+which\b)",
    re.IGNORECASE,
)
# "It can be difficult to distinguish A, B and C from rosacea": a list before "from"
_LIST_FROM = re.compile(
    r"\bto\s+(?:distinguish|differentiate|separate)\s+(?P<list>[^.;:]{3,200}?(?:,|\s+and\s+)[^.;:]{2,80}?)\s+from\s+"
    r"(?:the\s+)?(?P<x>[a-z][\w' -]{2,40}?)(?=\s*[.;,]|\s*$)",
    re.IGNORECASE,
)
# "Scabies is another condition that, in infants, can be very difficult to distinguish from atopic dermatitis"
_HARD_TO_TELL = re.compile(
    r"^(?P<x>[A-Z][\w' -]{2,40}?)\s+is\s+(?:a|an|another)\s+(?:\w+\s+)?(?:condition|disease|disorder)"
    r"\s+(?:that|which),?[^.;]{0,40}?\b(?:can|may)\s+be\s+(?:very\s+|extremely\s+|often\s+)?(?:difficult|hard)\s+to"
    r"\s+(?:distinguish|differentiate|tell\s+apart)\s+from\s+(?P<list>[^.;]+?)"
    r"(?=,\s+(?:as|since|because|which)\b|[.;]|$)"
)
_NOT_THIS = re.compile(
    r"\bthat\s+(?:this|it)\s+is\s+not\s+(?:a\s+|an\s+)?(?P<x>[a-z][\w' -]{2,40}?)\s+is\s+"
    r"(?:proved|shown|known|evident|seen|clear)\b",
    re.IGNORECASE,
)


def run_in_subject(text: str) -> str | None:
    """The name a sentence opens with before a dash ("Herpes circinatus—one of ...")."""
    m = _RUN_IN.match(text)
    return clean_name(m.group("x")) if m else None


def own_subject(text: str, first: bool) -> str | None:
    """A paragraph's first sentence naming the condition whose diagnosis it discusses."""
    m = _OWN_SUBJECT.match(text) if first else None
    return clean_name(m.group("x")) if m else None


def bracketed_subject(before: str) -> str | None:
    """'cases (dermatitis vegetans) are met with which' -> 'dermatitis vegetans'."""
    m = _BRACKETED.search(before)
    return clean_name(m.group("x")) if m else None


# A cheap gate for old_prose_relations: a word each of its shapes needs.
_GATE = re.compile(r"\b(?:whether|if|exclusion|than|as|compared|between|from|not)\b", re.IGNORECASE)


def old_prose_relations(
    text: str, lines: list[Line], anchor: str | None, source: str, context: str | None, quote: str
) -> list[RelationCandidate]:
    """The alternatives and proofs of this module's docstring, as DDx candidates."""
    out: list[RelationCandidate] = []
    if not _GATE.search(text):  # most sentences hold none of these shapes: skip the patterns
        return out
    if (m := _ALTERNATIVES.search(text)) is not None:
        a, b = ADJECTIVE_NOUNS[m.group("a").lower()], ADJECTIVE_NOUNS[m.group("b").lower()]
        out.extend(_pairs([a, b], "prose:alternatives", lines, source, quote, context=context, score=0.6))
    if (m := _EXCLUSION.search(text)) is not None:
        opening = _OPENING.match(text)
        subject = clean_name(opening.group("x")) if opening else anchor
        names = [n for n in _names(re.sub(r",?\s+etc\.?$", "", m.group("list").strip())) if n != subject]
        out.extend(_pairs(names, "prose:exclusion", lines, source, quote, context=context, anchor=subject))
    out.extend(_compared(text, lines, anchor, source, context, quote))
    if (m := _HARD_TO_TELL.match(text)) and (x := clean_name(m.group("x"))):
        names = [n for n in _names(m.group("list")) if _condition(n)]
        out.extend(_pairs(names, "prose:hard-to-tell", lines, source, quote, context=context, anchor=x))
    m = _LIST_FROM.search(text) if "from" in text else None
    if m and not negated(text[: m.start("list")]) and (x := _condition(m.group("x"))):
        names = [n for n in _names(m.group("list")) if _condition(n)]
        out.extend(_pairs(names, "prose:list-from", lines, source, quote, context=context, anchor=x))
    if anchor and (m := _AS_BETWEEN.search(text)) and (x := clean_name(_cut(m.group("x")))) and _condition(x):
        out.extend(_pairs([x], "prose:as-between", lines, source, quote, context=context, anchor=anchor))
    m = _FROM_LABEL.match(text) if anchor else None
    if m and _condition(m.group("x")) and (x := clean_name(_cut(m.group("x")))):
        out.extend(_pairs([x], "prose:from-label", lines, source, quote, context=context, anchor=anchor))
    if anchor and (m := _NOT_THIS.search(text)) is not None and (x := clean_name(m.group("x"))):
        out.extend(_pairs([x], "prose:not-this", lines, source, quote, context=context, anchor=anchor))
    return out


def _condition(phrase: str) -> str | None:
    """The phrase when it is a condition's name (headed by a disease word), else None."""
    found = diagnosis_names(phrase)
    return found[0][0] if found and found[0][1] == 0 else None


def _compared(
    text: str, lines: list[Line], anchor: str | None, source: str, context: str | None, quote: str
) -> list[RelationCandidate]:
    """The contrasts without a cue verb of the module docstring."""
    pairs: list[tuple[str, str]] = []
    low = text.lower()
    m = _COMPARED.search(text) if "compared" in low else None
    if m and (a := _condition(m.group("a"))) and (x := _condition(m.group("x"))):
        pairs.append((a, x))
    elif (
        anchor
        and _CONTRAST_GATE.search(low)
        and (m := _CONTRASTED.search(text))
        and (x := _condition(m.group("x")))
    ):
        pairs.append((anchor, x))
    out: list[RelationCandidate] = []
    for a, x in pairs:
        out.extend(_pairs([x], "prose:compared", lines, source, quote, context=context, anchor=a, score=0.5))
    return out


_TAIL = re.compile(r"\s*,?\s+(?:and|or)\s+(?:the\s+|a\s+|an\s+)?(?P<b>[^?]{3,60})\?\s*$")


def question_tail(text: str, end: int) -> list[str]:
    """ "How is X distinguished from A, B and the squamous syphiloderm?": the list's last member after an
    "and the" that ended the cue's object early."""
    m = _TAIL.match(text, end) if text.rstrip().endswith("?") else None
    return [n for n in _names(m.group("b")) if _condition(n)] if m else []


# "Conditions That May Simulate Lichen Planus" over one sub-head per alternative ("Secondary Syphilis")
_FRAMING_PARENT = re.compile(
    r"^(?:(?:other\s+)?(?:conditions|diseases|disorders|eruptions)\s+(?:that|which)\s+(?:may\s+|can\s+)?"
    r"(?:simulate|mimic|resemble)|(?:the\s+)?differential\s+diagnosis\s+of)\s+(?P<x>.+)$",
    re.IGNORECASE,
)


_LABEL = re.compile(
    r"^(?:treatment|therapy|management|diagnosis|prognosis|investigations?|tests?|summary|key\s+points|"
    r"introduction|references|general|other)\b",
    re.IGNORECASE,
)


def parent_frame(section: Section, source: str) -> list[RelationCandidate]:
    """A sub-section headed by a condition under a heading that frames the differential of X pairs with X."""
    parent = _FRAMING_PARENT.match(section.path[-1].strip()) if section.path and section.lines else None
    x, name = (clean_name(parent.group("x")), clean_name(section.title)) if parent else (None, None)
    if not (x and name and not _LABEL.match(section.title) and name.lower() != x.lower()):
        return []
    quote = f"{section.path[-1]}: {section.title}"
    return _pairs(
        [name], "prose:framed-heading", section.lines[:1], source, quote, context=section.path[-1], anchor=x
    )


def group_context(m: re.Match[str]) -> str:
    """A group's context without a trailing adverb: "the differential diagnosis for rosacea also includes"."""
    ctx = re.sub(
        r"\s*[—–].*$", "", m.group("ctx").strip()
    )  # "of scabies—a great masquerader—is extensive, and"
    ctx = re.sub(r"\s+(?:also|too)$", "", ctx)
    found = diagnosis_names(ctx) if not clean_name(ctx) else []
    return found[0][0] if found and found[0][1] == 0 else ctx  # a name, not a presentation: pairs with it
