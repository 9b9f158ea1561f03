"""ISIC hierarchy: 418 diagnoses, 415 is_a, malignancy from the Benign / Malignant roots."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dermkg.errors import InputError
from kg.importers import parse_vocabulary, run_import
from kg.models import AssertionQuery
from kg.store.base import GraphStore


def test_parse_counts_match_the_published_edge_list(isic_paths: Path) -> None:
    vocab = parse_vocabulary("isic", isic_paths)
    assert len(vocab.terms) == 418
    with (isic_paths.parent / "diagnosis_isa_edges.tsv").open() as fh:
        published = {(r["child_path"], r["parent_path"]) for r in csv.DictReader(fh, delimiter="\t")}
    assert {(e.child, e.parent) for e in vocab.edges} == published
    assert len(published) == 415


def test_import_writes_accepted_assertions_with_line_evidence(
    sqlite_store: GraphStore, isic_paths: Path
) -> None:
    report = run_import(sqlite_store, "isic", isic_paths)
    assert (report.diagnoses_created, report.assertions_created) == (418, 415)
    assert sqlite_store.count_diagnoses() == 418
    page = sqlite_store.query_assertions(AssertionQuery(kind="is_a", status="accepted", limit=None))
    assert page.total == 415
    sample = next(a for a in page.items if a.subject == sqlite_store.resolve_name("Melanoma in situ").id)
    assert sample.origin == "import" and sample.agent.name == "import:isic"
    [ev] = sample.evidence
    assert ev.page is None and ev.source_sha256 == report.source_sha256
    assert ev.quote == "Malignant:Malignant melanocytic proliferations (Melanoma):Melanoma in situ"
    source = sqlite_store.get_source(report.source_sha256)
    assert source is not None and source.kind == "vocabulary"


def test_malignancy_comes_from_the_root_and_indeterminate_stays_open(
    sqlite_store: GraphStore, isic_paths: Path
) -> None:
    run_import(sqlite_store, "isic", isic_paths)
    assert sqlite_store.resolve_name("Basal cell carcinoma").malignancy == "malignant"
    assert sqlite_store.resolve_name("Seborrheic keratosis").malignancy == "benign"
    ak = sqlite_store.resolve_name("Solar or actinic keratosis")
    assert ak.malignancy is None and ak.codes["isic"].startswith("Indeterminate:")
    assert sqlite_store.resolve_name("Melanoma in situ").malignancy_source == "isic"


def test_reimport_is_idempotent(sqlite_store: GraphStore, isic_paths: Path) -> None:
    run_import(sqlite_store, "isic", isic_paths)
    revision, events = sqlite_store.revision(), sqlite_store.list_events().total
    again = run_import(sqlite_store, "isic", isic_paths)
    assert (again.diagnoses_created, again.assertions_created, again.assertions_existing) == (0, 0, 415)
    assert sqlite_store.count_diagnoses() == 418
    assert (sqlite_store.revision(), sqlite_store.list_events().total) == (revision, events)


def test_names_equal_after_normalisation_stay_distinct_nodes(
    sqlite_store: GraphStore, isic_paths: Path
) -> None:
    # "Lymphocytic proliferations - T-Cell/NK" (a group) and its child "Lymphocytic proliferation,
    # T-Cell/NK" normalise alike; within one file each path is its own node
    run_import(sqlite_store, "isic", isic_paths)
    ids = {d.codes.get("isic"): d.id for d in sqlite_store.list_diagnoses()}
    group = ids["Malignant:Lymphocytic proliferations - T-Cell/NK"]
    child = ids["Malignant:Lymphocytic proliferations - T-Cell/NK:Lymphocytic proliferation, T-Cell/NK"]
    assert group != child
    assert sqlite_store.find_assertion("is_a", child, group) is not None


def test_as_proposed_imports_proposed_assertions(sqlite_store: GraphStore, isic_paths: Path) -> None:
    report = run_import(sqlite_store, "isic", isic_paths, as_proposed=True)
    assert report.status == "proposed"
    assert sqlite_store.query_assertions(AssertionQuery(kind="is_a", status="proposed", limit=1)).total == 415
    assert sqlite_store.edges("is_a") == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("Benign\nBenign:Cysts\nBenign:Cysts\n", "duplicate path"),  # same path twice
        ("Benign\nBenign::Cysts\n", "empty path component"),
        ("Benign\nHarmless:Cysts\n", "must start with"),  # unknown root
        ("Benign\nBenign:Missing group:Cyst\n", "neither in the file nor in the graph"),  # parent path absent
    ],
)
def test_bad_files_raise_with_the_line_and_change_nothing(
    sqlite_store: GraphStore, tmp_path: Path, content: str, message: str
) -> None:
    bad = tmp_path / "paths.txt"
    bad.write_text(content)
    with pytest.raises(InputError, match=message) as err:
        run_import(sqlite_store, "isic", bad)
    assert "paths.txt" in str(err.value)
    assert sqlite_store.count_diagnoses() == 0 and sqlite_store.revision() == 0
