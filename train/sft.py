"""LoRA supervised fine-tuning on grounded trajectories (Skin-R1 stage 1) with TRL's ``SFTTrainer``.

Loss falls on the target (``<thinking>…</thinking><diagnosis>…</diagnosis>``) only: the rows are
prompt-completion pairs and TRL's vision collator labels every prompt and image token -100.

Example:
    >>> from train.config import load_config
    >>> job = SftJob(load_config("train/configs/sft.yaml", SftConfig))  # doctest: +SKIP
    >>> job.run().adapter_dir  # doctest: +SKIP
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from train._job import TrainJob
from train.sft_config import SftConfig

log = logging.getLogger(__name__)


class SftResult(BaseModel):
    """What an SFT run produced."""

    output_dir: str
    adapter_dir: str
    merged_dir: str | None = None
    global_step: int
    train_loss: float | None = None
    train_rows: int
    lora_modules: int
    resumed_from: str | None = None
    seconds: float


class SftJob(TrainJob[SftResult]):
    """One SFT run: settings in ``config``; ``run()`` loads, trains, saves (constructor does no I/O)."""

    stage = "SFT"
    result_type = SftResult

    def __init__(self, config: SftConfig, callbacks: list[Any] | None = None) -> None:
        super().__init__(config, callbacks)
        self._lora_modules: list[str] = []

    def build_trainer(self):  # -> trl.SFTTrainer
        """Load rows, processor and model and assemble the trainer (also used by tests and the GPU check)."""
        from trl import SFTTrainer

        from train._modeling import check_lora_targets, load_model, load_processor, lora_config, sft_dataset
        from train.logs import CsvLogCallback
        from train.schemas import SftRow, load_all

        cfg = self.config
        args = cfg.to_trl()  # validates batch arithmetic and bf16 before anything loads
        train_rows = load_all(cfg.data, SftRow, split=cfg.split)
        eval_ds = None
        if cfg.eval_data:
            eval_ds = sft_dataset(load_all(cfg.eval_data, SftRow, split=cfg.eval_split))
        processor = load_processor(cfg.model, cfg.max_pixels)
        model = load_model(cfg.model, bf16=args.bf16)
        self.trainer = SFTTrainer(
            model=model,
            args=args,
            train_dataset=sft_dataset(train_rows),
            eval_dataset=eval_ds,
            processing_class=processor,
            peft_config=lora_config(cfg.lora),
            callbacks=[CsvLogCallback(cfg.output_dir), *self.callbacks],
        )
        self._lora_modules = check_lora_targets(self.trainer.model)
        self._train_rows = len(train_rows)
        return self.trainer

    def stage_outputs(self, trainer: Any, output: Any, adapter_dir: Path, out: Path) -> dict[str, Any]:
        """The merged checkpoint when configured; the loss and the adapted modules."""
        merged_dir = None
        if self.config.merge_adapter:
            merged_dir = out / "merged"
            trainer.model.merge_and_unload().save_pretrained(str(merged_dir))
            trainer.processing_class.save_pretrained(str(merged_dir))
        return {
            "merged_dir": str(merged_dir) if merged_dir else None,
            "train_loss": output.training_loss,
            "lora_modules": len(self._lora_modules),
        }
