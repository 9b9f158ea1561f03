"""Comparators write the differential reasoning ρ of Types 2/3 from the two rationales.

``grounded`` (default) is offline and deterministic; ``llm`` asks an OpenAI-compatible endpoint.
Both are checked by :mod:`synth.groundedness` afterwards.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, ConfigDict

from synth.types import ComparatorName, Mode


class Comparison(BaseModel):
    """One request for ρ: the case's rule, the other rule and which diagnosis the text must favour."""

    model_config = ConfigDict(frozen=True)

    mode: Mode  # keep: favour the primary (Type 2); switch: favour the partner (Type 3)
    primary_name: str
    primary_rule: str
    partner_name: str
    partner_rule: str


class Comparator(Protocol):
    name: ComparatorName
    model: str | None

    def identity(self) -> str:
        """Stable text naming everything that changes the output (feeds the row input hash)."""
        ...

    def prompt_hash(self) -> str: ...

    def compare_many(self, items: list[Comparison]) -> list[str]:
        """ρ for each item ("" when nothing can be said); same order as ``items``."""
        ...


def make_comparator(name: ComparatorName, **kwargs: object) -> Comparator:
    """Build the comparator named on the command line."""
    if name == "grounded":
        from synth.comparators.grounded import GroundedComparator

        return GroundedComparator()
    from synth.comparators.llm import LlmComparator

    return LlmComparator(**kwargs)  # type: ignore[arg-type]


__all__ = ["Comparator", "Comparison", "make_comparator"]
