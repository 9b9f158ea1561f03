"""Labeling configs for the two review projects, and validation of annotation results against a config.

Results are validated against the config the project *has on the server* (parsed here), not the one we
would push, so an annotation made under an edited config is still checked against what the annotator saw.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dermkg.errors import InputError
from studio.labelstudio.types import ProjectKind, ResultItem

DDX_TITLE = "dermkg · DDx-edge review"
CASES_TITLE = "dermkg · figure-case review"

DDX_CONFIG = """<View>
  <Header value="Is this a valid differential-diagnosis pair?"/>
  <View style="display: flex; gap: 2em;">
    <View>
      <Header value="$subject_name" size="4"/>
      <Text name="subject_path" value="$subject_path"/>
    </View>
    <View>
      <Header value="$object_name" size="4"/>
      <Text name="object_path" value="$object_path"/>
    </View>
  </View>
  <Header value="Evidence" size="5"/>
  <Text name="evidence" value="$evidence"/>
  <Image name="page" value="$page_image" zoom="true"/>
  <Choices name="decision" toName="evidence" choice="single-radio" required="true" showInline="true">
    <Choice value="accept" hint="Both are plausible differentials of each other"/>
    <Choice value="reject" hint="Not a differential pair (give a reason)"/>
    <Choice value="uncertain" hint="Leave for another curator (recorded as a comment)"/>
  </Choices>
  <TextArea name="reason" toName="evidence" rows="2" maxSubmissions="1"
            placeholder="Reason (required to reject)"/>
  <TextArea name="correction" toName="evidence" rows="1" maxSubmissions="1"
            placeholder="Correct differential of the first diagnosis, if the second name is wrong"/>
</View>"""

CASES_CONFIG = """<View>
  <Header value="Labelled as: $diagnosis_name"/>
  <Image name="image" value="$image" zoom="true"/>
  <Text name="caption" value="$caption"/>
  <Choices name="decision" toName="image" choice="single-radio" required="true" showInline="true">
    <Choice value="accept" hint="Image, caption and diagnosis belong together"/>
    <Choice value="exclude" hint="Not usable as a case (give a reason)"/>
    <Choice value="relabel" hint="Shows another diagnosis: pick it below"/>
  </Choices>
  <View visibleWhen="choice-selected" whenTagName="decision" whenChoiceValue="relabel">
    <Header value="Diagnosis (from the graph)" size="5"/>
    <Choices name="diagnosis" toName="image" choice="single" value="$diagnosis_options"/>
  </View>
  <TextArea name="reason" toName="image" rows="2" maxSubmissions="1" placeholder="Reason"/>
</View>"""

CONFIGS: dict[ProjectKind, str] = {"ddx": DDX_CONFIG, "cases": CASES_CONFIG}
TITLES: dict[ProjectKind, str] = {"ddx": DDX_TITLE, "cases": CASES_TITLE}

_CONTROL_TAGS = {"choices": "choices", "textarea": "textarea"}
_OTHER_CONTROL_TAGS = {"labels", "rating", "number", "datetime", "taxonomy", "rectanglelabels", "pairwise"}


class ControlSpec(BaseModel):
    """One control tag of a config: what a result item from it may contain."""

    model_config = ConfigDict(extra="forbid")

    name: str
    type: Literal["choices", "textarea", "unsupported"]
    to_name: str
    choices: list[str] = Field(default_factory=list)  # static <Choice value=...>
    dynamic_from: str | None = None  # task data key holding [{"value": ...}] (dynamic choices)
    single: bool = True
    required: bool = False


class ConfigSchema(BaseModel):
    model_config = ConfigDict(extra="forbid")

    controls: dict[str, ControlSpec]

    def allowed_choices(self, control: ControlSpec, task_data: dict[str, Any]) -> set[str]:
        if control.dynamic_from is None:
            return set(control.choices)
        options = task_data.get(control.dynamic_from) or []
        return {str(o.get("value")) for o in options if isinstance(o, dict)} | set(control.choices)


def parse_config(xml: str) -> ConfigSchema:
    """Read the control tags of a Label Studio config. Raises InputError on malformed XML."""
    try:
        root = ET.fromstring(xml)
    except ET.ParseError as exc:
        raise InputError(f"labeling config is not valid XML: {exc}") from None
    controls: dict[str, ControlSpec] = {}
    for el in root.iter():
        tag = el.tag.lower()
        if tag not in _CONTROL_TAGS and tag not in _OTHER_CONTROL_TAGS:
            continue
        name, to_name = el.get("name"), el.get("toName")
        if not name or not to_name:
            raise InputError(f"labeling config: <{el.tag}> needs both name and toName")
        value = el.get("value", "")
        controls[name] = ControlSpec(
            name=name,
            type=_CONTROL_TAGS.get(tag, "unsupported"),  # type: ignore[arg-type]
            to_name=to_name,
            choices=[c.get("value", "") for c in el if c.tag.lower() == "choice"],
            dynamic_from=value[1:] if tag == "choices" and value.startswith("$") else None,
            single=el.get("choice", "single") in {"single", "single-radio"},
            required=el.get("required", "false").lower() == "true",
        )
    return ConfigSchema(controls=controls)


def validate_result(
    schema: ConfigSchema, result: list[dict[str, Any]], task_data: dict[str, Any]
) -> list[str]:
    """Every way ``result`` does not fit the config, as readable messages; empty when it fits."""
    errors: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(result):
        try:
            item = ResultItem.model_validate(raw)
        except ValidationError as exc:
            fields = ", ".join(".".join(str(p) for p in e["loc"]) for e in exc.errors())
            errors.append(f"result[{index}] is not a Label Studio result item (bad or missing: {fields})")
            continue
        control = schema.controls.get(item.from_name)
        if control is None:
            known = ", ".join(sorted(schema.controls)) or "none"
            errors.append(f"result[{index}]: unknown control {item.from_name!r} (config has: {known})")
            continue
        if item.from_name in seen:
            errors.append(f"control {item.from_name!r} answered twice")
        seen.add(item.from_name)
        errors.extend(_check_item(schema, control, item, task_data))
    for control in schema.controls.values():
        if control.required and control.name not in seen:
            errors.append(f"required control {control.name!r} has no answer")
    return errors


def _check_item(
    schema: ConfigSchema, control: ControlSpec, item: ResultItem, task_data: dict[str, Any]
) -> list[str]:
    where = f"control {control.name!r}"
    if control.type == "unsupported":
        return [f"{where} is not a control dermkg reads"]
    if item.type.lower() != control.type:
        return [f"{where} is {control.type} in the config but the result says {item.type!r}"]
    if item.to_name != control.to_name:
        return [f"{where} labels {control.to_name!r} in the config but the result targets {item.to_name!r}"]
    key = "choices" if control.type == "choices" else "text"
    values = item.value.get(key)
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        return [f"{where}: value.{key} must be a list of strings"]
    if control.type == "textarea":
        return []
    errors: list[str] = []
    if control.single and len(values) != 1:
        errors.append(f"{where} takes exactly one choice, got {len(values)}")
    allowed = schema.allowed_choices(control, task_data)
    for value in values:
        if value not in allowed:
            errors.append(f"{where}: {value!r} is not one of {sorted(allowed)}")
    return errors


def answers(result: list[dict[str, Any]]) -> dict[str, list[str]]:
    """``{control name: its values}`` of an already validated result (text stripped, blanks dropped)."""
    out: dict[str, list[str]] = {}
    for raw in result:
        item = ResultItem.model_validate(raw)
        values = item.value.get("choices", item.value.get("text", []))
        out[item.from_name] = [v.strip() for v in values if v.strip()]
    return out
