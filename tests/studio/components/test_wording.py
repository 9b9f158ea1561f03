"""Human wording: provenance in words, history as a readable diff with names, not ids or JSON."""

from __future__ import annotations

import pytest

from kg.models import Agent, Assertion, CurationEvent, Evidence
from studio.components.wording import (
    arrow,
    assertion_words,
    confidence,
    event_changes,
    event_target,
    provenance,
)

NAMES = {"eczema": "Eczema", "varicella": "Varicella", "ecz-herp": "Eczema herpeticum"}
EV = Evidence(source_sha256="0" * 64, quote="q", kind="ddx", context="Causes of blisters")


@pytest.mark.parametrize(
    ("assertion", "words"),
    [
        # a pair from a book's cause list, scored low: what the curator must know, in words
        (
            Assertion(kind="ddx", subject="a", object="b", origin="rules", score=0.4, evidence=[EV]),
            "found in a list of causes (low confidence)",
        ),
        (
            Assertion(
                kind="ddx",
                subject="a",
                object="b",
                origin="llm",
                score=0.9,
                agent=Agent(name="x", model="qwen"),
            ),
            "suggested by a language model (qwen) (high confidence)",
        ),
        (Assertion(kind="is_a", subject="a", object="b", origin="import"), "imported from a vocabulary"),
        (
            Assertion(kind="ddx", subject="a", object="b", origin="human", score=0.5),
            "added by a curator (medium confidence)",
        ),
    ],
)
def test_provenance_in_words(assertion, words):
    assert provenance(assertion) == words


def test_confidence_bands():
    assert [confidence(s) for s in (None, 0.2, 0.5, 0.69, 0.7)] == [None, "low", "medium", "medium", "high"]


def test_an_edit_reads_as_a_diff_with_names():
    event = CurationEvent(
        user="cleo",
        action="edit",
        target_type="assertion",
        target="a-1",
        before={"subject": "eczema", "object": "varicella", "kind": "ddx", "version": 1, "synonyms": ["a"]},
        after={
            "subject": "eczema",
            "object": "ecz-herp",
            "kind": "ddx",
            "version": 2,
            "synonyms": ["a", "b"],
        },
    )
    assert event_changes(event, NAMES) == ["object: Varicella → Eczema herpeticum", "synonyms: added b"]
    assert event_target(event, NAMES) == "Eczema ↔ Eczema herpeticum"


def test_a_huge_merge_event_stays_a_few_lines():
    cases = [{"id": f"c{i}", "diagnosis": "varicella"} for i in range(5000)]
    event = CurationEvent(
        user="cleo",
        action="merge",
        target_type="diagnosis",
        target="varicella",
        before={"name": "Varicella", "cases": cases},
        after={"name": "Varicella", "cases": [], "merged_into": "eczema"},
    )
    lines = event_changes(event, NAMES)
    assert lines == ["cases: 5000 → 0 entries", "merged into: Eczema"]


DX_NAMES = {"mel": "Melanoma", "nev": "Melanocytic naevus"}
FINDING_NAMES = {"fnd-apn": "Atypical pigment network"}


@pytest.mark.parametrize(
    ("kind", "obj", "relation", "words"),
    [
        # a finding reads as the relation in words and the finding's name, never "is a kind of"
        ("finding", "fnd-apn", "typical", "Melanoma — typical finding: Atypical pigment network"),
        ("finding", "fnd-apn", "possible", "Melanoma — possible finding: Atypical pigment network"),
        ("finding", "fnd-apn", "against", "Melanoma — finding against: Atypical pigment network"),
        # an unknown finding id is shown as it is rather than looked up among diagnoses
        ("finding", "fnd-gone", "typical", "Melanoma — typical finding: fnd-gone"),
        ("ddx", "nev", None, "Melanoma — is in the differential of — Melanocytic naevus"),
        ("is_a", "nev", None, "Melanoma — is a kind of — Melanocytic naevus"),
    ],
)
def test_assertion_words(kind, obj, relation, words):
    assert assertion_words(kind, "mel", obj, relation, DX_NAMES, FINDING_NAMES) == words


def test_arrows_and_a_finding_event_target():
    assert (arrow("ddx"), arrow("is_a"), arrow("finding", "against")) == ("↔", "→", "— against →")
    event = CurationEvent(
        seq=1,
        user="cleo",
        action="edit",
        target_type="assertion",
        target="a-1",
        after={"kind": "finding", "subject": "mel", "object": "fnd-apn", "relation": "typical"},
    )
    target = event_target(event, {**DX_NAMES, **FINDING_NAMES})
    assert target == "Melanoma — typical → Atypical pigment network"
