"""Targeted regeneration: which rows of an earlier export can be reused after curation.

A row is reusable when its ``input_hash`` (every input of its text: cases, pair, taxonomy facts,
DDx assertion, prompts, comparator) is unchanged; otherwise it is regenerated. Rows whose plan no
longer exists (an excluded case, a removed diagnosis) are removed.
"""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from dermkg.errors import InputError
from kg.store.base import GraphStore
from synth.types import SynthOptions, TrajectoryPlan, TrajectoryRow

ROWS_FILE = "trajectories.jsonl"
QUEUE_FILE = "rejected.jsonl"  # rows the validator rejected, with their reasons (grounded.reasons)
MANIFEST_FILE = "manifest.json"


def read_rows(path: Path) -> list[TrajectoryRow]:
    """Rows of a JSONL file; a bad line is an InputError naming file and line."""
    if not path.exists():
        return []
    rows: list[TrajectoryRow] = []
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                rows.append(TrajectoryRow.model_validate(data))
            except ValueError as exc:
                raise InputError(f"not a trajectory row: {exc}", location=f"{path}:{n}") from exc
    return rows


def read_manifest(export_dir: Path) -> dict:
    path = export_dir / MANIFEST_FILE
    if not path.exists():
        raise InputError(f"no {MANIFEST_FILE}: not a dermkg trajectory export", location=str(export_dir))
    try:
        return json.loads(path.read_text("utf-8"))
    except ValueError as exc:
        raise InputError(f"unreadable manifest: {exc}", location=str(path)) from exc


def previous_rows(export_dir: Path) -> dict[str, TrajectoryRow]:
    """Rows (accepted and queued for review) of an earlier export in ``export_dir``, by id."""
    if not (export_dir / MANIFEST_FILE).exists():
        return {}
    rows = read_rows(export_dir / ROWS_FILE) + read_rows(export_dir / QUEUE_FILE)
    return {r.id: r for r in rows}


class RowDiff(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reused: list[str] = Field(default_factory=list)
    regenerated: list[str] = Field(default_factory=list)  # same id, inputs changed
    new: list[str] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)


def diff_plans(plans: list[TrajectoryPlan], previous: dict[str, TrajectoryRow]) -> RowDiff:
    diff = RowDiff()
    for plan in plans:
        old = previous.get(plan.id)
        if old is None:
            diff.new.append(plan.id)
        elif old.provenance.input_hash == plan.input_hash:
            diff.reused.append(plan.id)
        else:
            diff.regenerated.append(plan.id)
    current = {p.id for p in plans}
    diff.removed = sorted(i for i in previous if i not in current)
    return diff


class StaleReport(BaseModel):
    """What the Exports page shows: rows of an export that no longer match the store."""

    model_config = ConfigDict(extra="forbid")

    export_dir: str
    exported_revision: int
    current_revision: int
    unchanged: int
    stale: list[str]  # rows whose inputs changed: would be regenerated
    removed: list[str]  # rows whose plan no longer exists
    new: list[str]  # rows a re-run would add


def list_stale_rows(export_dir: str | Path, store: GraphStore) -> StaleReport:
    """Compare an export with the current store without calling any comparator.

    Example:
        >>> report = list_stale_rows("exports/sft-v1", store)
        >>> report.stale[:3]
    """
    from synth.snapshot import SynthGraph
    from synth.trajectories import plan_options

    export = Path(export_dir)
    manifest = read_manifest(export)
    options = SynthOptions.model_validate(manifest["options"])
    graph = SynthGraph.from_store(
        store,
        include_proposed_cases=options.include_proposed_cases,
        include_proposed_assertions=options.include_proposed_assertions,
    )
    plans = plan_options(graph, options, manifest.get("comparator_identity"))
    diff = diff_plans(plans, previous_rows(export))
    return StaleReport(
        export_dir=str(export),
        exported_revision=int(manifest.get("revision", 0)),
        current_revision=graph.revision,
        unchanged=len(diff.reused),
        stale=diff.regenerated,
        removed=diff.removed,
        new=diff.new,
    )
