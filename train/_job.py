"""What every training stage does around its trainer: train (resuming when configured), save the
adapter, time the run, write ``run.json``. A stage builds its trainer and adds its own outputs."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel

R = TypeVar("R", bound=BaseModel)


class TrainJob(Generic[R]):
    """One run of a stage; settings in ``config``, no I/O before :meth:`run` / :meth:`build_trainer`."""

    stage: ClassVar[str]  # "SFT", "GRPO": the log's word; run.json records it in lower case
    result_type: type[R]

    def __init__(self, config: Any, callbacks: list[Any] | None = None) -> None:
        self.config = config
        self.callbacks = list(callbacks or [])
        self.trainer: Any = None
        self._train_rows = 0

    def build_trainer(self) -> Any:
        raise NotImplementedError

    def stage_outputs(self, trainer: Any, output: Any, adapter_dir: Path, out: Path) -> dict[str, Any]:
        """The stage's own result fields, after its adapter is saved (merges, plots)."""
        return {}

    def run(self) -> R:
        """Train (resuming when configured), save the adapter, then the stage's outputs and a run record."""
        from train._modeling import train_and_save, write_run_record

        start = time.monotonic()
        trainer = self.trainer or self.build_trainer()
        output, adapter_dir, resume = train_and_save(trainer, self.stage, self._train_rows, self.config)
        out = Path(self.config.output_dir)
        fields = self.stage_outputs(trainer, output, adapter_dir, out)
        result = self.result_type(
            output_dir=str(out),
            adapter_dir=str(adapter_dir),
            global_step=trainer.state.global_step,
            train_rows=self._train_rows,
            resumed_from=resume,
            seconds=round(time.monotonic() - start, 2),
            **fields,
        )
        write_run_record(out, self.stage.lower(), self.config, result)
        return result
