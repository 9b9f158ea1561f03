"""Findings from text: whom a sentence or a table cell speaks of, and what a checklist is."""

from __future__ import annotations

import pytest

from ingest.findings import section_findings, table_findings
from ingest.types import FindingCandidate, Line, Section, TableGrid


def _section(title: str, *paragraphs: str, path: tuple[str, ...] = ()) -> Section:
    lines = [
        Line(page=2, text=p, bbox=(50, 100 + 40 * i, 500, 112 + 40 * i), size=10)
        for i, p in enumerate(paragraphs)
    ]
    return Section(title=title, level=2, page=2, bbox=(50, 80, 500, 90), path=list(path), lines=lines)


def _facts(found: list[FindingCandidate]) -> set[tuple[str, str, str]]:
    return {(f.diagnosis.lower(), f.finding, f.relation) for f in found}


@pytest.mark.parametrize(
    "paragraph, implicit, expected",
    [
        # modern: a descriptive sub-section speaks of its condition
        (
            "Violaceous, flat-topped papules on the wrists; the oral mucosa may show white streaks.",
            True,
            {("lichen planus", "violaceous", "typical"), ("lichen planus", "mucosa", "possible")},
        ),
        # modern: a sentence naming its own subject, anywhere
        (
            "Melanoma typically shows an atypical pigment network and a blue-white veil on dermoscopy.",
            False,
            {
                ("melanoma", "atypical pigment network", "typical"),
                ("melanoma", "blue whitish veil", "typical"),
            },
        ),
        # old prose: "In X the ..., whereas in Y the ..." splits the subjects
        (
            "In psoriasis the scales are silvery and the itching slight, whereas in chronic eczema the "
            "surface "
            "weeps and itching is severe.",
            False,
            {
                ("psoriasis", "scale", "typical"),
                ("psoriasis", "itchy", "typical"),
                ("chronic eczema", "weeping", "typical"),
                ("chronic eczema", "itchy", "typical"),
            },
        ),
        # Q&A: the answer to a question about features speaks of the question's condition
        (
            "Q. What are the symptoms of scabies? A. Intense itching, worse at night, with burrows between "
            "the fingers.",
            False,
            {
                ("scabies", "itchy", "typical"),
                ("scabies", "burrow", "typical"),
                ("scabies", "hand", "typical"),
            },
        ),
        # a semicolon clause with its own subject
        (
            "Vitiligo is a complete loss of pigment; pityriasis alba is ill-defined and scaly.",
            False,
            {("pityriasis alba", "ill defined", "typical"), ("pityriasis alba", "scale", "typical")},
        ),
    ],
)
def test_whom_a_sentence_speaks_of(paragraph: str, implicit: bool, expected: set) -> None:
    anchor = "Lichen planus"
    got = _facts(section_findings(_section("Clinical features", paragraph), anchor, "sha", implicit=implicit))
    assert expected <= got, got
    if not implicit:  # a sentence that names no subject gives the anchor nothing
        assert not {g for g in got if g[0] == "lichen planus"}


def test_a_question_answered_with_names_gives_no_findings() -> None:
    section = _section(
        "Diagnosis", "Q. With what may scabies be confounded?", "A. With prurigo and papular urticaria."
    )
    assert section_findings(section, "Scabies", "sha", implicit=True) == []


def test_management_states_no_findings() -> None:
    section = _section("Management", "Avoid sun exposure; treat the itching with emollients.")
    assert section_findings(section, "Eczema", "sha", implicit=True) == []


def test_a_checklist_under_a_diagnosis_is_a_rule_of_possible_findings() -> None:
    section = _section(
        "Presentation",
        "The ABCDE rule (major suspicious features):",
        "Asymmetrical shape",
        "Border irregularity",
        "Diameter > 6mm",
        "● More common on the legs in women and the trunk in men",
        path=("Malignant melanoma",),
    )
    found = section_findings(section, "Malignant melanoma", "sha", implicit=True)
    rules = {f.finding: (f.relation, f.rule) for f in found}
    assert rules["asymmetry"] == ("possible", "checklist")
    assert rules["irregular border"] == ("possible", "checklist")
    assert rules["lower limb"] == ("typical", "rationale")  # the checklist ended at the next bullet
    # evidence: quote and page of the item
    assert all(f.evidence.page == 2 and f.evidence.quote for f in found)


def test_as_a_rule_is_no_checklist() -> None:
    section = _section("Clinical features", "As a rule, the plaques are not itchy.", "Scalp and nails")
    found = {
        (f.finding, f.relation, f.rule) for f in section_findings(section, "Psoriasis", "sha", implicit=True)
    }
    assert ("itchy", "against", "rationale") in found and ("scalp", "typical", "rationale") in found


def test_a_checklist_outside_a_diagnosis_is_never_an_observation() -> None:
    section = _section("Examining the skin", "Remember ABCDE:", "Asymmetry", "Irregular border", "Bleeding")
    assert section_findings(section, None, "sha", implicit=False) == []


def test_comparison_table_cells_by_column_and_row_kind() -> None:
    table = TableGrid(
        page=61,
        bbox=(40, 80, 560, 700),
        rows=[
            ["", "Eczema", "Scabies", "Lichen planus"],
            ["History", "- Personal history of atopy", "- Pruritus worse at night", "- May be drug-induced"],
            ["Common sites", "- Flexures", "- Finger webs, wrists", "- Forearms, wrists, and legs"],
            ["Lesion", "- Dry, erythematous patches", "- Linear burrows", "- Violaceous flat-topped papules"],
            ["Management", "- Emollients", "- Permethrin to the whole body", "- Topical corticosteroids"],
        ],
    )
    found = table_findings(table, ["Eczema", "Scabies", "Lichen planus"], "sha", "Itchy eruption")
    facts = _facts(found)
    assert {
        ("eczema", "erythematous", "typical"),
        ("eczema", "flexural", "typical"),
        ("scabies", "burrow", "typical"),
        ("scabies", "itchy", "typical"),
        ("lichen planus", "violaceous", "typical"),
        ("lichen planus", "flat-topped papule", "typical"),
        ("lichen planus", "lower limb", "typical"),
    } <= facts
    # Management states nothing; "History" states history only (no site from "whole body")
    assert not [f for f in found if "Management" in (f.evidence.context or "")]
    assert all(f.type == "history" for f in found if f.rule == "table:history")
    assert all(f.evidence.page == 61 and f.evidence.bbox for f in found)
