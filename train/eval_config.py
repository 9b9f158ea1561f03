"""Settings of the evaluation harness; the CLI options of ``dermkg train eval`` map onto these fields."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from train.config import PAPER_MAX_PIXELS


class EvalConfig(BaseModel):
    """Greedy, batched evaluation of one model (a base model is the baseline: no adapter)."""

    model_config = ConfigDict(extra="forbid")

    model: str = Field(description="Base model folder or hub id.")
    adapter: str | None = Field(None, description="LoRA adapter folder from `train sft` / `train grpo`.")
    evalset: str = Field(description="Evaluation rows: a JSONL file, a datasets folder, or a folder of them.")
    out: str = Field("eval", description="Results folder; runs of several models accumulate in one table.")
    name: str | None = Field(
        None, description="Row label in the results table (default: adapter or model name)."
    )
    split: str | None = Field("test", description="Evaluate only rows of this split (None: all).")
    batch_size: int = Field(8, ge=1, description="Prompts per generate call.")
    max_new_tokens: int = Field(512, ge=1, description="Token cap of one answer.")
    max_pixels: int = Field(PAPER_MAX_PIXELS, ge=28 * 28, description="Image cap in pixels (448x448).")
    limit: int | None = Field(None, ge=1, description="Evaluate only the first N rows (smoke runs).")
    bf16: bool | None = Field(None, description="bfloat16 inference; None: on when the GPU supports it.")

    def label(self) -> str:
        from pathlib import Path

        if self.name:
            return self.name
        source = Path(self.adapter) if self.adapter else Path(self.model)
        parts = [p for p in source.parts[-2:] if p not in ("adapter", "/")]
        return "-".join(parts) or source.name or "model"
