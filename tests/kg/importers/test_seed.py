"""The bundled seed vocabulary (kg.seed): label maps of the four public datasets, self-contained."""

from __future__ import annotations

import csv
from pathlib import Path

from kg.seed import SEED_DATASETS, init_store, load_seed
from kg.store.base import GraphStore

# the published label sets (../shared/README.md)
LABELS = {
    "ham10000": {"akiec", "bcc", "bkl", "df", "mel", "nv", "vasc"},
    "bcn20000": {"NV", "MEL", "BCC", "BKL", "AK", "SCC", "DF", "VASC"},
    "pad_ufes20": {"ACK", "BCC", "MEL", "NEV", "SCC", "SEK"},
}


def test_init_maps_every_published_label(sqlite_store: GraphStore, derm7pt_dir: Path) -> None:
    report = init_store(sqlite_store)
    assert report.diagnoses_created == len(load_seed()["diagnoses"]) and report.assertions_created > 0
    with (derm7pt_dir / "meta" / "meta.csv").open() as fh:
        LABELS["derm7pt"] = {row["diagnosis"] for row in csv.DictReader(fh)}
    assert len(LABELS["derm7pt"]) == 20
    for dataset in SEED_DATASETS:
        mapping = {m.label: m.diagnosis for m in sqlite_store.get_label_map(dataset)}
        assert set(mapping) == LABELS[dataset], dataset
        for label, diagnosis in mapping.items():
            assert diagnosis is None or sqlite_store.get_diagnosis(diagnosis) is not None, (dataset, label)


def test_the_same_lesion_maps_to_one_diagnosis_across_datasets(sqlite_store: GraphStore) -> None:
    init_store(sqlite_store)
    maps = {ds: {m.label: m.diagnosis for m in sqlite_store.get_label_map(ds)} for ds in SEED_DATASETS}
    assert maps["ham10000"]["mel"] == maps["bcn20000"]["MEL"] == maps["pad_ufes20"]["MEL"] == "melanoma"
    assert maps["ham10000"]["nv"] == maps["pad_ufes20"]["NEV"] == maps["bcn20000"]["NV"]
    assert maps["pad_ufes20"]["ACK"] == maps["bcn20000"]["AK"] == maps["ham10000"]["akiec"]
    assert maps["derm7pt"]["miscellaneous"] is None  # reviewed and deliberately unmapped
    assert sqlite_store.get_diagnosis(maps["derm7pt"]["melanoma (in situ)"]).name == "melanoma in situ"


def test_malignancy_and_synonyms(sqlite_store: GraphStore) -> None:
    init_store(sqlite_store)
    assert sqlite_store.resolve_name("malignant melanoma").id == "melanoma"
    assert sqlite_store.resolve_name("Bowen disease").malignancy == "premalignant"  # filed under SCC
    bowen = sqlite_store.resolve_name("Bowen's disease").id
    assert sqlite_store.find_assertion("is_a", bowen, "squamous-cell-carcinoma").status == "accepted"
    assert sqlite_store.resolve_name("seborrhoeic keratoses").malignancy is None  # inherits from its parent
    assert sqlite_store.resolve_name("benign keratosis").malignancy == "benign"


def test_init_twice_changes_nothing(sqlite_store: GraphStore) -> None:
    init_store(sqlite_store)
    revision, events = sqlite_store.revision(), sqlite_store.list_events().total
    again = init_store(sqlite_store)
    assert (again.diagnoses_created, again.assertions_created) == (0, 0)
    assert (sqlite_store.revision(), sqlite_store.list_events().total) == (revision, events)


def test_isic_on_top_of_the_seed_merges_and_reports_disagreements(
    sqlite_store: GraphStore, isic_paths: Path
) -> None:
    from kg.importers import run_import

    init_store(sqlite_store)
    report = run_import(sqlite_store, "isic", isic_paths)
    assert report.merged_onto["Nevus, Spitz"] == "spitz-nevus"
    assert report.merged_onto["Melanoma Invasive"] == "invasive-melanoma"
    # ISIC files SCC in situ under Malignant, the seed calls Bowen's disease premalignant: kept, reported
    assert any("'Squamous cell carcinoma in situ' malignant" in w for w in report.warnings)
    assert sqlite_store.get_diagnosis("bowen-s-disease").malignancy == "premalignant"
