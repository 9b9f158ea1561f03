"""Adapters read each dataset in its published layout; problems are counted with file and line."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from synth.datasets.adapters import ADAPTERS


def test_ham10000_finds_images_in_part_folders_and_reports_problems(ham_dir: Path) -> None:
    result = ADAPTERS["ham10000"](ham_dir)
    assert result.rows_read == 31 and len(result.samples) == 30
    assert sum(s.image_exists for s in result.samples) == 29
    kinds = {(p.kind, p.location) for p in result.problems}
    assert ("missing_image", "HAM10000_metadata.csv:31") in kinds
    assert ("malformed_row", "HAM10000_metadata.csv:32") in kinds
    assert result.samples[0].group == "HAM_0000000" and result.samples[0].split is None


def test_pad_ufes20_groups_by_patient(pad_dir: Path) -> None:
    result = ADAPTERS["pad_ufes20"](pad_dir)
    assert len(result.samples) == 20 and all(s.image_exists for s in result.samples)
    assert Counter(s.label for s in result.samples)["ACK"] == 4
    assert result.samples[4].group == "PAT_1"


def test_bcn20000_keeps_the_official_split(bcn_dir: Path) -> None:
    result = ADAPTERS["bcn20000"](bcn_dir)
    assert Counter(s.split for s in result.samples) == {"train": 13, "test": 4}


def test_derm12345_reads_sub_class_split_and_malignancy(derm12345_dir: Path) -> None:
    result = ADAPTERS["derm12345"](derm12345_dir)
    assert len(result.samples) == 16
    assert Counter(s.split for s in result.samples) == {"train": 8, "test": 8}
    mis = next(s for s in result.samples if s.label == "melanoma in situ")
    assert mis.condition_hint == "malignant"


def test_dermnet_labels_come_from_folders(dermnet_dir: Path) -> None:
    result = ADAPTERS["dermnet"](dermnet_dir)
    assert len(result.samples) == 12
    assert {s.label for s in result.samples} == {
        "Melanoma Skin Cancer Nevi and Moles",
        "Seborrheic Keratoses and other Benign Tumors",
        "Vascular Tumors",
    }
    assert Counter(s.split for s in result.samples) == {"train": 9, "test": 3}


def test_derm7pt_real_subset(shared_data: Path) -> None:
    root = shared_data / "derm7pt-subset"
    result = ADAPTERS["derm7pt"](root)
    assert result.rows_read == 1011 and len(result.samples) == 1011
    assert sum(s.image_exists for s in result.samples) == 211
    assert Counter(p.kind for p in result.problems) == {"missing_image": 800}
    with (root / "splits" / "asymmetric_test_indexes_filtered.csv").open() as fh:
        test_rows = {int(r["indexes"]) for r in csv.DictReader(fh)}
    assert {i for i, s in enumerate(result.samples) if s.split == "test"} == test_rows


def test_fitzpatrick17k_real_csv_without_images(shared_data: Path) -> None:
    result = ADAPTERS["fitzpatrick17k"](shared_data / "fitzpatrick17k")
    assert result.rows_read == 16577 and not any(s.image_exists for s in result.samples)
    assert len({s.label for s in result.samples}) == 114
    assert Counter(s.condition_hint for s in result.samples)["malignant"] > 0


def test_missing_metadata_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    for name, adapter in ADAPTERS.items():
        result = adapter(tmp_path / "absent")
        assert result.samples == [] and result.problems[0].kind == "unreadable", name


def test_unreadable_metadata_is_reported_with_the_file(tmp_path: Path) -> None:
    root = tmp_path / "pad"
    root.mkdir()
    (root / "metadata.csv").write_bytes(b"patient_id,diagnostic,img_id\n\xff\xfe\xfa broken,ACK,x.png\n")
    result = ADAPTERS["pad_ufes20"](root)
    assert [(p.kind, p.location) for p in result.problems] == [("unreadable", str(root / "metadata.csv"))]
