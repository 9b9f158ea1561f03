"""What every comparator takes and is: the request model and the protocol (no implementation here,
so the implementations import it without importing the package that picks one)."""

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
