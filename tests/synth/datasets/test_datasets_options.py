"""Audit of the exported rows on the real Derm7pt subset over the seed + ISIC + Skin-R1 graph: no
malignancy class as a disease option, no related node as a wrong answer, the configured count."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg import algorithms as alg
from kg.importers import run_import
from kg.store.base import GraphStore
from kg.view import GraphView, NodeInfo
from synth.datasets.build import DatasetSpec
from synth.datasets.options import OptionSpace, is_category, name_key
from synth.datasets.run import build_datasets, build_evalsets
from synth.wording import clinical_name

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


def _node(id: str, name: str, *synonyms: str) -> NodeInfo:
    return NodeInfo(id, name, None, "accepted", None, synonyms)


@pytest.fixture
def small_view() -> GraphView:
    """ISIC groups (two-level codes), a seed grouping, and solar lentigo in ISIC's keratosis class."""
    nodes = [
        _node("benign", "Benign"),
        _node("bmp", "Benign melanocytic proliferations"),
        _node("bep", "Benign epidermal proliferations"),
        _node("mel-lesion", "melanocytic lesion"),
        _node("nevus", "melanocytic nevus", "nevus"),
        _node("clark", "clark nevus", "dysplastic nevus"),
        _node("dermal", "dermal nevus"),
        _node("lentigo", "lentigo"),
        _node("solar", "solar lentigo"),
        _node("bk", "benign keratosis"),
        _node("sk", "seborrheic keratosis"),
        _node("gct", "Granular cell tumor"),
        _node("gct-sub", "Granular cell tumor, malignant"),
        _node("cysts", "Cysts"),
    ]
    is_a = [
        ("bmp", "benign"),
        ("bep", "benign"),
        ("nevus", "bmp"),
        ("nevus", "mel-lesion"),
        ("clark", "nevus"),
        ("dermal", "nevus"),
        ("lentigo", "mel-lesion"),
        ("solar", "lentigo"),
        ("solar", "bk"),
        ("bk", "bep"),
        ("sk", "bk"),
        ("gct-sub", "gct"),
    ]
    return GraphView.build(nodes, is_a)


CODES = {
    "benign": {"isic": "Benign"},
    "bmp": {"isic": "Benign:Benign melanocytic proliferations"},
    "bep": {"isic": "Benign:Benign epidermal proliferations"},
    "gct": {"isic": "Benign:Benign soft tissue proliferations - Neural:Granular cell tumor"},
}


def test_categories_are_isic_groups_and_grouping_nodes(small_view: GraphView) -> None:
    """Issue 17: taxonomy groups are never options; ISIC's deeper codes are diagnoses whatever the name."""
    cats = {d for d in small_view.nodes if is_category(small_view, d, CODES)}
    assert cats == {"benign", "bmp", "bep", "mel-lesion", "cysts"}
    space = OptionSpace(small_view, CODES)
    assert "Benign melanocytic proliferations" not in space.names and "melanocytic lesion" not in space.names
    assert {clinical_name("Granular cell tumor"), "melanocytic nevus"} <= set(space.names)


def test_option_names_are_display_names(small_view: GraphView) -> None:
    """Issue 20: eponyms capitalised as the trajectories write them."""
    space = OptionSpace(small_view, CODES)
    assert "Clark nevus" in space.names and "clark nevus" not in space.names
    assert space.display("clark") == clinical_name("clark nevus") == "Clark nevus"


def test_an_overlapping_class_is_never_a_distractor(small_view: GraphView) -> None:
    """Issue 19: benign keratosis holds solar lentigo, a lentigo: not a wrong answer for a lentigo."""
    space = OptionSpace(small_view, CODES)
    assert name_key("benign keratosis") in space.excluded("lentigo")
    assert name_key("seborrheic keratosis") not in space.excluded("lentigo")
    assert name_key("lentigo") in space.excluded("bk")


def test_nested_names_are_related(small_view: GraphView) -> None:
    """Issue 16: an option's ancestors, descendants and their synonyms never stand beside it."""
    space = OptionSpace(small_view, CODES)
    assert {name_key("melanocytic nevus"), name_key("dysplastic nevus")} <= space.related_keys("Clark nevus")
    assert name_key("dermal nevus") not in space.related_keys("Clark nevus")


def test_exported_options_are_clinical_unnested_and_at_the_label_level(
    real_graph: GraphStore, shared_data: Path, tmp_path: Path
) -> None:
    """Issues 16-18, 20 over the real Derm7pt subset and the seed + ISIC + Skin-R1 graph."""
    spec = DatasetSpec(name="derm7pt", path=shared_data / "derm7pt-subset")
    build_datasets(real_graph, [spec], tmp_path / "rl", seed=0)
    build_evalsets(real_graph, [spec], tmp_path / "ev", tasks=("diagnosis", "hierarchical", "ddx"))
    view = real_graph.graph_view()
    space = OptionSpace(view, {d.id: d.codes for d in real_graph.list_diagnoses() if d.id in view.nodes})
    by_name = {space.display(d): d for d in view.nodes}
    rows = _rows(tmp_path / "rl" / "rl") + [
        r for t in ("diagnosis", "hierarchical", "ddx") for r in _rows(tmp_path / "ev" / t)
    ]
    assert len(rows) > 200
    partial = 0
    for row in rows:
        ids = [by_name[t] for t in row["options"].values()]  # every option is a display name
        answer = by_name[row["answer_text"]]
        right = {by_name[row["options"][k]] for k, v in row["option_scores"].items() if v > 0}
        for d in ids:
            assert d not in space.categories or d == row["diagnosis"], (row["id"], d)
        for d in set(ids) - right:  # a wrong option overlaps no other option
            assert not any(o != d and o in space.overlapping(d) for o in ids), (row["id"], ids)
        if row["task"] == "rl":  # Appendix A: coarser clinical levels of the label for partial credit
            assert right <= {by_name[n] for n in row["path"]}, row["id"]
            partial += len(right) > 1
        else:
            assert len(right) == 1, row["id"]
        if row["task"] != "hierarchical":
            assert answer == row["diagnosis"] and row["option_scores"][row["answer"]] == 0.75, row["id"]
        else:  # one level of the label's own path
            assert row["answer_text"] in row["path"], row["id"]
            assert answer not in space.categories or answer == row["diagnosis"], row["id"]
    assert partial > 0  # some RL rows offer a coarser level of their label
