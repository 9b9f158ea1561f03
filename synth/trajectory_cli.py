"""``dermkg synth trajectories|report`` (issue 6)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from dermkg.cli_common import JsonOpt, StoreOpt, console, emit, handle_errors
from dermkg.errors import InputError
from kg.cli_store import store_from

if TYPE_CHECKING:
    from synth.report import ExportStats
    from synth.types import SynthReport

TypesOpt = Annotated[
    str,
    typer.Option("--types", help="Comma-separated: 1,2,3 (paper) and c2,c3 (random non-DDx controls)."),
]
_TYPE_NAMES = {"1": "type1", "2": "type2", "3": "type3", "c2": "control2", "c3": "control3"}


def parse_types(value: str) -> list[str]:
    """'1,2,3,c2' -> ['type1', 'type2', 'type3', 'control2'] (names accepted too)."""
    out: list[str] = []
    for part in (p.strip().lower() for p in value.split(",") if p.strip()):
        name = _TYPE_NAMES.get(part, part)
        if name not in _TYPE_NAMES.values():
            raise InputError(f"--types: unknown type {part!r}; use 1,2,3 and optionally c2,c3")
        if name not in out:
            out.append(name)
    if not out:
        raise InputError("--types: give at least one type, e.g. --types 1,2,3")
    return out


def trajectories(
    out: Annotated[Path, typer.Option("--out", help="Export folder (replaced atomically).")],
    types: TypesOpt = "1,2,3",
    comparator: Annotated[str, typer.Option("--comparator", help="grounded (offline) or llm.")] = "grounded",
    seed: Annotated[int, typer.Option("--seed", help="Seed of every random choice.")] = 0,
    include_proposed_cases: Annotated[
        bool,
        typer.Option("--include-proposed-cases", help="Also use proposed cases (e.g. textbook figures)."),
    ] = False,
    include_proposed_assertions: Annotated[
        bool,
        typer.Option(
            "--include-proposed-assertions",
            help="Also use proposed is_a / DDx / finding assertions (machine output, not curated).",
        ),
    ] = False,
    fallback: Annotated[
        str,
        typer.Option(
            "--fallback",
            help="No DDx neighbour: skip (no row) or contrast (a random partner, worded as a contrast).",
        ),
    ] = "skip",
    per_case: Annotated[int, typer.Option("--per-case", help="Type 2/3 pairs per primary case.")] = 1,
    on_ungrounded: Annotated[
        str, typer.Option("--on-validation-fail", "--on-ungrounded", help="queue (rejected.jsonl) or drop.")
    ] = "queue",
    repeats: Annotated[
        str,
        typer.Option(
            "--repeats",
            help="Rows of one diagnosis with word-for-word the same thinking (other images): drop "
            "(keep the first) or keep. Thinking shared with another diagnosis is always dropped.",
        ),
    ] = "drop",
    no_hf: Annotated[bool, typer.Option("--no-hf", help="Skip the Hugging Face datasets folder.")] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Synthesise grounded Type 1-3 trajectories from the curated graph into an export folder.

    Re-running over the same folder regenerates only the rows whose inputs changed.

    Example: dermkg synth trajectories --out exports/sft --types 1,2,3 --seed 7
    """
    from synth.pipeline import synthesize
    from synth.types import SynthOptions

    if comparator not in ("grounded", "llm"):
        raise InputError(f"--comparator: {comparator!r} is not one of grounded, llm")
    if fallback not in ("skip", "contrast"):
        raise InputError(f"--fallback: {fallback!r} is not one of skip, contrast")
    if on_ungrounded not in ("queue", "drop"):
        raise InputError(f"--on-ungrounded: {on_ungrounded!r} is not one of queue, drop")
    if repeats not in ("drop", "keep"):
        raise InputError(f"--repeats: {repeats!r} is not one of drop, keep")
    options = SynthOptions(
        types=parse_types(types),  # type: ignore[arg-type]
        comparator=comparator,  # type: ignore[arg-type]
        seed=seed,
        include_proposed_cases=include_proposed_cases,
        include_proposed_assertions=include_proposed_assertions,
        fallback=fallback,  # type: ignore[arg-type]
        per_case=per_case,
        on_ungrounded=on_ungrounded,  # type: ignore[arg-type]
        repeats=repeats,  # type: ignore[arg-type]
    )
    with store_from(store) as st:
        report = synthesize(st, out, options, hf=not no_hf, progress=not as_json)
    emit(report, as_json, _print_synth)
    if report.total == 0:
        raise typer.Exit(1)


def _print_synth(report: SynthReport) -> None:
    console.print(f"[bold]{report.total}[/] trajectories at revision {report.revision} -> {report.out}")
    console.print("by type: " + ", ".join(f"{k} {v}" for k, v in sorted(report.counts_by_type.items())))
    r = report.regeneration
    console.print(f"reused {r.reused}, regenerated {r.regenerated}, new {r.new}, removed {r.removed}")
    v = report.validation
    console.print(
        f"validator: {v.get('passed', 0)} of {v.get('rows', 0)} rows pass; {v.get('rejected', 0)} rejected "
        f"({report.queued_for_review} in rejected.jsonl, {report.dropped} dropped)"
    )
    console.print(
        f"not planned: {report.dropped_reasons}; random partners skipped: {report.skipped_random_pairs}"
    )
    for line in report.validation_examples:
        console.print(f"[yellow]rejected:[/] {line}")
    for line in report.missing:
        console.print(f"[yellow]missing:[/] {line}")
    for line in report.warnings:
        console.print(f"[yellow]warning:[/] {line}")


def report(
    export_dir: Annotated[Path, typer.Argument(help="An export folder written by synth trajectories.")],
    no_plots: Annotated[bool, typer.Option("--no-plots", help="Skip the PNG plots.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Report an export: counts, coverage per diagnosis and DDx edge, groundedness, duplicates,
    lengths; PNG plots go to DIR/report/.

    Example: dermkg synth report exports/sft --json
    """
    from synth.report import summarize_export

    emit(summarize_export(export_dir, plots=not no_plots), as_json, _print_report)


def _print_report(stats: ExportStats) -> None:
    console.print(f"[bold]{stats.total}[/] rows (revision {stats.revision}) in {stats.export_dir}")
    console.print("by type: " + ", ".join(f"{k} {v}" for k, v in stats.counts_by_type.items()))
    console.print("by split: " + ", ".join(f"{k} {v}" for k, v in stats.counts_by_split.items()))
    console.print(f"diagnoses covered: {len(stats.coverage_by_diagnosis)}")
    console.print(f"DDx edges: {len(stats.ddx_edges)} ({stats.ddx_edges_without_rows} without rows)")
    console.print(f"groundedness pass rate: {stats.groundedness_pass_rate}; duplicates: {stats.duplicates}")
    w = stats.completion_words
    console.print(f"target words: min {w.min}, median {w.median}, p90 {w.p90}, max {w.max}")
    for p in stats.plots:
        console.print(f"plot: {p}")


def validate(
    export_dir: Annotated[Path, typer.Argument(help="An export folder written by synth trajectories.")],
    against_store: Annotated[
        bool, typer.Option("--against-store", help="Check against the store's current accepted findings.")
    ] = False,
    store: StoreOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Validate every row of an export: each diagnosis-level claim must be an accepted finding
    listed in the row's provenance; observations must be this image's; no bookkeeping text; no DDx
    wording for a non-neighbour. Exit 1 when a row fails. Every export runs it before writing.

    Example: dermkg synth validate exports/sft --json
    """
    from synth.validation_io import validate_export

    if against_store:
        with store_from(store) as st:
            result = validate_export(export_dir, st)
    else:
        result = validate_export(export_dir)
    emit(result, as_json, _print_validation)
    if result.rejected:
        raise typer.Exit(1)


def _print_validation(result: object) -> None:
    r = result  # a synth.validator.ValidationReport
    console.print(f"{r.passed} of {r.rows} rows pass; {r.rejected} rejected")  # type: ignore[attr-defined]
    for kind, n in r.reasons.items():  # type: ignore[attr-defined]
        console.print(f"  {kind}: {n}")
    for ex in r.examples:  # type: ignore[attr-defined]
        console.print(f"[yellow]{ex.id}[/]: {'; '.join(ex.reasons)}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``dermkg synth``."""
    app.command("trajectories")(handle_errors(trajectories))
    app.command("report")(handle_errors(report))
    app.command("validate")(handle_errors(validate))
