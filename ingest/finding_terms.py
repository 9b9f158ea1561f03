"""Finding terms in a clause, with the polarity the clause gives them.

The vocabulary is the project lexicon (``kg/seed/lexicon.yaml``, the concepts ``dermkg init`` seeds):
a match names its concept (preferred name, type, synonyms), so the pipeline resolves it through the
store or proposes exactly the seed concept. Phrases the lexicon lacks are proposed as new findings
when their shape is unmistakable: a named sign ("Wickham's striae", "Nikolsky sign"), a hyphenated
descriptor of a lesion ("flat-topped papules", "honey-coloured crusts"), a dermoscopic structure in a
sentence about dermoscopy ("parallel ridge pattern").

Polarity is read per clause (a clause ends at ";", "but", "whereas", "although", ...):
- a negation before the term ("no scale", "absence of", "without", "never shows") or after it
  ("itching is absent") -> ``against``;
- "rarely", "seldom", "uncommonly" -> nothing (too weak either way);
- a hedge ("may", "can", "sometimes", "occasionally", "variable") -> ``possible``;
- otherwise ``typical``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from ingest.framing import DIFFERENTIAL_WORDS
from ingest.patterns import negation, words
from ingest.prefilter import prefiltered
from ingest.prose_cues import is_hedged
from kg.findings import seed_concepts

Relation = str  # "typical" | "possible" | "against"


@dataclass(frozen=True)
class Term:
    """A finding named in a clause: the concept (or new phrase), its type and the clause's polarity."""

    name: str
    type: str
    synonyms: tuple[str, ...]
    known: bool
    relation: Relation
    start: int


def fold(text: str) -> str:
    """Diacritics off, one character for one ('Köebner' -> 'Koebner'), so offsets stay valid.
    Runs on every sentence and clause: ASCII text comes back as it is, other characters map through
    a table filled once per character (a per-character NFKD was 6% of the handbook's ingest)."""
    if text.isascii():
        return text
    for ch in set(text):
        if ord(ch) not in _FOLD:
            base = unicodedata.normalize("NFKD", ch)[:1]
            _FOLD[ord(ch)] = base if len(base) == 1 and base.isascii() else ch
    return text.translate(_FOLD)


_FOLD: dict[int, str] = {}  # code point -> its folded character, filled as characters are met


# Surfaces too ambiguous in running text: matched only with the context named here.
_DERMOSCOPY_CONTEXT = re.compile(r"dermoscop|dermatoscop|epiluminescence|dermoscopic", re.I)
_NEEDS = {
    "raised": re.compile(r"\braised\s+(?:border|edge|margin|plaques?|papules?|lesions?|nodules?)", re.I),
    "elevated": re.compile(r"\belevated\s+(?:border|edge|margin|plaques?|papules?|lesions?|nodules?)", re.I),
    "back": re.compile(r"\b(?:the|upper|lower|on|over|of)\s+back\b", re.I),
    "neck": re.compile(r"\bneck\b(?!\s+(?:stiffness|pain))", re.I),
    "head": re.compile(r"\bhead\s+and\s+neck\b|\b(?:the|on)\s+head\b", re.I),
    "tumour": re.compile(r"(?<!malignant )(?<!benign )(?<!skin )(?<!common )\btumou?r\b", re.I),
    "tumor": re.compile(r"(?<!malignant )(?<!benign )(?<!skin )(?<!common )\btumou?r\b", re.I),
    "red": re.compile(r"\bred(?!\s+(?:blood|cells?|flags?))\b", re.I),
}
# A skin word that qualifies another organ or the patient's skin type states no finding of the lesion:
# "symmetrical polyarthritis", "richly pigmented skin", "normal peripheral pulses".
_OTHER_ORGAN = re.compile(
    r"^[\s-]*(?:\w+\s+)?(?:\w*arthr\w*|joints?|spondyl\w*|pulses?|lymph\w*|bones?|kidneys?|renal|"
    r"liver|lungs?|heart|veins?|arter\w*|nerves?|neuropath\w*|skin\s+types?|skin\b(?!\s+(?:lesions?|colou?r)))",
    re.I,
)
_NEVER = {"shiny", "network", "comma", "wreath", "regression", "pain", "change", "evolving", "keratin"}
_NEGATION = negation(
    r"no|not|never|without|absence\s+of|absent|lack\s+of|lacks?|lacking|free\s+(?:of|from)|neither|nor|none"
)
_AFTER_NEGATION = re.compile(
    r"^[\w\s,-]{0,30}?\b(?:is|are)\s+(?:\w+\s+or\s+)?(?:absent|lacking|missing)\b", re.I
)
_WEAK = words("rarely|seldom|uncommonly|unusually|infrequently|exceptionally")
_HEDGE = words(
    "may|might|can|could|sometimes|occasionally|variable|variably|possibly|at times|some cases|in some|"
    "not always"
)
# "the oral mucosa may show ...": a hedge right after the term's phrase (not "a nodule which may ulcerate").
_HEDGE_AFTER = re.compile(
    r"^\s*(?:(?!which\b|that\b|who\b)[\w-]+\s+){0,2}(?:may|might|can|could|sometimes|occasionally)\b", re.I
)
_KINDS = re.compile(r"\b(?:types?|forms?|variants?|varieties)\s*(?:include|includes|including|are|:)", re.I)
_CLAUSE = re.compile(
    r";|:\s|\.\s+|\s+and\s+(?=(?:has|have|is|are|shows?|may|can|it|its)\b)|"
    r",\s+and\s+(?=(?:the|in)\b)|"
    r",?\s+(?=(?:but|whereas|while|although|though|except|unlike|however|instead|rather than|apart from|"
    r"if|unless)\b)"
)

_HEADS = (
    r"papules?|plaques?|nodules?|macules?|patch(?:es)?|vesicles?|bullae|blisters?|pustules?|ulcers?|scales?|"
    r"crusts?|lesions?|borders?|edges?|margins?|wheals?|erosions?|base|surface|appearance|rash|eruption"
)
_COMPOUND = re.compile(r"\b(?P<mod>[a-z]+(?:-[a-z]+)+)\s+(?P<head>" + _HEADS + r")\b", re.I)
_NAMED_SIGN = re.compile(
    r"\b(?P<name>[A-Z][a-z]+(?:['’]s)?\s+(?:sign|striae|phenomenon|spots|lines|nodes|papules))\b"
)
_DERM_HEADS = (
    r"network|globules|dots|streaks|vessels|structures|areas|lines|pattern|veil|lacunae|clods|crypts|"
    r"pseudocysts|cysts|openings|rosettes|circles|blotches|nests"
)
_DERM_PHRASE = re.compile(
    r"\b(?P<name>(?:(?!(?:a|an|the|and|or|with|of|on|shows?|has|have|reveals?|in|at|by|dermoscopy)\b)"
    r"[a-z-]+\s+){1,3}(?:" + _DERM_HEADS + r"))\b",
    re.I,
)
_HEAD_SINGULAR = {"patches": "patch", "bullae": "bulla", "papules": "papule", "plaques": "plaque"}


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[re.Pattern[str], dict[str, tuple[str, str, tuple[str, ...]]]]:
    """One alternation of every lexicon surface, longest first; surface -> (name, type, synonyms)."""
    table: dict[str, tuple[str, str, tuple[str, ...]]] = {}
    for c in seed_concepts():
        for surface in (c.name, *c.synonyms):
            key = _key(surface)
            if key and key not in _NEVER:
                table.setdefault(key, (c.name, c.type, c.synonyms))
    parts = sorted(table, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + _alternation(parts) + r")(?![\w-])", re.I), table


def _alternation(parts: list[str]) -> str:
    """The surfaces as one alternation, factored by first character ('p(?:apule|laque|...)'): at a
    word start the engine tries only the surfaces that begin with its letter, not all of them (a
    tenth of the time). The same matches: surfaces of one letter keep their longest-first order, and
    no other surface can match where that letter stands (ASCII first letters; otherwise unfactored)."""

    def surface(p: str, skip: int = 0) -> str:
        return r"[\s-]+".join(map(re.escape, p[skip:].split(" "))) if p[skip:] else ""

    if not all(p[:1].isascii() and p[:1].isalnum() for p in parts):
        return "|".join(surface(p) for p in parts)
    groups: dict[str, list[str]] = {}
    for p in parts:
        groups.setdefault(p[0], []).append(p)
    return "|".join(
        re.escape(first) + "(?:" + "|".join(surface(p, 1) for p in group) + ")"
        for first, group in groups.items()
    )


def is_finding_phrase(text: str) -> bool:
    """'the oral mucosa', 'Papules': a finding (or a site), not a condition a sentence can be about."""
    words = re.sub(r"^(?:the|a|an|its|their)\s+", "", _key(text))
    return bool(words) and _vocabulary()[0].fullmatch(words) is not None


def _key(text: str) -> str:
    return " ".join(fold(text).lower().replace("-", " ").split())


def clauses(sentence: str) -> list[tuple[int, str]]:
    """(offset, clause) pieces of a sentence, cut where polarity can change."""
    sentence = fold(sentence)  # a PDF's Greek question mark (U+037E) is a semicolon
    out, pos = [], 0
    for m in _CLAUSE.finditer(sentence):
        out.append((pos, sentence[pos : m.start()]))
        pos = m.end()
    out.append((pos, sentence[pos:]))
    return [(o, c) for o, c in out if c.strip()]


# A differential cue speaks of the other condition; only what follows "by" describes the subject
# ("distinguished from cellulitis by a well-defined, red raised border").
_DDX_CUE = re.compile(DIFFERENTIAL_WORDS.pattern + r"|\bdiffers?\s+from\b|\bfavou?rs?\b", re.I)
_BY = re.compile(r"\b(?:by|in)\s+(?=(?:the|its|a|an|lacking|having|their|being|absence)\b)", re.I)
_OTHER_SUBJECT = re.compile(r"^\s*(?:unlike|as in|as does|like)\b|\bthe\s+(?:latter|former)\b", re.I)


def _describing(clause: str) -> int | None:
    """Where the part of a clause that describes its subject starts (None: nothing describes it)."""
    if is_hedged(clause) or _OTHER_SUBJECT.search(clause):
        return None  # an old opinion; a comparison with another condition
    cue = _DDX_CUE.search(clause)
    if cue is None:
        return 0
    by = _BY.search(clause, cue.end())
    return by.end() if by else None


def polarity(clause: str, start: int, end: int) -> Relation | None:
    """How the clause states the term at [start, end)."""
    before, after = clause[:start], clause[end:]
    if _NEGATION.search(before) or _AFTER_NEGATION.match(after):
        return "against"
    if _WEAK.search(clause):
        return None
    if _HEDGE.search(before) or _KINDS.search(before) or _HEDGE_AFTER.match(after):
        return (
            "possible"  # "may be annular", "types include ... keratotic"; not "a nodule which may ulcerate"
        )
    return "typical"


def terms(sentence: str, *, masked: tuple[str, ...] = (), dermoscopy: bool = False) -> list[Term]:
    """The finding terms of ``sentence`` with their polarity. ``masked``: names (the diagnoses the
    sentence is about) whose words are no findings ('erythema' in 'erythema multiforme')."""
    text = fold(sentence)
    for name in masked:
        if name and _may_hold(text, name):
            text = _masker(name).sub(lambda m: "#" * len(m.group(0)), text)
    dermoscopy = dermoscopy or bool(_DERMOSCOPY_CONTEXT.search(text))
    vocab, table = _vocabulary()
    out: list[Term] = []
    for offset, clause in clauses(text):
        taken: list[tuple[int, int]] = []
        skip = _describing(clause)
        if skip is None:
            continue
        if skip:
            taken.append((0, skip))
        for m in vocab.finditer(clause, skip):
            name, type_, synonyms = table[_key(m.group(0))]
            need = _NEEDS.get(_key(m.group(0)))
            if need is not None and not need.search(clause):
                continue
            if type_ == "dermoscopy" and " " not in _key(m.group(0)) and not dermoscopy:
                continue
            if type_ in {"colour", "morphology", "distribution"} and _OTHER_ORGAN.match(clause[m.end() :]):
                continue
            taken.append((m.start(), m.end()))
            if (rel := polarity(clause, m.start(), m.end())) is not None:
                out.append(Term(name, type_, synonyms, True, rel, offset + m.start()))
        for start, end, name, type_ in _new_terms(clause, dermoscopy):
            if start < skip:
                continue
            compound = "-" in name.split()[0] and type_ == "morphology"  # 'honey-coloured crust' + crust
            if not compound and any(s < end and start < e for s, e in taken):
                continue
            taken.append((start, end))
            if (rel := polarity(clause, start, end)) is not None:
                out.append(Term(name, type_, (), False, rel, offset + start))
    return sorted(out, key=lambda t: t.start)


def _may_hold(text: str, name: str) -> bool:
    """Whether ``name``'s masker can match ``text``: an ASCII text holds every word of an ASCII name
    (otherwise the pattern decides). Most sentences of a section do not name its condition, and each
    name's pattern is compiled only once one does."""
    words = fold(name).split()
    if not (text.isascii() and all(w.isascii() for w in words)):
        return True
    low = text.lower()
    return all(w.lower() in low for w in words)


@lru_cache(maxsize=4096)
def _masker(name: str) -> re.Pattern[str]:
    """The pattern of a masked name (the same few diagnoses are masked in sentence after sentence)."""
    pattern = r"[\s-]+".join(map(re.escape, fold(name).split()))
    return re.compile(r"(?<![\w-])" + pattern + r"(?![\w-])", re.I)


def _new_terms(clause: str, dermoscopy: bool) -> list[tuple[int, int, str, str]]:
    """Phrases outside the lexicon whose shape makes them findings: (start, end, name, type)."""
    vocab, _ = _vocabulary()
    out: list[tuple[int, int, str, str]] = []
    for m in _NAMED_SIGN.finditer(clause):
        out.append((m.start(), m.end(), " ".join(m.group("name").split()), "morphology"))
    for m in _COMPOUND.finditer(clause):
        mod, head = m.group("mod").lower(), m.group("head").lower()
        if vocab.fullmatch(mod):
            continue  # 'dome-shaped', 'well-defined': the lexicon concept speaks for it
        head = _HEAD_SINGULAR.get(head, head.rstrip("s") if head.endswith(("es", "s")) else head)
        if head in {"lesion", "appearance", "rash", "eruption", "surface", "base"}:
            out.append((m.start(), m.start("head"), mod, "morphology"))
        else:
            out.append((m.start(), m.end(), f"{mod} {head}", "morphology"))
    if dermoscopy:
        for m in _DERM_PHRASE.finditer(clause):
            name = " ".join(m.group("name").lower().split())
            if not vocab.fullmatch(name):
                out.append((m.start(), m.end(), name, "dermoscopy"))
    return out


# Speed only, same matches: the costly patterns behind a test for the words every match needs
# (ingest.prefilter); a sentence without them skips the pattern.
_CLAUSE, _KINDS, _DDX_CUE = prefiltered(_CLAUSE), prefiltered(_KINDS), prefiltered(_DDX_CUE)
_HEDGE_AFTER, _COMPOUND = prefiltered(_HEDGE_AFTER), prefiltered(_COMPOUND)
_AFTER_NEGATION = prefiltered(_AFTER_NEGATION)
