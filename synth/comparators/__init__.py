"""Comparators write the differential reasoning ρ of Types 2/3 from an :class:`~synth.types.Argument`.

``grounded`` (default) is offline and deterministic: it words the argument's accepted claims.
``llm`` asks an OpenAI-compatible endpoint, giving it this lesion's observations and the accepted
findings of both diagnoses. Either way the row then passes :mod:`synth.validator`.
"""

from __future__ import annotations

from synth.comparators.base import Comparator
from synth.types import ComparatorName


def make_comparator(name: ComparatorName, **kwargs: object) -> Comparator:
    """Build the comparator named on the command line."""
    if name == "grounded":
        from synth.comparators.grounded import GroundedComparator

        return GroundedComparator()
    from synth.comparators.llm import LlmComparator

    return LlmComparator(**kwargs)  # type: ignore[arg-type]


__all__ = ["Comparator", "make_comparator"]
