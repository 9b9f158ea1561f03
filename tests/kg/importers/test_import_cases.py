"""Cases from Derm7pt (real images, 7-point checklist as rationale) and from CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dermkg.errors import InputError
from kg.ids import sha256_file
from kg.importers import import_cases
from kg.seed import init_store
from kg.store.base import GraphStore
from tests.fixtures.images import write_image


def _derm7pt_counts(root: Path) -> dict[str, int]:
    with (root / "meta" / "meta.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    present = [r for r in rows if (root / "images" / r["derm"]).is_file()]
    misc = [r for r in rows if r["diagnosis"] == "miscellaneous"]
    present_misc = [r for r in present if r["diagnosis"] == "miscellaneous"]
    return {"rows": len(rows), "present": len(present), "misc": len(misc), "present_misc": len(present_misc)}


def test_derm7pt_imports_the_present_images(sqlite_store: GraphStore, derm7pt_dir: Path) -> None:
    init_store(sqlite_store)
    n = _derm7pt_counts(derm7pt_dir)
    assert (n["rows"], n["present"]) == (1011, 211)
    report = import_cases(sqlite_store, "derm7pt", derm7pt_dir)
    assert report.cases_created == n["present"] - n["present_misc"] == sqlite_store.count_cases()
    assert report.skipped_counts == {
        "deliberately unmapped label 'miscellaneous'": n["misc"],
        "image missing": n["rows"] - n["present"] - (n["misc"] - n["present_misc"]),
    }
    case = sqlite_store.list_cases(diagnosis="blue-nevus")[0]
    assert case.image_sha256 == sha256_file(case.image_path)
    assert case.rationale.startswith("Dermoscopy (7-point checklist): pigment network:")
    assert case.meta["label"] == "blue nevus" and case.source == "derm7pt"
    assert case.evidence[0].source_sha256 == report.source_sha256


def test_reimport_adds_nothing(sqlite_store: GraphStore, derm7pt_dir: Path) -> None:
    init_store(sqlite_store)
    first = import_cases(sqlite_store, "derm7pt", derm7pt_dir / "meta" / "meta.csv")
    again = import_cases(sqlite_store, "derm7pt", derm7pt_dir)
    assert first.cases_created > 0 and again.cases_created == 0
    assert sqlite_store.count_cases() == first.cases_created


def test_without_label_maps_nothing_is_imported(sqlite_store: GraphStore, derm7pt_dir: Path) -> None:
    with pytest.raises(InputError, match="dermkg init"):
        import_cases(sqlite_store, "derm7pt", derm7pt_dir)
    assert sqlite_store.count_cases() == 0


def test_csv_cases_with_a_missing_image_and_an_unknown_label(
    sqlite_store: GraphStore, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="kg.importers")
    init_store(sqlite_store)
    write_image(tmp_path / "a.jpg", "a")
    write_image(tmp_path / "b.jpg", "b")
    listing = tmp_path / "cases.csv"
    listing.write_text(
        "image,diagnosis,rationale,site\n"
        "a.jpg,melanoma,Asymmetric lesion with blue-white veil.,back\n"
        "b.jpg,seborrhoeic keratosis,,face\n"
        "c.jpg,melanoma,,arm\n"
        "a.jpg,unicorn rash,,leg\n"
    )
    report = import_cases(sqlite_store, "csv", listing)
    assert report.cases_created == 2
    assert report.skipped_counts == {"image missing": 1, "unknown label 'unicorn rash'": 1}
    assert [s.location for s in report.skipped] == ["cases.csv:4", "cases.csv:5"]
    skips = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert skips[:2] == [
        f"cases.csv:4: skipped, image not found: {tmp_path / 'c.jpg'}",
        "cases.csv:5: skipped, unknown label 'unicorn rash'",
    ]
    [mel] = sqlite_store.list_cases(diagnosis="melanoma")
    assert mel.rationale == "Asymmetric lesion with blue-white veil." and mel.meta["site"] == "back"
