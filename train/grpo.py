"""GRPO with the hierarchical reward (Skin-R1 stage 2) through TRL's ``GRPOTrainer``.

The policy starts from the SFT model (base + SFT adapter, merged) with a fresh LoRA; with PEFT, TRL's
reference model is the policy with its adapter disabled, i.e. the SFT model the KL term (beta) holds
the policy to. Rewards: R_format + R_gran + R_malignancy (``train.rewards``).

Example:
    >>> from train.config import load_config
    >>> GrpoJob(load_config("train/configs/grpo.yaml", GrpoConfig)).run()  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel

from train._job import TrainJob
from train.grpo_config import GrpoConfig
from train.rewards import RewardFunc, skin_r1_rewards


class GrpoResult(BaseModel):
    """What a GRPO run produced."""

    output_dir: str
    adapter_dir: str
    global_step: int
    train_rows: int
    mean_reward: float | None = None
    reward_curves_png: str | None = None
    resumed_from: str | None = None
    seconds: float


class GrpoJob(TrainJob[GrpoResult]):
    """One GRPO run; extra reward functions (tests, ablations) are appended to the paper's three."""

    stage = "GRPO"
    result_type = GrpoResult

    def __init__(
        self,
        config: GrpoConfig,
        extra_rewards: list[RewardFunc] | None = None,
        callbacks: list[Any] | None = None,
    ) -> None:
        super().__init__(config, callbacks)
        self.extra_rewards = list(extra_rewards or [])

    def build_trainer(self):  # -> trl.GRPOTrainer
        """Load rows, processor and the SFT policy and assemble the trainer."""
        from trl import GRPOTrainer

        from train._modeling import check_lora_targets, load_model, load_processor, lora_config, mcq_dataset
        from train.logs import CsvLogCallback
        from train.schemas import McqRow, load_all

        cfg = self.config
        args = cfg.to_trl(n_extra_rewards=len(self.extra_rewards))
        rows = load_all(cfg.data, McqRow, split=cfg.split)
        processor = load_processor(cfg.model, cfg.max_pixels, padding_side="left")
        model = load_model(cfg.model, bf16=args.bf16, adapter=cfg.sft_adapter, merge=True)
        self.trainer = GRPOTrainer(
            model=model,
            reward_funcs=[
                *skin_r1_rewards(
                    cfg.format_tags, untagged_replies_earn_rewards=cfg.untagged_replies_earn_rewards
                ),
                *self.extra_rewards,
            ],
            args=args,
            train_dataset=mcq_dataset(rows),
            processing_class=processor,
            peft_config=lora_config(cfg.lora),
            callbacks=[CsvLogCallback(cfg.output_dir), *self.callbacks],
        )
        check_lora_targets(self.trainer.model)
        self._train_rows = len(rows)
        return self.trainer

    def stage_outputs(self, trainer: Any, output: Any, adapter_dir: Path, out: Path) -> dict[str, Any]:
        """The adapter stack (base + SFT merged + this) and the reward curves."""
        from train._modeling import write_adapter_stack
        from train.logs import LOG_FILE, plot_reward_curves, read_log

        write_adapter_stack(adapter_dir, self.config.sft_adapter)
        log_csv = out / LOG_FILE
        rewards = read_log(log_csv).get("reward", []) if log_csv.is_file() else []
        png = plot_reward_curves(log_csv, out / "reward_curves.png") if log_csv.is_file() else None
        return {
            "mean_reward": sum(v for _, v in rewards) / len(rewards) if rewards else None,
            "reward_curves_png": str(png) if png else None,
        }
