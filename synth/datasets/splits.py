"""Splits (official where published, else seeded 6:2:2 grouped by patient / lesion) and the
leakage check by image content hash, across splits and across datasets."""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Iterable

from pydantic import BaseModel, Field

from synth.datasets.types import Sample, Split

RATIOS: tuple[tuple[Split, float], ...] = (("train", 0.6), ("valid", 0.2), ("test", 0.2))


def assign_splits(samples: list[Sample], *, seed: int) -> list[Split]:
    """The official split of each sample, else a seeded grouped 6:2:2 split (no group in two splits).

    Groups are shuffled with ``random.Random(seed)`` after sorting, so the result depends only on
    the seed and the data, not on file order."""
    groups: dict[str, list[int]] = defaultdict(list)
    out: list[Split | None] = [s.split for s in samples]
    for i, s in enumerate(samples):
        if s.split is None:
            groups[f"{s.dataset}\x1f{s.group or s.ref}"].append(i)
    keys = sorted(groups)
    random.Random(seed).shuffle(keys)
    total = sum(len(groups[k]) for k in keys)
    done = 0
    for key in keys:
        position = done / total if total else 0.0
        split: Split = "train" if position < 0.6 else "valid" if position < 0.8 else "test"
        for i in groups[key]:
            out[i] = split
        done += len(groups[key])
    return [s or "train" for s in out]


def file_sha256(path: str) -> str | None:
    try:
        h = hashlib.sha256()
        with open(path, "rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
        return h.hexdigest()
    except OSError:
        return None


class Leak(BaseModel):
    image_sha256: str
    occurrences: list[str]  # "dataset/split:image"


class LeakageReport(BaseModel):
    images_hashed: int = 0
    across_splits: list[Leak] = Field(default_factory=list)
    across_datasets: list[Leak] = Field(default_factory=list)
    removed: int = 0  # rows dropped from valid / test because their image is in train


def check_leakage(items: Iterable[tuple[str, str, Split, str | None]]) -> LeakageReport:
    """``items`` are (dataset, image, split, sha256). Same bytes in two splits, or in two datasets,
    is a leak."""
    by_hash: dict[str, list[tuple[str, str, Split]]] = defaultdict(list)
    report = LeakageReport()
    for dataset, image, split, sha in items:
        if sha:
            report.images_hashed += 1
            by_hash[sha].append((dataset, image, split))
    for sha, seen in sorted(by_hash.items()):
        where = [f"{d}/{s}:{i}" for d, i, s in seen]
        if len({s for _, _, s in seen}) > 1:
            report.across_splits.append(Leak(image_sha256=sha, occurrences=where))
        if len({d for d, _, _ in seen}) > 1:
            report.across_datasets.append(Leak(image_sha256=sha, occurrences=where))
    return report
