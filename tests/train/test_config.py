"""YAML configs: the bundled ones carry the paper's defaults; bad fields are refused by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from train.config import LM_PROJECTIONS_REGEX, describe_config, load_config
from train.errors import TrainConfigError
from train.grpo_config import GrpoConfig
from train.sft_config import SftConfig

CONFIGS = Path(__file__).resolve().parents[2] / "train" / "configs"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cfg.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_bundled_sft_config_has_the_paper_defaults() -> None:
    cfg = load_config(CONFIGS / "sft.yaml", SftConfig)
    assert (cfg.learning_rate, cfg.effective_batch_size, cfg.num_train_epochs) == (3e-5, 16, 4)
    assert (cfg.lora.r, cfg.lora.alpha, cfg.lora.dropout) == (64, 32, 0.1)
    assert cfg.max_pixels == 448 * 448
    assert cfg.lora.target_modules == LM_PROJECTIONS_REGEX


def test_bundled_grpo_config_has_the_paper_defaults() -> None:
    cfg = load_config(CONFIGS / "grpo.yaml", GrpoConfig)
    assert (cfg.num_generations, cfg.temperature, cfg.learning_rate, cfg.effective_batch_size) == (
        4,
        1.0,
        1e-5,
        64,  # 16 prompts x K=4 per optimizer step, as the reference implementation
    )
    assert (cfg.loss_type, cfg.scale_rewards, cfg.untagged_replies_earn_rewards) == ("grpo", "group", True)
    defaults = GrpoConfig(model="m", data="d", output_dir="o")  # the class defaults agree with the YAML
    assert (defaults.effective_batch_size, defaults.loss_type) == (64, "grpo")
    assert cfg.format_tags == ["<thinking>", "</thinking>", "<final diagnosis>", "</final diagnosis>"]
    assert cfg.sft_adapter == "runs/sft/adapter"


def test_unknown_field_is_refused_by_name(tmp_path: Path) -> None:
    path = write(tmp_path, "model: m\ndata: d\noutput_dir: o\nlearning_rat: 1e-4\n")
    with pytest.raises(TrainConfigError, match=r"cfg.yaml.*field 'learning_rat': unknown field"):
        load_config(path, SftConfig)


def test_wrong_type_is_refused_by_name(tmp_path: Path) -> None:
    path = write(tmp_path, "model: m\ndata: d\noutput_dir: o\nlora:\n  r: sixty-four\n")
    with pytest.raises(TrainConfigError, match=r"field 'lora.r'"):
        load_config(path, SftConfig)


def test_missing_required_field_is_named(tmp_path: Path) -> None:
    with pytest.raises(TrainConfigError, match=r"field 'data': Field required"):
        load_config(write(tmp_path, "model: m\noutput_dir: o\n"), SftConfig)


def test_batch_that_does_not_divide_is_refused(tmp_path: Path) -> None:
    path = write(
        tmp_path, "model: m\ndata: d\noutput_dir: o\neffective_batch_size: 10\nper_device_batch_size: 4\n"
    )
    with pytest.raises(TrainConfigError, match="not a multiple of per_device_batch_size"):
        load_config(path, SftConfig)


def test_grpo_batch_must_hold_whole_groups(tmp_path: Path) -> None:
    path = write(
        tmp_path, "model: m\ndata: d\noutput_dir: o\neffective_batch_size: 6\nper_device_batch_size: 2\n"
    )
    with pytest.raises(TrainConfigError, match="multiple of num_generations"):
        load_config(path, GrpoConfig)


def test_overrides_apply_dotted_keys_before_validation(tmp_path: Path) -> None:
    cfg = load_config(CONFIGS / "sft.yaml", SftConfig, overrides=["max_steps=3", "lora.r=8", "data=/x"])
    assert (cfg.max_steps, cfg.lora.r, cfg.data) == (3, 8, "/x")
    with pytest.raises(TrainConfigError, match="field 'lora.rank': unknown field"):
        load_config(CONFIGS / "sft.yaml", SftConfig, overrides=["lora.rank=8"])


def test_not_a_mapping_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(TrainConfigError, match="expected a mapping"):
        load_config(write(tmp_path, "- a\n- b\n"), SftConfig)
    with pytest.raises(TrainConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml", SftConfig)


def test_accumulation_keeps_the_effective_batch_over_gpus() -> None:
    cfg = SftConfig(model="m", data="d", output_dir="o", effective_batch_size=16, per_device_batch_size=2)
    assert cfg.gradient_accumulation_steps(world_size=1) == 8
    assert cfg.gradient_accumulation_steps(world_size=4) == 2
    with pytest.raises(TrainConfigError, match="not divisible"):
        cfg.gradient_accumulation_steps(world_size=3)


@pytest.mark.torch
def test_bf16_is_off_on_cpu_and_refused_when_forced() -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("CPU behaviour")
    assert SftConfig(model="m", data="d", output_dir="o").resolve_bf16() is False
    with pytest.raises(TrainConfigError, match="bf16: true needs a GPU"):
        SftConfig(model="m", data="d", output_dir="o", bf16=True).resolve_bf16()


@pytest.mark.torch  # transformers.trainer_utils finds the last checkpoint
def test_resume_last_without_checkpoint_starts_fresh(tmp_path: Path) -> None:
    cfg = SftConfig(model="m", data="d", output_dir=str(tmp_path), resume_from_checkpoint="last")
    assert cfg.resume_path() is None
    (tmp_path / "checkpoint-4").mkdir()
    (tmp_path / "checkpoint-12").mkdir()
    assert cfg.resume_path() == str(tmp_path / "checkpoint-12")


def test_every_field_documents_itself() -> None:
    for config_type in (SftConfig, GrpoConfig):
        undocumented = [name for name, _, help_text in describe_config(config_type) if not help_text]
        assert undocumented == []


@pytest.mark.torch  # builds the TRL config
def test_vllm_is_optional_and_refused_when_missing() -> None:
    import importlib.util

    if importlib.util.find_spec("vllm") is not None:
        pytest.skip("vLLM is installed here")
    cfg = GrpoConfig(model="m", data="d", output_dir="o", use_vllm=True)
    with pytest.raises(TrainConfigError, match="vLLM is not installed"):
        cfg.to_trl()


@pytest.mark.torch  # builds the TRL config
def test_grpo_maps_onto_trl_with_the_paper_values(tmp_path: Path) -> None:
    cfg = load_config(CONFIGS / "grpo.yaml", GrpoConfig, overrides=[f"output_dir={tmp_path}", "bf16=false"])
    trl_args = cfg.to_trl()
    assert (trl_args.num_generations, trl_args.temperature, trl_args.beta) == (4, 1.0, 0.04)
    assert trl_args.per_device_train_batch_size * trl_args.gradient_accumulation_steps == 64
    prompts = trl_args.per_device_train_batch_size * trl_args.gradient_accumulation_steps // 4
    assert prompts == 16  # 16 prompts x 4 generations per optimizer step
    # eq. 4 (per-completion length mean), not TRL's default 'dapo'; one rollout per step, used once
    assert (trl_args.loss_type, trl_args.scale_rewards, trl_args.num_iterations) == ("grpo", "group", 1)
    assert trl_args.generation_batch_size == 64 and trl_args.steps_per_generation == 16
    assert trl_args.remove_unused_columns is False  # the rewards read the row columns
