"""YAML training configs validated by pydantic before anything heavy loads.

A config is a pydantic model whose fields document themselves once (``Field(description=...)``); that
text is what ``dermkg train show-config`` prints. An unknown or wrong-typed field is refused with the
file and the field named, before torch, the model or the data are touched.

Example:
    >>> from train.sft_config import SftConfig
    >>> cfg = load_config("train/configs/sft.yaml", SftConfig, overrides=["max_steps=2"])  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from train.errors import TrainConfigError

# The language-model projections of Qwen2.5-VL; the vision tower's blocks also have gate/up/down
# projections, so the pattern is anchored on "language_model" (DESIGN.md: known pitfalls).
LM_PROJECTIONS_REGEX = r".*language_model.*\.(q_proj|k_proj|v_proj|o_proj|gate_proj|up_proj|down_proj)$"
PAPER_MAX_PIXELS = 448 * 448


class LaunchEnv(BaseSettings):
    """What ``accelerate launch`` / ``torchrun`` tell each process through the environment."""

    model_config = SettingsConfigDict(extra="ignore")

    world_size: int = Field(default=1, ge=1, validation_alias="WORLD_SIZE")


class LoraSettings(BaseModel):
    """LoRA on the language model only (Skin-R1 SFT: r=64, alpha=32, dropout=0.1)."""

    model_config = ConfigDict(extra="forbid")

    r: int = Field(64, ge=1, description="LoRA rank.")
    alpha: int = Field(32, ge=1, description="LoRA scaling alpha.")
    dropout: float = Field(0.1, ge=0.0, lt=1.0, description="Dropout on the LoRA input.")
    target_modules: str = Field(
        LM_PROJECTIONS_REGEX,
        description="Regex over module names; the default reaches the language-model projections only.",
    )


class StageConfig(BaseModel):
    """Fields every training stage shares: model, data, batch arithmetic, logging, checkpoints."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    model: str = Field(description="Base model: a local checkpoint folder or a hub id.")
    data: str = Field(description="Training rows: a JSONL file, a folder holding one, or a datasets folder.")
    output_dir: str = Field(description="Where checkpoints, the final adapter and logs go.")
    seed: int = Field(42, description="Seed for data order, LoRA init and sampling.")
    learning_rate: float = Field(gt=0, description="Peak learning rate (AdamW).")
    num_train_epochs: float = Field(1.0, gt=0, description="Passes over the data.")
    max_steps: int = Field(-1, description="Stop after this many optimizer steps (-1: use epochs).")
    effective_batch_size: int = Field(
        16, ge=1, description="Samples per optimizer step over all GPUs (per-device x accumulation x GPUs)."
    )
    per_device_batch_size: int = Field(2, ge=1, description="Samples per forward pass on one device.")
    warmup_ratio: float = Field(0.03, ge=0, lt=1, description="Fraction of steps of linear warm-up.")
    lr_scheduler_type: str = Field("cosine", description="transformers scheduler name.")
    max_pixels: int = Field(PAPER_MAX_PIXELS, ge=28 * 28, description="Image cap in pixels (448x448).")
    lora: LoraSettings = Field(default_factory=LoraSettings, description="LoRA adapter settings.")
    bf16: bool | None = Field(
        None, description="bfloat16 training; None: on when the GPU supports it, off on CPU."
    )
    gradient_checkpointing: bool = Field(False, description="Trade compute for memory on large models.")
    logging_steps: int = Field(10, ge=1, description="Log every N optimizer steps.")
    save_steps: int = Field(200, ge=1, description="Checkpoint every N optimizer steps.")
    save_total_limit: int | None = Field(3, description="Keep at most N checkpoints (None: all).")
    resume_from_checkpoint: str | None = Field(
        None, description="'last' (newest checkpoint in output_dir, if any) or a checkpoint folder."
    )
    report_to: list[Literal["tensorboard", "csv", "wandb"]] = Field(
        default_factory=lambda: ["tensorboard", "csv"], description="Loggers; W&B only when listed."
    )
    dataloader_num_workers: int = Field(0, ge=0, description="Data-loading worker processes.")

    @model_validator(mode="after")
    def _batch_divides(self) -> StageConfig:
        self.require_multiple_of("per_device_batch_size")
        return self

    def require_multiple_of(self, field: str, why: str = "") -> None:
        """Refuse an ``effective_batch_size`` that ``field``'s value does not divide, naming both."""
        size, unit = self.effective_batch_size, getattr(self, field)
        if size % unit:
            raise ValueError(f"effective_batch_size {size} is not a multiple of {field} {unit}{why}")

    def gradient_accumulation_steps(self, world_size: int | None = None) -> int:
        """Accumulation that keeps the effective batch constant however many GPUs ``accelerate`` gives."""
        world = world_size or LaunchEnv().world_size
        per_step = self.per_device_batch_size * world
        if self.effective_batch_size % per_step:
            raise TrainConfigError(
                f"effective_batch_size {self.effective_batch_size} is not divisible by per_device_batch_size "
                f"{self.per_device_batch_size} x {world} processes; change one of them"
            )
        return self.effective_batch_size // per_step

    def resolve_bf16(self) -> bool:
        """bf16 only where it works: never on CPU (DESIGN.md pitfall)."""
        if self.bf16 is not None:
            if self.bf16:
                import torch

                if not (torch.cuda.is_available() and torch.cuda.is_bf16_supported()):
                    raise TrainConfigError("bf16: true needs a GPU with bfloat16 support; set bf16: false")
            return self.bf16
        import torch

        return bool(torch.cuda.is_available() and torch.cuda.is_bf16_supported())

    def resume_path(self) -> str | None:
        """The checkpoint to resume from, or None (``'last'`` with no checkpoint yet starts fresh)."""
        if self.resume_from_checkpoint in (None, ""):
            return None
        if self.resume_from_checkpoint == "last":
            from transformers.trainer_utils import get_last_checkpoint

            out = Path(self.output_dir)
            return get_last_checkpoint(str(out)) if out.is_dir() else None
        if not Path(self.resume_from_checkpoint).is_dir():
            raise TrainConfigError(
                f"resume_from_checkpoint: no checkpoint folder at {self.resume_from_checkpoint}"
            )
        return self.resume_from_checkpoint

    def trainer_report_to(self) -> list[str]:
        """The ``report_to`` list for transformers (CSV is our own callback)."""
        targets = [t for t in self.report_to if t != "csv"]
        if "wandb" in targets:
            try:
                import wandb  # noqa: F401
            except ImportError:
                raise TrainConfigError(
                    "report_to lists wandb but it is not installed; pip install wandb"
                ) from None
        return targets or ["none"]

    def trainer_args(self) -> dict[str, Any]:
        """The ``TrainingArguments`` every stage shares (TRL's SFT and GRPO configs extend them)."""
        return {
            "output_dir": self.output_dir,
            "seed": self.seed,
            "data_seed": self.seed,
            "learning_rate": self.learning_rate,
            "num_train_epochs": self.num_train_epochs,
            "max_steps": self.max_steps,
            "per_device_train_batch_size": self.per_device_batch_size,
            "gradient_accumulation_steps": self.gradient_accumulation_steps(),
            "warmup_steps": self.warmup_ratio,  # transformers 5: a float below 1 is a ratio
            "lr_scheduler_type": self.lr_scheduler_type,
            "bf16": self.resolve_bf16(),
            "fp16": False,
            "gradient_checkpointing": self.gradient_checkpointing,
            "logging_steps": self.logging_steps,
            "save_steps": self.save_steps,
            "save_total_limit": self.save_total_limit,
            "report_to": self.trainer_report_to(),
            "dataloader_num_workers": self.dataloader_num_workers,
        }


ConfigT = TypeVar("ConfigT", bound=BaseModel)


def _apply_override(data: dict[str, Any], override: str) -> None:
    key, sep, raw = override.partition("=")
    if not sep or not key.strip():
        raise TrainConfigError(f"override {override!r} is not KEY=VALUE")
    target = data
    parts = key.strip().split(".")
    for part in parts[:-1]:
        target = target.setdefault(part, {})
        if not isinstance(target, dict):
            raise TrainConfigError(f"override {override!r}: {part} is not a section")
    target[parts[-1]] = yaml.safe_load(raw)


def load_config(path: str | Path, config_type: type[ConfigT], overrides: list[str] | None = None) -> ConfigT:
    """Read a YAML config, apply ``KEY=VALUE`` overrides (dotted keys for sections), validate it.

    Raises:
        TrainConfigError: naming the file and every bad field (unknown, wrong type, out of range).
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise TrainConfigError(f"{path}: config file not found") from None
    except yaml.YAMLError as exc:
        raise TrainConfigError(f"{path}: not valid YAML ({exc})") from None
    if not isinstance(data, dict):
        raise TrainConfigError(f"{path}: expected a mapping of fields, got {type(data).__name__}")
    for override in overrides or []:
        _apply_override(data, override)
    try:
        return config_type.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "(config)"
            msg = "unknown field" if err["type"] == "extra_forbidden" else err["msg"]
            problems.append(f"field '{field}': {msg}")
        raise TrainConfigError(f"{path}: " + "; ".join(problems)) from None


def describe_config(config_type: type[BaseModel], prefix: str = "") -> list[tuple[str, str, str]]:
    """(field, default, help) for every field, sections flattened with dots: the CLI's reference."""
    rows: list[tuple[str, str, str]] = []
    for name, field in config_type.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows.extend(describe_config(annotation, prefix=f"{prefix}{name}."))
            continue
        default = "(required)" if field.is_required() else repr(field.get_default(call_default_factory=True))
        rows.append((prefix + name, default, field.description or ""))
    return rows
