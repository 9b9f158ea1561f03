# ruff: noqa: E501  (made-up sentences read better whole)
"""The generic stem fallback (:mod:`ingest.stem_cues`): one made-up sentence per stem class, and the
negations, hedges, kinships and non-diagnoses that must give nothing."""

from __future__ import annotations

import pytest

from ingest.stem_cues import (
    asks_differential,
    diagnosis_names,
    frames_differential,
    section_subject,
    stem_pairs,
    title_pairs,
)
from kg.names import normalize


def _keys(pairs: list[tuple[str, str]]) -> set[frozenset[str]]:
    return {frozenset(map(normalize, p)) for p in pairs}


@pytest.mark.parametrize(
    ("sentence", "anchor", "expected"),
    [
        # separating: subject before the stem, differentials after it
        (
            "Granular parakeratosis must be delimited from Darier disease.",
            None,
            [("granular parakeratosis", "darier disease")],
        ),
        (
            "A separation from nummular dermatitis is hardly possible.",
            "mycosis fungoides",
            [("mycosis fungoides", "nummular dermatitis")],
        ),
        (
            "Telling it apart from seborrhoeic keratosis needs dermoscopy; differentiation from melanoma is vital.",
            "pigmented basal cell carcinoma",
            [
                ("pigmented basal cell carcinoma", "seborrhoeic keratosis"),
                ("pigmented basal cell carcinoma", "melanoma"),
            ],
        ),
        # confusing
        (
            "Pemphigus foliaceus is readily confounded with seborrhoeic dermatitis.",
            None,
            [("pemphigus foliaceus", "seborrhoeic dermatitis")],
        ),
        ("Mistaking it for cellulitis is common.", "erysipelas", [("erysipelas", "cellulitis")]),
        # likeness
        (
            "Secondary syphilis can closely resemble pityriasis rosea.",
            None,
            [("secondary syphilis", "pityriasis rosea")],
        ),
        ("Lupus vulgaris may look like sarcoidosis.", None, [("lupus vulgaris", "sarcoidosis")]),
        ("Tinea faciei is similar to rosacea in its distribution.", None, [("tinea faciei", "rosacea")]),
        # excluding, considering, the implicit subject from the heading
        ("Tinea capitis must always be excluded.", "alopecia areata", [("alopecia areata", "tinea capitis")]),
        (
            "Differential-diagnostically, lichen simplex and prurigo nodularis come into question.",
            "lichen amyloidosis",
            [("lichen amyloidosis", "lichen simplex"), ("lichen amyloidosis", "prurigo nodularis")],
        ),
        (
            "In the elderly, bullous pemphigoid should be suspected.",
            "dermatitis herpetiformis",
            [("dermatitis herpetiformis", "bullous pemphigoid")],
        ),
        # naming the differential: its subject is the name after "of"
        (
            "The differential diagnosis of granuloma annulare includes necrobiosis lipoidica.",
            "rosacea",
            [("granuloma annulare", "necrobiosis lipoidica")],
        ),
        # a negated difficulty still states the differential
        (
            "The distinction from an early mycosis fungoides is often not possible.",
            "parapsoriasis",
            [("parapsoriasis", "mycosis fungoides")],
        ),
    ],
)
def test_each_stem_class_gives_its_pairs(sentence: str, anchor: str | None, expected: list) -> None:
    assert _keys(stem_pairs(sentence, anchor)) == _keys(expected)


@pytest.mark.parametrize(
    "sentence",
    [
        "Psoriasis is not to be distinguished from eczema by its colour alone, and it does not resemble lichen planus.",
        "Unlike tinea corporis, it never resembles granuloma annulare.",
        "It was formerly thought to resemble leprosy.",
        "A resemblance to pityriasis versicolor exists in name only.",
        "It has nothing to do with scabies, whatever its similarity.",
        "Consider treatment with topical steroids when eczema coexists.",
        "Malassezia yeasts are considered to play a part in seborrhoeic dermatitis.",
        "Folliculitis decalvans is considered a variant of lichen planopilaris.",
        "The plaques are sharply delimited, unlike those of seborrhoeic dermatitis.",
        "Onycholysis (associations include psoriasis and fungal nail infection) separates the plate from the bed.",
        "The common causes include impetigo and scabies, which must be excluded.",
        "With what may a venous ulcer be confounded?",
        "A biopsy helps to distinguish the two.",
        "In contrast to discoid lupus erythematosus, it heals without scarring, a distinguishing point.",
        "Tinea cruris is very itchy, similar to tinea corporis.",
    ],
)
def test_negations_hedges_and_non_diagnoses_give_nothing(sentence: str) -> None:
    assert stem_pairs(sentence, "cutaneous sarcoidosis") == []


def test_names_are_diagnoses_not_findings_sites_or_classes() -> None:
    names = [
        n
        for n, _ in diagnosis_names(
            "Scaly plaques on the extensor sides, a bacterial infection, herpes simplex and pityriasis rubra pilaris"
        )
    ]
    assert names == ["herpes simplex", "pityriasis rubra pilaris"]


def test_a_framing_heading_or_question_reads_every_clause() -> None:
    assert frames_differential("Could it be something else?") and frames_differential("Look-alikes")
    assert not frames_differential("Treatment") and not frames_differential("Did you know?")
    assert asks_differential("What else might it be?") and not asks_differential("How is it treated?")
    # framed: every named condition is an alternative; a negated name is the one denied
    got = stem_pairs(
        "A single sore inside the lip is an aphthous ulcer, not herpes.", "cold sore", framed=True
    )
    assert _keys(got) == _keys([("cold sore", "aphthous ulcer")])
    assert stem_pairs("Eczema usually itches more.", "scabies") == []  # not framed: no stem, nothing
    assert title_pairs("Q. Is it a verruca or a corn?") == [("verruca", "corn")]


def test_the_implicit_subject_is_the_nearest_diagnosis_heading() -> None:
    assert section_subject(None, ["Skin problems", "Rosacea", "Could it be something else?"]) == "Rosacea"
    assert (
        section_subject(None, ["Athlete's foot (tinea pedis)", "Could it be something else?"])
        == "Athlete's foot"
    )
    assert section_subject(None, ["Introduction", "How to use this book"]) is None
