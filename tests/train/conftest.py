"""Fixtures of the training tests: a tiny Qwen2.5-VL built once per session, and small files in the
exact layouts ``synth`` exports (see train/schemas.py for the assumed schemas), with real Derm7pt images."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from train.grpo_config import GrpoConfig
from train.sft_config import SftConfig

DIAGNOSIS_OPTIONS = {
    "A": "benign nevus",
    "B": "melanocytic lesion",
    "C": "melanoma",
    "D": "seborrheic keratosis",
    "E": "dermatofibroma",
}
DIAGNOSIS_SCORES = {"A": 0.0, "B": 0.375, "C": 0.75, "D": 0.0, "E": 0.0}
CONDITION_OPTIONS = {"A": "benign", "B": "malignant", "C": "precancerous in situ"}
RL_PROMPT = (
    "Which option is the most specific diagnosis of this dermoscopy image? "
    "A. benign nevus B. melanocytic lesion C. melanoma D. seborrheic keratosis E. dermatofibroma. "
    "Reason in <thinking></thinking>, then answer in <final diagnosis></final diagnosis>."
)
TARGET = (
    "<thinking>Atypical pigment network with irregular streaks. Melanoma is a malignant melanocytic "
    "lesion.</thinking><diagnosis>C. melanoma (malignant)</diagnosis>"
)


@pytest.fixture(scope="session")
def derm_images(shared_data: Path) -> list[Path]:
    """Twelve real Derm7pt dermoscopy images (small JPEGs; the processor caps them further)."""
    images = sorted((shared_data / "derm7pt-subset" / "images").rglob("*.jpg"))[:12]
    assert len(images) == 12
    return images


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A random 2-layer Qwen2.5-VL with its processor, built locally once per session."""
    from train.tiny_model import build_tiny_model

    return build_tiny_model(tmp_path_factory.mktemp("tiny") / "qwen25vl")


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def sft_rows(images: list[Path], n: int = 8, relative_to: Path | None = None) -> list[dict[str, Any]]:
    """Rows as `synth trajectories` exports them: TRL conversational prompt/completion + images."""
    rows = []
    for i in range(n):
        image = images[i % len(images)]
        rows.append(
            {
                "id": f"traj-{i:03d}",
                "type": "type1",
                "prompt": [
                    {"role": "user", "content": "Examine the dermoscopy image and diagnose the lesion."}
                ],
                "completion": [{"role": "assistant", "content": TARGET}],
                "images": [str(image.relative_to(relative_to)) if relative_to else str(image)],
                "provenance": {"revision": 3, "case_ids": [f"case-{i}"]},
            }
        )
    return rows


def mcq_rows(images: list[Path], n: int = 10, split: str = "test") -> list[dict[str, Any]]:
    """RL / evaluation rows as `synth datasets|evalsets` export them (issue 7 columns)."""
    rows = []
    for i in range(n):
        lesion_task = i % 2 == 1
        options = CONDITION_OPTIONS if lesion_task else DIAGNOSIS_OPTIONS
        rows.append(
            {
                "id": f"mcq-{i:03d}",
                "image": str(images[i % len(images)]),
                "prompt": RL_PROMPT
                if not lesion_task
                else "Is this lesion A. benign B. malignant C. precancerous in situ?",
                "options": options,
                "option_scores": DIAGNOSIS_SCORES if not lesion_task else {"A": 0.0, "B": 0.25, "C": 0.0},
                "answer": "B" if lesion_task else "C",
                "lesion_condition": "malignant",
                "path": ["malignant", "melanocytic lesion", "melanoma"],
                "source": "derm7pt" if i < 6 else "ham10000",
                "split": split,
                "task": "lesion_condition" if lesion_task else "diagnosis",
            }
        )
    return rows


@pytest.fixture
def sft_file(tmp_path: Path, derm_images: list[Path]) -> Path:
    return write_jsonl(tmp_path / "sft" / "train.jsonl", sft_rows(derm_images))


@pytest.fixture
def rl_file(tmp_path: Path, derm_images: list[Path]) -> Path:
    return write_jsonl(tmp_path / "rl" / "rl.jsonl", mcq_rows(derm_images, n=8, split="train"))


@pytest.fixture
def eval_file(tmp_path: Path, derm_images: list[Path]) -> Path:
    return write_jsonl(tmp_path / "eval" / "eval.jsonl", mcq_rows(derm_images, n=10, split="test"))


SMALL = {"max_pixels": 56 * 56, "report_to": ["csv"], "logging_steps": 1, "warmup_ratio": 0.0}


def _tiny_run(model: Path, data: Path, out: Path, stage: dict[str, Any], overrides: dict[str, Any]) -> dict:
    """The fields every tiny CPU run shares, then the stage's own, then the test's."""
    shared = {"model": str(model), "data": str(data), "output_dir": str(out), "save_steps": 100}
    return {**shared, "learning_rate": 1e-3, **SMALL, **stage, **overrides}


def sft_config(model: Path, data: Path, out: Path, **overrides: Any) -> SftConfig:
    stage = {"max_steps": 3, "effective_batch_size": 2, "per_device_batch_size": 2}
    stage["lora"] = {"r": 8, "alpha": 16, "dropout": 0.1}
    return SftConfig.model_validate(_tiny_run(model, data, out, stage, overrides))


def grpo_config(model: Path, data: Path, out: Path, **overrides: Any) -> GrpoConfig:
    """A GRPO run small enough for CPU: 4 completions of 4 prompts' worth per step, LoRA r=8."""
    stage = {"max_steps": 2, "effective_batch_size": 4, "per_device_batch_size": 4}
    stage |= {"max_completion_length": 8, "lora": {"r": 8, "alpha": 16}}
    return GrpoConfig.model_validate(_tiny_run(model, data, out, stage, overrides))


def lora_weights(model: Any) -> dict[str, Any]:
    return {n: p.detach().clone() for n, p in model.named_parameters() if "lora_" in n}


def stop_at(step: int) -> Any:
    """A callback that interrupts training after ``step``, like a job killed after its checkpoint."""
    from transformers import TrainerCallback

    class StopAt(TrainerCallback):
        def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> Any:
            if state.global_step >= step:
                control.should_training_stop = True
            return control

    return StopAt()
