"""``synthesize``: one synthesis run from the curated graph to an export folder.

snapshot -> plan (Algorithms 1-3) -> reuse unchanged rows -> ρ (comparator) -> groundedness
-> targets + provenance -> atomic export. What is missing from the graph is reported, never guessed.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dermkg.files import atomic_dir
from synth.argument import gravity_of
from synth.comparators import Comparator, make_comparator
from synth.export import IMAGES_DIR, copy_images, split_of, write_export
from synth.regeneration import diff_plans, previous_rows
from synth.snapshot import SynthGraph
from synth.steps import Draft, FormatStep, ReasonStep, run_steps
from synth.trajectories import CONTROLS, PAIRED, PlanLog, plan_options
from synth.types import (
    GroundednessResult,
    RegenerationStats,
    SynthOptions,
    SynthReport,
    TrajectoryPlan,
    TrajectoryRow,
)
from synth.validation_io import knowledge_manifest, validation_context
from synth.validator import validate_rows

log = logging.getLogger(__name__)

FORMAT = "dermkg-trajectories"


def _missing(graph: SynthGraph, options: SynthOptions, report: SynthReport) -> None:
    """Say plainly what the graph lacks for the requested types, and which fallback applies."""
    if not graph.diagnoses:
        report.missing.append("no accepted diagnoses in the graph (import a vocabulary: dermkg kg import)")
    if not graph.with_cases():
        report.missing.append(
            "no accepted cases with a rationale (bring some in: dermkg kg import-cases --format derm7pt PATH)"
        )
    if graph.skipped_cases:
        log.info("cases skipped (no rationale): %s", ", ".join(graph.skipped_cases))
        report.warnings.append(
            f"{len(graph.skipped_cases)} accepted cases have no rationale and were skipped (a figure "
            "caption that only names its diagnosis counts as none when the book does not describe it)"
        )
    wants_pairs = bool(set(options.types) & set(PAIRED + CONTROLS))
    if wants_pairs and len(graph.with_cases()) == 1:
        report.missing.append("only one diagnosis has cases: Types 2/3 need a second diagnosis with cases")
    if set(options.types) & set(PAIRED) and graph.ddx_edge_count() == 0:
        report.missing.append(
            "no accepted DDx edges: Types 2/3 have no differential (with --fallback contrast a random "
            "partner gives a neutral contrast row); accept DDx assertions in the studio"
        )
    if wants_pairs and not graph.knowledge.relations:
        report.missing.append(
            "no accepted finding assertions: no pair can be separated, so no Type 2/3 row is written "
            "(propose: dermkg kg propose-findings --from-cases; review: dermkg review list --kind finding)"
        )


def _licences(graph: SynthGraph, rows: list[TrajectoryRow]) -> dict[str, str]:
    refs = {c.id: c for cases in graph.cases.values() for c in cases}
    by_title = {s.title.lower(): s for s in graph.sources.values()}
    out: dict[str, str] = {}
    for row in rows:
        for cid in row.provenance.case_ids:
            ref = refs.get(cid)
            key = (ref.source_sha256 or ref.source) if ref else None
            if not key:
                out["(case without a source)"] = "unknown: not recorded in the graph"
                continue
            src = graph.sources.get(key) or by_title.get(key.lower())
            name = src.title if src else key
            out[name] = (src.licence if src and src.licence else None) or "unknown: not recorded in the graph"
    return out


def synthesize(
    source: Any,
    out: str | Path,
    options: SynthOptions | None = None,
    *,
    comparator: Comparator | None = None,
    image_roots: list[Path] | None = None,
    hf: bool = True,
    progress: bool = False,
) -> SynthReport:
    """Synthesise trajectories from a store (or a :class:`SynthGraph`) into ``out``.

    Re-running over an earlier export regenerates exactly the rows whose inputs changed.

    Example:
        >>> report = synthesize(store, "exports/sft", SynthOptions(types=["type1", "type2", "type3"]))
        >>> report.counts_by_type
    """
    from tqdm import tqdm

    started = time.perf_counter()
    options = options or SynthOptions()
    out = Path(out)
    graph = (
        source
        if isinstance(source, SynthGraph)
        else SynthGraph.from_store(
            source,
            include_proposed_cases=options.include_proposed_cases,
            include_proposed_assertions=options.include_proposed_assertions,
        )
    )
    report = SynthReport(out=str(out), revision=graph.revision)
    _missing(graph, options, report)
    comparator = comparator or make_comparator(options.comparator)
    wants_text = bool(set(options.types) - {"type1"})
    identity = comparator.identity() if wants_text else None
    log = PlanLog()
    plans = plan_options(graph, options, identity, log)
    _plan_figures(report, log, plans)
    previous = previous_rows(out)
    diff = diff_plans(plans, previous)
    reused_ids = set(diff.reused)
    drafts = (
        Draft(plan=p, row=previous[p.id], grounded=previous[p.id].grounded, reused=True)
        if p.id in reused_ids
        else Draft(plan=p)
        for p in plans
    )
    reason = ReasonStep(comparator, graph.knowledge)
    steps = [reason, FormatStep(comparator, graph.revision, graph.knowledge)]
    built = [
        d.row
        for d in tqdm(run_steps(drafts, steps), total=len(plans), disable=not progress, desc="trajectories")
    ]
    ctx = validation_context(graph)
    rows, bad, verdict = validate_rows([r for r in built if r is not None], ctx)
    report.validation = {
        "rows": verdict.rows,
        "passed": verdict.passed,
        "rejected": verdict.rejected,
        **verdict.reasons,
    }
    report.validation_examples = [f"{v.id}: {'; '.join(v.reasons)}" for v in verdict.examples]
    for row in rows:
        if row.type != "type1":
            row.grounded = GroundednessResult(passed=True, features=_features(row))
    queued: list[TrajectoryRow] = []
    for row, why in bad:
        row.grounded = GroundednessResult(passed=False, features=_features(row), reasons=why)
        if options.on_ungrounded == "queue":
            queued.append(row)
        else:
            report.dropped += 1
    _log_ungrounded(len(bad), options.on_ungrounded)
    report.grounded_passed = sum(1 for r in rows if r.grounded is not None)
    report.grounded_failed = len(bad)
    report.without_taxonomy = sum(1 for r in rows if "</diagnosis>" in r.completion and _no_taxonomy(r))
    report.queued_for_review = len(queued)  # written to rejected.jsonl with their reasons
    report.comparator_calls = reason.calls
    report.regeneration = RegenerationStats(
        reused=len(diff.reused),
        regenerated=len(diff.regenerated),
        new=len(diff.new),
        removed=len(diff.removed),
    )
    if not rows:
        report.missing.append(
            "no trajectory could be built: nothing was written, the previous export is kept"
        )
        report.seconds = round(time.perf_counter() - started, 3)
        return report
    roots = list(image_roots or []) + [_data_dir(), Path.cwd()]
    with atomic_dir(out) as staging:
        images, warnings = copy_images(rows, staging / IMAGES_DIR, roots, out if out.exists() else None)
        report.warnings += warnings
        rows = [r for r in rows if r.image_sha256 in images]
        splits = {
            r.id: split_of(
                r.image_sha256,
                options.test_fraction,
                options.validation_fraction,
                graph.official_splits.get(r.image_sha256),
            )
            for r in rows
        }
        _count(report, rows, splits)
        manifest = {
            "format": FORMAT,
            "format_version": 1,
            "created_at": datetime.now(UTC).isoformat(),
            "revision": graph.revision,
            "options": options.model_dump(mode="json"),
            "comparator_identity": identity,
            "comparator_model": comparator.model if wants_text else None,
            "ddx_edges": graph.ddx_edges(),
            "names": {
                d: graph.name(d)
                for d in sorted(
                    {
                        x
                        for r in rows + queued
                        for x in (r.diagnosis, r.primary_diagnosis, r.partner_diagnosis)
                        if x
                    }
                    | {n for e in graph.ddx_edges() for n in e[1:]}
                )
            },
            "findings": knowledge_manifest(graph.knowledge),
            "gravity": gravity_of(graph),  # the validator's counter-evidence rule reads it
            "report": report.model_dump(mode="json"),
        }
        write_export(
            out, rows, queued, splits, images, manifest, _licences(graph, rows), staging=staging, hf=hf
        )
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def _log_ungrounded(count: int, action: str) -> None:
    """Rows the grounding validator refused are logged, never dropped silently (the report counts them)."""
    if count:
        log.info("%d rows failed the grounding validator (--on-ungrounded %s)", count, action)


def _plan_figures(report: SynthReport, log: PlanLog, plans: list[TrajectoryPlan]) -> None:
    """Counts of what planning left out, and the knowledge curators could add."""
    report.random_fallbacks = sum(
        1 for p in plans if p.type == "type2" and p.partner_source == "random_fallback"
    )
    report.skipped_random_pairs = log.skipped_random
    report.contrast_rows = log.contrast
    report.dropped_reasons = dict(sorted(log.dropped.items()))
    report.unseparated = dict(sorted(log.unseparated.items(), key=lambda kv: (-kv[1], kv[0])))
    if log.skipped_random:
        report.warnings.append(
            f"{log.skipped_random} Type 2/3 rows not written: no DDx neighbour with cases (--fallback skip; "
            "--fallback contrast writes them as neutral contrasts)"
        )
    if report.random_fallbacks:
        report.warnings.append(
            f"{report.random_fallbacks} Type 2/3 pairs used a random partner, worded as a contrast, never "
            "as a differential"
        )
    for reason, n in list(report.unseparated.items())[:20]:
        report.missing.append(f"{reason} ({n} pairs)")


def _features(row: TrajectoryRow) -> list[str]:
    return sorted(set(row.observed))


def _no_taxonomy(row: TrajectoryRow) -> bool:
    inner = row.completion.split("<diagnosis>", 1)[1].split("</diagnosis>", 1)[0]
    return inner.strip().lower() == f"{row.diagnosis_name}.".lower()


def _count(report: SynthReport, rows: list[TrajectoryRow], splits: dict[str, str]) -> None:
    report.total = len(rows)
    report.counts_by_type = {}
    for r in rows:
        report.counts_by_type[r.type] = report.counts_by_type.get(r.type, 0) + 1
    report.counts_by_split = {}
    for s in splits.values():
        report.counts_by_split[s] = report.counts_by_split.get(s, 0) + 1


def _data_dir() -> Path:
    from dermkg.settings import path_settings

    return path_settings().data_dir
