"""The concept lexicon: what counts as a clinical feature, and its polarity."""

from __future__ import annotations

import pytest

from synth.lexicon import default_lexicon, load_lexicon_data


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Derm7pt "field: value" reads as "value field"; the qualifier picks the specific concept
        ("pigment network: atypical", [("atypical_pigment_network", False)]),
        ("pigment network: typical", [("typical_pigment_network", False)]),
        # "absent" negates the clause
        ("streaks: absent", [("streaks", True)]),
        ("blue whitish veil: present", [("blue_whitish_veil", False)]),
        ("vascular structures: arborizing", [("arborizing_vessels", False)]),
        ("regression structures: blue areas", [("blue_regression_areas", False)]),
        ("Lesion elevation: nodular, location: head neck", [("nodule", False), ("head_neck", False)]),
        # free text: longest synonym wins, hyphens are spaces, British and American spellings
        (
            "A well-demarcated, stuck-on warty plaque",
            [("well_demarcated", False), ("stuck_on", False), ("warty", False), ("plaque", False)],
        ),
        (
            "erythematous tumor with haemorrhagic crust",
            [("erythematous", False), ("tumour", False), ("bleeding", False), ("crust", False)],
        ),
        # negation is scoped to its clause
        ("pearly papule; no ulceration", [("pearly", False), ("papule", False), ("ulcer", True)]),
        # a word inside another word is not a match
        ("networking backpack", []),
        ("", []),
    ],
)
def test_find_concepts_with_polarity(text: str, expected: list[tuple[str, bool]]) -> None:
    found = [(f.concept, f.negated) for f in default_lexicon().find(text)]
    assert found == expected


def test_lexicon_covers_every_category_with_synonyms() -> None:
    lex = default_lexicon()
    categories = {c.category for c in lex.concepts.values()}
    assert categories == {"morphology", "colour", "surface", "distribution", "site", "course", "dermoscopy"}
    assert len(lex) > 100
    assert all(len(c.synonyms) >= 1 for c in lex.concepts.values())


def test_a_synonym_shared_by_two_concepts_is_refused() -> None:
    with pytest.raises(ValueError, match="'red' used by"):
        load_lexicon_data({"colour": {"erythema": ["red"], "crimson": ["red"]}})


def test_unknown_category_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown category 'smell'"):
        load_lexicon_data({"smell": {"odour": ["malodorous"]}})
