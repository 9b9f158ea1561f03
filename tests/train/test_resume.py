"""Interrupted training resumes from the last checkpoint without repeating or skipping data."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.train.conftest import grpo_config, lora_weights, sft_config, stop_at
from train.grpo import GrpoJob
from train.grpo_config import GrpoConfig
from train.sft import SftJob

pytestmark = pytest.mark.train


def test_interrupted_sft_resumes_without_repeating_or_skipping(
    tiny_model: Path, sft_file: Path, tmp_path: Path
) -> None:
    from train.logs import read_log

    common = {"max_steps": 4, "save_steps": 2, "num_train_epochs": 1.0}
    full = SftJob(sft_config(tiny_model, sft_file, tmp_path / "full", **common))
    full_result = full.run()

    out = tmp_path / "resumed"
    SftJob(sft_config(tiny_model, sft_file, out, **common), callbacks=[stop_at(2)]).run()
    assert (out / "checkpoint-2").is_dir()
    resumed_job = SftJob(sft_config(tiny_model, sft_file, out, resume_from_checkpoint="last", **common))
    resumed = resumed_job.run()
    assert resumed.resumed_from == str(out / "checkpoint-2") and resumed.global_step == 4

    full_loss = dict(read_log(tmp_path / "full" / "train_log.csv")["loss"])
    resumed_loss = dict(read_log(out / "train_log.csv")["loss"])
    assert resumed_loss == pytest.approx(full_loss, rel=1e-5)  # same batches at every step
    a, b = lora_weights(full.trainer.model), lora_weights(resumed_job.trainer.model)
    assert all(a[k].allclose(b[k], atol=1e-6) for k in a)
    assert full_result.global_step == 4


def test_interrupted_grpo_resumes_with_the_same_rollouts(
    tiny_model: Path, rl_file: Path, tmp_path: Path
) -> None:
    """Resuming restores the sampler position and the RNG: steps 3-4 sample and score exactly as an
    uninterrupted run does, and the weights end identical."""
    from train.logs import read_log

    def length_reward(prompts: list[Any], completions: list[Any], **columns: Any) -> list[float]:
        return [len(c[0]["content"]) / 50 for c in completions]

    def config(out: Path, **extra: Any) -> GrpoConfig:
        return grpo_config(tiny_model, rl_file, out, max_steps=4, save_steps=2, **extra)

    full = GrpoJob(config(tmp_path / "full"), extra_rewards=[length_reward])
    full.run()
    GrpoJob(config(tmp_path / "cut"), extra_rewards=[length_reward], callbacks=[stop_at(2)]).run()
    resumed = GrpoJob(config(tmp_path / "cut", resume_from_checkpoint="last"), extra_rewards=[length_reward])
    result = resumed.run()
    assert result.resumed_from == str(tmp_path / "cut" / "checkpoint-2") and result.global_step == 4
    full_rewards = read_log(tmp_path / "full" / "train_log.csv")["reward"]
    assert read_log(tmp_path / "cut" / "train_log.csv")["reward"] == full_rewards
    a, b = lora_weights(full.trainer.model), lora_weights(resumed.trainer.model)
    assert all(a[k].equal(b[k]) for k in a)
