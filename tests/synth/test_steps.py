"""Steps declare the columns they read and write; a pipeline that cannot work fails early."""

from __future__ import annotations

import pytest

from synth.comparators.grounded import GroundedComparator
from synth.knowledge import seed_knowledge
from synth.steps import FormatStep, ReasonStep, check_columns


def test_the_synthesis_steps_chain() -> None:
    comparator, k = GroundedComparator(), seed_knowledge()
    check_columns([ReasonStep(comparator, k), FormatStep(comparator, 1, k)])


def test_a_step_reading_an_unwritten_column_is_refused() -> None:
    comparator, k = GroundedComparator(), seed_knowledge()
    with pytest.raises(ValueError, match="FormatStep reads 'reasoning', which no earlier step writes"):
        check_columns([FormatStep(comparator, 1, k), ReasonStep(comparator, k)])
