"""Adapters: each public dataset read in its own published layout into :class:`Sample` rows.

A missing image, a malformed metadata row or an unreadable file becomes a :class:`Problem` with
file and line; the adapter goes on with the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kg.importers.cases import derm7pt_splits
from synth.datasets._io import ImageIndex, checked_image, first_csv, pick, read_csv, require
from synth.datasets.types import AdapterResult, LesionCondition, Problem, Sample, Split

_SPLIT_NAMES: dict[str, Split] = {
    "train": "train",
    "training": "train",
    "val": "valid",
    "valid": "valid",
    "validation": "valid",
    "test": "test",
    "testing": "test",
}
_CONDITION: dict[str, LesionCondition] = {
    "benign": "benign",
    "malignant": "malignant",
    "non-neoplastic": "benign",
    "premalignant": "precancerous in situ",
    "precancerous": "precancerous in situ",
}


def _split_of(value: str) -> Split | None:
    return _SPLIT_NAMES.get(value.strip().lower()) if value else None


def _missing(result: AdapterResult, loc: str, image: str) -> None:
    result.problems.append(Problem(dataset=result.dataset, location=loc, kind="missing_image", detail=image))


def _rejected(result: AdapterResult, loc: str) -> bool:
    """Whether the row at ``loc`` was just reported as a rejected image (not a missing one)."""
    return (
        bool(result.problems)
        and result.problems[-1].location == loc
        and result.problems[-1].kind == "rejected_image"
    )


def _no_metadata(result: AdapterResult, root: Path, expected: str) -> AdapterResult:
    result.problems.append(
        Problem(dataset=result.dataset, location=str(root), kind="unreadable", detail=f"no {expected} found")
    )
    return result


def _tabular(
    dataset: str,
    root: Path,
    metadata: tuple[str, ...],
    image_cols: tuple[str, ...],
    label_cols: tuple[str, ...],
    group_cols: tuple[str, ...],
    image_suffix: str = "",
    split_col: str = "split",
    condition_col: str | None = None,
) -> AdapterResult:
    result = AdapterResult(dataset=dataset)
    meta = first_csv(root, metadata)
    if meta is None:
        return _no_metadata(result, root, " or ".join(metadata))
    images = ImageIndex(root if root.is_dir() else root.parent)
    for line, row in read_csv(meta, result):
        loc = f"{meta.name}:{line}"
        image, label = pick(row, image_cols), pick(row, label_cols)
        if not image or not label:
            require({"image": image, "label": label}, ("image", "label"), loc, result)
            continue
        path, exists = images.find_checked(image if Path(image).suffix else image + image_suffix, result, loc)
        if not exists and not _rejected(result, loc):
            _missing(result, loc, image)
        result.samples.append(
            Sample(
                dataset=dataset,
                image=path,
                ref=image,
                image_exists=exists,
                label=label,
                group=pick(row, group_cols) or None,
                split=_split_of(row.get(split_col, "")),
                location=loc,
                condition_hint=_CONDITION.get(row.get(condition_col or "", "").lower())
                if condition_col
                else None,
            )
        )
    return result


def read_ham10000(root: Path) -> AdapterResult:
    """``HAM10000_metadata.csv`` (lesion_id, image_id, dx, ...), images in any subfolder.

    Grouped by lesion_id (several images of one lesion never straddle splits)."""
    return _tabular(
        "ham10000",
        root,
        ("HAM10000_metadata.csv", "HAM10000_metadata"),
        ("image_id",),
        ("dx",),
        ("lesion_id",),
        ".jpg",
    )


def read_bcn20000(root: Path) -> AdapterResult:
    """BCN20000 metadata CSV (``bcn_filename`` or ``isic_id``, ``diagnosis``, ``lesion_id`` / ``patient_id``,
    optional ``split``)."""
    return _tabular(
        "bcn20000",
        root,
        ("bcn20000_metadata.csv", "bcn_20k_train.csv", "metadata.csv"),
        ("bcn_filename", "isic_id", "image_id", "image"),
        ("diagnosis", "dx", "label"),
        ("lesion_id", "patient_id"),
        ".jpg",
    )


def read_pad_ufes20(root: Path) -> AdapterResult:
    """PAD-UFES-20 ``metadata.csv`` (patient_id, lesion_id, diagnostic, img_id); grouped by patient."""
    return _tabular("pad_ufes20", root, ("metadata.csv",), ("img_id",), ("diagnostic",), ("patient_id",))


def read_fitzpatrick17k(root: Path) -> AdapterResult:
    """``fitzpatrick17k.csv`` (md5hash, label, three_partition_label); images ``<md5hash>.jpg``."""
    return _tabular(
        "fitzpatrick17k",
        root,
        ("fitzpatrick17k.csv",),
        ("md5hash",),
        ("label",),
        ("md5hash",),
        ".jpg",
        condition_col="three_partition_label",
    )


def read_derm12345(root: Path) -> AdapterResult:
    """DERM12345 metadata CSV(s) with its 5 / 15 / 40 hierarchy (super_class, malignancy, main_class_1,
    main_class_2, sub_class, label); the official split from a ``split`` column or the file name."""
    result = AdapterResult(dataset="derm12345")
    files = [root] if root.is_file() else sorted(root.glob("*.csv"))
    if not files:
        return _no_metadata(result, root, "metadata CSV")
    images = ImageIndex(root if root.is_dir() else root.parent)
    for meta in files:
        file_split = next((s for k, s in _SPLIT_NAMES.items() if k in meta.stem.lower().split("_")), None)
        for line, row in read_csv(meta, result):
            loc = f"{meta.name}:{line}"
            image = pick(row, ("image_id", "image", "isic_id", "file_name"))
            label = pick(row, ("sub_class", "label"))
            if not image or not label:
                require({"image": image, "sub_class": label}, ("image", "sub_class"), loc, result)
                continue
            path, exists = images.find_checked(image if Path(image).suffix else image + ".jpg", result, loc)
            if not exists and not _rejected(result, loc):
                _missing(result, loc, image)
            result.samples.append(
                Sample(
                    dataset="derm12345",
                    image=path,
                    ref=image,
                    image_exists=exists,
                    label=label,
                    group=pick(row, ("lesion_id", "patient_id")) or None,
                    split=_split_of(row.get("split", "")) or file_split,
                    location=loc,
                    condition_hint=_CONDITION.get(row.get("malignancy", "").lower()),
                )
            )
    return result


def read_derm7pt(root: Path) -> AdapterResult:
    """``meta/meta.csv`` + ``images/``; official split from the split index files (Derm7pt+ asymmetric
    variant, or the original ``meta/{train,valid,test}_indexes.csv``)."""
    result = AdapterResult(dataset="derm7pt")
    meta = root / "meta" / "meta.csv"
    if not meta.is_file():
        return _no_metadata(result, root, "meta/meta.csv")
    splits = derm7pt_splits(root)
    for line, row in read_csv(meta, result):
        loc = f"meta.csv:{line}"
        if not require(row, ("diagnosis", "derm"), loc, result):
            continue
        image = root / "images" / row["derm"]
        exists = checked_image(root, image, result, loc)
        if not exists and not _rejected(result, loc):
            _missing(result, loc, row["derm"])
        index = line - 2
        result.samples.append(
            Sample(
                dataset="derm7pt",
                image=str(image.resolve()),
                ref=row["derm"],
                image_exists=exists,
                label=row["diagnosis"],
                group=row["derm"],
                split=splits.get(index),  # type: ignore[arg-type]  # train / valid / test
                location=loc,
            )
        )
    return result


def read_dermnet(root: Path) -> AdapterResult:
    """A folder per class (``<root>/<class>/*.jpg``), or ``<root>/{train,test}/<class>/*.jpg`` with the
    official split taken from the top folder. Class names come from the folders, never a list."""
    from synth.datasets._io import IMAGE_SUFFIXES

    result = AdapterResult(dataset="dermnet")
    if not root.is_dir():
        return _no_metadata(result, root, "class folders")
    tops = sorted(p for p in root.iterdir() if p.is_dir())
    layout = (
        [(t, _split_of(t.name)) for t in tops]
        if tops and all(_split_of(t.name) for t in tops)
        else [(root, None)]
    )
    for base, split in layout:
        for class_dir in sorted(p for p in base.iterdir() if p.is_dir()):
            files = sorted(f for f in class_dir.iterdir() if f.suffix.lower() in IMAGE_SUFFIXES)
            if not files:
                result.problems.append(
                    Problem(
                        dataset="dermnet",
                        location=str(class_dir),
                        kind="malformed_row",
                        detail="class folder without images",
                    )
                )
            for f in files:
                result.rows_read += 1
                loc = f"{base.name}/{class_dir.name}/{f.name}"
                if not checked_image(root, f, result, loc):
                    continue
                result.samples.append(
                    Sample(
                        dataset="dermnet",
                        image=str(f.resolve()),
                        ref=loc,
                        image_exists=True,
                        label=class_dir.name,
                        group=f.stem,
                        split=split,
                        location=loc,
                    )
                )
    return result


ADAPTERS: dict[str, Callable[[Path], AdapterResult]] = {
    "ham10000": read_ham10000,
    "bcn20000": read_bcn20000,
    "pad_ufes20": read_pad_ufes20,
    "derm12345": read_derm12345,
    "derm7pt": read_derm7pt,
    "dermnet": read_dermnet,
    "fitzpatrick17k": read_fitzpatrick17k,
}
