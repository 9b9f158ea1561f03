"""Build RL and evaluation sets from dataset folders and the curated graph (one call each).

Example:
    >>> with open_store() as store:  # doctest: +SKIP
    ...     build_datasets(store, [DatasetSpec(name="derm7pt", path=Path("derm7pt"))], Path("out/rl"))
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from dermkg.errors import InputError
from kg import algorithms as alg
from kg.store.base import GraphStore
from synth.datasets import mcq
from synth.datasets.adapters import ADAPTERS
from synth.datasets.labels import LabelReport, map_labels
from synth.datasets.options import OptionSpace
from synth.datasets.splits import LeakageReport, assign_splits, check_leakage, file_sha256
from synth.datasets.types import MappedSample, McqRow, Problem

log = logging.getLogger(__name__)
EVAL_TASKS = ("diagnosis", "lesion_condition", "ood", "hierarchical", "ddx")
_LISTED = 200


class DatasetSpec(BaseModel):
    name: str
    path: Path

    @classmethod
    def parse(cls, text: str) -> DatasetSpec:
        """``NAME=PATH`` as given on the command line."""
        name, sep, path = text.partition("=")
        if not sep or not path or name not in ADAPTERS:
            raise InputError(
                f"--dataset {text!r}: use NAME=PATH with NAME one of {', '.join(sorted(ADAPTERS))}"
            )
        if not Path(path).exists():  # a typo must not pass as an empty dataset
            raise InputError(f"--dataset {text!r}: no such file or folder: {path}")
        return cls(name=name, path=Path(path))


class DatasetSummary(BaseModel):
    rows_read: int = 0
    samples: int = 0
    used: int = 0
    problems: dict[str, int] = Field(default_factory=dict)
    labels: LabelReport
    splits: dict[str, int] = Field(default_factory=dict)


class BuildReport(BaseModel):
    out: str
    seed: int
    revision: int
    datasets: dict[str, DatasetSummary] = Field(default_factory=dict)
    tasks: dict[str, dict[str, int]] = Field(default_factory=dict)
    leakage: LeakageReport = Field(default_factory=LeakageReport)
    ood: dict | None = None
    protocol: dict[str, str] = Field(default_factory=dict)  # task -> how it was built (prompts.PROTOCOLS)
    n_options: int = 4
    skipped: dict[str, int] = Field(default_factory=dict)  # task -> samples that could not make a row
    problems: list[Problem] = Field(default_factory=list)  # the first ones, with file and line


def load_samples(
    store: GraphStore,
    specs: list[DatasetSpec],
    *,
    seed: int,
    user: str = "system",
    update_label_maps: bool = True,
    progress: bool = False,
) -> tuple[list[MappedSample], OptionSpace, BuildReport]:
    """Adapt, map labels through the graph, split, hash and leakage-check every dataset."""
    from tqdm import tqdm

    view = store.graph_view()
    taxonomy = OptionSpace(view, {d.id: d.codes for d in store.list_diagnoses() if d.id in view.nodes})
    report = BuildReport(out="", seed=seed, revision=store.revision())
    mapped: list[MappedSample] = []
    for spec in specs:
        result = ADAPTERS[spec.name](spec.path)
        labels = Counter(s.label for s in result.samples)
        label_map, label_report = map_labels(store, spec.name, labels, user=user, update=update_label_maps)
        summary = DatasetSummary(rows_read=result.rows_read, samples=len(result.samples), labels=label_report)
        problems = Counter(p.kind for p in result.problems)
        report.problems.extend(result.problems[: max(0, _LISTED - len(report.problems))])
        splits = assign_splits(result.samples, seed=seed)
        pairs = zip(result.samples, splits, strict=True)
        for sample, split in tqdm(pairs, total=len(splits), desc=spec.name, unit="img", disable=not progress):
            diagnosis = label_map.get(sample.label)
            if diagnosis is None:
                problems["unmapped_label" if sample.label in label_report.unmapped else "unknown_label"] += 1
                continue
            if not sample.image_exists:
                continue  # counted by the adapter as missing_image
            if diagnosis not in view:
                problems["diagnosis_not_accepted"] += 1
                continue
            diagnosis = view.resolve(diagnosis)
            path_ids = alg.disease_path(view, diagnosis)
            if not path_ids:
                problems["label_is_a_condition_class"] += 1  # "benign" names no disease
                continue
            condition = alg.malignancy(view, diagnosis).condition or sample.condition_hint
            if condition is None:
                problems["no_condition"] += 1
                continue
            mapped.append(
                MappedSample(
                    sample=sample,
                    diagnosis=diagnosis,
                    path=[taxonomy.display(i) for i in path_ids],
                    path_ids=path_ids,
                    lesion_condition=condition,
                    split=split,
                    image_sha256=file_sha256(sample.image),
                )
            )
            summary.used += 1
            summary.splits[split] = summary.splits.get(split, 0) + 1
        summary.problems = dict(sorted(problems.items()))
        report.datasets[spec.name] = summary
    report.leakage = check_leakage(
        (m.sample.dataset, m.sample.image, m.split, m.image_sha256) for m in mapped
    )
    mapped, report.leakage.removed = _drop_split_leaks(mapped)
    return mapped, taxonomy, report


def _drop_split_leaks(samples: list[MappedSample]) -> tuple[list[MappedSample], int]:
    """An image whose bytes are in train is dropped from valid / test (and valid from test)."""
    rank = {"train": 0, "valid": 1, "test": 2}
    best: dict[str, int] = {}
    for m in samples:
        if m.image_sha256:
            best[m.image_sha256] = min(best.get(m.image_sha256, 9), rank[m.split])
    kept = [m for m in samples if not m.image_sha256 or rank[m.split] == best[m.image_sha256]]
    return kept, len(samples) - len(kept)


def pools(samples: list[MappedSample], taxonomy: OptionSpace) -> tuple[dict[str, list[str]], list[str]]:
    """Option pools: every clinical diagnosis on a disease path of each dataset, and every clinical
    diagnosis of the taxonomy (categories are never options)."""
    per: dict[str, set[str]] = {}
    for m in samples:
        per.setdefault(m.sample.dataset, set()).update(
            name for name, i in zip(m.path, m.path_ids, strict=True) if i not in taxonomy.categories
        )
    return {k: sorted(v) for k, v in per.items()}, taxonomy.names


def rl_rows(
    samples: list[MappedSample], taxonomy: OptionSpace, *, n_options: int, seed: int, report: BuildReport
) -> list[McqRow]:
    per, everything = pools(samples, taxonomy)
    rng = random.Random(seed)
    built = (
        mcq.rl_row(
            m,
            dataset_pool=per[m.sample.dataset],
            global_pool=everything,
            n_options=n_options,
            seed=seed,
            rng=rng,
            rid=rid,
            exclude=taxonomy.excluded(m.diagnosis),
            key=taxonomy.key,
            related=taxonomy.related_keys,
            levels=[i for i, d in enumerate(m.path_ids) if d not in taxonomy.categories],
        )
        for rid, m in sorted(((mcq.row_id("rl", m), m) for m in samples), key=lambda pair: pair[0])
    )
    return _kept(built, "rl", report)


def eval_rows(
    samples: list[MappedSample],
    taxonomy: OptionSpace,
    task: str,
    *,
    n_options: int,
    seed: int,
    report: BuildReport,
) -> list[McqRow]:
    """Rows of one evaluation task from the test split; an item that cannot get ``n_options``
    options is dropped and counted in ``report.skipped[task]``."""
    per, everything = pools(samples, taxonomy)
    built = (
        _eval_row(m, task, (per[m.sample.dataset], everything), taxonomy, n_options=n_options, seed=seed)
        for m in samples
        if m.split == "test"
    )
    return _kept(built, task, report)


def _eval_row(
    m: MappedSample,
    task: str,
    option_pools: tuple[list[str], list[str]],
    taxonomy: OptionSpace,
    *,
    n_options: int,
    seed: int,
) -> McqRow | None:
    exclude, key, related = taxonomy.excluded(m.diagnosis), taxonomy.key, taxonomy.related_keys
    if task == "lesion_condition":
        return mcq.condition_row(m, seed=seed)
    if task == "hierarchical":
        levels = [i for i, d in enumerate(m.path_ids) if d not in taxonomy.categories]
        level = mcq.hierarchical_level(m, levels, seed)
        same_depth = [[n for n in pool if taxonomy.depth.get(n) == level + 1] for pool in option_pools]
        return mcq.hierarchical_row(
            m,
            n_options=n_options,
            seed=seed,
            pools=(*same_depth, *option_pools),
            exclude=exclude | taxonomy.excluded(m.path_ids[level]),
            key=key,
            level=level,
            related=related,
        )
    # diagnosis: the dataset's labels, then the taxonomy's; ddx: the label's accepted DDx neighbours
    pools = option_pools if task == "diagnosis" else (sorted(set(taxonomy.ddx_names(m.diagnosis))),)
    return mcq.finest_label_row(
        task, m, pools, n_options=n_options, seed=seed, exclude=exclude, key=key, related=related
    )


def _kept(built: Iterable[McqRow | None], task: str, report: BuildReport) -> list[McqRow]:
    """The rows built; a sample that could not get its options (None) is counted and logged as skipped."""
    rows, skipped = [], 0
    for row in built:
        if row is None:
            skipped += 1
        else:
            rows.append(row)
    if skipped:
        report.skipped[task] = report.skipped.get(task, 0) + skipped
        log.info("%s: %d samples skipped, they could not get the configured options", task, skipped)
    return rows
