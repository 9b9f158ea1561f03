"""Settings of GRPO with the hierarchical reward (Skin-R1 stage 2); each field documents itself once."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from train.config import StageConfig
from train.rewards import DEFAULT_FORMAT_TAGS

_LOSS_TYPES = ("grpo", "dr_grpo", "dapo", "bnpo")
# Our fields that TRL's GRPOConfig takes under the same name and meaning.
_PASSED_TO_TRL = {
    "num_generations",
    "temperature",
    "max_completion_length",
    "beta",
    "loss_type",
    "scale_rewards",
    "use_vllm",
    "vllm_mode",
    "vllm_gpu_memory_utilization",
}


class GrpoConfig(StageConfig):
    """GRPO from the SFT checkpoint: K=4 samples at temperature 1.0, lr 1e-5, 16 prompts x 4 per step.

    Against TRL's GRPOConfig (checked on trl 1.16): ``effective_batch_size`` completions per step =
    TRL's per_device_train_batch_size x GPUs x gradient_accumulation_steps, which TRL requires to be a
    multiple of num_generations; generation_batch_size and steps_per_generation are left to TRL's
    defaults (one generation round per optimizer step). ``loss_type='grpo'`` is eq. 4 (TRL's default
    'dapo' is not); ``scale_rewards='group'`` is eq. 3.

    The SFT adapter is merged into the base weights and a fresh LoRA is trained on top, so the frozen
    reference of the KL term (the adapter switched off) is exactly the SFT model.

    Example (YAML):
        model: Qwen/Qwen2.5-VL-7B-Instruct
        sft_adapter: runs/sft/adapter
        data: exports/rl
        output_dir: runs/grpo
    """

    sft_adapter: str | None = Field(
        None,
        description="LoRA adapter from `train sft`, merged into `model` to make the policy and reference.",
    )
    learning_rate: float = Field(1e-5, gt=0, description="Peak learning rate (paper: 1e-5).")
    split: str | None = Field("train", description="Use only rows of this split (None: all rows).")
    per_device_batch_size: int = Field(
        4,
        ge=1,
        description="Completions per forward pass on one device (TRL counts completions, not prompts).",
    )
    effective_batch_size: int = Field(
        64,
        ge=1,
        description="Completions per optimizer step over all GPUs: 64 = 16 prompts x K=4, the reference "
        "implementation's step; reached by gradient accumulation (64 / per_device_batch_size / GPUs).",
    )
    num_generations: int = Field(4, ge=2, description="K: completions sampled per question (paper: 4).")
    temperature: float = Field(1.0, gt=0, description="Sampling temperature of the rollouts (paper: 1.0).")
    max_completion_length: int = Field(512, ge=8, description="Token cap of one sampled completion.")
    loss_type: str = Field(
        "grpo",
        description="Token-loss aggregation (TRL loss_type). 'grpo' = eq. 4: each completion's token "
        "losses averaged over its own length, then over the G completions (TRL's own default is "
        "'dapo': one mean over every token of the accumulated batch). Others: dr_grpo, dapo, bnpo.",
    )
    scale_rewards: str = Field(
        "group",
        description="Advantage normalisation (TRL scale_rewards): 'group' = eq. 3, (r - mean) / std over "
        "the K completions of a prompt; 'batch' or 'none' are TRL's alternatives.",
    )
    beta: float = Field(0.04, ge=0, description="KL coefficient against the SFT reference (0: no reference).")
    format_tags: list[str] = Field(
        default_factory=lambda: list(DEFAULT_FORMAT_TAGS), description="Tags R_format requires (eq. 6)."
    )
    untagged_replies_earn_rewards: bool = Field(
        True,
        description="Whether a reply missing the format tags can still earn R_gran and R_malignancy "
        "(true, the paper: eq. 5 sums independent terms; false: only R_format-valid replies score).",
    )
    reward_weights: list[float] | None = Field(
        None, description="Weights of [format, granularity, malignancy]; None: plain sum (eq. 5)."
    )
    use_vllm: bool = Field(False, description="Generate rollouts with vLLM (must be installed).")
    vllm_mode: str = Field("colocate", description="'colocate' (same GPUs) or 'server' (trl vllm-serve).")
    vllm_gpu_memory_utilization: float = Field(0.3, gt=0, le=1, description="vLLM share of GPU memory.")

    @model_validator(mode="after")
    def _groups_fit(self) -> GrpoConfig:
        self.require_multiple_of("num_generations", " (whole groups per step)")
        if self.loss_type not in _LOSS_TYPES:
            raise ValueError(f"loss_type {self.loss_type!r}: choose one of {', '.join(_LOSS_TYPES)}")
        if self.scale_rewards not in ("group", "batch", "none"):
            raise ValueError(f"scale_rewards {self.scale_rewards!r}: choose group, batch or none")
        if self.reward_weights is not None and len(self.reward_weights) != 3:
            raise ValueError("reward_weights needs three weights: format, granularity, malignancy")
        return self

    def to_trl(self, n_extra_rewards: int = 0, **extra: Any):  # -> trl.GRPOConfig
        """The TRL ``GRPOConfig`` for this run; extra reward functions (tests, ablations) get weight 1."""
        from trl import GRPOConfig as TrlGrpoConfig

        from train.errors import TrainConfigError

        if self.use_vllm:
            try:
                import vllm  # noqa: F401
            except ImportError:
                raise TrainConfigError("use_vllm: true but vLLM is not installed; pip install vllm") from None
        return TrlGrpoConfig(
            **self.trainer_args(),
            **self.model_dump(include=_PASSED_TO_TRL),
            # one rollout of generation_batch_size = effective_batch_size completions per optimizer
            # step (TRL: steps_per_generation defaults to gradient_accumulation_steps), used once
            # (num_iterations=1): on-policy, as the reference.
            num_iterations=1,
            reward_weights=None
            if self.reward_weights is None
            else [*self.reward_weights] + [1.0] * n_extra_rewards,
            remove_unused_columns=False,  # the rewards read options / option_scores / lesion_condition
            log_completions=False,
            **extra,
        )
