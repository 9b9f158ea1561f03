"""The offline, deterministic comparator: ρ from discriminating lexicon features only.

It never invents a feature: every feature it names is quoted (as normalised text) from one of the
two rationales, chosen because it is present in one and not present in the other.
"""

from __future__ import annotations

import hashlib

from synth.comparators.base import Comparison
from synth.groundedness import mask_names
from synth.lexicon import Feature, Lexicon, default_lexicon
from synth.types import ComparatorName

MAX_FEATURES = 4
# bump when the wording or the feature choice changes: earlier rows are then regenerated, not reused
VERSION = 2


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" and {items[-1]}"


def _verb(items: list[str]) -> str:
    return "is" if len(items) == 1 else "are"


def _phrase(f: Feature) -> str:
    """How a feature is named in ρ: the rationale's own words (sites read as "<site> site")."""
    return f"{f.surface} site" if f.category == "site" else f.surface


def _unique(features: list[Feature]) -> list[Feature]:
    seen: set[str] = set()
    out: list[Feature] = []
    for f in features:
        if f.concept not in seen:
            seen.add(f.concept)
            out.append(f)
    return out


class GroundedComparator:
    """Discriminating features: positive in the favoured rule and not positive in the other (and
    vice versa), worded as the paper's keep / switch reasoning."""

    name: ComparatorName = "grounded"
    model: str | None = None

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self.lexicon = lexicon or default_lexicon()
        concepts = sorted((c.id, c.synonyms) for c in self.lexicon.concepts.values())
        blob = repr((VERSION, concepts)).encode()
        self._identity = "grounded:" + hashlib.sha256(blob).hexdigest()[:16]

    def identity(self) -> str:
        return self._identity

    def prompt_hash(self) -> str:
        return self._identity.split(":", 1)[1]

    def compare(self, item: Comparison) -> str:
        if item.mode == "keep":
            case_name, case_rule, other_name, other_rule = (
                item.primary_name,
                item.primary_rule,
                item.partner_name,
                item.partner_rule,
            )
        else:
            case_name, case_rule, other_name, other_rule = (
                item.partner_name,
                item.partner_rule,
                item.primary_name,
                item.primary_rule,
            )
        # a diagnosis name is not a feature: "Acral lentiginous melanoma" does not show an acral site
        names = [item.primary_name, item.partner_name]
        case_feats = self.lexicon.find(mask_names(case_rule, names))
        other_feats = self.lexicon.find(mask_names(other_rule, names))
        case_pos = {f.concept for f in case_feats if not f.negated}
        case_neg = {f.concept for f in case_feats if f.negated}
        other_pos = {f.concept for f in other_feats if not f.negated}
        present = _unique([f for f in case_feats if not f.negated and f.concept not in other_pos])
        missing = _unique([f for f in other_feats if not f.negated and f.concept not in case_pos])
        absent = [_phrase(f) for f in missing if f.concept in case_neg][:MAX_FEATURES]
        unstated = [_phrase(f) for f in missing if f.concept not in case_neg][:MAX_FEATURES]
        shown = [_phrase(f) for f in present][:MAX_FEATURES]
        parts: list[str] = []
        if absent:
            parts.append(f"{_join(absent)} described for {other_name} {_verb(absent)} absent here")
        if unstated:
            parts.append(
                f"{_join(unstated)} expected in {other_name} {_verb(unstated)} not described in this case"
            )
        if shown:
            head = f"The lesion shows {_join(shown)}, consistent with {case_name}"
            return head + (", whereas " + ", and ".join(parts) if parts else "") + "."
        if parts:
            text = ", and ".join(parts)
            return text[:1].upper() + text[1:] + f", which favours {case_name}."
        return ""

    def compare_many(self, items: list[Comparison]) -> list[str]:
        return [self.compare(i) for i in items]
