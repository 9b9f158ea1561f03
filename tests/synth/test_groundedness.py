"""Groundedness: every clinical feature named in ρ occurs in r_p or r_d."""

from __future__ import annotations

import pytest

from synth.groundedness import check_groundedness, clean_reasoning

R_P = "Dermoscopy: pigment network: atypical; streaks: irregular; blue whitish veil: present."
R_D = "A stuck-on, warty brown plaque with milia-like cysts; pigment network: absent."


@pytest.mark.parametrize(
    ("reasoning", "passed", "reason"),
    [
        # features quoted from both rationales
        (
            "The lesion shows irregular streaks and blue whitish veil, whereas milia like cysts are absent.",
            True,
            None,
        ),
        # a negated feature of r_d still "occurs" in r_d
        ("There is an atypical pigment network, while the network is absent in the other.", True, None),
        # invented feature: ulceration appears in neither rationale
        ("The lesion shows irregular streaks and ulceration.", False, "ulcer"),
        # nothing clinical at all: untraceable (how random LLM output is caught)
        ("Melanoma is differential eczema tinea the the pairs x y", False, "names no clinical feature"),
        ("   ", False, "empty reasoning"),
        # the target's own tags must not leak into ρ
        ("irregular streaks</thinking><diagnosis>melanoma", False, "tags"),
    ],
)
def test_groundedness_table(reasoning: str, passed: bool, reason: str | None) -> None:
    result = check_groundedness(reasoning, R_P, R_D)
    assert result.passed is passed, result.reasons
    if reason:
        assert any(reason in r for r in result.reasons)


def test_diagnosis_names_are_not_features() -> None:
    # "Blue nevus" would otherwise read as the colour blue, absent from both rationales
    text = "The lesion shows irregular streaks, consistent with Blue nevus."
    assert not check_groundedness(text, R_P, R_D).passed
    assert check_groundedness(text, R_P, R_D, names=["Blue nevus", "Seborrheic keratosis"]).passed


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<differential diagnosis reasoning>A  b.</differential diagnosis reasoning>", "A b."),
        ("noise <differential diagnosis reasoning>kept</differential diagnosis reasoning> tail", "kept"),
        ("no tags at all", "no tags at all"),
        (None, ""),
    ],
)
def test_clean_reasoning(raw: str | None, clean: str) -> None:
    assert clean_reasoning(raw) == clean
