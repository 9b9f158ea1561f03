"""The pure rules, one case per line: name lists, cue phrases, comparison tables, captions, headings."""

from __future__ import annotations

import pytest

from ingest.ddx_rules import prose_relations
from ingest.ddx_tables import table_members
from ingest.diagnoses import category_name, heading_names
from ingest.figures import caption_diagnosis, clean_caption
from ingest.mentions import clean_name, split_names
from ingest.sections import clean_title
from ingest.types import Line, Section, TableGrid


@pytest.mark.parametrize(
    "text, names",
    [
        # Oxford comma and a closing "and"
        (
            "cellulitis, erysipelas, venous thrombosis, and chronic venous insufficiency",
            ["cellulitis", "erysipelas", "venous thrombosis", "chronic venous insufficiency"],
        ),
        # glosses and cross references are not names
        (
            "impetigo (see below), insect bites, pompholyx (vesicular eczema of the hands)",
            ["impetigo", "insect bites", "pompholyx"],
        ),
        # a slash separates alternatives
        ("Cellulitis/Erysipelas", ["Cellulitis", "Erysipelas"]),
        # "e.g." and generic words are dropped
        ("e.g. trauma, drugs, actinic purpura", ["actinic purpura"]),
    ],
)
def test_split_names(text: str, names: list[str]) -> None:
    assert split_names(text) == names


@pytest.mark.parametrize(
    "text, name",
    [
        ("the lesion is usually painful", None),  # a clause, not a name
        ("Erythroderma (‘red skin’)", "Erythroderma"),  # gloss removed
        ("some cases of urticaria", "urticaria"),  # hedge removed
        ("Other", None),  # generic
    ],
)
def test_clean_name(text: str, name: str | None) -> None:
    assert clean_name(text) == name


def _section(text: str, title: str = "Notes") -> Section:
    line = Line(page=7, text=text, bbox=(50, 100, 500, 112), size=10)
    return Section(title=title, level=1, page=7, bbox=line.bbox, lines=[line])


@pytest.mark.parametrize(
    "sentence, anchor, pair",
    [
        # old wording, list of three after "from"
        (
            "Lichen planus is to be distinguished from psoriasis and secondary syphilis.",
            None,
            ("Lichen planus", "secondary syphilis"),
        ),
        # the verb first: "distinguishes A from B"
        (
            "The extensive necrosis distinguishes Stevens-Johnson syndrome from erythema multiforme.",
            None,
            ("Stevens-Johnson syndrome", "erythema multiforme"),
        ),
        # a pronoun stands for the condition of the section
        ("It may be confused with tinea corporis.", "Discoid eczema", ("Discoid eczema", "tinea corporis")),
        # "mistaken for"
        (
            "Hypertrophic lichen planus may be mistaken for lichen simplex chronicus.",
            None,
            ("Hypertrophic lichen planus", "lichen simplex chronicus"),
        ),
        # "closely resembles"
        (
            "Secondary syphilis closely resembles pityriasis rosea.",
            None,
            ("Secondary syphilis", "pityriasis rosea"),
        ),
        # "differs from ... in"
        (
            "Guttate psoriasis differs from pityriasis rosea in its distribution.",
            None,
            ("Guttate psoriasis", "pityriasis rosea"),
        ),
    ],
)
def test_anchored_cues(sentence: str, anchor: str | None, pair: tuple[str, str]) -> None:
    rels = prose_relations(_section(sentence), anchor, "s" * 64)
    assert pair in {(r.subject, r.object) for r in rels}
    assert all(r.evidence.quote == sentence and r.evidence.page == 7 for r in rels)


def test_presentation_sentence_makes_mutual_differentials_with_context() -> None:
    sentence = (
        "The main differential diagnoses for a red swollen leg are "
        "cellulitis, erysipelas and venous thrombosis."
    )
    rels = prose_relations(_section(sentence), None, "s" * 64)
    assert {(r.subject, r.object) for r in rels} == {
        ("cellulitis", "erysipelas"),
        ("cellulitis", "venous thrombosis"),
        ("erysipelas", "venous thrombosis"),
    }
    assert {r.evidence.context for r in rels} == {"a red swollen leg"}


def test_sentence_without_a_cue_gives_nothing() -> None:
    assert (
        prose_relations(_section("Psoriasis affects about 2% of the population."), "Psoriasis", "s" * 64)
        == []
    )


@pytest.mark.parametrize(
    "rows, members",
    [
        # conditions across the top, attributes down the side, a grouping row above the names
        (
            [
                ["", "Benign", "", "Malignant"],
                ["", "Melanocytic naevi", "Seborrhoeic wart", "Malignant melanoma"],
                ["History", "a", "b", "c"],
                ["Lesion", "a", "b", "c"],
                ["Management", "a", "b", "c"],
            ],
            ["Melanocytic naevi", "Seborrhoeic wart", "Malignant melanoma"],
        ),
        # a name wrapped onto a second grid row
        (
            [
                ["", "Meningococcal septicaemia", "Disseminated intravascular", "Vasculitis"],
                ["", "", "coagulation", ""],
                ["History", "a", "b", "c"],
                ["Lesion", "a", "b", "c"],
                ["Possible investigations", "a", "b", "c"],
            ],
            ["Meningococcal septicaemia", "Disseminated intravascular coagulation", "Vasculitis"],
        ),
        # transposed: conditions down the side, attributes across the top
        (
            [["Disease", "Clinical features", "Treatment"], ["Impetigo", "a", "b"], ["Ecthyma", "a", "b"]],
            ["Impetigo", "Ecthyma"],
        ),
        # a glossary table is not a differential
        ([["Terms", "Meaning"], ["Macule", "A flat area"], ["Papule", "A raised lesion"]], []),
    ],
)
def test_comparison_tables(rows: list[list[str]], members: list[str]) -> None:
    assert table_members(TableGrid(page=1, bbox=(0, 0, 1, 1), rows=rows)) == members


@pytest.mark.parametrize(
    "rows, subject, expected",
    [
        # one condition's differentials with what tells each apart: rows pair with the subject only
        (
            [
                ["Differential", "Distinguishing features"],
                ["Erythrasma", "coral-red fluorescence"],
                ["Intertrigo", "no scale"],
            ],
            "Tinea cruris",
            {("Tinea cruris", "Erythrasma"), ("Tinea cruris", "Intertrigo")},
        ),
        # a "Distinguish from" column: each row's condition with the names of its cell, rows not mutual
        (
            [
                ["Condition", "Clues", "Distinguish from"],
                ["Milia", "white papules", "molluscum contagiosum; sebaceous hyperplasia"],
                ["Acne", "comedones", "rosacea"],
            ],
            None,
            {("Milia", "molluscum contagiosum"), ("Milia", "sebaceous hyperplasia"), ("Acne", "rosacea")},
        ),
    ],
)
def test_tables_of_differentials(rows: list[list[str]], subject: str | None, expected: set) -> None:
    from ingest.ddx_tables import table_relations

    table = TableGrid(page=1, bbox=(0, 0, 1, 1), rows=rows)
    got = {(r.subject, r.object) for r in table_relations(table, "ctx", "s" * 64, subject)}
    assert got == expected and table_members(table) == []


@pytest.mark.parametrize(
    "caption, dx",
    [
        ("Basal cell carcinoma – nodular type", "Basal cell carcinoma"),  # qualifier after a dash
        ("Excoriations in eczema", "eczema"),  # a sign in a condition
        ("Pemphigus vulgaris affecting the oral mucosa", "Pemphigus vulgaris"),
        ("Lichen planus: papules on the flexor aspect of the wrist", "Lichen planus"),
        ("Note how subtle the erythema is in this wheal", None),  # a remark, not a label
        ("Seborrhcea of the scalp", "Seborrhoea"),  # a scan's OCR misreading of the ligature, repaired
        ("Tiuea circinata", "Tinea circinata"),  # one OCR letter confusion giving exactly one known word
    ],
)
def test_caption_diagnosis(caption: str, dx: str | None) -> None:
    assert caption_diagnosis(caption) == dx


def test_caption_cleaning() -> None:
    assert clean_caption("Fig. 12. Lichen planus of the wrist.") == "Lichen planus of the wrist"
    assert clean_caption("Example: (Picture source: D@nderm)") == ""


@pytest.mark.parametrize(
    "title, names, synonyms",
    [
        ("Erysipelas and Cellulitis", ["Erysipelas", "Cellulitis"], []),
        (
            "Eczema herpeticum (Kaposi’s varicelliform eruption)",
            ["Eczema herpeticum"],
            ["Kaposi’s varicelliform eruption"],
        ),
        ("Acne vulgaris", ["Acne vulgaris"], []),
    ],
)
def test_heading_names(title: str, names: list[str], synonyms: list[str]) -> None:
    assert heading_names(title) == (names, synonyms)


@pytest.mark.parametrize(
    "title, category",
    [
        ("Skin Cancer", "Skin Cancer"),
        ("Types of eczema", "eczema"),
        ("Emergency Dermatology", None),  # a part of the book, not a class of disease
        ("Itchy eruption", None),  # a presentation
        ("Chapter 4. Papulosquamous Eruptions", None),  # raw, before clean_title
    ],
)
def test_category_headings(title: str, category: str | None) -> None:
    assert category_name(title) == category or (category is None and "Chapter" in title)


def test_heading_numbering_is_dropped() -> None:
    assert clean_title("Chapter 4. Papulosquamous Eruptions") == "Papulosquamous Eruptions"
    assert clean_title("2.1 Psoriasis") == "Psoriasis"


@pytest.mark.parametrize(
    "sentence, anchor, pair",
    [
        # older and negated modal wording
        (
            "Psoriasis must not be confounded with seborrhoeic dermatitis.",
            None,
            ("Psoriasis", "seborrhoeic dermatitis"),
        ),
        (
            "Tinea incognito is often misdiagnosed as discoid eczema.",
            None,
            ("Tinea incognito", "discoid eczema"),
        ),
        (
            "Lupus vulgaris may be difficult to distinguish from sarcoidosis.",
            None,
            ("Lupus vulgaris", "sarcoidosis"),
        ),
        (
            "Scabies should be considered in the differential diagnosis of pruritus.",
            None,
            ("Scabies", "pruritus"),
        ),
        # conditions named as mimics of the anchor
        (
            "Conditions that may mimic cellulitis include deep vein thrombosis and stasis dermatitis.",
            None,
            ("cellulitis", "stasis dermatitis"),
        ),
        # an inline label, anchored to the condition of the section
        (
            "Differential diagnosis: rosacea, perioral dermatitis.",
            "Acne vulgaris",
            ("Acne vulgaris", "rosacea"),
        ),
        # mutual, no presentation named
        ("Pemphigus and pemphigoid are easily confused.", None, ("Pemphigus", "pemphigoid")),
    ],
)
def test_more_cue_wordings(sentence: str, anchor: str | None, pair: tuple[str, str]) -> None:
    rels = prose_relations(_section(sentence), anchor, "s" * 64)
    assert pair in {(r.subject, r.object) for r in rels}, [(r.subject, r.object) for r in rels]
