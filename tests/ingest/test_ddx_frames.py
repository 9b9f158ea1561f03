# ruff: noqa: E501  (made-up sentences read better whole)
"""Older books' "Diagnosis" sections (:mod:`ingest.ddx_frames`) and the old typography around them:
one made-up sentence per shape, and the hedges, denials and signs that must give nothing."""

from __future__ import annotations

import pytest

from ingest.ddx_frames import DiagnosisFrame
from ingest.ddx_names import _subject, expand_initials
from ingest.ddx_rules import prose_relations
from ingest.stem_cues import diagnosis_names, section_subject, stem_pairs
from ingest.text_units import join_hyphenated
from ingest.types import Line, Section
from kg.names import normalize


def _read(sentences: list[str], anchor: str = "Pemphigus", title: str = "Diagnosis") -> list[str]:
    frame = DiagnosisFrame(title, anchor)
    return [n for k, s in enumerate(sentences) for n in frame.read(s, k == 0)]


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        # "In X, ..." opens the paragraph of an alternative
        (["In rupia, the bullae are smaller and the crusts dark."], ["rupia"]),
        (["Sometimes in bullous impetigo, the bullae grow large."], ["bullous impetigo"]),
        # the alternative's name opens the paragraph; a later sentence needs a comparison
        (
            ["Ecthyma runs a slower course.", "Furunculus is deeper and contains a core."],
            ["Ecthyma", "Furunculus"],
        ),
        (["The crusts fall.", "Rupia leaves a scar."], []),
        # a later sentence naming the section's condition compares with it
        (
            [
                "The crusts fall.",
                "Lupus erythematosus is usually situated on the face, an uncommon site for pemphigus.",
            ],
            ["Lupus erythematosus"],
        ),
        # run-in names, alone or before a dash
        (["Dermatitis herpetiformis. — Here the vesicles are grouped."], ["Dermatitis herpetiformis"]),
        (["Some words first.", "Ecthyma.", "This is primarily a pustular disease."], ["Ecthyma"]),
        # the condition itself, a description of it, and an adjective of it are no alternative
        (["In pemphigus the bullae are tense.", "The pemphigoid eruption spreads."], []),
        (["The seborrhoeic disease is, however, rarely inflamed."], []),
        # hedges, denials, old opinions and signs of another disease give nothing
        (["Eczema was formerly confounded with pemphigus."], []),
        (["Scabies is never confounded with pemphigus by the careful."], []),
        (["Alopecia and mucous patches, when present, point to syphilis."], []),
        (["It has been suggested that impetigo is a pemphigus."], []),
        # "In children ..." names no condition
        (["In children the bullae are fewer."], []),
    ],
)
def test_a_diagnosis_section_names_its_alternatives(sentences: list[str], expected: list[str]) -> None:
    assert _read(sentences) == expected


def test_the_frame_needs_a_diagnosis_head_or_a_run_in_or_the_following() -> None:
    # a "Symptoms" section's "In X the ..." is no alternative
    assert _read(["In rupia, the bullae are smaller."], title="Symptoms") == []
    # a run-in "Diagnosis." or "Diagnostic features are -" opens it, "Treatment." closes it
    assert _read(
        ["Diagnosis.", "In rupia, the bullae are smaller.", "Treatment.", "In rupia, lotions."],
        title="Pemphigus",
    ) == ["rupia"]
    # "... may be confounded with one of the following diseases: Squamous eczema will ..."
    assert _read(
        [
            "Doubt may arise, and it may be confounded with one of the following diseases: Squamous eczema will give a history of moisture."
        ],
        title="Psoriasis",
        anchor="Psoriasis",
    ) == ["Squamous eczema"]
    # without the stem, "the following:" frames nothing
    assert (
        _read(["It is treated with the following: Ecthyma lotion."], title="Psoriasis", anchor="Psoriasis")
        == []
    )


def _section(title: str, path: list[str], text: list[str]) -> Section:
    lines = [
        Line(page=1, text=t, bbox=(40, 60 + 30 * i, 380, 72 + 30 * i), size=10) for i, t in enumerate(text)
    ]
    return Section(title=title, level=2, page=1, bbox=(40, 40, 380, 52), path=path, lines=lines)


def _pairs(section: Section, anchor: str | None) -> set[frozenset[str]]:
    return {
        frozenset((normalize(r.subject), normalize(r.object)))
        for r in prose_relations(section, anchor, "s" * 64)
    }


@pytest.mark.parametrize(
    ("sentence", "anchor", "expected"),
    [
        # the old subjunctive and "is likely to be"
        (
            "It makes little difference if roseola be confounded with erythema.",
            "Roseola",
            {("roseola", "erythema")},
        ),
        (
            "Roseola is likely to be confounded with measles and with scarlatina.",
            "Roseola",
            {("roseola", "measles"), ("roseola", "scarlatina")},
        ),
        # "known from" is the old "distinguished from"
        ("It is known from measles by the absence of catarrh.", "Roseola", {("roseola", "measles")}),
        (
            "Seborrhoea at times bears close resemblance to a mild eczema.",
            "Psoriasis",
            {("seborrhea", "mild eczema")},
        ),
        (
            "A squamous syphilide may closely counterfeit psoriasis.",
            "Psoriasis",
            {("squamous syphilide", "psoriasis")},
        ),
        # a conditional clause or an adverb is no subject: the section's condition is
        (
            "This affection, if severe, might be mistaken for scabies.",
            "Dysidrosis",
            {("dysidrosis", "scabies")},
        ),
        ("This affection somewhat resembles sudamina.", "Dysidrosis", {("dysidrosis", "sudamina")}),
        # "the latter ... the former" is resolved by the sentence before, never named
        ("In like manner the latter disease may closely counterfeit the former.", "Psoriasis", set()),
        # a genus initial within its chapter, and a mutual warning
        (
            "General eczema and P. foliaceus should not be confounded.",
            "Pemphigus",
            {("general eczema", "pemphigus foliaceus")},
        ),
        (
            "The diagnosis between psoriasis and chronic eczema may be difficult.",
            "Psoriasis",
            {("psoriasis", "chronic eczema")},
        ),
        # a plain negation still gives nothing
        ("Roseola is not to be thought of as measles.", "Roseola", set()),
        ("Eczema marginatum was formerly confounded with psoriasis.", "Psoriasis", set()),
    ],
)
def test_old_shapes_of_the_anchored_cues(sentence: str, anchor: str, expected: set[tuple[str, str]]) -> None:
    got = _pairs(_section("Diagnosis", [anchor], [sentence]), anchor)
    assert got == {frozenset(map(normalize, p)) for p in expected}


def test_names_of_older_books() -> None:
    # old endings head a name; "Diagnosis" / "Prognosis" headings are no disease
    assert [n for n, _ in diagnosis_names("Roseola and rubeola, seborrhœa, the papular syphiloderm")] == [
        "Roseola",
        "rubeola",
        "seborrhoea",  # the ligature folded, as every printed name
        "papular syphiloderm",
    ]
    assert diagnosis_names("Diagnosis") == [] and diagnosis_names("Prognosis") == []
    assert [n for n, _ in diagnosis_names("In occasional instances psoriasis is limited")] == ["psoriasis"]
    # a heading's condition is the subject, whatever its ending
    assert section_subject("Roseola", ["Diseases of the Skin", "Roseola", "Diagnosis"]) == "Roseola"
    assert stem_pairs("It is likely to be confounded with scarlatina.", "Roseola") == [
        ("Roseola", "scarlatina")
    ]
    # genus initials and auxiliary subjects
    assert (
        expand_initials("P. foliaceus and P. vulgaris", ["Pemphigus"])
        == "Pemphigus foliaceus and Pemphigus vulgaris"
    )
    assert expand_initials("Dr. Smith saw it", ["Pemphigus"]) == "Dr. Smith saw it"
    assert _subject("if severe, might", "Dysidrosis") == "Dysidrosis"


@pytest.mark.parametrize(
    ("left", "right", "joined"),
    [
        ("the erup-", "tion is", "the eruption is"),  # a word split at the line end
        ("psori-", "asis", "psoriasis"),
        ("Stevens-", "Johnson", "Stevens-Johnson"),  # a compound keeps its hyphen
        ("papulo-", "squamous", "papulo-squamous"),
        ("pea-", "sized", "pea-sized"),
        ("well-", "defined", "well-defined"),
    ],
)
def test_a_line_end_hyphen(left: str, right: str, joined: str) -> None:
    assert join_hyphenated(left, right) == joined


def test_a_question_keeps_the_site_of_its_one_word_subject() -> None:
    # "ringworm of the scalp" and "ringworm of the bearded region" are two conditions, not "ringworm"
    got = _pairs(
        _section("Ringworm", [], ["How is ringworm of the scalp to be distinguished from favus and eczema?"]),
        "Ringworm",
    )
    assert got == {
        frozenset(("ringworm of the scalp", "favus")),
        frozenset(("ringworm of the scalp", "eczema")),
    }
    # a place or class before a generic head names no condition
    assert (
        stem_pairs(
            "In these cases the disease remains a surface disease and is readily distinguished.", "Ringworm"
        )
        == []
    )


@pytest.mark.parametrize(
    ("sentences", "expected"),
    [
        # "How would you exclude X in a suspected case of Y?"
        (
            ["How would you exclude seborrhoea (eczema seborrhoicum) in a suspected case of eczema?"],
            {("seborrhoea", "eczema")},
        ),
        # the answer's "it" is the question's condition, not the chapter's
        (
            [
                "Are you likely to mistake the small pustular syphiloderm for any other eruption?",
                "Scarcely; but upon the scalp it may bear rough resemblance to pustular eczema.",
            ],
            {("small pustular syphiloderm", "pustular eczema")},
        ),
        # "a resemblance to those of psoriasis": the condition the lesions are of
        (["The patches may present a resemblance to those of psoriasis."], {("syphilis", "psoriasis")}),
        # "The single tubercle of lupus exedens is to be distinguished from": the condition the lesion is of
        (
            ["The single tubercle of lupus exedens is to be distinguished from sarcoma."],
            {("lupus exedens", "sarcoma")},
        ),
        # a verb after the name is no part of it
        (
            ["In what respects does the papulo-squamous syphiloderm differ from psoriasis?"],
            {("papulo-squamous syphiloderm", "psoriasis")},
        ),
    ],
)
def test_question_and_answer_books(sentences: list[str], expected: set[tuple[str, str]]) -> None:
    got = _pairs(_section("Syphilis", [], sentences), "Syphilis")
    assert got == {frozenset(map(normalize, p)) for p in expected}
