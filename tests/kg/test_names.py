"""Name normalisation: which spellings are the same name, and which are not."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.names import fuzzy_matches, name_keys, normalize


@pytest.mark.parametrize(
    "a, b",
    [
        ("Seborrheic keratoses", "seborrhoeic keratosis"),  # plural + British spelling
        ("Melanocytic naevi", "melanocytic nevus"),  # Latin plural + ae
        ("Haemangioma", "hemangioma"),  # ae -> e
        ("Oedema", "edema"),  # oe -> e
        ("Glomus tumour", "glomus tumor"),  # -our -> -or
        ("Bowen's disease", "Bowen disease"),  # possessive
        ("Bowen’s disease", "Bowens disease"),  # curly apostrophe, possessive s
        ("Café-au-lait macules", "cafe au lait macule"),  # diacritics, hyphens, plural
        ("BASAL  CELL\tCARCINOMA", "basal cell carcinoma"),  # case, whitespace
        ("Solar lentigines", "solar lentigo"),  # irregular plural
        ("Abscesses", "abscess"),  # -es plural
        ("Capillaries", "capillary"),  # -ies plural
        ("Actinic keratosis (AK)", "actinic keratosis ak"),  # punctuation
        ("Œdème", "oedeme"),  # ligature
        ("Basal cell carcinoma & variants", "basal cell carcinoma and variant"),
    ],
)
def test_same_name(a: str, b: str) -> None:
    assert normalize(a) == normalize(b)


@pytest.mark.parametrize(
    "a, b",
    [
        ("Melanoma", "Melanoma in situ"),  # a finer diagnosis
        ("Pityriasis rosea", "Pityriasis rubra"),
        ("Herpes simplex", "Herpes zoster"),
        ("Basal cell carcinoma", "Squamous cell carcinoma"),
        ("Nevus", "Nevus spilus"),
    ],
)
def test_different_names(a: str, b: str) -> None:
    assert normalize(a) != normalize(b)


@pytest.mark.parametrize(
    "word",
    ["herpes", "scabies", "pityriasis", "psoriasis", "mycosis", "nevus", "diabetes", "fungoides"],
)
def test_words_that_only_look_plural_are_kept(word: str) -> None:
    assert normalize(word) == word.replace("ae", "e")


def test_other_scripts_and_empty_names() -> None:
    assert normalize("紅斑性狼瘡") == "紅斑性狼瘡"
    assert normalize("!!! --- ") == ""


def test_name_keys_keep_the_primary_name_first_and_drop_repeats() -> None:
    rows = name_keys("Melanocytic naevus", ["Nevi", "melanocytic nevi", "Mole"])
    assert rows == [
        ("melanocytic nevus", "Melanocytic naevus", True),
        ("nevus", "Nevi", False),
        ("mole", "Mole", False),
    ]


def test_fuzzy_matches_rank_the_closest_names_first() -> None:
    choices = [
        normalize(n) for n in ["Melanoma", "Melanoma in situ, superficial spreading", "Melanocytic nevus"]
    ]
    ranked = fuzzy_matches("superficial spreading melanoma", choices, limit=3, min_score=50)
    assert ranked[0][0] == 1 and ranked[0][1] > ranked[1][1]
    assert fuzzy_matches("melanom", choices, limit=1, min_score=80)[0][0] == 0
    assert fuzzy_matches("", choices, limit=3, min_score=0) == []


@given(st.text(max_size=40))
def test_normalize_is_idempotent_and_tidy(text: str) -> None:
    key = normalize(text)
    assert normalize(key) == key
    assert key == key.strip() and "  " not in key and key == key.casefold()
