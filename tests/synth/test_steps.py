"""Steps declare the columns they read and write; a pipeline that cannot work fails early."""

from __future__ import annotations

import pytest

from synth.comparators.grounded import GroundedComparator
from synth.steps import FormatStep, GroundStep, ReasonStep, check_columns


def test_the_synthesis_steps_chain() -> None:
    comparator = GroundedComparator()
    check_columns([ReasonStep(comparator), GroundStep(), FormatStep(comparator, revision=1)])


def test_a_step_reading_an_unwritten_column_is_refused() -> None:
    comparator = GroundedComparator()
    with pytest.raises(ValueError, match="GroundStep reads 'reasoning', which no earlier step writes"):
        check_columns([GroundStep(), ReasonStep(comparator)])
