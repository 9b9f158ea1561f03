"""Turn one validated annotation into curation writes, or into reasons it cannot be applied.

Every write carries a marker naming the annotation and a hash of its result in the event's reason. The
marker is how a later pull knows the annotation was applied (the audit log is the memory, so no state
file can drift from the store), and how a curator reading History sees the change came from Label Studio.
"""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import BaseModel, ConfigDict

from kg.models import EventQuery
from kg.store.base import GraphStore
from studio.labelstudio.types import LsAnnotation, ProjectKind


class _Plan(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DdxPlan(_Plan):
    decision: Literal["accept", "reject", "uncertain"]
    reason: str | None = None
    new_object: str | None = None  # diagnosis id the correction names


class CasePlan(_Plan):
    decision: Literal["accept", "exclude", "relabel"]
    reason: str | None = None
    diagnosis: str | None = None  # diagnosis id for relabel


def annotation_marker(project_id: int, annotation: LsAnnotation) -> str:
    digest = hashlib.sha256(json.dumps(annotation.result, sort_keys=True).encode()).hexdigest()[:10]
    key = annotation.unique_id or f"{project_id}/{annotation.id}"
    return f"[labelstudio annotation {key} result {digest}]"


def already_applied(store: GraphStore, target: str, marker: str) -> bool:
    """Whether an event on ``target`` carries ``marker`` (this exact annotation result was applied)."""
    page = store.list_events(EventQuery(target=target, limit=None))
    return any(marker in (event.reason or "") for event in page.items)


def plan_ddx(store: GraphStore, subject: str, answers: dict[str, list[str]]) -> DdxPlan | list[str]:
    """Read the DDx-edge answers; a correction must name a diagnosis of the graph exactly."""
    decision = answers["decision"][0]
    reason = _text(answers, "reason")
    correction = _text(answers, "correction")
    if decision == "reject" and not reason:
        return ["a rejection needs a reason (fill in 'Reason')"]
    if correction is None:
        return DdxPlan(decision=decision, reason=reason)  # type: ignore[arg-type]
    if decision != "accept":
        return [f"a correction fixes the pair and is accepted with it; choose accept, not {decision}"]
    found = store.resolve_name(correction)
    if found is None:
        hints = [m.diagnosis.name for m in store.suggest_names(correction, limit=3)]
        hint = f" (did you mean: {', '.join(hints)}?)" if hints else ""
        return [f"correction {correction!r} names no diagnosis of the graph{hint}"]
    if found.id == subject:
        return [f"correction {correction!r} is the first diagnosis itself"]
    return DdxPlan(decision="accept", reason=reason, new_object=found.id)


def plan_case(
    store: GraphStore, diagnosis_ids: dict[str, str], answers: dict[str, list[str]]
) -> CasePlan | list[str]:
    decision = answers["decision"][0]
    reason = _text(answers, "reason")
    if decision == "exclude" and not reason:
        return ["excluding a case needs a reason (fill in 'Reason')"]
    if decision != "relabel":
        if answers.get("diagnosis"):
            return [f"a diagnosis was picked but the decision is {decision!r}, not 'relabel'"]
        return CasePlan(decision=decision, reason=reason)  # type: ignore[arg-type]
    picked = answers.get("diagnosis") or []
    if not picked:
        return ["relabel needs a diagnosis picked from the list"]
    diagnosis_id = diagnosis_ids.get(picked[0])
    if diagnosis_id is None or store.get_diagnosis(diagnosis_id) is None:
        return [f"diagnosis {picked[0]!r} is not in the graph any more"]
    return CasePlan(decision="relabel", reason=reason, diagnosis=diagnosis_id)


def conflict(
    store: GraphStore, kind: ProjectKind, target: str, user: str, pushed: dict[str, object]
) -> str | None:
    """Why applying would overwrite someone else's curation since the push, or None when it is safe.

    Votes towards consensus leave an item ``proposed``, so only a final decision by another user, or a
    change of what the annotator was shown (names, diagnosis), counts as a conflict.
    """
    if kind == "ddx":
        current = store.get_assertion(target)
        if current is None:
            return f"assertion {target} is no longer in the graph"
        if current.status != "proposed" and current.reviewed_by != user:
            return f"assertion {target} was already {current.status} by {current.reviewed_by} in dermkg"
        names = [store.get_diagnosis(current.subject), store.get_diagnosis(current.object)]
        shown = {pushed.get("subject_name"), pushed.get("object_name")}
        if {d.name for d in names if d is not None} != shown:
            return f"assertion {target} was edited in dermkg after the push; push again and re-review"
        return None
    case = store.get_case(target)
    if case is None:
        return f"case {target} is no longer in the graph"
    if case.status != "proposed" and _last_decider(store, target) not in (None, user):
        return f"case {target} was already {case.status} in dermkg by {_last_decider(store, target)}"
    current_name = getattr(store.get_diagnosis(case.diagnosis), "name", None)
    if current_name != pushed.get("diagnosis_name"):
        return f"case {target} was relabelled in dermkg after the push; push again and re-review"
    return None


def apply_ddx(
    store: GraphStore, target: str, plan: DdxPlan, *, user: str, marker: str, votes: int
) -> list[str]:
    """Write the plan in one transaction; returns the event actions in order."""
    with store.transaction():
        if plan.decision == "uncertain":
            store.comment("assertion", target, _join("uncertain", plan.reason, marker), user=user)
            return ["comment"]
        actions: list[str] = []
        if plan.new_object is not None:
            store.edit_assertion(
                target, user=user, object=plan.new_object, reason=_join("correction", None, marker)
            )
            actions.append("edit")
        decision: Literal["accept", "reject"] = "accept" if plan.decision == "accept" else "reject"
        store.review(
            target, decision, user=user, reason=_join(None, plan.reason, marker), required_votes=votes
        )
        actions.append(_last_action(store, target))
        return actions


def apply_case(store: GraphStore, target: str, plan: CasePlan, *, user: str, marker: str) -> list[str]:
    changes: dict[str, object] = {"status": "excluded" if plan.decision == "exclude" else "accepted"}
    if plan.diagnosis is not None:
        changes["diagnosis"] = plan.diagnosis
    with store.transaction():
        store.update_case(target, changes, user=user, reason=_join(None, plan.reason, marker))
    return [_last_action(store, target)]


def _last_action(store: GraphStore, target: str) -> str:
    events = store.list_events(EventQuery(target=target, limit=1)).items
    return events[0].action if events else "?"


def _last_decider(store: GraphStore, target: str) -> str | None:
    events = store.list_events(EventQuery(target=target, limit=1)).items
    return events[0].user if events else None


def _text(answers: dict[str, list[str]], name: str) -> str | None:
    values = answers.get(name) or []
    text = " ".join(values).strip()
    return text or None


def _join(prefix: str | None, text: str | None, marker: str) -> str:
    parts = [p for p in (prefix, text) if p]
    return (": ".join(parts) + " " if parts else "") + f"(via Label Studio) {marker}"
