"""Shared helpers of the adapters: CSV rows with line numbers, an image index of a folder."""

from __future__ import annotations

import csv
import os
from collections.abc import Iterator
from pathlib import Path

from dermkg.images import ImageRejectedError, check_dataset_image
from synth.datasets.types import AdapterResult, Problem

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"}


def read_csv(path: Path, result: AdapterResult) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows with their line numbers; an unreadable file becomes a Problem, not a crash."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            for row in reader:
                result.rows_read += 1
                yield reader.line_num, {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        result.problems.append(
            Problem(dataset=result.dataset, location=str(path), kind="unreadable", detail=str(exc))
        )


def require(row: dict[str, str], fields: tuple[str, ...], loc: str, result: AdapterResult) -> bool:
    missing = [f for f in fields if not row.get(f)]
    if missing:
        result.problems.append(
            Problem(
                dataset=result.dataset,
                location=loc,
                kind="malformed_row",
                detail=f"empty {', '.join(missing)}",
            )
        )
        return False
    return True


def pick(row: dict[str, str], names: tuple[str, ...]) -> str:
    for name in names:
        if row.get(name):
            return row[name]
    return ""


class ImageIndex:
    """Every image under a folder, found by file name or stem (datasets split images into parts)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.by_name: dict[str, str] = {}
        self.by_stem: dict[str, str] = {}
        if root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames.sort()
                for name in sorted(filenames):
                    if Path(name).suffix.lower() in IMAGE_SUFFIXES:
                        full = str(Path(dirpath, name).resolve())
                        self.by_name.setdefault(name, full)
                        self.by_stem.setdefault(Path(name).stem, full)

    def find(self, name: str) -> tuple[str, bool]:
        """(absolute path, exists); a missing image gets its expected path under the root."""
        hit = self.by_name.get(Path(name).name) or self.by_stem.get(Path(name).stem if "." in name else name)
        if hit:
            return hit, True
        return str((self.root / name).resolve()), False

    def find_checked(self, name: str, result: AdapterResult, loc: str) -> tuple[str, bool]:
        """:meth:`find`, then the image checked (inside the root, a real image within the pixel
        limit); a rejected one is a ``rejected_image`` Problem and counts as not existing."""
        path, exists = self.find(name)
        if exists:
            return path, checked_image(self.root, path, result, loc)
        return path, False


def checked_image(root: Path, path: str | Path, result: AdapterResult, loc: str) -> bool:
    """Whether ``path`` is a usable image of the dataset at ``root``; a Problem says why not."""
    try:
        check_dataset_image(root, path)
    except ImageRejectedError as exc:
        if "image not found" in str(exc):
            return False
        result.problems.append(
            Problem(dataset=result.dataset, location=loc, kind="rejected_image", detail=str(exc))
        )
        return False
    return True


def first_csv(root: Path, preferred: tuple[str, ...]) -> Path | None:
    if root.is_file():
        return root
    for name in preferred:
        if (root / name).is_file():
            return root / name
    found = sorted(root.glob("*.csv"))
    return found[0] if found else None
