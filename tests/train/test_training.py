"""The real SFT / GRPO / merge / eval path on a tiny random Qwen2.5-VL, on CPU (marker ``train``)."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.train.conftest import TARGET, grpo_config, lora_weights, mcq_rows, sft_config, write_jsonl
from train.grpo import GrpoJob
from train.sft import SftJob

pytestmark = pytest.mark.train


def image_inputs(processor: Any, image: Path) -> Any:
    from PIL import Image

    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": "Diagnose."}]}]
    text = processor.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    return processor(images=[Image.open(image).convert("RGB")], text=[text], return_tensors="pt")


def logits(model: Any, inputs: Any) -> Any:
    import torch

    model.eval()
    with torch.inference_mode():
        return model(**inputs).logits


@pytest.fixture(scope="module")
def sft_run(
    tiny_model: Path, derm_images: list[Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """One 3-step SFT run shared by the tests that inspect its outputs."""
    from tests.train.conftest import sft_rows

    root = tmp_path_factory.mktemp("sft")
    data = write_jsonl(root / "data" / "train.jsonl", sft_rows(derm_images))
    job = SftJob(sft_config(tiny_model, data, root / "out"))
    trainer = job.build_trainer()
    before = lora_weights(trainer.model)
    result = job.run()
    return {"job": job, "trainer": trainer, "result": result, "before": before, "data": data}


def test_sft_supervises_only_the_assistant_tokens(sft_run: dict[str, Any]) -> None:
    trainer = sft_run["trainer"]
    tokenizer = trainer.processing_class.tokenizer
    batch = next(iter(trainer.get_train_dataloader()))
    for input_ids, labels in zip(batch["input_ids"], batch["labels"], strict=True):
        supervised = (labels != -100).nonzero().flatten()
        first = int(supervised[0])
        assert (labels[:first] == -100).all()  # system, user turn, image tokens: no loss
        assert (labels[supervised] == input_ids[supervised]).all()
        image_pad = tokenizer.convert_tokens_to_ids("<|image_pad|>")
        assert not (labels == image_pad).any()
        assert tokenizer.decode(labels[supervised]).strip() == TARGET + "<|im_end|>"


def test_sft_trains_lora_on_the_language_model_only(sft_run: dict[str, Any]) -> None:
    trainer, result = sft_run["trainer"], sft_run["result"]
    assert result.global_step == 3 and result.lora_modules == 2 * 7  # 2 layers x q,k,v,o,gate,up,down
    names = [n for n, p in trainer.model.named_parameters() if p.requires_grad]
    assert names and all("language_model" in n and "lora_" in n for n in names)
    after = lora_weights(trainer.model)
    changed = [n for n in after if not after[n].equal(sft_run["before"][n])]
    assert any("lora_B" in n for n in changed)
    log = Path(result.output_dir) / "train_log.csv"
    losses = [r for r in csv.DictReader(log.open()) if r["key"] == "loss"]
    assert [int(r["step"]) for r in losses] == [1, 2, 3]


def test_adapter_reloads_identically(
    sft_run: dict[str, Any], tiny_model: Path, derm_images: list[Path]
) -> None:
    from train._modeling import load_model, load_processor

    trained = sft_run["trainer"].model
    reloaded = load_model(str(tiny_model), bf16=False, adapter=sft_run["result"].adapter_dir)
    original, again = lora_weights(trained), lora_weights(reloaded)
    assert original.keys() == again.keys()
    assert all(original[k].equal(again[k]) for k in original)
    inputs = image_inputs(load_processor(str(tiny_model), 56 * 56), derm_images[0])
    assert logits(trained, inputs).equal(logits(reloaded, inputs))


def test_merged_model_matches_the_adapter(
    sft_run: dict[str, Any], tiny_model: Path, derm_images: list[Path], tmp_path: Path
) -> None:
    import torch
    from transformers import AutoModelForImageTextToText

    from train._modeling import load_model, load_processor, merge_adapter

    adapter = sft_run["result"].adapter_dir
    merged_dir = merge_adapter(str(tiny_model), adapter, tmp_path / "merged")
    merged = AutoModelForImageTextToText.from_pretrained(merged_dir)
    assert not any("lora" in n for n, _ in merged.named_parameters())
    inputs = image_inputs(load_processor(str(merged_dir), 56 * 56), derm_images[1])
    with_adapter = logits(load_model(str(tiny_model), bf16=False, adapter=adapter), inputs)
    assert torch.allclose(logits(merged, inputs), with_adapter, atol=1e-4)
    base = logits(load_model(str(tiny_model), bf16=False), inputs)
    assert not torch.allclose(base, with_adapter, atol=1e-4)  # the adapter does change the model


def test_generate_answers_from_image_prompts(
    sft_run: dict[str, Any], tiny_model: Path, derm_images: list[Path]
) -> None:
    from train._modeling import load_model, load_processor
    from train.eval import Evaluator
    from train.eval_config import EvalConfig
    from train.schemas import McqRow

    cfg = EvalConfig(model=str(tiny_model), evalset="-", batch_size=3, max_new_tokens=6, max_pixels=56 * 56)
    rows = [McqRow.model_validate(r) for r in mcq_rows(derm_images, n=4)]
    model = load_model(str(tiny_model), bf16=False, adapter=sft_run["result"].adapter_dir)
    completions = Evaluator(cfg).generate(rows, model, load_processor(str(tiny_model), 56 * 56))
    assert len(completions) == 4 and all(isinstance(c, str) and c for c in completions)
    # greedy: the same prompt gives the same answer in another batch position
    again = Evaluator(cfg).generate(rows[:1], model, load_processor(str(tiny_model), 56 * 56))
    assert again[0] == completions[0]


def test_grpo_two_steps_with_real_and_varying_rewards(
    sft_run: dict[str, Any],
    tiny_model: Path,
    rl_file: Path,
    derm_images: list[Path],
    tmp_path: Path,
    artifacts_dir: Path,
) -> None:
    import torch

    from train._modeling import load_model, load_processor

    seen_columns: list[set[str]] = []

    def length_reward(prompts: list[Any], completions: list[Any], **columns: Any) -> list[float]:
        # a random model earns zero from the real rewards; this one varies, so GRPO has a signal
        seen_columns.append(set(columns))
        return [len(c[0]["content"]) / 50 for c in completions]

    cfg = grpo_config(
        tiny_model,
        rl_file,
        tmp_path / "grpo",
        sft_adapter=sft_run["result"].adapter_dir,
        max_completion_length=12,
    )
    job = GrpoJob(cfg, extra_rewards=[length_reward])
    trainer = job.build_trainer()
    before = lora_weights(trainer.model)
    result = job.run()
    after = lora_weights(trainer.model)
    assert result.global_step == 2
    assert any(not after[n].equal(before[n]) for n in after if "lora_B" in n)
    assert {"options", "option_scores", "lesion_condition", "id"} <= seen_columns[0]
    log = (tmp_path / "grpo" / "train_log.csv").read_text()
    for key in (
        "rewards/format_reward/mean",
        "rewards/granularity_reward/mean",
        "rewards/malignancy_reward/mean",
    ):
        assert key in log
    assert result.reward_curves_png and Path(result.reward_curves_png).stat().st_size > 0
    (artifacts_dir / "train").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(result.reward_curves_png, artifacts_dir / "train" / "grpo_reward_curves.png")
    # the KL reference is the policy with its adapter off, i.e. exactly the merged SFT model
    inputs = image_inputs(load_processor(str(tiny_model), 56 * 56), derm_images[2])
    sft_model = load_model(str(tiny_model), bf16=False, adapter=sft_run["result"].adapter_dir, merge=True)
    with trainer.model.disable_adapter():
        reference = logits(trainer.model, inputs)
    assert torch.allclose(reference, logits(sft_model, inputs), atol=1e-4)
    # the saved adapter records the SFT adapter it sits on: base + SFT + GRPO reloads the trained policy
    policy = logits(trainer.model, inputs)
    reloaded = load_model(str(tiny_model), bf16=False, adapter=result.adapter_dir)
    assert torch.allclose(logits(reloaded, inputs), policy, atol=1e-5)


def test_eval_end_to_end_with_baseline(
    sft_run: dict[str, Any], tiny_model: Path, eval_file: Path, tmp_path: Path, artifacts_dir: Path
) -> None:
    from typer.testing import CliRunner

    from train.cli import app

    out = tmp_path / "results"
    common = [
        "--model",
        str(tiny_model),
        "--evalset",
        str(eval_file.parent),
        "--out",
        str(out),
        "--max-new-tokens",
        "8",
        "--batch-size",
        "5",
        "--max-pixels",
        str(56 * 56),
        "--json",
    ]
    base = CliRunner().invoke(app, ["eval", *common, "--name", "base"])
    assert base.exit_code == 0, base.output
    tuned = CliRunner().invoke(
        app, ["eval", *common, "--name", "sft", "--adapter", sft_run["result"].adapter_dir]
    )
    assert tuned.exit_code == 0, tuned.output
    result = json.loads(tuned.stdout.strip().splitlines()[-1])
    assert result["n"] == 10
    assert {(g["task"], g["source"]) for g in result["groups"]} == {
        ("diagnosis", "derm7pt"),
        ("diagnosis", "ham10000"),
        ("lesion_condition", "derm7pt"),
        ("lesion_condition", "ham10000"),
    }
    # a random model ignores the format: its answers are invalid, never guessed into a letter
    predictions = [
        json.loads(x) for x in (out / "runs" / "sft" / "predictions.jsonl").read_text().splitlines()
    ]
    assert len(predictions) == 10
    assert all(p["correct"] == (p["letter"] == p["answer"]) for p in predictions)
    md = (out / "results.md").read_text()
    assert "In-distribution disease diagnosis" in md and "Lesion condition" in md
    table = [line for line in md.splitlines() if line.startswith("| base") or line.startswith("| sft")]
    assert [line.split("|")[1].strip() for line in table] == ["base", "sft", "base", "sft"]
    rows = list(csv.DictReader((out / "results.csv").open()))
    assert {r["model"] for r in rows} == {"base", "sft"} and {r["metric"] for r in rows} >= {
        "accuracy",
        "macro_f1",
    }
    for png in ("confusion_diagnosis.png", "confusion_lesion_condition.png"):
        assert (out / "runs" / "sft" / png).stat().st_size > 0
    keep = artifacts_dir / "train" / "eval"
    keep.mkdir(parents=True, exist_ok=True)
    for name in ("results.md", "results.csv", "runs/sft/confusion_diagnosis.png"):
        shutil.copyfile(out / name, keep / Path(name).name)


def test_sft_command_refuses_bad_rows_naming_the_id(
    tiny_model: Path, derm_images: list[Path], tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from tests.train.conftest import sft_rows
    from train.cli import app

    rows = sft_rows(derm_images, n=3)
    rows[1]["completion"] = [{"role": "user", "content": "oops"}]
    data = write_jsonl(tmp_path / "train.jsonl", rows)
    cfg = tmp_path / "sft.yaml"
    cfg.write_text(f"model: {tiny_model}\ndata: {data}\noutput_dir: {tmp_path / 'out'}\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["sft", "--config", str(cfg), "--set", "max_steps=1", "--set", "lora.r=4"]
    )
    assert result.exit_code == 2
    assert "train.jsonl:2 (id traj-001)" in result.output and "assistant messages only" in result.output


def test_sft_learns_a_target_that_eval_then_scores_as_correct(
    tiny_model: Path, derm_images: list[Path], tmp_path: Path
) -> None:
    """Labels, LoRA training, greedy generation and strict parsing agree end to end: after SFT on one
    fixed answer, the model reproduces it and the harness grades it correct with the full reward."""
    from train.eval import Evaluator
    from train.eval_config import EvalConfig

    target = (
        "<thinking>Irregular network.</thinking><final diagnosis>C. melanoma, malignant</final diagnosis>"
    )
    question = "Which? A. benign nevus B. eczema C. melanoma"
    sft = [
        {
            "id": f"t{i}",
            "prompt": [{"role": "user", "content": question}],
            "completion": [{"role": "assistant", "content": target}],
            "images": [str(image)],
        }
        for i, image in enumerate(derm_images[:8])
    ]
    cfg = sft_config(
        tiny_model,
        write_jsonl(tmp_path / "sft.jsonl", sft),
        tmp_path / "out",
        max_steps=40,
        effective_batch_size=4,
        per_device_batch_size=4,
        learning_rate=5e-3,
        lr_scheduler_type="constant",
        lora={"r": 16, "alpha": 32, "dropout": 0.0},
        logging_steps=10,
    )
    adapter = SftJob(cfg).run().adapter_dir
    rows = [
        {
            "id": f"e{i}",
            "image": str(image),
            "prompt": question,
            "split": "test",
            "task": "diagnosis",
            "options": {"A": "benign nevus", "B": "eczema", "C": "melanoma"},
            "option_scores": {"C": 0.75},
            "answer": "C",
            "lesion_condition": "malignant",
            "source": "derm7pt",
        }
        for i, image in enumerate(derm_images[8:12])  # images never trained on
    ]
    evalset = write_jsonl(tmp_path / "eval.jsonl", rows)
    result = Evaluator(
        EvalConfig(
            model=str(tiny_model),
            adapter=adapter,
            evalset=str(evalset),
            out=str(tmp_path / "eval"),
            max_new_tokens=40,
            max_pixels=56 * 56,
            batch_size=4,
        )
    ).run()
    assert (result.accuracy, result.invalid_rate) == (1.0, 0.0)
    predictions = [json.loads(x) for x in Path(result.run_dir, "predictions.jsonl").read_text().splitlines()]
    assert {p["completion"] for p in predictions} == {target}
    assert all(
        (p["format_reward"], p["granularity_reward"], p["malignancy_reward"]) == (1.0, 0.75, 0.25)
        for p in predictions
    )
