"""Exported rows are validated on load; the first bad row is named by file, line and id."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.train.conftest import TARGET, mcq_rows, sft_rows, write_jsonl
from train.errors import TrainDataError
from train.schemas import McqRow, SftRow, data_files, load_all, load_rows, open_image


def test_sft_jsonl_rows_load_with_images_resolved(tmp_path: Path, derm_images: list[Path]) -> None:
    rows = load_rows(write_jsonl(tmp_path / "train.jsonl", sft_rows(derm_images, n=3)), SftRow)
    assert [r.id for r in rows] == ["traj-000", "traj-001", "traj-002"]
    assert rows[0].completion[0].content.startswith("<thinking>")
    assert Path(rows[0].images[0]).is_file()


def test_relative_image_paths_resolve_against_the_export_folder(
    tmp_path: Path, derm_images: list[Path]
) -> None:
    export = tmp_path / "export"
    (export / "images").mkdir(parents=True)
    local = export / "images" / "x.jpg"
    local.write_bytes(derm_images[0].read_bytes())
    rows = sft_rows([local], n=1, relative_to=export)
    assert rows[0]["images"] == ["images/x.jpg"]
    loaded = load_rows(write_jsonl(export / "train.jsonl", rows), SftRow)
    assert loaded[0].images == [str(local)]


def test_structured_content_is_flattened(tmp_path: Path, derm_images: list[Path]) -> None:
    row = sft_rows(derm_images, n=1)[0]
    row["prompt"] = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Diagnose."}]}]
    loaded = load_rows(write_jsonl(tmp_path / "t.jsonl", [row]), SftRow)
    assert loaded[0].prompt[0].content == "Diagnose."


def test_missing_column_names_the_row(tmp_path: Path, derm_images: list[Path]) -> None:
    rows = mcq_rows(derm_images, n=3)
    del rows[2]["option_scores"]
    with pytest.raises(TrainDataError, match=r"eval.jsonl:3 \(id mcq-002\): option_scores: Field required"):
        load_rows(write_jsonl(tmp_path / "eval.jsonl", rows), McqRow)


def test_answer_outside_the_options_is_refused(tmp_path: Path, derm_images: list[Path]) -> None:
    rows = mcq_rows(derm_images, n=1)
    rows[0]["answer"] = "H"
    with pytest.raises(TrainDataError, match=r"id mcq-000.*answer 'H' is not one of the options"):
        load_rows(write_jsonl(tmp_path / "e.jsonl", rows), McqRow)


def test_missing_image_is_named(tmp_path: Path, derm_images: list[Path]) -> None:
    rows = mcq_rows(derm_images, n=2)
    rows[1]["image"] = "images/gone.jpg"
    with pytest.raises(TrainDataError, match=r"id mcq-001\): image not found: images/gone.jpg"):
        load_rows(write_jsonl(tmp_path / "e.jsonl", rows), McqRow)


def test_bad_json_and_duplicates_are_named(tmp_path: Path, derm_images: list[Path]) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": 1}\n{not json\n', encoding="utf-8")
    with pytest.raises(TrainDataError, match=r"bad.jsonl:1 \(id 1\)"):
        load_rows(bad, McqRow)
    rows = mcq_rows(derm_images, n=2)
    rows[1]["id"] = rows[0]["id"]
    with pytest.raises(TrainDataError, match="duplicate id mcq-000"):
        load_rows(write_jsonl(tmp_path / "dup.jsonl", rows), McqRow)


def test_datasets_folders_load_like_jsonl(tmp_path: Path, derm_images: list[Path]) -> None:
    from datasets import Dataset, DatasetDict, Image, List

    sft = Dataset.from_list(sft_rows(derm_images, n=4)).cast_column("images", List(Image()))
    DatasetDict({"train": sft}).save_to_disk(str(tmp_path / "sft_ds"))
    rows = load_all(tmp_path / "sft_ds", SftRow)
    # save_to_disk embeds the image bytes (the stored path is a bare file name): bytes are kept
    assert len(rows) == 4 and isinstance(rows[0].images[0], bytes)
    assert open_image(rows[0].images[0]).size == open_image(str(derm_images[0])).size

    mcq = Dataset.from_list(mcq_rows(derm_images, n=4)).cast_column("image", Image())
    mcq.save_to_disk(str(tmp_path / "eval_ds"))
    rows = load_rows(tmp_path / "eval_ds", McqRow)
    # the struct column gives every row every letter; the empty ones are dropped
    assert [sorted(r.options) for r in rows[:2]] == [list("ABCDE"), list("ABC")]


def test_synth_trajectory_export_layout(tmp_path: Path, derm_images: list[Path]) -> None:
    """``synth trajectories --out``: trajectories.jsonl (plain-text rows), images/<sha256>.jpg, hf/."""
    import hashlib

    from datasets import Dataset, DatasetDict, Features, Image, Value

    out = tmp_path / "export"
    (out / "images").mkdir(parents=True)
    rows, hf_rows = [], {"train": [], "validation": []}
    for i, image in enumerate(derm_images[:4]):
        sha = hashlib.sha256(image.read_bytes()).hexdigest()
        (out / "images" / f"{sha}.jpg").write_bytes(image.read_bytes())
        split = "validation" if i == 3 else "train"
        rows.append(
            {
                "id": f"t{i}",
                "type": "type1",
                "prompt": "Diagnose.",
                "completion": TARGET,
                "image_path": f"cases/{image.name}",
                "image_sha256": sha,
                "split": split,
            }
        )
        hf_rows[split].append(
            {
                "id": f"t{i}",
                "prompt": [
                    {
                        "role": "user",
                        "content": [{"type": "image", "text": None}, {"type": "text", "text": "D."}],
                    }
                ],
                "completion": [{"role": "assistant", "content": [{"type": "text", "text": TARGET}]}],
                "images": [{"bytes": image.read_bytes(), "path": f"{sha}.jpg"}],
            }
        )
    write_jsonl(out / "trajectories.jsonl", rows)
    write_jsonl(out / "review_queue.jsonl", [])
    message = [{"role": Value("string"), "content": [{"type": Value("string"), "text": Value("string")}]}]
    features = Features(
        {"id": Value("string"), "prompt": message, "completion": message, "images": [Image()]}
    )
    DatasetDict({k: Dataset.from_list(v, features=features) for k, v in hf_rows.items()}).save_to_disk(
        str(out / "hf")
    )

    assert data_files(out, "train") == [out / "hf"]
    from_hf = load_all(out, SftRow, split="train")
    assert [r.id for r in from_hf] == ["t0", "t1", "t2"] and from_hf[0].prompt[0].content == "D."
    from_jsonl = load_rows(out / "trajectories.jsonl", SftRow, split="train")
    assert [r.id for r in from_jsonl] == ["t0", "t1", "t2"]
    assert Path(from_jsonl[0].images[0]).parent == out / "images"  # found by content hash
    assert from_jsonl[0].completion[0].content == TARGET


def test_synth_mcq_export_layout(tmp_path: Path, derm_images: list[Path]) -> None:
    """``synth datasets|evalsets --out``: <task>/{train,valid,test}.jsonl and <task>/hf/<split>."""
    import json as json_

    from datasets import Dataset

    out = tmp_path / "evalsets"
    rows = mcq_rows(derm_images, n=6)
    rows[5]["image_exists"] = False  # an OmniMedVQA item whose image is absent: flagged, skipped
    rows[5]["image"] = "Images/ISIC2018/missing.jpg"
    for task in ("diagnosis", "lesion_condition"):
        part = [r for r in rows if r["task"] == task]
        write_jsonl(out / task / "test.jsonl", part)
        write_jsonl(
            out / task / "train.jsonl", [{**r, "id": r["id"] + "-tr", "split": "train"} for r in part]
        )
        flat = [
            {
                "image_exists": True,
                **r,
                "options": json_.dumps(r["options"]),
                "option_scores": json_.dumps(r["option_scores"]),
            }
            for r in part
        ]
        Dataset.from_list(flat).save_to_disk(str(out / task / "hf" / "test"))

    assert data_files(out, "test") == [
        out / "diagnosis" / "test.jsonl",
        out / "lesion_condition" / "test.jsonl",
    ]
    loaded = load_all(out, McqRow, split="test")
    assert sorted(r.id for r in loaded) == ["mcq-000", "mcq-001", "mcq-002", "mcq-003", "mcq-004"]
    from_hf = load_rows(out / "lesion_condition" / "hf" / "test", McqRow)
    assert from_hf[0].options == {"A": "benign", "B": "malignant", "C": "precancerous in situ"}
    assert from_hf[0].option_scores["B"] == 0.25
    with pytest.raises(TrainDataError, match="no usable rows with split 'valid'"):
        load_all(out, McqRow, split="valid")
