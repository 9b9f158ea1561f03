"""The groundedness check: every clinical feature named in ρ occurs in r_p or r_d.

A ρ that names no feature at all is not traceable either (that is how malformed LLM output is
caught: random text names no lexicon concept), so it fails too.
"""

from __future__ import annotations

import re

from synth.lexicon import Lexicon, default_lexicon
from synth.prompts import REASONING_TAG
from synth.types import GroundednessResult

_TAG = re.compile(rf"<\s*/?\s*{re.escape(REASONING_TAG)}\s*>", re.IGNORECASE)
_OTHER_TAG = re.compile(r"</?\s*(?:thinking|diagnosis)\s*>", re.IGNORECASE)


def clean_reasoning(text: str | None) -> str:
    """Strip the ``<differential diagnosis reasoning>`` wrapper and surrounding whitespace."""
    if not text:
        return ""
    inner = re.search(
        rf"<\s*{re.escape(REASONING_TAG)}\s*>(.*?)<\s*/\s*{re.escape(REASONING_TAG)}\s*>",
        text,
        re.IGNORECASE | re.DOTALL,
    )
    body = inner.group(1) if inner else _TAG.sub("", text)
    return re.sub(r"\s+", " ", body).strip()


def mask_names(text: str, names: list[str]) -> str:
    """Blank out diagnosis names so that e.g. "Blue nevus" does not read as the colour *blue*."""
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = re.sub(re.escape(name), " ", text, flags=re.IGNORECASE)
    return text


def check_groundedness(
    reasoning: str,
    primary_rule: str,
    partner_rule: str,
    names: list[str] | None = None,
    lexicon: Lexicon | None = None,
) -> GroundednessResult:
    """Pass iff ρ is non-empty, keeps out of the target's tags, names >= 1 lexicon feature and
    every feature it names occurs (either polarity) in one of the two rationales. ``names`` (the
    two diagnoses) are masked first: a diagnosis name is not a clinical feature."""
    lex = lexicon or default_lexicon()
    reasons: list[str] = []
    if not reasoning.strip():
        return GroundednessResult(passed=False, reasons=["empty reasoning"])
    if _OTHER_TAG.search(reasoning):
        reasons.append("reasoning contains <thinking>/<diagnosis> tags")
    named = sorted(lex.concepts_in(mask_names(reasoning, names or [])))
    if not named:
        reasons.append("names no clinical feature of the lexicon")
    allowed = lex.concepts_in(primary_rule) | lex.concepts_in(partner_rule)
    ungrounded = [c for c in named if c not in allowed]
    if ungrounded:
        reasons.append("features absent from both rationales: " + ", ".join(ungrounded))
    return GroundednessResult(passed=not reasons, features=named, ungrounded=ungrounded, reasons=reasons)
