"""Comparators write the differential reasoning ρ of Types 2/3 from the two rationales.

``grounded`` (default) is offline and deterministic; ``llm`` asks an OpenAI-compatible endpoint.
Both are checked by :mod:`synth.groundedness` afterwards.
"""

from __future__ import annotations

from synth.comparators.base import Comparator, Comparison
from synth.comparators.grounded import GroundedComparator
from synth.comparators.llm import LlmComparator
from synth.types import ComparatorName


def make_comparator(name: ComparatorName, **kwargs: object) -> Comparator:
    """Build the comparator named on the command line."""
    if name == "grounded":
        return GroundedComparator()
    return LlmComparator(**kwargs)  # type: ignore[arg-type]


__all__ = ["Comparator", "Comparison", "make_comparator"]
