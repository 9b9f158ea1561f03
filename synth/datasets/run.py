"""The two entry points behind ``dermkg synth datasets`` and ``dermkg synth evalsets``."""

from __future__ import annotations

from pathlib import Path

from dermkg.errors import InputError
from kg.algorithms import malignancy
from kg.store.base import GraphStore
from synth.datasets.build import EVAL_TASKS, BuildReport, DatasetSpec, eval_rows, load_samples, rl_rows
from synth.datasets.card import write_outputs
from synth.datasets.omnimedvqa import ood_rows
from synth.datasets.prompts import PROTOCOLS


def build_datasets(
    store: GraphStore,
    specs: list[DatasetSpec],
    out: Path,
    *,
    seed: int = 0,
    n_options: int = 4,
    user: str = "system",
    update_label_maps: bool = True,
    progress: bool = False,
) -> BuildReport:
    """RL multiple-choice rows (Appendix A) for every split of the given datasets, written atomically."""
    if not specs:
        raise InputError("give at least one --dataset NAME=PATH")
    if n_options < 2:
        raise InputError("--options must be at least 2")
    samples, taxonomy, report = load_samples(
        store, specs, seed=seed, user=user, update_label_maps=update_label_maps, progress=progress
    )
    report.out = str(out)
    report.n_options, report.protocol = n_options, {"rl": PROTOCOLS["rl"]}
    rows = {"rl": rl_rows(samples, taxonomy, n_options=n_options, seed=seed, report=report)}
    write_outputs(out, "dermkg RL multiple-choice set", rows, report)
    return report


def build_evalsets(
    store: GraphStore,
    specs: list[DatasetSpec],
    out: Path,
    *,
    omnimedvqa: Path | None = None,
    omnimedvqa_images: Path | None = None,
    tasks: tuple[str, ...] = EVAL_TASKS,
    seed: int = 0,
    n_options: int = 4,
    user: str = "system",
    update_label_maps: bool = True,
    progress: bool = False,
    include_paper_excluded: bool = False,
) -> BuildReport:
    """Evaluation sets from the test splits (and OmniMedVQA for OOD), written atomically."""
    unknown = set(tasks) - set(EVAL_TASKS)
    if unknown:
        raise InputError(f"unknown eval task(s) {sorted(unknown)}; choose from {', '.join(EVAL_TASKS)}")
    if "ood" in tasks and omnimedvqa is None:
        raise InputError("the ood task needs --omnimedvqa PATH (OmniMedVQA or Med-R1 JSON)")
    if omnimedvqa is not None and not omnimedvqa.exists():
        raise InputError(f"--omnimedvqa: no such file or folder: {omnimedvqa}")
    samples, taxonomy, report = load_samples(
        store, specs, seed=seed, user=user, update_label_maps=update_label_maps, progress=progress
    )
    report.out = str(out)
    report.n_options = n_options
    report.protocol = {t: PROTOCOLS[t] for t in tasks}
    rows = {
        t: eval_rows(samples, taxonomy, t, n_options=n_options, seed=seed, report=report)
        for t in tasks
        if t != "ood"
    }
    if "ood" in tasks and omnimedvqa is not None:
        conditions = {}
        view = taxonomy.view
        for d in view.nodes.values():
            cond = malignancy(view, d.id).condition
            if cond:
                for name in (d.name, *d.synonyms):
                    conditions[name.lower()] = cond
        stems = {Path(m.sample.image).stem for m in samples}
        rows["ood"], ood = ood_rows(
            omnimedvqa,
            training_sources={s.name for s in specs},
            training_stems=stems,
            training_hashes={m.image_sha256 for m in samples if m.image_sha256},
            images_root=omnimedvqa_images,
            conditions=conditions,
            synonyms=taxonomy.same_diagnosis(),
            include_paper_excluded=include_paper_excluded,
        )
        report.protocol["ood"] = PROTOCOLS["ood"] if not include_paper_excluded else ood.protocol
        report.ood = ood.model_dump(exclude={"problems"})
        report.problems.extend(ood.problems[:50])
    write_outputs(out, "dermkg evaluation sets", rows, report)
    return report
