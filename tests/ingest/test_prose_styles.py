# ruff: noqa: E501  (one sentence per case reads better whole)
"""Prose differentials in the styles the newer corpus books brought (tests/ingest/corpus_unseen.py):
numbered textbooks, review chapters, exam cases and flashcards, GP guides, pearls-and-pitfalls handbooks.

Sentences are made up for the shape they test; none is copied from a corpus book.
"""

from __future__ import annotations

import pytest

from tests.ingest.test_prose_cues import _p, _pairs


@pytest.mark.parametrize(
    "paragraphs, anchor, expected",
    [
        # the cue's preposition repeated after an aside: "mistaken for X, especially ..., and for Y"
        (
            [
                "The rash is apt to be mistaken for urticaria, particularly in children, and for erythema multiforme."
            ],
            "serum sickness",
            {_p("serum sickness", "urticaria"), _p("serum sickness", "erythema multiforme")},
        ),
        # "From X it may be differentiated by ...": the sentence's subject is the section's
        (
            ["From tinea cruris it may be differentiated by the absence of scale at the edge."],
            "erythrasma",
            {_p("erythrasma", "tinea cruris")},
        ),
        # the lesions of the section's condition as the cue's subject
        (
            ["Annular lesions on the hands may mimic tinea manuum."],
            "granuloma annulare",
            {_p("granuloma annulare", "tinea manuum")},
        ),
        # a role given to the names: "is a common mimic", "are the other main considerations"
        (
            [
                "Erythema migrans is a classic mimic; urticaria and fixed drug eruption are the other considerations."
            ],
            "cellulitis",
            {
                _p("cellulitis", "erythema migrans"),
                _p("cellulitis", "urticaria"),
                _p("cellulitis", "fixed drug eruption"),
            },
        ),
        # imperatives: "consider X and Y", "..., and exclude Z in ..."
        (
            [
                "On the shins, consider necrobiosis lipoidica if the plaques are yellow, and exclude sarcoidosis in any adult with cough."
            ],
            "granuloma annulare",
            {_p("granuloma annulare", "necrobiosis lipoidica"), _p("granuloma annulare", "sarcoidosis")},
        ),
        # "should be considered / suspected when ...": pairs with the subject
        (
            ["Amelanotic melanoma should be suspected when a nodule grows quickly."],
            "pyogenic granuloma",
            {_p("pyogenic granuloma", "amelanotic melanoma")},
        ),
        # a case: the stated diagnosis is the subject of the sentences after it
        (
            [
                "A 40-year-old man has a ring of papules on the hand. The most likely diagnosis is granuloma annulare. Other considerations include tinea manuum; sarcoidosis should be excluded."
            ],
            None,
            {_p("granuloma annulare", "tinea manuum"), _p("granuloma annulare", "sarcoidosis")},
        ),
        # a best-of-four question: the answer pairs with the other options
        (
            [
                "A farmer has a crusted nodule on the lip. What is the most likely diagnosis?",
                "A. Keratoacanthoma  B. Squamous cell carcinoma  C. Actinic cheilitis  D.",
                "Herpes simplex",
                "Answer: B.",
            ],
            None,
            {
                _p("squamous cell carcinoma", "keratoacanthoma"),
                _p("squamous cell carcinoma", "actinic cheilitis"),
                _p("squamous cell carcinoma", "herpes simplex"),
            },
        ),
        # a labelled imperative: "Consider also: X; Y in ...; Z", an aside inside the list
        (
            ["Consider also: erythrasma; intertrigo in obese adults; and, in a diabetic, candidiasis."],
            "tinea cruris",
            {
                _p("tinea cruris", "erythrasma"),
                _p("tinea cruris", "intertrigo"),
                _p("tinea cruris", "candidiasis"),
            },
        ),
        # "X can also look similar", "The main worry is X: ..."
        (
            [
                "An amelanotic melanoma can look identical. The main worry is squamous cell carcinoma: biopsy if in doubt."
            ],
            "pyogenic granuloma",
            {
                _p("pyogenic granuloma", "amelanotic melanoma"),
                _p("pyogenic granuloma", "squamous cell carcinoma"),
            },
        ),
        # "can masquerade as", "X can be indistinguishable", "Rarer masqueraders are X and Y"
        (
            [
                "Large lesions can masquerade as a keloid. Morphoea can be clinically indistinguishable. Rarer masqueraders are sarcoidosis and lupus pernio."
            ],
            "hypertrophic scar",
            {
                _p("hypertrophic scar", "keloid"),
                _p("hypertrophic scar", "morphoea"),
                _p("hypertrophic scar", "sarcoidosis"),
                _p("hypertrophic scar", "lupus pernio"),
            },
        ),
        # a warning against a wrong label: "Beware of calling it X or Y: ..."
        (
            ["Beware of calling it cellulitis or gout: the joint is spared."],
            "erythema nodosum",
            {_p("erythema nodosum", "cellulitis"), _p("erythema nodosum", "gout")},
        ),
        # a flashcard: "Front: What are the differentials of X?" / "Back: ..."
        (
            [
                "Front: What are the differentials of vitiligo?",
                "Back: pityriasis alba; post-inflammatory hypopigmentation.",
            ],
            None,
            {_p("vitiligo", "pityriasis alba"), _p("vitiligo", "post-inflammatory hypopigmentation")},
        ),
        # "is frequently mislabelled as", "X and Y may need a biopsy to exclude", "may present similarly"
        (
            [
                "Because it itches little, it is often mislabelled as psoriasis. Lupus vulgaris and sarcoidosis may need a biopsy to exclude. Bowen's disease may present similarly."
            ],
            "discoid eczema",
            {
                _p("discoid eczema", "psoriasis"),
                _p("discoid eczema", "lupus vulgaris"),
                _p("discoid eczema", "sarcoidosis"),
                _p("discoid eczema", "bowen's disease"),
            },
        ),
        # "A differential diagnosis of X must include Y and Z; W is an occasional mimic"
        (
            [
                "A differential diagnosis of pityriasis rosea must include secondary syphilis and guttate psoriasis; nummular eczema is an occasional mimic."
            ],
            None,
            {_p("pityriasis rosea", "secondary syphilis"), _p("pityriasis rosea", "guttate psoriasis")},
        ),
        # "It is important to rule out X", "alternative diagnoses to consider are X and Y", "Overlap with X exists"
        (
            [
                "It is important to rule out tinea capitis in a child, and alternative diagnoses to consider are psoriasis and lichen planopilaris. Overlap with trichotillomania exists."
            ],
            "alopecia areata",
            {
                _p("alopecia areata", "tinea capitis"),
                _p("alopecia areata", "psoriasis"),
                _p("alopecia areata", "lichen planopilaris"),
                _p("alopecia areata", "trichotillomania"),
            },
        ),
    ],
)
def test_shapes_that_state_a_differential(paragraphs: list[str], anchor: str | None, expected) -> None:
    assert _pairs(*paragraphs, anchor=anchor) == expected


@pytest.mark.parametrize(
    "paragraphs, anchor",
    [
        # a likeness of name only, a denied kinship
        (
            ["The disease bears no relation to lichen planus, which it resembles in name only."],
            "lichen nitidus",
        ),
        # a role denied: "is not a true differential", "is not a consideration"
        (["Vitiligo is sometimes listed, but it is not a true differential here."], "pityriasis alba"),
        (["Melanoma is not a consideration, as the lesion is symmetrical."], "dermatofibroma"),
        # "rather than", "It is not X": a case's rejected answer
        (
            [
                "The most likely diagnosis is erythrasma. The answer is erythrasma rather than tinea cruris. It is not intertrigo."
            ],
            None,
        ),
        # management is no condition
        (
            ["A biopsy should be considered when the diagnosis is uncertain; consider referral."],
            "lichen planus",
        ),
        # options of a question that asks no diagnosis, then its answer
        (
            [
                "Which is the best treatment?",
                "A. Emollient  B. Topical steroid  C. Antihistamine",
                "Answer: B.",
            ],
            None,
        ),
        # sampling and how a diagnosis is made are no differential
        (["Scrapings should be taken for mycology, and a biopsy taken for histology."], "tinea corporis"),
        (
            ["Diagnosis: clinical, confirmed by biopsy. Other considerations include the family history."],
            None,
        ),
    ],
)
def test_denials_rejected_answers_and_management_give_no_pair(
    paragraphs: list[str], anchor: str | None
) -> None:
    assert _pairs(*paragraphs, anchor=anchor) == set()
