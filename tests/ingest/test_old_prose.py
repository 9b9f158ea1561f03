# ruff: noqa: E501  (one sentence per case reads better whole)
"""Old books' differential shapes (ingest.old_prose, read through ingest.ddx_rules): what pairs, what not.

Sentences are made up for the shape they test; none is copied from a book.
"""

from __future__ import annotations

import pytest

from ingest.ddx_rules import prose_relations
from ingest.old_prose import bracketed_subject, run_in_subject
from ingest.types import Line, Section
from kg.names import normalize


def _pairs(*paragraphs: str, anchor: str | None = None, title: str = "Diagnosis") -> set[frozenset[str]]:
    lines = [
        Line(page=3, text=p, bbox=(50, 100 + 40 * i, 500, 112 + 40 * i), size=10)
        for i, p in enumerate(paragraphs)
    ]
    section = Section(title=title, level=2, page=3, bbox=lines[0].bbox, lines=lines, path=[anchor or ""])
    rels = prose_relations(section, anchor, "s" * 64)
    return {frozenset((normalize(r.subject), normalize(r.object))) for r in rels if r.kind == "ddx"}


def _p(a: str, b: str) -> frozenset[str]:
    return frozenset((normalize(a), normalize(b)))


@pytest.mark.parametrize(
    "paragraphs, anchor, expected",
    [
        (
            ["Whether the ulcers are lupous or syphilitic is often settled by their age."],
            None,
            {_p("lupus", "syphilis")},
        ),
        (
            ["It may be hard to say if a nodule is tubercular or syphilitic."],
            None,
            {_p("tuberculosis", "syphilis")},
        ),
        (
            ["Sycosis barbae—a pustular disease of the beard; the hairs distinguish it from impetigo."],
            "Impetigo",
            {_p("sycosis barbae", "impetigo")},
        ),
        (
            ["Now and then cases (erythema iris) are seen which bear a strong resemblance to pemphigus."],
            "Pemphigus",
            {_p("erythema iris", "pemphigus")},
        ),
        (
            ["Sometimes varicella assumes some of the features of variola."],
            None,
            {_p("varicella", "variola")},
        ),
        (
            ["That this is not scabies is shown by the want of burrows."],
            "Prurigo",
            {_p("prurigo", "scabies")},
        ),
        (
            [
                "What common diseases resemble some phases of urticaria?",
                "Erythema multiforme, scabies and insect bites.",
            ],
            None,
            {
                _p("urticaria", "erythema multiforme"),
                _p("urticaria", "scabies"),
                _p("urticaria", "insect bites"),
            },
        ),
        (
            [
                "From a pustular syphilide, which might be suggested by the crusts, the latter disease is to be distinguished by its course."
            ],
            "Impetigo",
            {_p("impetigo", "pustular syphilide")},
        ),
        (
            [
                "Does the disease bear any resemblance to scabies?",
                "In some instances it does, but the burrows will differentiate.",
            ],
            "Prurigo",
            {_p("prurigo", "scabies")},
        ),
    ],
)
def test_old_shapes_that_state_a_differential(paragraphs: list[str], anchor: str | None, expected) -> None:
    assert _pairs(*paragraphs, anchor=anchor) == expected


@pytest.mark.parametrize(
    "paragraphs, anchor",
    [
        (["It is quite unnecessary to distinguish this from true impetigo, for the two are one."], "Eczema"),
        (["It is needless to distinguish psoriasis from lepra."], None),
        (["Whether the patient is nervous or anxious matters little."], None),  # no disease adjectives
        (["Whether the rash is red or brown depends on its age."], None),
        (["Unlike lupus, rosacea leaves no scar."], "Rosacea"),
        (["Psoriasis is not a parasitic disease."], "Psoriasis"),
        (["Tinea circinata is one of the ringworms, and it is no form of pemphigus."], "Pemphigus"),
        (
            [
                "Describe the scaly papule of syphilis.",
                "The scaling, as compared to that of psoriasis, is slight.",
            ],
            "Syphilis",
        ),
        (["After separation of the slough, a keloid formed in the scar."], "Zoster gangraenosus"),
    ],
)
def test_negations_classes_and_non_differentials_give_no_pair(
    paragraphs: list[str], anchor: str | None
) -> None:
    assert _pairs(*paragraphs, anchor=anchor) == set()


@pytest.mark.parametrize(
    "text, name",
    [
        ("Herpes circinatus—one of the ringworms", "Herpes circinatus"),
        ("Pustular scabies. - This is the disease", "Pustular scabies"),
        ("Diagnosis.—The eruption is", None),
        ("Treatment—rest and diet", None),
        ("The eruption is red—and it itches", None),
    ],
)
def test_a_run_in_name_before_a_dash_is_the_sentence_subject(text: str, name: str | None) -> None:
    assert run_in_subject(text) == name


def test_a_bracketed_name_is_the_subject_of_which() -> None:
    assert bracketed_subject("cases (dermatitis vegetans) are met with which") == "dermatitis vegetans"
    assert bracketed_subject("cases are met with which") is None


def test_a_paragraph_that_opens_on_its_own_subject_compares_that_subject() -> None:
    """A page headed by a rare variety whose Diagnosis paragraph is about the common disease."""
    got = _pairs(
        "Zoster gangraenosus is a rare form seen in hysterical women.",
        "Diagnosis.—The recognition of herpes zoster does not usually present any great difficulty. At times herpes simplex may closely resemble it.",
        anchor="Zoster gangraenosus",
        title="Zoster gangraenosus",
    )
    assert got == {_p("herpes zoster", "herpes simplex")}


@pytest.mark.parametrize(
    "text, first, name",
    [
        ("The diagnosis of lupus is in general easy.", True, "lupus"),
        (
            "The recognition of herpes zoster does not usually present any great difficulty.",
            True,
            "herpes zoster",
        ),
        ("The diagnosis of scabies is confirmed by finding the mite.", True, None),  # no statement of ease
        ("The diagnosis of lupus is in general easy.", False, None),  # only a paragraph's opening
    ],
)
def test_own_subject(text: str, first: bool, name: str | None) -> None:
    from ingest.old_prose import own_subject

    assert own_subject(text, first) == name


@pytest.mark.parametrize(
    "paragraphs, anchor, expected",
    [
        # a diagnosis made "after exclusion of ... such eruptions as A, B and C"
        (
            [
                "Dermatitis herpetiformis is a name given to itchy grouped eruptions, after exclusion of the vesicular phases of such eruptions as scabies, erythema multiforme and pemphigus, etc."
            ],
            None,
            {
                _p("dermatitis herpetiformis", "scabies"),
                _p("dermatitis herpetiformis", "erythema multiforme"),
                _p("dermatitis herpetiformis", "pemphigus"),
            },
        ),
        # the lesions of the alternative, compared, under a run-in Diagnosis
        (
            [
                "Diagnosis. The papules of lichen planus are flatter and more angular, and they do not itch so much."
            ],
            "Prurigo",
            {_p("prurigo", "lichen planus")},
        ),
    ],
)
def test_exclusions_and_compared_lesions(paragraphs: list[str], anchor: str | None, expected) -> None:
    assert _pairs(*paragraphs, anchor=anchor) == expected


@pytest.mark.parametrize(
    "paragraphs, anchor",
    [
        # a class (a disease word after "is an") shared with another condition: kinship, no differential
        (
            ["Most observers agree that urticaria is an angioneurosis similar to erythema multiforme."],
            "Urticaria",
        ),
        # a variety of the subject is no other condition
        (["Acne indurata differs from the simple form chiefly in the hardening."], "Acne"),
        (["The severe type differs from the ordinary type in its ulceration."], "Pemphigus"),
        # lesions described without a comparison are no alternative
        (["Diagnosis. The papules of lichen planus appear on the wrists."], "Prurigo"),
    ],
)
def test_classes_and_varieties_give_no_pair(paragraphs: list[str], anchor: str | None) -> None:
    assert _pairs(*paragraphs, anchor=anchor) == set()


@pytest.mark.parametrize(
    "paragraphs, anchor, expected",
    [
        # a warning states the differential, with a list of three
        (
            ["It is not to be confounded with vitiligo, chloasma, or the macular syphiloderm."],
            "Tinea versicolor",
            {
                _p("tinea versicolor", "vitiligo"),
                _p("tinea versicolor", "chloasma"),
                _p("tinea versicolor", "macular syphiloderm"),
            },
        ),
        # "taken for": mistaken for; "causes the affection to be": the subject is the section's
        (
            ["The pain often causes the affection to be taken for pleurisy, until the eruption appears."],
            "Herpes zoster",
            {_p("herpes zoster", "pleurisy")},
        ),
    ],
)
def test_warnings_and_taken_for(paragraphs: list[str], anchor: str | None, expected) -> None:
    assert _pairs(*paragraphs, anchor=anchor) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The patient was taken with a chill and fever.",
        "Taken as a whole, the eruption is symmetrical.",
        "Psoriasis is never taken for eczema by an experienced eye.",
    ],
)
def test_taken_without_for_or_negated_gives_no_pair(text: str) -> None:
    assert _pairs(text, anchor="Psoriasis") == set()


@pytest.mark.parametrize(
    "paragraphs, anchor, expected",
    [
        (
            ["The vesicles of the disease do not burst, as do those of eczema."],
            "Herpes zoster",
            {_p("herpes zoster", "eczema")},
        ),
        (
            ["They are larger than those of eczema, and do not so readily fuse."],
            "Herpes",
            {_p("herpes", "eczema")},
        ),
        (
            ["There are no crusts and no oozing as in eczema."],
            "Ringworm of the scalp",
            {_p("ringworm of the scalp", "eczema")},
        ),
        (
            ["The scaling in lichen planus is always scanty as compared with psoriasis."],
            None,
            {_p("lichen planus", "psoriasis")},
        ),
    ],
)
def test_contrasts_without_a_cue_verb(paragraphs: list[str], anchor: str | None, expected) -> None:
    assert _pairs(*paragraphs, anchor=anchor) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The nails may be pitted, as in psoriasis.",  # a likeness, no contrast
        "The patches are larger than those of the trunk.",  # no condition
        "It is more common in women than in men.",
        "The scaling, as compared to that of psoriasis, is slight.",  # no "in X" subject of its own
    ],
)
def test_likenesses_and_non_conditions_give_no_comparison(text: str) -> None:
    assert _pairs(text, anchor="Lichen planus") == set()


@pytest.mark.parametrize(
    "paragraphs, anchor, expected",
    [
        (
            ["Ringworm of the body and scalp may simulate eczema and favus."],
            "Tinea",
            {_p("ringworm", "eczema"), _p("ringworm", "favus")},
        ),
        (
            [
                "DiagnosisFrom Impetigo of the face. The crusts are thinner.",
                "From Lupus vulgaris. By the apple-jelly nodules.",
            ],
            "Sycosis",
            {_p("sycosis", "impetigo of the face"), _p("sycosis", "lupus vulgaris")},
        ),
    ],
)
def test_coordinated_sites_and_run_in_from_labels(
    paragraphs: list[str], anchor: str | None, expected
) -> None:
    assert _pairs(*paragraphs, anchor=anchor) == expected


@pytest.mark.parametrize(
    "text",
    [
        "This name was given by Hebra, and should not be confounded with the similar name applied to molluscum contagiosum.",
        "From the first the patient was anxious.",  # "From X." needs a condition
    ],
)
def test_confused_names_and_non_condition_labels_give_no_pair(text: str) -> None:
    assert _pairs(text, anchor="Acne varioliformis") == set()


def test_a_verb_heads_no_name() -> None:
    got = _pairs(
        "As antimalarials can aggravate psoriasis, psoriasis should be ruled out first.",
        anchor="Lupus erythematosus",
    )
    assert all("aggravat" not in n for pair in got for n in pair)


@pytest.mark.parametrize(
    "paragraphs, anchor, expected",
    [
        (
            [
                "The scales are fluffy, an important diagnostic point, as between these and the roseola of syphilis."
            ],
            "Pityriasis rosea",
            {_p("pityriasis rosea", "roseola of syphilis")},
        ),
        (
            ["How is prurigo distinguished from scabies, urticaria and the papular eczema?"],
            None,
            {_p("prurigo", "scabies"), _p("prurigo", "urticaria"), _p("prurigo", "papular eczema")},
        ),
    ],
)
def test_as_between_and_a_question_list_ending_with_and_the(
    paragraphs: list[str], anchor: str | None, expected
) -> None:
    assert _pairs(*paragraphs, anchor=anchor) == expected


def test_as_between_two_things_that_are_no_conditions_gives_no_pair() -> None:
    assert (
        _pairs("The choice, as between these and the older remedies, is the physician's.", anchor="Acne")
        == set()
    )


def _sub(title: str, parent: str, text: str) -> Section:
    line = Line(page=3, text=text, bbox=(50, 100, 500, 112), size=10)
    return Section(title=title, level=2, page=3, bbox=line.bbox, lines=[line], path=[parent])


def test_a_sub_head_under_a_heading_that_frames_the_differential_pairs_with_its_condition() -> None:
    from ingest.old_prose import parent_frame

    got = parent_frame(
        _sub(
            "Secondary Syphilis", "Conditions That May Simulate Lichen Planus", "The latter has adenopathy."
        ),
        "s" * 64,
    )
    assert {frozenset((normalize(r.subject), normalize(r.object))) for r in got} == {
        _p("lichen planus", "secondary syphilis")
    }
    assert (
        parent_frame(_sub("Treatment", "Conditions That May Simulate Lichen Planus", "Rest."), "s" * 64) == []
    )
    assert parent_frame(_sub("Secondary Syphilis", "Lichen Planus", "It itches."), "s" * 64) == []


def test_lesions_of_a_site_stand_for_the_sections_condition() -> None:
    assert _pairs("The lesions of the mouth may simulate leukoplakia.", anchor="Lichen planus") == {
        _p("lichen planus", "leukoplakia")
    }


def test_bare_lesions_are_no_conditions_and_such_as_gives_its_example() -> None:
    got = _pairs(
        "Giant lesions may be mistaken for verrucae, milia, bacterial pustules, or cutaneous papules, such as juvenile xanthogranuloma.",
        anchor="Molluscum contagiosum",
    )
    assert got == {_p("molluscum contagiosum", n) for n in ("verrucae", "milia", "juvenile xanthogranuloma")}
    got = _pairs(
        "In differential diagnosis, trichotillomania, scars and radiation alopecia must be considered.",
        anchor="Alopecia areata",
    )
    assert got == {_p("alopecia areata", "trichotillomania"), _p("alopecia areata", "radiation alopecia")}


@pytest.mark.parametrize(
    "paragraphs, anchor, expected",
    [
        (
            [
                "It can be difficult to distinguish acne vulgaris, perioral dermatitis and lupus erythematosus from rosacea."
            ],
            None,
            {
                _p("rosacea", "acne vulgaris"),
                _p("rosacea", "perioral dermatitis"),
                _p("rosacea", "lupus erythematosus"),
            },
        ),
        (
            [
                "The differential diagnosis for rosacea also includes dermatomyositis, seborrhea, and perioral dermatitis, among others."
            ],
            None,
            {
                _p("rosacea", "dermatomyositis"),
                _p("rosacea", "seborrhea"),
                _p("rosacea", "perioral dermatitis"),
            },
        ),
    ],
)
def test_a_list_before_from_and_a_differential_that_also_includes(
    paragraphs: list[str], anchor: str | None, expected
) -> None:
    assert _pairs(*paragraphs, anchor=anchor) == expected


def test_no_need_to_distinguish_a_list_gives_no_pair() -> None:
    assert (
        _pairs(
            "It is not necessary to distinguish acne, seborrhea and folliculitis from rosacea.",
            anchor="Acne",
        )
        == set()
    )


@pytest.mark.parametrize(
    "paragraphs, anchor, expected",
    [
        (
            [
                "The differential diagnosis of scabies—a great masquerader—is extensive, and includes atopic dermatitis, impetigo, folliculitis, and a host of other dermopathies."
            ],
            None,
            {_p("scabies", "atopic dermatitis"), _p("scabies", "impetigo"), _p("scabies", "folliculitis")},
        ),
        (
            [
                "Scabies is another condition that, in infants, can be very difficult to distinguish from atopic dermatitis, as both itch."
            ],
            None,
            {_p("scabies", "atopic dermatitis")},
        ),
    ],
)
def test_a_dash_aside_in_the_differential_and_a_hard_to_tell_condition(
    paragraphs: list[str], anchor: str | None, expected
) -> None:
    assert _pairs(*paragraphs, anchor=anchor) == expected
