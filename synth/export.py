"""Write a trajectory export: JSONL, content-addressed images, a Hugging Face ``datasets`` folder in
TRL's vision-language SFT format, and a dataset card — all or nothing.

The folder is built beside the target and swapped in with renames, so a failed run leaves the
previous export intact (and never a half-written one).
"""

from __future__ import annotations

import json
import logging
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

from dermkg.files import write_jsonl
from dermkg.images import ImageRejectedError, verify_image
from kg.ids import sha256_file
from synth.regeneration import MANIFEST_FILE, QUEUE_FILE, ROWS_FILE
from synth.types import TrajectoryRow

HF_DIR = "hf"
IMAGES_DIR = "images"
SPLITS = ("train", "validation", "test")

log = logging.getLogger(__name__)


_OFFICIAL = {"train": "train", "valid": "validation", "validation": "validation", "test": "test"}


def split_of(
    image_sha256: str, test_fraction: float, validation_fraction: float, official: str | None = None
) -> str:
    """Split by image: the dataset's official split when its case records one (the same split the
    RL / eval sets use), else from the image hash alone. Either way an image never lands in two
    splits, and a row keeps its split across regenerations."""
    if official in _OFFICIAL:
        return _OFFICIAL[official]
    u = int(image_sha256[:12], 16) / float(1 << 48)
    if u < test_fraction:
        return "test"
    if u < test_fraction + validation_fraction:
        return "validation"
    return "train"


def resolve_image(path: str, roots: list[Path]) -> Path | None:
    p = Path(path)
    if p.is_absolute():
        return p if p.is_file() else None
    for root in roots:
        if (root / p).is_file():
            return root / p
    return None


def copy_images(
    rows: list[TrajectoryRow], dest: Path, roots: list[Path], previous: Path | None
) -> tuple[dict[str, Path], list[str]]:
    """Copy each distinct image once, named by its content hash; returns (sha -> file, warnings)."""
    dest.mkdir(parents=True, exist_ok=True)
    stored: dict[str, Path] = {}
    warnings: list[str] = []
    failed: set[str] = set()
    for row in rows:
        sha = row.image_sha256
        if sha in stored or sha in failed:
            continue
        failed.add(sha)  # until copied
        suffix = Path(row.image_path).suffix.lower() or ".jpg"
        cached = previous / IMAGES_DIR / f"{sha}{suffix}" if previous else None
        if cached is not None and cached.is_file():
            src: Path | None = cached
        else:
            src = resolve_image(row.image_path, roots)
            if src is not None and sha256_file(str(src)) != sha:
                warnings.append(f"image {src} does not match its recorded sha256 {sha[:12]}; rows skipped")
                log.warning(warnings[-1])
                continue
        if src is None:
            warnings.append(f"image {sha[:12]} not found at {row.image_path!r}; rows skipped")
            log.warning(warnings[-1])
            continue
        try:  # never copy a non-image (a case recorded before images were checked, a swapped file)
            verify_image(src)
        except ImageRejectedError as exc:
            warnings.append(f"case image {sha[:12]} rejected: {exc}; rows skipped")
            continue
        out = dest / f"{sha}{suffix}"
        shutil.copyfile(src, out)
        stored[sha] = out
        failed.discard(sha)
    return stored, warnings


def conversation(row: TrajectoryRow) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """TRL vision-language SFT: conversational prompt (image + instruction) and completion."""
    prompt = [
        {
            "role": "user",
            "content": [{"type": "image", "text": None}, {"type": "text", "text": row.prompt}],
        }
    ]
    completion = [{"role": "assistant", "content": [{"type": "text", "text": row.completion}]}]
    return prompt, completion


def write_rows(path: Path, rows: list[TrajectoryRow], splits: dict[str, str] | None = None) -> None:
    """Trajectory rows as JSONL, with their split when given."""
    write_jsonl(
        path,
        (
            row.model_dump(mode="json") | ({"split": splits[row.id]} if splits is not None else {})
            for row in rows
        ),
    )


def write_hf(dest: Path, rows: list[TrajectoryRow], splits: dict[str, str], images: dict[str, Path]) -> None:
    """``DatasetDict.save_to_disk`` with columns prompt, completion, images (+ id, type, diagnosis)."""
    import datasets

    features = datasets.Features(
        {
            "id": datasets.Value("string"),
            "type": datasets.Value("string"),
            "diagnosis": datasets.Value("string"),
            "image_sha256": datasets.Value("string"),
            "prompt": [
                {
                    "role": datasets.Value("string"),
                    "content": [{"type": datasets.Value("string"), "text": datasets.Value("string")}],
                }
            ],
            "completion": [
                {
                    "role": datasets.Value("string"),
                    "content": [{"type": datasets.Value("string"), "text": datasets.Value("string")}],
                }
            ],
            "images": [datasets.Image()],
        }
    )
    # columns built straight into Arrow (C++ conversion): Dataset.from_list encodes row by row in
    # Python, which was most of the export's time at 10,000 rows
    import pyarrow as pa
    from datasets.table import InMemoryTable

    schema = features.arrow_schema
    blobs: dict[str, dict[str, Any]] = {}
    parts: dict[str, list[TrajectoryRow]] = {s: [] for s in SPLITS}
    for row in rows:
        parts[splits[row.id]].append(row)
        if row.image_sha256 not in blobs:
            path = images[row.image_sha256]
            blobs[row.image_sha256] = {"bytes": path.read_bytes(), "path": path.name}

    def table(items: list[TrajectoryRow]) -> InMemoryTable:
        talks = [conversation(r) for r in items]
        columns = {
            "id": [r.id for r in items],
            "type": [r.type for r in items],
            "diagnosis": [r.diagnosis_name for r in items],
            "image_sha256": [r.image_sha256 for r in items],
            "prompt": [t[0] for t in talks],
            "completion": [t[1] for t in talks],
            "images": [[blobs[r.image_sha256]] for r in items],
        }
        arrays = [pa.array(columns[f.name], type=f.type) for f in schema]
        return InMemoryTable(pa.Table.from_arrays(arrays, schema=schema))

    info = datasets.DatasetInfo(features=features)
    dd = datasets.DatasetDict(
        {s: datasets.Dataset(table(items), info=info) for s, items in parts.items() if items}
    )
    dd.save_to_disk(str(dest))


def dataset_card(
    rows: list[TrajectoryRow], splits: dict[str, str], manifest: dict[str, Any], licences: dict[str, str]
) -> str:
    """README.md: counts by type, split and diagnosis, the graph revision, the sources' licences."""
    by_type = Counter(r.type for r in rows)
    by_split = Counter(splits.values())
    by_dx = Counter(r.diagnosis_name for r in rows)
    lines = [
        "---",
        "license: other",
        "task_categories: [image-text-to-text]",
        "tags: [dermatology, reasoning, skin-r1, dermkg]",
        "---",
        "",
        "# dermkg grounded reasoning trajectories",
        "",
        "Skin-R1 style SFT trajectories (Types 1-3, arXiv 2511.14900) synthesised by dermkg from the",
        f"curated knowledge graph at **revision {manifest['revision']}** "
        f"(comparator: `{manifest['options']['comparator']}`, seed {manifest['options']['seed']}).",
        "Format: TRL vision-language SFT (`prompt`/`completion` conversations + `images`);",
        "every row's provenance is in `trajectories.jsonl`.",
        "",
        "## Counts by type",
        "",
        "| type | rows |",
        "|---|---|",
        *[f"| {t} | {n} |" for t, n in sorted(by_type.items())],
        "",
        "## Counts by split (split by image)",
        "",
        "| split | rows |",
        "|---|---|",
        *[f"| {s} | {by_split.get(s, 0)} |" for s in SPLITS],
        "",
        "## Counts by diagnosis",
        "",
        "| diagnosis | rows |",
        "|---|---|",
        *[f"| {d} | {n} |" for d, n in sorted(by_dx.items(), key=lambda kv: (-kv[1], kv[0]))],
        "",
        "## Validation",
        "",
        *validation_lines(manifest["report"]),
        "",
        "## Sources and licences",
        "",
        "Images and rationales keep the licences of their sources; check them before any redistribution.",
        "",
        "| source | licence |",
        "|---|---|",
        *[f"| {s} | {lic} |" for s, lic in sorted(licences.items())],
        "",
    ]
    return "\n".join(lines)


def validation_lines(report: dict[str, Any]) -> list[str]:
    """The validator's figures for the card: rows checked, passed, rejected by reason, examples,
    and what planning could not write honestly (pairs no accepted finding separates)."""
    v = report.get("validation", {})
    reasons = {k: n for k, n in v.items() if k not in ("rows", "passed", "rejected")}
    lines = [
        "Every diagnosis-level sentence of a target is an accepted finding assertion listed in the row's "
        "provenance; observations are the image's own; random partners are never called differentials.",
        "",
        f"{v.get('passed', 0)} of {v.get('rows', 0)} rows passed the validator; {v.get('rejected', 0)} were "
        f"rejected ({report.get('queued_for_review', 0)} listed in rejected.jsonl with their reasons, "
        f"{report.get('dropped', 0)} dropped).",
    ]
    if reasons:
        lines += [
            "",
            "| rejection reason | rows |",
            "|---|---|",
            *[f"| {k} | {n} |" for k, n in sorted(reasons.items())],
        ]
    for example in report.get("validation_examples", [])[:3]:
        lines.append(f"- `{example}`")
    planned = report.get("dropped_reasons", {})
    if planned or report.get("skipped_random_pairs"):
        lines += ["", "Not written at planning (nothing true could be said):", ""]
        lines += [f"- {reason}: {n}" for reason, n in sorted(planned.items())]
        if report.get("skipped_random_pairs"):
            lines.append(f"- no DDx neighbour (--fallback skip): {report['skipped_random_pairs']}")
        lines.append(f"- rows without a taxonomy sentence: {report.get('without_taxonomy', 0)}")
    return lines


def write_export(
    out: Path,
    rows: list[TrajectoryRow],
    queued: list[TrajectoryRow],
    splits: dict[str, str],
    images: dict[str, Path],
    manifest: dict[str, Any],
    licences: dict[str, str],
    *,
    staging: Path,
    hf: bool = True,
) -> None:
    """Fill ``staging`` (from :func:`atomic_dir`) with every file of the export."""
    write_rows(staging / ROWS_FILE, rows, splits)
    write_rows(staging / QUEUE_FILE, queued)
    if hf and rows:
        write_hf(staging / HF_DIR, rows, splits, images)
    (staging / "README.md").write_text(dataset_card(rows, splits, manifest, licences), "utf-8")
    (staging / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2, sort_keys=True), "utf-8")
