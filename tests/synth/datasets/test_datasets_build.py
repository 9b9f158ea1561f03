"""End to end: real Derm7pt subset and OmniMedVQA JSON, fixtures of the other layouts, the CLI."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dermkg.errors import InputError
from kg.models import Assertion
from kg.store.base import GraphStore
from synth.datasets.build import DatasetSpec
from synth.datasets.run import build_datasets, build_evalsets

REQUIRED = {
    "id",
    "image",
    "prompt",
    "options",
    "option_scores",
    "answer",
    "lesion_condition",
    "path",
    "source",
    "split",
    "task",
}


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_rl_rows_from_the_real_derm7pt_subset(
    seeded_store: GraphStore, shared_data: Path, tmp_path: Path
) -> None:
    spec = DatasetSpec(name="derm7pt", path=shared_data / "derm7pt-subset")
    report = build_datasets(seeded_store, [spec], tmp_path / "rl", seed=0)
    summary = report.datasets["derm7pt"]
    assert summary.problems == {"missing_image": 800, "unmapped_label": 8}
    assert summary.used == 211 - 8 - report.leakage.removed
    rows = [
        r for split in ("train", "valid", "test") for r in _rows(tmp_path / "rl" / "rl" / f"{split}.jsonl")
    ]
    assert len(rows) == summary.used
    for row in rows:
        assert set(row) >= REQUIRED and row["answer"] in row["options"]
        assert row["lesion_condition"] in {"benign", "malignant", "precancerous in situ"}
        assert row["options"][row["answer"]] in row["path"] and Path(row["image"]).is_file()
    card = (tmp_path / "rl" / "README.md").read_text()
    assert (
        "Label mapping coverage" in card
        and "miscellaneous" not in card.split("## Leakage")[0].split("coverage")[1]
    )
    import datasets

    hf = datasets.load_from_disk(str(tmp_path / "rl" / "rl" / "hf" / "train"))
    assert json.loads(hf[0]["options"]) == next(r for r in rows if r["id"] == hf[0]["id"])["options"]


def test_same_seed_same_bytes_and_atomic_replacement(
    seeded_store: GraphStore, shared_data: Path, tmp_path: Path
) -> None:
    spec = DatasetSpec(name="derm7pt", path=shared_data / "derm7pt-subset")
    build_datasets(seeded_store, [spec], tmp_path / "a", seed=5)
    build_datasets(seeded_store, [spec], tmp_path / "b", seed=5)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    before = _files(tmp_path / "a")
    with pytest.raises(InputError):
        build_datasets(seeded_store, [spec], tmp_path / "a", seed=5, n_options=1)
    assert _files(tmp_path / "a") == before  # a failed run leaves the previous output intact
    build_datasets(seeded_store, [spec], tmp_path / "a", seed=6)
    assert _files(tmp_path / "a") != before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folders left


def test_rows_do_not_depend_on_where_the_data_is_installed(
    seeded_store: GraphStore, shared_data: Path, ham_dir: Path, tmp_path: Path
) -> None:
    """Ids, splits and option draws hash the image as the dataset names it, not the absolute path:
    the same data under another folder (another machine, CI) gives the same rows."""
    copies = []
    for where in ("site-a", "elsewhere/site-b"):
        (tmp_path / where).mkdir(parents=True)
        d7 = shutil.copytree(shared_data / "derm7pt-subset", tmp_path / where / "derm7pt")
        ham = shutil.copytree(ham_dir, tmp_path / where / "ham")
        specs = [DatasetSpec(name="derm7pt", path=d7), DatasetSpec(name="ham10000", path=ham)]
        build_datasets(seeded_store, specs, tmp_path / where / "rl", seed=2)
        rows = {}
        for split in ("train", "valid", "test"):
            for r in _rows(tmp_path / where / "rl" / "rl" / f"{split}.jsonl"):
                assert r["image"].startswith(str(tmp_path / where))
                rows[r["id"]] = (split, r["options"], r["answer"])
        copies.append(rows)
    assert len(copies[0]) > 150 and copies[0] == copies[1]


def test_fixture_layouts_map_through_the_graph_and_report_unknown_labels(
    seeded_store: GraphStore,
    ham_dir: Path,
    pad_dir: Path,
    bcn_dir: Path,
    derm12345_dir: Path,
    dermnet_dir: Path,
    tmp_path: Path,
) -> None:
    specs = [
        DatasetSpec(name=n, path=p)
        for n, p in (
            ("ham10000", ham_dir),
            ("pad_ufes20", pad_dir),
            ("bcn20000", bcn_dir),
            ("derm12345", derm12345_dir),
            ("dermnet", dermnet_dir),
        )
    ]
    report = build_datasets(seeded_store, specs, tmp_path / "out", seed=1)
    assert report.datasets["ham10000"].labels.coverage == 1.0
    assert report.datasets["ham10000"].problems == {"malformed_row": 1, "missing_image": 1}
    assert report.datasets["bcn20000"].labels.unknown == {"UNK": 1}
    d12 = report.datasets["derm12345"].labels
    assert set(d12.mapped) == {"blue nevus", "melanoma in situ", "seborrheic keratosis"}  # exact names
    assert d12.unknown == {"spider angioma": 4}
    assert set(report.datasets["dermnet"].labels.unknown) == {
        "Melanoma Skin Cancer Nevi and Moles",
        "Seborrheic Keratoses and other Benign Tumors",
        "Vascular Tumors",
    }
    # the label maps are data in the graph: exact matches mapped, the rest proposed for curators
    stored = {m.label: m for m in seeded_store.get_label_map("derm12345")}
    assert stored["blue nevus"].diagnosis == "blue-nevus" and stored["blue nevus"].origin == "rules"
    assert stored["spider angioma"].status == "proposed" and stored["spider angioma"].diagnosis is None
    rows = _rows(tmp_path / "out" / "rl" / "train.jsonl")
    pad_groups: dict[str, set[str]] = {}
    for r in _rows(tmp_path / "out" / "rl" / "train.jsonl") + _rows(tmp_path / "out" / "rl" / "test.jsonl"):
        if r["source"] == "pad_ufes20":
            pad_groups.setdefault(Path(r["image"]).name.split("_")[1], set()).add(r["split"])
    assert all(len(v) == 1 for v in pad_groups.values())  # grouped by patient
    assert {r["source"] for r in rows} >= {"ham10000", "pad_ufes20", "bcn20000", "derm12345"}
    assert "UNK (1)" in (tmp_path / "out" / "README.md").read_text()


def test_leakage_across_splits_is_removed(seeded_store: GraphStore, ham_dir: Path, tmp_path: Path) -> None:
    # the same bytes under two lesion ids: a copy that the grouped split may put in two splits
    images = sorted(ham_dir.rglob("*.jpg"))
    for img in images[1:]:
        img.write_bytes(images[0].read_bytes())
    report = build_datasets(
        seeded_store, [DatasetSpec(name="ham10000", path=ham_dir)], tmp_path / "o", seed=0
    )
    assert len(report.leakage.across_splits) == 1 and report.leakage.removed > 0
    rows = _rows(tmp_path / "o" / "rl" / "train.jsonl")
    assert all(not (tmp_path / "o" / "rl" / f"{s}.jsonl").exists() for s in ("valid", "test"))
    assert len(rows) == report.datasets["ham10000"].used - report.leakage.removed


def test_evalsets_with_real_omnimedvqa(seeded_store: GraphStore, shared_data: Path, tmp_path: Path) -> None:
    mel = seeded_store.resolve_name("melanoma").id
    seeded_store.add_assertion(
        Assertion(kind="ddx", subject=mel, object="clark-nevus", origin="human", status="accepted")
    )
    for other in ("lentigo", "seborrheic-keratosis", "dermatofibroma"):
        seeded_store.add_assertion(
            Assertion(kind="ddx", subject=mel, object=other, origin="human", status="accepted")
        )
    seeded_store.add_assertion(
        Assertion(kind="ddx", subject="melanoma-in-situ", object="lentigo", origin="human", status="accepted")
    )
    specs = [
        DatasetSpec(name="derm7pt", path=shared_data / "derm7pt-subset"),
        DatasetSpec(name="pad_ufes20", path=tmp_path / "no-pad"),
    ]
    omni = shared_data / "omnimedvqa-derm" / "modality_test_Dermoscopy_test.json"
    report = build_evalsets(seeded_store, specs, tmp_path / "eval", omnimedvqa=omni, seed=0)
    # the paper's protocol: Fitzpatrick17k and PAD-UFES-20 are excluded whatever the training sources
    assert set(report.ood["excluded_subsets"]) == {"PAD-UFES-20", "Fitzpatrick 17k"}
    assert "Fitzpatrick17k and PAD-UFES-20 excluded" in report.protocol["ood"]
    assert "Protocol" in (tmp_path / "eval" / "README.md").read_text()
    ood = _rows(tmp_path / "eval" / "ood" / "test.jsonl")
    assert ood and all(r["task"] == "ood" and not r["image_exists"] for r in ood)  # flagged, no crash
    assert not any("PAD-UFES-20" in r["source"] for r in ood)
    assert not any("modality" in r["question"].lower() for r in ood)
    assert report.ood["missing_images"] == len(ood)
    test_count = report.datasets["derm7pt"].splits["test"]
    for task in ("diagnosis", "lesion_condition", "hierarchical"):
        assert len(_rows(tmp_path / "eval" / task / "test.jsonl")) <= test_count
    ddx = _rows(tmp_path / "eval" / "ddx" / "test.jsonl")
    assert ddx and all(
        set(r["options"].values()) - {r["answer_text"]}
        <= {"Clark nevus", "lentigo", "seborrheic keratosis", "dermatofibroma"}  # eponyms in proper case
        and len(r["options"]) == 4
        for r in ddx
    )
    assert report.skipped["ddx"] > 0  # labels without 3 unrelated DDx neighbours are dropped, counted
    for task in ("diagnosis", "hierarchical", "ddx"):
        assert all(len(r["options"]) == 4 for r in _rows(tmp_path / "eval" / task / "test.jsonl"))
    cond = _rows(tmp_path / "eval" / "lesion_condition" / "test.jsonl")
    assert cond and "single lesion condition option" in cond[0]["prompt"]
    assert ood[0]["prompt"].count("single correct option") == 1


def test_cli_json(seeded_store: GraphStore, shared_data: Path, tmp_path: Path) -> None:
    from dermkg.cli import app

    url = seeded_store.url
    result = CliRunner().invoke(
        app,
        [
            "synth",
            "datasets",
            "--dataset",
            f"derm7pt={shared_data / 'derm7pt-subset'}",
            "--out",
            str(tmp_path / "cli"),
            "--store",
            url,
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["tasks"]["rl"]["train"] > 0
    bad = CliRunner().invoke(
        app, ["synth", "datasets", "--dataset", "nope=/x", "--out", str(tmp_path / "x"), "--store", url]
    )
    assert bad.exit_code == 2 and "NAME=PATH" in bad.output


def test_cli_evalsets_json(seeded_store: GraphStore, shared_data: Path, tmp_path: Path) -> None:
    from dermkg.cli import app

    omni = shared_data / "omnimedvqa-derm" / "ISIC2019_filtered_test.json"  # ISIC2020's: no diagnosis items
    result = CliRunner().invoke(
        app,
        [
            "synth",
            "evalsets",
            "-d",
            f"derm7pt={shared_data / 'derm7pt-subset'}",
            "--omnimedvqa",
            str(omni),
            "--task",
            "ood",
            "--task",
            "lesion_condition",
            "--options",
            "5",
            "--out",
            str(tmp_path / "ev"),
            "--store",
            seeded_store.url,
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert set(payload["tasks"]) == {"ood", "lesion_condition"} and payload["tasks"]["ood"]["test"] > 0
    assert (tmp_path / "ev" / "README.md").read_text().count("OOD (OmniMedVQA)") == 1
