"""Synthesis steps, distilabel-style: each declares the columns it reads and writes and turns a
batch of typed rows into a batch of typed rows.

plan (Algorithms 1-3 + the accepted claims, synth.argument) -> reuse (targeted regeneration)
-> reason (comparator ρ) -> format (target text + provenance) -> validate (synth.validator, in the
pipeline: a row that fails is not written)
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from pydantic import BaseModel, ConfigDict

from synth.comparators import Comparator
from synth.groundedness import clean_reasoning
from synth.knowledge import FindingKnowledge
from synth.trajectories import format_target, plan_prompt_hash
from synth.types import GroundednessResult, Provenance, TrajectoryPlan, TrajectoryRow


class Draft(BaseModel):
    """A plan travelling through the steps, gathering ρ, its check and finally the row."""

    model_config = ConfigDict(extra="forbid")

    plan: TrajectoryPlan
    reasoning: str | None = None
    grounded: GroundednessResult | None = None
    row: TrajectoryRow | None = None  # set when reused or formatted
    reused: bool = False


class Step:
    """A unit of work over batches of drafts; ``inputs``/``outputs`` name the columns (dotted
    paths into :class:`Draft`) it reads and writes."""

    inputs: ClassVar[tuple[str, ...]] = ()
    outputs: ClassVar[tuple[str, ...]] = ()

    def process(self, batch: list[Draft]) -> Iterator[list[Draft]]:  # pragma: no cover - interface
        raise NotImplementedError


def check_columns(steps: list[Step]) -> None:
    """Fail early when a step reads a column nothing provides (names the step and the column)."""
    available = {"plan", "row"}  # plans, and the rows reused from an earlier export
    for step in steps:
        for column in step.inputs:
            if column.split(".", 1)[0] not in available:
                raise ValueError(f"{type(step).__name__} reads {column!r}, which no earlier step writes")
        available.update(c.split(".", 1)[0] for c in step.outputs)


class ReasonStep(Step):
    """Ask the comparator for ρ of every paired draft that was not reused."""

    inputs = ("plan.argument", "row")
    outputs = ("reasoning",)

    def __init__(self, comparator: Comparator, knowledge: FindingKnowledge) -> None:
        self.comparator = comparator
        self.knowledge = knowledge
        self.calls = 0

    def process(self, batch: list[Draft]) -> Iterator[list[Draft]]:
        todo = [d for d in batch if d.row is None and d.plan.argument is not None]
        if todo:
            self.calls += len(todo)
            items = [d.plan.argument for d in todo]
            texts = self.comparator.compare_many(items, self.knowledge)  # type: ignore[arg-type]
            for draft, text in zip(todo, texts, strict=True):
                draft.reasoning = clean_reasoning(text)
        yield batch


class FormatStep(Step):
    """Write the target text and the provenance of each new row."""

    inputs = ("plan", "reasoning")
    outputs = ("row",)

    def __init__(self, comparator: Comparator, revision: int, knowledge: FindingKnowledge) -> None:
        self.comparator = comparator
        self.revision = revision
        self.knowledge = knowledge

    def process(self, batch: list[Draft]) -> Iterator[list[Draft]]:
        for d in batch:
            if d.row is None:
                d.row = build_row(d, self.comparator, self.revision, self.knowledge)
        yield batch


def finding_assertions(plan: TrajectoryPlan) -> list[str]:
    """Ids of the accepted finding assertions a row states, then those it consulted without stating."""
    claims = list(plan.support)
    if plan.argument is not None:
        claims += plan.argument.support_other + plan.argument.support + plan.argument.claims
        claims += plan.argument.described + plan.argument.facts
    consulted = plan.argument.consulted if plan.argument is not None else plan.consulted
    return list(dict.fromkeys([*(c.assertion_id for c in claims), *consulted]))


def build_row(
    draft: Draft, comparator: Comparator, revision: int, knowledge: FindingKnowledge
) -> TrajectoryRow:
    plan = draft.plan
    paired = plan.mode is not None
    cases = [plan.primary] + ([plan.partner] if plan.partner else [])
    assertions = (
        list(plan.taxonomy.assertion_ids)
        + ([plan.ddx_assertion_id] if plan.ddx_assertion_id else [])
        + finding_assertions(plan)
    )
    evidence = sorted({e for c in cases for e in c.evidence_ids} | set(plan.taxonomy.evidence_ids))
    provenance = Provenance(
        case_ids=[c.id for c in cases],
        assertion_ids=assertions,
        evidence_ids=evidence,
        revision=revision,
        comparator=comparator.name if paired else None,
        model=comparator.model if paired else None,
        prompt_hash=plan_prompt_hash(plan, comparator.prompt_hash() if paired else None),
        partner_source=plan.partner_source,
        input_hash=plan.input_hash,
    )
    image_case = plan.partner if plan.mode == "switch" and plan.partner else plan.primary
    return TrajectoryRow(
        id=plan.id,
        type=plan.type,
        image_sha256=plan.image_sha256,
        image_path=plan.image_path,
        diagnosis=plan.final_diagnosis,
        diagnosis_name=plan.final_name,
        primary_diagnosis=plan.primary.diagnosis,
        partner_diagnosis=plan.partner.diagnosis if plan.partner else None,
        ddx_assertion_id=plan.ddx_assertion_id,
        prompt=plan.prompt,
        reasoning=draft.reasoning if paired else None,
        completion=format_target(plan, draft.reasoning, knowledge),
        observed=image_case.observed,
        not_observed=image_case.not_observed,
        provenance=provenance,
    )


def batched(items: Iterable[Draft], size: int) -> Iterator[list[Draft]]:
    batch: list[Draft] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def run_steps(drafts: Iterable[Draft], steps: list[Step], batch_size: int = 256) -> Iterator[Draft]:
    """Push drafts through the steps batch by batch (bounded memory, progress per batch)."""
    check_columns(steps)
    for batch in batched(drafts, batch_size):
        batches = [batch]
        for step in steps:
            batches = [out for b in batches for out in step.process(b)]
        for out in batches:
            yield from out
