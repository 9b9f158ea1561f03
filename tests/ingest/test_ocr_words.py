# ruff: noqa: E501  (one sentence per case reads better whole)
"""OCR-noise repair (ingest.ocr_words): the broken words of scanned text layers, and what stays as printed.

Sentences are made up for the noise they test.
"""

from __future__ import annotations

import pytest

from ingest.ocr_words import LEXICON, denoise


@pytest.mark.parametrize(
    "printed, repaired",
    [
        ("It isdistinguished fromeczema by its outline.", "It is distinguished from eczema by its outline."),
        ("It may be con founded with ec zema.", "It may be confounded with eczema."),
        (
            "Seborrhcea bears a close resem blance to psoriasls.",
            "Seborrhoea bears a close resemblance to psoriasis.",
        ),
        ("It is known from tiuea by the scrapings.", "It is known from tinea by the scrapings."),
        ("the course of lichen pla.n.u.s and of a.r.s.enic", "the course of lichen planus and of arsenic"),
        ("PSORIASLS of the scalp", "PSORIASIS of the scalp"),
        ("the zostcr may be mild", "the zoster may be mild"),
        ("ringworm isdistinguishedfrom favus", "ringworm is distinguished from favus"),
    ],
)
def test_broken_cue_and_name_words_are_repaired(printed: str, repaired: str) -> None:
    assert denoise(printed) == repaired


@pytest.mark.parametrize(
    "text",
    [
        "The popular remedy of washing the hands is of no use.",  # a/o is no OCR confusion used
        "e.g. arsenic, i.e. the U.S.A. edition",  # abbreviations keep their dots
        "The island of Java and the format of the book.",  # no split into function + name word
        "in the scalp, upon the face and in the flexures",  # real words never joined
        "lichen planus and lupus erythematosus",  # two name words stay two
        "The rash faded in a week.",
    ],
)
def test_clean_words_stay_as_printed(text: str) -> None:
    assert denoise(text) == text


def test_the_lexicon_holds_only_name_and_cue_words_of_five_letters_or_more_for_corrections() -> None:
    # a correction needs a target of 5+ letters; short words are never corrected towards
    assert "acne" in LEXICON and denoise("acme of the disease") == "acme of the disease"


def test_a_hyphen_inside_a_cue_or_name_word_is_joined_and_compounds_keep_theirs() -> None:
    printed = "It is distin-guished from psori- asis and from well-marked ec-zema; a scaly-looking patch."
    assert (
        denoise(printed)
        == "It is distinguished from psoriasis and from well-marked eczema; a scaly-looking patch."
    )


def test_a_scanned_heading_names_the_diagnosis_as_it_should_read() -> None:
    from ingest.diagnoses import heading_names

    assert heading_names("PSORIASLS")[0] == ["PSORIASIS"]
    assert heading_names("Seborrhcea (Seborrhoea oleosa)") == (["Seborrhoea"], ["Seborrhoea oleosa"])


def test_a_compound_of_two_name_words_stays_whole() -> None:
    assert denoise("a generalized papulosquamous syphilid") == "a generalized papulosquamous syphilid"
    assert denoise("papulovesicular lesions") == "papulovesicular lesions"
