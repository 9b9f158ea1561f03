"""What every comparator is: the protocol alone (no implementation here, so the implementations and
the package that picks one import it without importing each other)."""

from __future__ import annotations

from typing import Protocol

from synth.knowledge import FindingKnowledge
from synth.types import Argument, ComparatorName


class Comparator(Protocol):
    name: ComparatorName
    model: str | None

    def identity(self) -> str:
        """Stable text naming everything that changes the output (feeds the row input hash)."""
        ...

    def prompt_hash(self) -> str: ...

    def compare_many(self, items: list[Argument], knowledge: FindingKnowledge) -> list[str]:
        """ρ for each argument ("" when nothing can be said); same order as ``items``."""
        ...
