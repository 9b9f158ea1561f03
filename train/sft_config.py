"""Settings of LoRA supervised fine-tuning (Skin-R1 stage 1); each field documents itself once."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from train.config import StageConfig


class SftConfig(StageConfig):
    """LoRA SFT on grounded trajectories; defaults are the paper's (lr 3e-5, batch 16, 4 epochs).

    Example (YAML):
        model: Qwen/Qwen2.5-VL-7B-Instruct
        data: exports/trajectories
        output_dir: runs/sft
    """

    learning_rate: float = Field(3e-5, gt=0, description="Peak learning rate (paper: 3e-5).")
    num_train_epochs: float = Field(4.0, gt=0, description="Passes over the trajectories (paper: 4).")
    split: str | None = Field("train", description="Train on rows of this split (None: every row).")
    eval_data: str | None = Field(None, description="Optional held-out trajectories for the eval loss.")
    eval_split: str | None = Field("validation", description="Split of eval_data to use (None: every row).")
    eval_steps: int | None = Field(None, ge=1, description="Evaluate every N steps (default: save_steps).")
    max_length: int | None = Field(
        2048, ge=64, description="Token cap per sample (prompt + image tokens + target); None: no cap."
    )
    merge_adapter: bool = Field(
        False, description="Also write the base model with the adapter merged into output_dir/merged."
    )

    def to_trl(self, **extra: Any):  # -> trl.SFTConfig
        """The TRL ``SFTConfig`` for this run: completion-only loss, no packing (vision rows)."""
        from trl import SFTConfig as TrlSftConfig

        return TrlSftConfig(
            **self.trainer_args(),
            per_device_eval_batch_size=self.per_device_batch_size,
            eval_strategy="steps" if self.eval_data else "no",
            eval_steps=self.eval_steps or self.save_steps,
            max_length=self.max_length,
            # Loss on the target only: prompt tokens (and the image) are labelled -100.
            completion_only_loss=True,
            packing=False,
            **extra,
        )
