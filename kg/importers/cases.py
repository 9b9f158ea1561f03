"""Labelled images as cases: Derm7pt (image, diagnosis, 7-point-checklist criteria) and CSV.

Images are referenced by path and identified by content sha256; rows whose image is missing or
whose label maps to no diagnosis are skipped and counted, never silently dropped. Labels resolve
through the dataset's label map in the graph first, then by name.
"""

from __future__ import annotations

import csv
import logging
from collections import Counter
from pathlib import Path

from dermkg.errors import InputError
from dermkg.images import ImageRejectedError, check_dataset_image
from kg.ids import case_id, sha256_file
from kg.importers.types import ImportReport, SkippedItem
from kg.models import Case, Evidence, Source
from kg.store.base import GraphStore

CHECKLIST = (
    "pigment_network",
    "streaks",
    "pigmentation",
    "regression_structures",
    "dots_and_globules",
    "blue_whitish_veil",
    "vascular_structures",
)

log = logging.getLogger(__name__)
_MAX_LISTED = 50


def checklist_rationale(row: dict[str, str]) -> str:
    """The 7-point-checklist criteria of a Derm7pt row as one plain sentence per finding."""
    findings = []
    for field in CHECKLIST:
        value = (row.get(field) or "").strip()
        label = field.replace("_", " ")
        if not value or value == "absent":
            findings.append(f"{label}: absent")
        else:
            findings.append(f"{label}: {value.replace('_', ' ')}")
    text = "Dermoscopy (7-point checklist): " + "; ".join(findings) + "."
    extras = [f"{k}: {row[k].strip()}" for k in ("elevation", "location") if (row.get(k) or "").strip()]
    if extras:
        text += " Lesion " + ", ".join(extras) + "."
    if (row.get("seven_point_score") or "").strip():
        text += f" 7-point score {row['seven_point_score'].strip()}."
    return text


class _LabelResolver:
    def __init__(self, store: GraphStore, dataset: str) -> None:
        self.store = store
        self.mapped = {m.label: m.diagnosis for m in store.get_label_map(dataset) if m.status == "accepted"}
        self.cache: dict[str, str | None] = {}

    def __call__(self, label: str) -> str | None:
        if label in self.mapped:
            return self.mapped[label]
        if label not in self.cache:
            found = self.store.resolve_name(label)
            self.cache[label] = found.id if found else None
        return self.cache[label]


def _read_csv(path: Path) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            return [(reader.line_num, row) for row in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read CSV: {exc}", location=str(path)) from None


def _split_indexes(path: Path) -> list[int]:
    """The ``indexes`` column of a Derm7pt split file; a missing column or a non-integer index is an
    InputError naming the file and line (the split decides what is test data: never guessed)."""
    indexes = []
    for line, row in _read_csv(path):
        if "indexes" not in row:
            raise InputError(f"no 'indexes' column (columns: {sorted(row)[:5]})", location=f"{path}:1")
        value = (row["indexes"] or "").strip()
        if not value.isdigit() or len(value) > 9:
            raise InputError(f"index {value[:20]!r} is not a row number", location=f"{path}:{line}")
        indexes.append(int(value))
    return indexes


def derm7pt_splits(root: Path, variant: str = "asymmetric") -> dict[int, str]:
    """Official split (train / valid / test) of each meta.csv data row (0-based), from the split index
    files (Derm7pt+ ``splits/{variant}_*_indexes_filtered.csv``, or the original ``meta/*_indexes.csv``)."""
    out: dict[int, str] = {}
    for name in ("train", "valid", "test"):
        for candidate in (
            root / "splits" / f"{variant}_{name}_indexes_filtered.csv",
            root / "meta" / f"{name}_indexes.csv",
        ):
            if candidate.is_file():
                out |= {index: name for index in _split_indexes(candidate)}
                break
    return out


def _derm7pt_rows(path: Path) -> tuple[Path, Path, list[tuple[int, str, Path, str | None, dict]]]:
    meta = path / "meta" / "meta.csv" if path.is_dir() else path
    root = meta.parent.parent if meta.parent.name == "meta" else meta.parent
    splits = derm7pt_splits(root)  # kept on the case, so trajectories and eval sets split alike
    rows = []
    for line, row in _read_csv(meta):
        if "diagnosis" not in row or "derm" not in row:
            raise InputError("Derm7pt meta.csv needs 'diagnosis' and 'derm' columns", location=f"{meta}:1")
        info = {
            k: v
            for k, v in row.items()
            if k
            in {
                "seven_point_score",
                "elevation",
                "location",
                "sex",
                "management",
                "level_of_diagnostic_difficulty",
            }
        }
        info |= {"row": line - 2, "derm": row["derm"], **{k: row.get(k) for k in CHECKLIST}}
        if line - 2 in splits:
            info["split"] = splits[line - 2]
        rows.append(
            (line, row["diagnosis"].strip(), root / "images" / row["derm"], checklist_rationale(row), info)
        )
    return meta, root, rows


def _csv_case_rows(path: Path) -> tuple[Path, Path, list[tuple[int, str, Path, str | None, dict]]]:
    rows = []
    for line, row in _read_csv(path):
        if not (row.get("image") or "").strip() or not (row.get("diagnosis") or "").strip():
            raise InputError("a case row needs 'image' and 'diagnosis'", location=f"{path}:{line}")
        image = Path(row["image"].strip())
        extra = {k: v for k, v in row.items() if k not in {"image", "diagnosis", "rationale"} and v}
        rows.append(
            (
                line,
                row["diagnosis"].strip(),
                image if image.is_absolute() else path.parent / image,
                (row.get("rationale") or "").strip() or None,
                extra,
            )
        )
    return path, path.parent, rows


def import_cases(store: GraphStore, fmt: str, path: str | Path, *, user: str = "system") -> ImportReport:
    """Import ``derm7pt`` (the dataset folder or its meta.csv) or ``csv`` (image, diagnosis,
    rationale?, ...) cases in one transaction; rows that cannot be imported are reported."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"no such file or folder: {path}")
    if fmt == "derm7pt":
        meta, root, rows = _derm7pt_rows(path)
        dataset, title, licence = (
            "derm7pt",
            "Derm7pt metadata (meta/meta.csv)",
            "MIT (metadata); images CC BY-NC-ND 4.0",
        )
    elif fmt == "csv":
        meta, root, rows = _csv_case_rows(path)
        dataset, title, licence = meta.stem, f"case list {meta.name}", None
    else:
        raise InputError(f"unknown case format {fmt!r}; use derm7pt or csv")
    source = Source(
        sha256=sha256_file(str(meta)), title=title, licence=licence, path=str(meta.resolve()), kind="dataset"
    )
    resolve = _LabelResolver(store, dataset)
    report = ImportReport(format=f"cases:{fmt}", path=str(path), source_sha256=source.sha256)
    reasons: Counter[str] = Counter()
    cases: dict[str, Case] = {}
    lines = meta.read_text(encoding="utf-8-sig").splitlines()
    for line, label, image, rationale, info in rows:
        loc = f"{meta.name}:{line}"
        diagnosis = resolve(label)
        if diagnosis is None:
            why = "deliberately unmapped label" if label in resolve.mapped else "unknown label"
            shown = label if len(label) <= 80 else label[:80] + "..."  # a 10 MB label is not repeated
            reasons[f"{why} {shown!r}"] += 1
            report.skipped.append(SkippedItem(location=loc, reason=f"{why} {shown!r}"))
            log.info("%s: skipped, %s %r", loc, why, shown)
            continue
        try:  # inside the dataset folder (symlinks resolved), a real image within the pixel limit
            image = check_dataset_image(root, image)
        except ImageRejectedError as exc:
            why = "image missing" if "image not found" in str(exc) else "image rejected"
            reasons[why] += 1
            log.info("%s: skipped, %s", loc, exc)
            if reasons[why] <= _MAX_LISTED:
                report.skipped.append(SkippedItem(location=loc, reason=str(exc)))
            continue
        quote = lines[line - 1] if 0 < line <= len(lines) else label
        case = Case(
            diagnosis=diagnosis,
            image_sha256=sha256_file(str(image)),
            image_path=str(image),
            rationale=rationale,
            evidence=[Evidence(source_sha256=source.sha256, quote=quote, kind="rationale")],
            origin="import",
            source=dataset,
            meta={"label": label, **info},
        )
        case.id = case_id(case.image_sha256, diagnosis)
        cases.setdefault(case.id, case)
    report.cases = len(cases)
    log.info("%s: %d cases read, %d rows skipped", meta, len(cases), sum(reasons.values()))
    report.skipped_counts = dict(sorted(reasons.items()))
    if not cases and any(r.startswith("unknown label") for r in reasons):
        raise InputError(
            f"no case could be imported: unknown labels {sorted(reasons)[:5]}; run `dermkg init` to load the "
            "label maps or map the labels first",
            location=str(meta),
        )
    if not cases:  # nothing usable: an error, never a source with 0 cases
        first = "; ".join(f"{s.location}: {s.reason}" for s in report.skipped[:3])
        raise InputError(
            f"no case could be imported ({dict(sorted(reasons.items()))}); first rows: {first}",
            location=str(meta),
        )
    existing = sum(1 for cid in cases if store.get_case(cid) is not None)
    with store.transaction():
        store.upsert_source(source)
        report.cases_created = store.add_cases(list(cases.values()), user=user)
    report.diagnoses_matched = len({c.diagnosis for c in cases.values()})
    if report.cases_created != len(cases) - existing:
        report.warnings.append(
            f"{len(cases) - existing - report.cases_created} cases merged with existing ones"
        )
    report.revision = store.revision()
    return report
