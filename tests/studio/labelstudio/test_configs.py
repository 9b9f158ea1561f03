"""Labeling configs parse, and annotation results are checked against them (no server needed)."""

from __future__ import annotations

from typing import Any

import pytest

from dermkg.errors import InputError
from studio.labelstudio.configs import CASES_CONFIG, DDX_CONFIG, answers, parse_config, validate_result

DDX = parse_config(DDX_CONFIG)
CASES = parse_config(CASES_CONFIG)
CASE_DATA = {"diagnosis_options": [{"value": "Cellulitis"}, {"value": "Erysipelas"}]}


def choice(name: str, to: str, *values: str) -> dict[str, Any]:
    return {"from_name": name, "to_name": to, "type": "choices", "value": {"choices": list(values)}}


def text(name: str, to: str, value: str) -> dict[str, Any]:
    return {"from_name": name, "to_name": to, "type": "textarea", "value": {"text": [value]}}


ACCEPT = choice("decision", "evidence", "accept")
RELABEL = choice("decision", "image", "relabel")


def test_ddx_config_has_the_decision_reason_and_correction_controls() -> None:
    assert set(DDX.controls) == {"decision", "reason", "correction"}
    decision = DDX.controls["decision"]
    assert (decision.choices, decision.single, decision.required) == (
        ["accept", "reject", "uncertain"],
        True,
        True,
    )


def test_case_config_takes_its_diagnosis_choices_from_the_task() -> None:
    assert CASES.controls["diagnosis"].dynamic_from == "diagnosis_options"
    assert CASES.allowed_choices(CASES.controls["diagnosis"], CASE_DATA) == {"Cellulitis", "Erysipelas"}


@pytest.mark.parametrize(
    ("schema", "result", "data", "expected"),
    [
        # a plain accept fits
        (DDX, [choice("decision", "evidence", "accept")], {}, []),
        # reject with a reason and a correction text fits the config (semantics are checked later)
        (DDX, [choice("decision", "evidence", "reject"), text("reason", "evidence", "not similar")], {}, []),
        # a value the config does not offer
        (DDX, [choice("decision", "evidence", "maybe")], {}, ["'maybe' is not one of"]),
        # two answers in a single-choice control
        (DDX, [choice("decision", "evidence", "accept", "reject")], {}, ["exactly one choice"]),
        # a control the config does not have, and the required decision missing
        (DDX, [choice("verdict", "evidence", "yes")], {}, ["unknown control 'verdict'", "required control"]),
        # the required decision missing
        (DDX, [text("reason", "evidence", "hm")], {}, ["required control 'decision' has no answer"]),
        # a result aimed at another object tag
        (DDX, [choice("decision", "page", "accept")], {}, ["targets 'page'"]),
        # a text result claiming to be choices
        (DDX, [{**text("reason", "evidence", "x"), "type": "choices"}, ACCEPT], {}, ["is textarea"]),
        # not a result item at all
        (DDX, [{"value": {}}, ACCEPT], {}, ["not a Label Studio result item"]),
        # the same control answered twice
        (DDX, [choice("decision", "evidence", "accept")] * 2, {}, ["answered twice"]),
        # a dynamic choice offered by this task
        (CASES, [RELABEL, choice("diagnosis", "image", "Erysipelas")], CASE_DATA, []),
        # a dynamic choice not offered by this task
        (CASES, [RELABEL, choice("diagnosis", "image", "Psoriasis")], CASE_DATA,
         ["'Psoriasis' is not one of ['Cellulitis', 'Erysipelas']"]),
        # choices whose values are not strings
        (DDX, [{**ACCEPT, "value": {"choices": [1]}}], {}, ["must be a list of strings"]),
    ],
)  # fmt: skip
def test_validate_result(
    schema: Any, result: list[dict[str, Any]], data: dict[str, Any], expected: list[str]
) -> None:
    errors = validate_result(schema, result, data)
    assert len(errors) == len(expected), errors
    for error, fragment in zip(errors, expected, strict=True):
        assert fragment in error


def test_answers_strip_text_and_drop_blanks() -> None:
    got = answers([choice("decision", "evidence", "reject"), text("reason", "evidence", "  too rare  "),
                   text("correction", "evidence", "   ")])  # fmt: skip
    assert got == {"decision": ["reject"], "reason": ["too rare"], "correction": []}


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<View><Choices name='x'", "not valid XML"),  # truncated
        ("<View><Choices name='x'><Choice value='a'/></Choices></View>", "needs both name and toName"),
    ],
)
def test_bad_configs_are_input_errors(xml: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        parse_config(xml)


def test_controls_dermkg_does_not_read_are_reported() -> None:
    schema = parse_config("<View><Text name='t' value='$t'/><Rating name='stars' toName='t'/></View>")
    result = [{"from_name": "stars", "to_name": "t", "type": "rating", "value": {"rating": 3}}]
    assert validate_result(schema, result, {}) == ["control 'stars' is not a control dermkg reads"]
