"""The one framing decision: a group of conditions is a differential, a presentation's causes or aetiology."""

from __future__ import annotations

import pytest

from ingest.framing import frames_causes, is_presentation, presentation_name
from ingest.presentations import cause_members, cause_sentences, split_presentations
from ingest.types import Extraction, Line, RelationCandidate, Section
from kg.models import Evidence


@pytest.mark.parametrize(
    "phrase, name",
    [
        ("A changing pigmented lesion", "changing pigmented lesion"),  # article dropped
        ("An itchy (pruritic) eruption", "itchy eruption"),  # gloss dropped
        ("Causes of leg ulcers", "leg ulcers"),  # a table title
        ("The common causes of blisters", "blisters"),
        ("blisters in children", "blisters"),  # a population qualifies, it is no part of the name
        ("Itching of the whole surface", "itching"),  # old prose
        ("The red face", "red face"),  # a symptom adjective on a body part
        ("Urticaria", None),  # a condition, not a presentation
        ("Psoriasis", None),
        ("Erythema multiforme", None),  # 'erythema' heads condition names
    ],
)
def test_presentation_names(phrase: str, name: str | None) -> None:
    assert presentation_name(phrase) == name
    assert is_presentation(phrase) is (name is not None)


@pytest.mark.parametrize(
    "rule, quote, context, causes",
    [
        ("prose:causes", "The common causes of blisters are impetigo, burns", "blisters", True),
        ("presentation-list", "An itchy eruption can be caused by eczema (e.g.) ...", "Itchy eruption", True),
        # the same list shape, but the book says "differential": stays DDx
        (
            "presentation-list",
            "The differential of a red leg includes cellulitis, erysipelas",
            "Red leg",
            False,
        ),
        ("presentation-list", "Melanoma types include nodular, acral", "Melanoma", False),  # no presentation
        ("table", "Venous | Arterial | Neuropathic", "Chronic leg ulcers", False),  # a comparison table
        ("table", "Venous | Arterial | Neuropathic", "Causes of leg ulcers", True),  # titled as causes
        (
            "prose:presentation",
            "The main differential diagnoses for a red swollen leg are ...",
            "a red leg",
            False,
        ),
        ("prose:distinguished", "Erysipelas is distinguished from cellulitis", "Presentation", False),
    ],
)
def test_which_groups_are_causes(rule: str, quote: str, context: str, causes: bool) -> None:
    assert frames_causes(rule, quote, context) is causes


@pytest.mark.parametrize(
    "listed, members",
    [
        # categories stand for their examples; a bare cause is no member
        (
            "an inflammatory condition (e.g. eczema), infection (e.g. varicella) or an unknown cause",
            ["eczema", "varicella"],
        ),
        # described members keep their names, a generic word stands for its example
        (
            "vasculitic ulcers (purpuric lesions), infected ulcers (purulent discharge) and malignancy "
            "(e.g. squamous cell carcinoma)",
            ["vasculitic ulcers", "infected ulcers", "squamous cell carcinoma"],
        ),
        # old prose repeats the preposition
        ("jaundice, by diabetes, by Hodgkin's disease, or by the bites of fleas", None),
        # what follows a semicolon is a new statement
        ("venous insufficiency, arterial disease and vasculitis; a chronic ulcer may be malignant", None),
    ],
)
def test_cause_members(listed: str, members: list[str] | None) -> None:
    got = cause_members(listed)
    if members is not None:
        assert got == members
    else:
        assert len(got) in {3, 4} and not [m for m in got if m.startswith(("by ", "the ")) or ";" in m]


def _section(title: str, *paragraphs: str) -> Section:
    lines = [
        Line(page=1, text=p, bbox=(50, 100 + 40 * i, 500, 112 + 40 * i), size=10)
        for i, p in enumerate(paragraphs)
    ]
    return Section(title=title, level=1, page=1, bbox=(50, 80, 500, 90), lines=lines)


@pytest.mark.parametrize(
    "title, text, name, members",
    [
        (
            "Pruritus",
            "Generalised itching may be due to iron deficiency or cholestasis.",
            "generalised itching",
            {"iron deficiency", "cholestasis"},
        ),
        (
            "Leg ulcers",
            "Other causes include vasculitic ulcers and pyoderma gangrenosum.",
            "leg ulcers",
            {"vasculitic ulcers", "pyoderma gangrenosum"},
        ),
        (
            "Hair loss",
            "Q. What are the causes of patchy hair loss? "
            "A. Alopecia areata, tinea capitis and trichotillomania.",
            "patchy hair loss",
            {"Alopecia areata", "tinea capitis", "trichotillomania"},
        ),
    ],
)
def test_cause_sentences_in_several_styles(title: str, text: str, name: str, members: set[str]) -> None:
    (found,) = cause_sentences(_section(title, text), "sha")
    assert found.name == name and set(found.members) == members
    assert found.evidence.page == 1 and found.evidence.quote and found.evidence.bbox


@pytest.mark.parametrize(
    "text",
    [
        # a differential
        "The differential diagnosis of leg ulcers includes pyoderma gangrenosum and vasculitis.",
        "Urticaria can be caused by drugs, foods and infections.",  # aetiology of a condition
        "Hyperpigmentation in darker skin which can be caused by melasma.",  # a clause, not a presentation
    ],
)
def test_no_presentation_from_differentials_or_aetiology(text: str) -> None:
    assert cause_sentences(_section("Notes", text), "sha") == []


def test_split_moves_cause_lists_out_of_ddx_and_keeps_differentials() -> None:
    ev = Evidence(
        source_sha256="s",
        page=3,
        quote="The common causes of blisters are impetigo, burns and scabies.",
        context="blisters",
        id="e1",
    )
    dd = Evidence(source_sha256="s", page=4, quote="Erysipelas is distinguished from cellulitis.", id="e2")
    rels = [
        RelationCandidate(kind="ddx", subject=a, object=b, rule="prose:causes", evidence=ev, mention=True)
        for a, b in [("impetigo", "burns"), ("impetigo", "scabies"), ("burns", "scabies")]
    ]
    rels.append(
        RelationCandidate(
            kind="ddx", subject="erysipelas", object="cellulitis", rule="prose:distinguished", evidence=dd
        )
    )
    chunk = split_presentations(Extraction(source_sha256="s", pages=1, relations=rels))
    assert [(r.subject, r.object) for r in chunk.relations] == [("erysipelas", "cellulitis")]
    (p,) = chunk.presentations
    assert p.name == "blisters" and p.members == ["impetigo", "burns", "scabies"] and p.evidence.id == "e1"
