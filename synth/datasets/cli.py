"""``dermkg synth datasets|evalsets`` (issue 7): thin wrappers over :mod:`synth.datasets.run`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dermkg.cli_common import JsonOpt, StoreOpt, console, emit, handle_errors
from kg.cli_store import store_from

DatasetOpt = Annotated[
    list[str],
    typer.Option(
        "--dataset",
        "-d",
        help="NAME=PATH, NAME one of ham10000, bcn20000, pad_ufes20, derm12345, "
        "derm7pt, dermnet, fitzpatrick17k (repeatable).",
    ),
]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Output folder (replaced atomically).")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Seed of splits and options: same seed, same bytes.")]
OptionsOpt = Annotated[int, typer.Option("--options", help="Options per question (letters go past D).")]
NoUpdateOpt = Annotated[
    bool, typer.Option("--no-label-map-update", help="Do not store new label mappings in the graph.")
]


def _summary(report: object) -> None:
    from synth.datasets.build import BuildReport

    assert isinstance(report, BuildReport)
    for name, s in report.datasets.items():
        console.print(
            f"{name}: {s.used}/{s.rows_read} rows used, label coverage {s.labels.coverage:.0%}, "
            f"problems {s.problems or 'none'}"
        )
    for task, counts in report.tasks.items():
        console.print(f"{task}: {counts}")
    console.print(
        f"leakage: {len(report.leakage.across_splits)} across splits, "
        f"{len(report.leakage.across_datasets)} across datasets; card: {report.out}/README.md"
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``dermkg synth``."""

    @app.command("datasets")
    @handle_errors
    def datasets_command(
        dataset: DatasetOpt,
        out: OutOpt,
        seed: SeedOpt = 0,
        options: OptionsOpt = 4,
        no_label_map_update: NoUpdateOpt = False,
        store: StoreOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Build RL multiple-choice rows (paper Appendix A) from public datasets mapped onto the graph.

        Example: dermkg synth datasets --dataset derm7pt=data/derm7pt --out out/rl --seed 0
        """
        from synth.datasets.build import DatasetSpec
        from synth.datasets.run import build_datasets

        specs = [DatasetSpec.parse(d) for d in dataset]
        with store_from(store) as st:
            report = build_datasets(
                st,
                specs,
                out,
                seed=seed,
                n_options=options,
                update_label_maps=not no_label_map_update,
                progress=True,
            )
        emit(report, json, _summary)

    @app.command("evalsets")
    @handle_errors
    def evalsets_command(
        out: OutOpt,
        dataset: DatasetOpt = [],  # noqa: B006 - typer needs a list default
        omnimedvqa: Annotated[
            Path | None, typer.Option(help="OmniMedVQA / Med-R1 JSON file or folder (OOD).")
        ] = None,
        omnimedvqa_images: Annotated[
            Path | None, typer.Option(help="Root of the OmniMedVQA image tree.")
        ] = None,
        task: Annotated[
            list[str],
            typer.Option(
                "--task",
                help="diagnosis, lesion_condition, ood, hierarchical, "
                "ddx (repeatable; default all that apply).",
            ),
        ] = [],  # noqa: B006
        seed: SeedOpt = 0,
        options: OptionsOpt = 4,
        no_label_map_update: NoUpdateOpt = False,
        include_paper_excluded_subsets: Annotated[
            bool,
            typer.Option(
                help="Keep the OmniMedVQA Fitzpatrick17k and PAD-UFES-20 subsets the paper excludes "
                "(figures are then not comparable with its Table 4)."
            ),
        ] = False,
        store: StoreOpt = None,
        json: JsonOpt = False,
    ) -> None:
        """Build evaluation sets: in-distribution, lesion condition, OOD, hierarchical and DDx.

        Example: dermkg synth evalsets -d derm7pt=data/derm7pt --omnimedvqa data/omnimedvqa --out out/eval

        OOD follows the paper: Fitzpatrick17k and PAD-UFES-20 subsets are left out unless
        --include-paper-excluded-subsets; report.json and the card state the protocol of every task.
        """
        from synth.datasets.build import EVAL_TASKS, DatasetSpec
        from synth.datasets.run import build_evalsets

        specs = [DatasetSpec.parse(d) for d in dataset]
        tasks = tuple(task) or tuple(t for t in EVAL_TASKS if t != "ood" or omnimedvqa is not None)
        with store_from(store) as st:
            report = build_evalsets(
                st,
                specs,
                out,
                omnimedvqa=omnimedvqa,
                omnimedvqa_images=omnimedvqa_images,
                tasks=tasks,
                seed=seed,
                n_options=options,
                update_label_maps=not no_label_map_update,
                progress=True,
                include_paper_excluded=include_paper_excluded_subsets,
            )
        emit(report, json, _summary)
