"""Read a model's answer out of a completion: the chosen option letter and the stated lesion condition.

Parsing is strict on purpose. The original Skin-R1 code took the first letter of the answer, so
"Melanoma" became option E; here a letter counts only as a standalone token ("B", "(B)", "B:",
"Option B", "B. melanoma", "C)Dermoscopy"), an option's own text counts as that option, and an
answer that names two different options is refused (``None``) rather than guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel

LesionCondition = Literal["benign", "malignant", "precancerous in situ"]
LESION_CONDITIONS: tuple[LesionCondition, ...] = ("benign", "malignant", "precancerous in situ")
ExtractionMethod = Literal["tag", "fallback", "none"]

# Final-answer blocks, most specific first: the RL prompt's tag, the SFT target's tag, Med-R1's tag.
_ANSWER_TAGS = ("final diagnosis", "diagnosis", "answer")
_THINKING = re.compile(r"<(thinking|think)>.*?(</\1>|$)", re.S | re.I)

# A letter is an option only as its own token, upper-case ("a melanoma" is no option A). Labels run
# A..Z, AA, AB, ... (the datasets issue letters any number of options), so 1-3 capitals are read and
# kept only when they label an option of the row.
_L = r"[A-Z]{1,3}"
_INTRO = r"(?i:(?:final\s+)?(?:answer|option|choice)\s*(?:is\s*)?[:\-]?\s*)"
_LETTER_ONLY = re.compile(rf"^\W*{_INTRO}?[(\[]?(?P<l>{_L}|[a-z])[)\]]?\W*$")
_LETTER_LEAD = re.compile(
    rf"^\W*(?i:(?:option|choice)\s+)?[(\[]?(?P<l>{_L})(?:[)\]]\s*|\s*[.:\-]\s*|\s+-\s+)(?P<rest>\S.*)$", re.S
)
_LETTER_PHRASE = re.compile(
    rf"\b{_INTRO}[(\[]?(?P<l>{_L})(?![A-Za-z])"
    rf"|\b{_INTRO}[(\[](?P<l2>[a-z])[)\]]"
    rf"|[(\[](?P<l3>{_L})[)\]]"
    rf"|\b(?i:is)\s+(?P<l4>{_L})(?=\W*$)"
)
_LETTER_LIST = re.compile(rf"(?<![A-Za-z])\(?({_L})\)?\s*(?:or|and|/|,|&)\s*\(?({_L})\)?(?![A-Za-z])")
# The RL prompt asks for the lesion condition inside the answer block ("Melanoma. Lesion condition:
# malignant", "Melanoma (malignant)"); that clause is no choice of an option such as the root "Malignant".
_COND = r"(?:benign|malignant|pre-?malignant|pre-?cancerous(?:\s+in\s+situ)?)\b"
_NEG = r"(?:(?:not|non|no|never)[\s-]+)?"
_CONDITION_CLAUSE = (
    re.compile(  # "…, malignant", " (not malignant)", " – benign or malignant", "condition: …"
        r"\b(?:lesion\s+)?condition\s*(?:is\b|:)[^.;\n<]*"
        rf"|[,;(\u2013\u2014-]\s*{_NEG}{_COND}(?:\s*(?:or|and|/|,)\s*{_NEG}{_COND})*\)?",
        re.I,
    )
)

_NEGATION = (
    r"(?:not|non|no|nor|never|without|isn't|is not|rather than|instead of|unlikely to be|rule out|ruled out)"
)
_CONDITION_PATTERNS: dict[LesionCondition, re.Pattern[str]] = {
    "precancerous in situ": re.compile(r"\b(?:pre-?cancerous|pre-?malignant|in[\s-]situ|precancer)\b", re.I),
    "malignant": re.compile(r"\b(?<!pre-)(?<!pre)malignan(?:t|cy)\b", re.I),
    "benign": re.compile(r"\bbenign\b", re.I),
}
_LABEL_WORDS = re.compile(r"\b(?:lesion condition|malignancy|condition)\s*(?:is\b|:)", re.I)
_NEGATED = re.compile(r"\b" + _NEGATION + r"[\s-]*(?:\w+[\s-]+){0,2}$", re.I)
_NEGATED_NORMALISED = re.compile(  # the same on normalise()d text ("isn't" -> "isn t", no hyphens)
    r"\b(?:not|non|no|nor|never|without|isn t|rather than|instead of|unlikely to be|rule out|ruled out)"
    r" (?:\w+ ){0,2}$"
)


class ChoiceParse(BaseModel):
    """The parsed answer: a letter, or None with the reason (no answer / ambiguous)."""

    letter: str | None
    method: ExtractionMethod
    reason: str = ""


def normalise(text: str) -> str:
    """Lower-case, punctuation to spaces, whitespace collapsed: how option texts are compared."""
    return " ".join(re.sub(r"[^\w]+", " ", text.lower()).split())


def clean_options(options: Mapping[str, str | None] | str | None) -> dict[str, str]:
    """Options as {LETTER: text}: a JSON string (how the datasets folders store them) is decoded, and
    the empty slots an Arrow struct column adds for letters a row does not use are dropped."""
    if isinstance(options, str):
        options = json.loads(options) if options.strip() else {}
    return {str(k).strip().upper(): str(v) for k, v in (options or {}).items() if v not in (None, "")}


def answer_block(completion: str) -> str | None:
    """Content of the last final-answer block (``<final diagnosis>``, ``<diagnosis>``, ``<answer>``).

    An unclosed block (generation cut at the token cap, or a model that never closes it) is read to
    the next tag or the end; R_format still withholds its reward."""
    for tag in _ANSWER_TAGS:
        found = re.findall(rf"<{tag}>(.*?)</{tag}>", completion, re.S | re.I)
        if found:
            return found[-1].strip()
    for tag in _ANSWER_TAGS:
        found = re.findall(rf"<{tag}>([^<]*)", completion, re.S | re.I)
        if found:
            return found[-1].strip()
    return None


def _options_named(text: str, options: dict[str, str]) -> set[str]:
    """Letters whose option text appears in ``text``, not negated ("not malignant" names no option);
    an option nested in a longer match ("melanoma" in "melanoma in situ") does not count."""
    norm = f" {normalise(text)} "
    spans: list[tuple[int, int, str]] = []
    for letter, option in options.items():
        needle = normalise(option)
        if not needle:
            continue
        for m in re.finditer(rf"(?<= ){re.escape(needle)}(?= )", norm):
            if not _NEGATED_NORMALISED.search(norm[max(0, m.start() - 40) : m.start()]):
                spans.append((m.start(), m.end(), letter))
    kept = {
        letter
        for start, end, letter in spans
        if not any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans)
    }
    return kept


def _parse_region(text: str, options: dict[str, str]) -> tuple[str | None, str]:
    """Parse one region, first without its lesion-condition clause; returns (letter, "") or (None, reason).

    The clause is put back when nothing else names an option: on the lesion-condition task the
    condition *is* the answer ("Melanoma, malignant" chooses "malignant" there).
    """
    stripped = _CONDITION_CLAUSE.sub(" ", text).strip()
    letter, reason = _parse_text(stripped, options)
    if letter is None and reason in ("no option found", "empty answer") and stripped != text.strip():
        return _parse_text(text, options)
    return letter, reason


def _parse_text(text: str, options: dict[str, str]) -> tuple[str | None, str]:
    text = text.strip()
    if not text:
        return None, "empty answer"
    listed = {x for pair in _LETTER_LIST.findall(text) for x in pair if x in options}
    if len(listed) > 1:
        return None, f"ambiguous: letters {sorted(listed)}"
    if m := _LETTER_ONLY.match(text):
        letter = m["l"]
        if letter.upper() in options and (letter.isupper() or len(text) > 1):  # "b" alone is no answer
            return letter.upper(), ""
    if m := _LETTER_LEAD.match(text):
        letter, rest = m["l"], m["rest"]
        if letter in options:
            named = _options_named(rest, options)
            others = {
                (x["l"] or x["l2"] or x["l3"] or x["l4"]).upper() for x in _LETTER_PHRASE.finditer(rest)
            } & (set(options) - {letter})
            if others or len(named) > 1:
                return None, f"ambiguous: letters {sorted({letter, *others, *named})}"
            if named and letter not in named:
                return None, f"letter {letter} contradicts the option text of {sorted(named)}"
            return letter, ""
    letters = {
        (m["l"] or m["l2"] or m["l3"] or m["l4"]).upper() for m in _LETTER_PHRASE.finditer(text)
    } & set(options)
    named = _options_named(text, options)
    if len(letters) > 1:
        return None, f"ambiguous: letters {sorted(letters)}"
    if letters:
        (letter,) = letters
        if named and letter not in named:
            return None, f"letter {letter} contradicts the option text of {sorted(named)}"
        return letter, ""
    if len(named) > 1:
        return None, f"ambiguous: names options {sorted(named)}"
    if named:
        return named.pop(), ""
    return None, "no option found"


def parse_choice(completion: str, options: Mapping[str, str | None] | None) -> ChoiceParse:
    """The option letter a completion chooses, or None when it gives none or an ambiguous one.

    The final-answer block decides when present (an ambiguous block is refused, not rescued by the
    rest). Without one (a model that ignores the format) the last line, then the whole completion
    outside the thinking block, is read the same strict way.

    Example:
        >>> options = {"A": "nevus", "B": "melanoma"}
        >>> parse_choice("<final diagnosis>B. melanoma</final diagnosis>", options).letter
        'B'
    """
    opts = clean_options(options)
    block = answer_block(completion)
    if block is not None:
        letter, reason = _parse_region(block, opts)
        return ChoiceParse(letter=letter, method="tag" if letter else "none", reason=reason)
    outside = _THINKING.sub(" ", completion).strip()
    # a line that is only the condition clause ("Lesion condition: benign") names no option
    lines = [ln for ln in outside.splitlines() if _CONDITION_CLAUSE.sub(" ", ln).strip(" .,;:-")]
    reason = "no answer"
    for region in ([lines[-1]] if lines else []) + [outside]:
        letter, reason = _parse_region(region, opts)
        if letter:
            return ChoiceParse(letter=letter, method="fallback")
        if reason.startswith(("ambiguous", "letter")):
            break
    return ChoiceParse(letter=None, method="none", reason=reason)


def _stated_conditions(text: str) -> list[tuple[int, LesionCondition, bool]]:
    """Non-negated mentions of a lesion condition with their positions ("not malignant" is none).

    The third item marks a weak cue: a bare "in situ" is usually part of a diagnosis's name
    ("melanoma in situ"), so an explicit condition word stated beside it wins (see ``_one_condition``).
    """
    text = _LABEL_WORDS.sub(lambda m: " " * len(m.group()), text)  # "malignancy: benign" states benign
    found: list[tuple[int, LesionCondition, bool]] = []
    for condition, pattern in _CONDITION_PATTERNS.items():
        for m in pattern.finditer(text):
            before = text[max(0, m.start() - 40) : m.start()]
            if _NEGATED.search(before) or re.search(r"\bnon-?$", before, re.I):
                continue
            if condition == "malignant" and re.search(r"pre-?$", before, re.I):
                continue
            found.append((m.start(), condition, bool(re.fullmatch(r"in[\s-]situ", m.group(), re.I))))
    return sorted(found)


def _one_condition(found: list[tuple[int, LesionCondition, bool]]) -> LesionCondition | None:
    """The single condition stated, letting explicit words outvote a bare "in situ"; None if mixed."""
    stated = {c for _, c, _ in found}
    if len(stated) > 1:
        stated = {c for _, c, weak in found if not weak}
    return stated.pop() if len(stated) == 1 else None


def parse_condition(completion: str) -> LesionCondition | None:
    """The lesion condition a completion states, or None when it states none or contradicts itself.

    The final-answer block decides when it states one; otherwise an explicit "lesion condition: …" /
    "malignancy: …" statement anywhere counts (the last one wins).
    """
    block = answer_block(completion)
    if block is not None:
        # a condition clause ("…, malignant", "(not malignant)", "lesion condition: …") decides over
        # condition words inside the diagnosis's own name ("benign keratosis, malignant")
        clauses = [m.group() for m in _CONDITION_CLAUSE.finditer(block)]
        if clauses:
            return _one_condition(_stated_conditions(" ; ".join(clauses)))
        found = _stated_conditions(block)
        if found:
            return _one_condition(found)
    explicit = re.findall(r"(?i:lesion condition|malignancy|condition)\s*(?:is|:)\s*([^\n.;<]*)", completion)
    for statement in reversed(explicit):
        stated = _one_condition(_stated_conditions(statement))
        if stated is not None:
            return stated
    # A model that ignores the format: the last condition it states outside its deliberation.
    outside = _stated_conditions(_THINKING.sub(" ", completion))
    return outside[-1][1] if outside else None


def condition_of_text(text: str) -> LesionCondition | None:
    """Map an option text such as "Precancerous / in situ" onto one of the three conditions."""
    return _one_condition(_stated_conditions(text))
