# ruff: noqa: E501  (one sentence per case reads better whole)
"""Prose differentials, one case per shape (ingest.prose_cues + ingest.ddx_rules): what pairs, what not.

Sentences are made up for the shape they test; none is copied from a corpus book.
"""

from __future__ import annotations

import pytest

from ingest.ddx_rules import prose_relations
from ingest.mentions import clean_name
from ingest.prose_cues import is_hedged, is_negated, strip_marks
from ingest.qa_cues import answer_list, question_subject
from ingest.types import Line, Section
from kg.names import normalize


def _section(*paragraphs: str, title: str = "Notes") -> Section:
    lines = [
        Line(page=3, text=p, bbox=(50, 100 + 40 * i, 500, 112 + 40 * i), size=10)
        for i, p in enumerate(paragraphs)
    ]
    return Section(title=title, level=1, page=3, bbox=lines[0].bbox, lines=lines)


def _pairs(*paragraphs: str, anchor: str | None = None) -> set[frozenset[str]]:
    rels = prose_relations(_section(*paragraphs), anchor, "s" * 64)
    return {frozenset((normalize(r.subject), normalize(r.object))) for r in rels if r.kind == "ddx"}


def _p(a: str, b: str) -> frozenset[str]:
    return frozenset((normalize(a), normalize(b)))


@pytest.mark.parametrize(
    "paragraphs, anchor, expected",
    [
        # "is to be distinguished from" with a three-member list ending ", and W"
        (
            [
                "Rosacea is to be distinguished from acne vulgaris, lupus erythematosus, and seborrhoeic dermatitis."
            ],
            None,
            {
                _p("rosacea", "acne vulgaris"),
                _p("rosacea", "lupus erythematosus"),
                _p("rosacea", "seborrhoeic dermatitis"),
            },
        ),
        # "may be confounded with ... or ..." split on "or"
        (
            ["Pityriasis alba may be confounded with vitiligo or tinea versicolor."],
            None,
            {_p("pityriasis alba", "vitiligo"), _p("pityriasis alba", "tinea versicolor")},
        ),
        # "From X, by ...": X pairs with the section's subject
        (
            ["From erythrasma, by the coral-red fluorescence under Wood's light."],
            "tinea cruris",
            {_p("tinea cruris", "erythrasma")},
        ),
        # a second object: "..., and from Y by ..."
        (
            [
                "Ecthyma is distinguished from impetigo by its depth, and from a furuncle by the absence of a core."
            ],
            None,
            {_p("ecthyma", "impetigo"), _p("ecthyma", "furuncle")},
        ),
        # contrast: "In X the ..., whereas in Y the ..."
        (
            [
                "In rosacea the comedones are absent, whereas in acne vulgaris the comedo is the primary lesion."
            ],
            None,
            {_p("rosacea", "acne vulgaris")},
        ),
        # contrast with a semicolon and no conjunction
        (
            ["In erythrasma the scale is fine and brown; in tinea cruris the margin is raised and active."],
            None,
            {_p("erythrasma", "tinea cruris")},
        ),
        # "must be excluded": the subject comes from the section heading
        (
            ["Secondary syphilis must be excluded by serology."],
            "pityriasis rosea",
            {_p("pityriasis rosea", "secondary syphilis")},
        ),
        # "simulates" and "mimics"
        (["Lupus vulgaris simulates sarcoidosis."], None, {_p("lupus vulgaris", "sarcoidosis")}),
        # "it" / "the disease" resolve to the section's condition
        (
            ["The disease may be mistaken for urticaria pigmentosa."],
            "mastocytoma",
            {_p("mastocytoma", "urticaria pigmentosa")},
        ),
        # "the X variety" of the section's condition
        (
            ["The bullous variety may simulate bullous pemphigoid."],
            "lichen planus",
            {_p("bullous lichen planus", "bullous pemphigoid")},
        ),
        # a warning states a differential: "must not be confounded with"
        (
            ["Erythema nodosum must not be confounded with nodular vasculitis."],
            None,
            {_p("erythema nodosum", "nodular vasculitis")},
        ),
        # a negated difficulty states one too: "cannot be distinguished"
        (
            ["Pemphigus foliaceus cannot be distinguished from impetigo without a biopsy."],
            None,
            {_p("pemphigus foliaceus", "impetigo")},
        ),
        # cross-reference marks and page references stay out of names
        (
            [
                "Keratoacanthoma is to be distinguished from squamous cell carcinoma* (p. 212) and molluscum contagiosum†."
            ],
            None,
            {
                _p("keratoacanthoma", "squamous cell carcinoma"),
                _p("keratoacanthoma", "molluscum contagiosum"),
            },
        ),
        # question and answer in one paragraph ("A." split off as its own sentence)
        (
            [
                "Q. With what affections may lupus vulgaris be confounded? A. With sarcoidosis and tuberculoid leprosy."
            ],
            None,
            {_p("lupus vulgaris", "sarcoidosis"), _p("lupus vulgaris", "tuberculoid leprosy")},
        ),
        # question and answer in two paragraphs
        (
            [
                "Q. What conditions mimic rosacea?",
                "A. Lupus erythematosus, perioral dermatitis and carcinoid syndrome.",
            ],
            None,
            {
                _p("rosacea", "lupus erythematosus"),
                _p("rosacea", "perioral dermatitis"),
                _p("rosacea", "carcinoid syndrome"),
            },
        ),
        # "How is X distinguished from Y?" is itself the pair
        (
            ["Q. How is erythema multiforme distinguished from urticaria?"],
            None,
            {_p("erythema multiforme", "urticaria")},
        ),
        # "the diagnosis lies between ...": mutual members
        (
            ["The diagnosis lies between lichen sclerosus, morphoea and vitiligo."],
            None,
            {
                _p("lichen sclerosus", "morphoea"),
                _p("lichen sclerosus", "vitiligo"),
                _p("morphoea", "vitiligo"),
            },
        ),
        # a noun cue whose subject is the section's condition
        (
            ["Distinction from sarcoidosis rests on the histology."],
            "granuloma annulare",
            {_p("granuloma annulare", "sarcoidosis")},
        ),
        # "X enters the differential diagnosis of Y"
        (
            ["Granuloma annulare enters the differential diagnosis of necrobiosis lipoidica."],
            None,
            {_p("granuloma annulare", "necrobiosis lipoidica")},
        ),
        # "the main differential is ..." under the section's condition
        (
            ["The main differential is tinea corporis."],
            "nummular eczema",
            {_p("nummular eczema", "tinea corporis")},
        ),
        # "X and Y may look alike": mutual
        (["Morphoea and lichen sclerosus may look alike."], None, {_p("morphoea", "lichen sclerosus")}),
        # "misdiagnosed as"
        (
            ["Pityriasis rosea is often misdiagnosed as tinea corporis."],
            None,
            {_p("pityriasis rosea", "tinea corporis")},
        ),
        # "How does X differ from Y?"
        (["Q. How does lichen sclerosus differ from morphoea?"], None, {_p("lichen sclerosus", "morphoea")}),
    ],
)
def test_prose_shapes_that_state_a_differential(paragraphs: list[str], anchor: str | None, expected) -> None:
    assert _pairs(*paragraphs, anchor=anchor) == expected


@pytest.mark.parametrize(
    "paragraphs, anchor",
    [
        # plain negation of identity
        (["Psoriasis is not a form of eczema."], None),
        # negated cue verb
        (["Pemphigoid does not resemble pemphigus in its course."], None),
        (["Morphoea is never mistaken for vitiligo once the induration is felt."], None),
        # "unlike" compares without stating a differential
        (["Unlike syphilis, it heals without scarring."], "yaws"),
        # hedges: an old or disputed opinion
        (["Lichen planus was formerly thought to resemble syphilis closely."], None),
        (["It has been suggested that alopecia areata resembles vitiligo in its cause."], None),
        (
            [
                "Some authors have suggested that keratoacanthoma is a variant of squamous cell carcinoma, but this remains disputed."
            ],
            None,
        ),
        # a contrast between populations, not conditions
        (["In children the lesions are on the face, whereas in adults the limbs are affected."], "impetigo"),
        # an answer to a question that asks no differential
        (["Q. Is scabies contagious?", "A. Yes, by close contact and bedding."], None),
    ],
)
def test_negations_hedges_and_non_differentials_give_no_pair(
    paragraphs: list[str], anchor: str | None
) -> None:
    assert _pairs(*paragraphs, anchor=anchor) == set()


@pytest.mark.parametrize(
    "printed, name",
    [
        ("tinea versicolor?", "tinea versicolor"),  # a query mark
        ("eczema*", "eczema"),  # a footnote mark
        ("ringworm†", "ringworm"),  # a dagger
        ("lichen planus (p. 124)", "lichen planus"),  # a page reference
        ("purpura hæmorrhagica", "purpura haemorrhagica"),  # æ ligature spelled out
        ("seborrhœic eczema", "seborrhoeic eczema"),  # œ ligature spelled out
        ("Henoch-Schönlein purpura", "Henoch-Schönlein purpura"),  # diacritics kept for display
    ],
)
def test_names_as_printed(printed: str, name: str) -> None:
    assert clean_name(printed) == name


def test_matching_folds_diacritics_and_ligatures() -> None:
    assert normalize("Henoch-Schönlein purpura") == normalize("Henoch-Schonlein purpura")
    assert normalize("seborrhœic eczema") == normalize("seborrheic eczema")


@pytest.mark.parametrize(
    "text, negated",
    [
        ("Psoriasis is not", True),  # plain negation
        ("Eczema is not to be confounded", False),  # a warning: take care to distinguish
        ("It cannot be distinguished", False),  # negated difficulty
        ("It is not infrequently mistaken", False),  # double negative
        ("Although it is not itchy, psoriasis may be confused", False),  # negation in another clause
    ],
)
def test_negation_is_read_in_the_cues_own_clause(text: str, negated: bool) -> None:
    assert is_negated(text) is negated


def test_hedges_marks_questions_and_answers() -> None:
    assert is_hedged("It was formerly believed to be a variety of leprosy.")
    assert not is_hedged("It is believed to be common.")
    assert strip_marks("lichen planus* (see p. 48) and eczema†") == "lichen planus and eczema"
    assert (
        question_subject("Q. What is the differential diagnosis of granuloma annulare?")
        == "granuloma annulare"
    )
    assert question_subject("Q. What is granuloma annulare?") is None
    assert (
        answer_list("A. With necrobiosis lipoidica and sarcoidosis.")
        == "necrobiosis lipoidica and sarcoidosis"
    )
    assert answer_list("A. It is a benign disease of unknown cause.") is None
