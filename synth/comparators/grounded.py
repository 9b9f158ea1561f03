"""The offline, deterministic comparator: ρ is the argument's accepted claims, worded.

It states nothing of its own: every diagnosis-level sentence is one accepted finding assertion
(:func:`synth.wording.claim_sentence`), chosen at planning time (:mod:`synth.argument`) from this
lesion's observations. It never generalises from one case.
"""

from __future__ import annotations

import hashlib

from synth.knowledge import FindingKnowledge
from synth.types import Argument, ComparatorName
from synth.wording import reasoning

# bump when the wording changes: earlier rows are then regenerated, not reused
VERSION = 3


class GroundedComparator:
    """Words the accepted claims that separate the favoured diagnosis from the other."""

    name: ComparatorName = "grounded"
    model: str | None = None

    def __init__(self) -> None:
        self._identity = "grounded:" + hashlib.sha256(f"claims-v{VERSION}".encode()).hexdigest()[:16]

    def identity(self) -> str:
        return self._identity

    def prompt_hash(self) -> str:
        return self._identity.split(":", 1)[1]

    def compare(self, item: Argument, knowledge: FindingKnowledge) -> str:
        return reasoning(knowledge, item)

    def compare_many(self, items: list[Argument], knowledge: FindingKnowledge) -> list[str]:
        return [self.compare(i, knowledge) for i in items]
