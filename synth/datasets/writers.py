"""Writers: JSONL per split, a Hugging Face ``datasets`` folder and a dataset card, atomically.

The output folder is built beside the target and swapped in at the end, so a failed run leaves the
previous output intact. Everything is sorted and fingerprinted from content: the same seed gives
byte-identical files.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dermkg.files import write_jsonl
from synth.datasets.types import McqRow

SPLITS = ("train", "valid", "test")


def _hf_dataset(rows: list[dict[str, Any]], target: Path) -> None:
    """Save with a content fingerprint so ``state.json`` does not change between identical runs.

    ``options`` / ``option_scores`` are stored as JSON strings: Arrow would turn dicts with varying
    letters into structs padded with nulls."""
    import datasets
    import pyarrow as pa

    datasets.disable_progress_bars()

    flat = [
        {
            **r,
            "options": json.dumps(r["options"], ensure_ascii=False),
            "option_scores": json.dumps(r["option_scores"]),
        }
        for r in rows
    ]
    fingerprint = hashlib.sha256(json.dumps(flat, sort_keys=True).encode()).hexdigest()[:16]
    table = pa.Table.from_pylist(flat) if flat else pa.table({"id": pa.array([], pa.string())})
    datasets.Dataset(table, fingerprint=fingerprint).save_to_disk(str(target))


def write_task(out: Path, name: str, rows: list[McqRow]) -> dict[str, int]:
    """``<out>/<name>/{train,valid,test}.jsonl`` and ``<out>/<name>/hf/<split>``; returns counts."""
    folder = out / name
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    dumped = [r.model_dump(mode="json") for r in sorted(rows, key=lambda r: r.id)]
    for split in SPLITS:
        part = [r for r in dumped if r["split"] == split]
        if not part:
            continue
        counts[split] = len(part)
        write_jsonl(folder / f"{split}.jsonl", part)
        _hf_dataset(part, folder / "hf" / split)
    return counts


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True, indent=2) + "\n", encoding="utf-8")


def write_card(path: Path, title: str, sections: list[tuple[str, Callable[[], list[str]]]]) -> None:
    lines = [f"# {title}", ""]
    for heading, body in sections:
        lines += [f"## {heading}", "", *body(), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
