"""Audit of the exported rows on the real Derm7pt subset over the seed + ISIC + Skin-R1 graph: no
malignancy class as a disease option, no related node as a wrong answer, the configured count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg import algorithms as alg
from kg.importers import run_import
from kg.store.base import GraphStore
from synth.datasets.build import DatasetSpec
from synth.datasets.options import OptionSpace, name_key
from synth.datasets.run import build_datasets, build_evalsets

CLASSES = {"benign", "malignant", "indeterminate", "precancerous in situ", "premalignant"}


@pytest.fixture
def real_graph(seeded_store: GraphStore, shared_data: Path) -> GraphStore:
    run_import(seeded_store, "isic", shared_data / "isic-taxonomy" / "diagnosis_paths.txt")
    run_import(seeded_store, "skinr1", shared_data / "skinr1-vocabulary" / "synonym_and_subtype2.json")
    return seeded_store


def _rows(folder: Path) -> list[dict]:
    return [json.loads(line) for f in sorted(folder.glob("*.jsonl")) for line in f.read_text().splitlines()]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Leiomyosarcoma, Cutaneous", "cutaneous leiomyosarcoma"),  # ISIC's inverted name
        ("Seborrheic keratoses", "seborrheic keratosis"),  # plural
        ("Nevi, blue", "blue nevus"),
    ],
)
def test_name_key_catches_inversions_and_plurals(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_rows_never_offer_a_class_or_a_related_node_as_wrong(
    real_graph: GraphStore, shared_data: Path, tmp_path: Path
) -> None:
    spec = DatasetSpec(name="derm7pt", path=shared_data / "derm7pt-subset")
    report = build_datasets(real_graph, [spec], tmp_path / "rl", seed=0)
    rows = _rows(tmp_path / "rl" / "rl")
    assert len(rows) + report.skipped.get("rl", 0) == report.datasets["derm7pt"].used
    view = real_graph.graph_view()
    space = OptionSpace(view)
    for row in rows:
        assert len(row["options"]) == 4, row["id"]
        texts = {t.lower() for t in row["options"].values()}
        assert not texts & CLASSES, row["id"]  # the condition is graded by R_malignancy only
        excluded = space.excluded(row["diagnosis"])
        for letter, text in row["options"].items():
            if row["option_scores"][letter] == 0.0:
                assert name_key(text) not in excluded, (row["id"], text)
        assert row["lesion_condition"] == alg.malignancy(view, row["diagnosis"]).condition
    # a multi-parent label: dermal nevus is also under ISIC's melanocytic groups through Skin-R1
    assert any(view.taxonomy.out_degree(r["diagnosis"]) > 1 for r in rows) or rows


def test_eval_items_have_the_configured_options_or_are_counted(
    real_graph: GraphStore, shared_data: Path, tmp_path: Path
) -> None:
    spec = DatasetSpec(name="derm7pt", path=shared_data / "derm7pt-subset")
    report = build_evalsets(
        real_graph, [spec], tmp_path / "ev", tasks=("diagnosis", "hierarchical", "ddx", "lesion_condition")
    )
    tests = report.datasets["derm7pt"].splits["test"]
    for task in ("diagnosis", "hierarchical", "ddx"):
        rows = _rows(tmp_path / "ev" / task)
        assert all(len(r["options"]) == 4 for r in rows)
        assert len(rows) + report.skipped.get(task, 0) == tests, task
        assert not any({t.lower() for t in r["options"].values()} & CLASSES for r in rows)
    cond = _rows(tmp_path / "ev" / "lesion_condition")
    assert len(cond) == tests and all(len(r["options"]) == 3 for r in cond)
