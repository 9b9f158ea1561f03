"""Loading models, processors and datasets for the trainers and the evaluation (heavy imports inside)."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Any

from train.config import LaunchEnv, LoraSettings
from train.errors import TrainError
from train.schemas import McqRow, SftRow, as_image_cell

log = logging.getLogger(__name__)


def check_model_ref(model: str) -> None:
    """A local path that does not exist is a typo, not a hub id: say so instead of the hub's id rules."""
    if model.startswith(("/", ".", "~")) and not Path(model).expanduser().exists():
        raise TrainError(f"{model}: no such model folder")


def load_processor(model: str, max_pixels: int, padding_side: str = "left"):  # -> ProcessorMixin
    """The model's processor with images capped at ``max_pixels`` (the paper's 448x448)."""
    from transformers import AutoProcessor

    check_model_ref(model)
    try:
        processor = AutoProcessor.from_pretrained(model, padding_side=padding_side)
    except (OSError, ValueError) as exc:  # a missing folder / unknown hub id / no processor files
        raise TrainError(f"cannot load the processor of model {model!r}: {exc}") from None
    image_processor = processor.image_processor
    size = dict(getattr(image_processor, "size", None) or {})
    size["longest_edge"] = max_pixels
    size["shortest_edge"] = min(size.get("shortest_edge", 56 * 56), max_pixels)
    image_processor.size = size
    if hasattr(image_processor, "max_pixels"):
        image_processor.max_pixels = max_pixels
    return processor


def torch_dtype(bf16: bool):
    import torch

    return torch.bfloat16 if bf16 else torch.float32


# Beside an adapter trained on top of others (GRPO over the merged SFT adapter): the adapters to merge
# into the base model first, relative to the adapter folder, in order.
STACK_FILE = "dermkg_adapter_stack.json"


def adapter_stack(adapter: str | Path) -> list[Path]:
    """The adapters merged into the base before ``adapter`` was trained (empty for a plain adapter)."""
    stack_file = Path(adapter) / STACK_FILE
    if not stack_file.is_file():
        return []
    return [(Path(adapter) / p).resolve() for p in json.loads(stack_file.read_text(encoding="utf-8"))]


def write_adapter_stack(adapter: str | Path, merged_before: str | Path | None) -> None:
    """Record that ``adapter`` was trained on base + ``merged_before`` (and whatever that sat on)."""
    if merged_before is None:
        return
    chain = [*adapter_stack(merged_before), Path(merged_before).resolve()]
    relative = [os.path.relpath(p, Path(adapter).resolve()) for p in chain]
    (Path(adapter) / STACK_FILE).write_text(json.dumps(relative, indent=2), encoding="utf-8")


def load_model(model: str, bf16: bool, adapter: str | None = None, merge: bool = False):
    """A vision-language model, optionally with a LoRA adapter (merged into the weights when ``merge``).

    An adapter trained on top of others (GRPO over SFT) gets its recorded stack merged in first, so
    ``--model BASE --adapter runs/grpo/adapter`` evaluates the model GRPO actually trained.
    """
    import torch
    from transformers import AutoModelForImageTextToText

    check_model_ref(model)
    log.info("loading %s%s (bf16=%s)", model, f" with adapter {adapter}" if adapter else "", bf16)
    device_map = "auto" if torch.cuda.is_available() and not _distributed() else None
    try:
        base = AutoModelForImageTextToText.from_pretrained(
            model, dtype=torch_dtype(bf16), device_map=device_map
        )
    except (OSError, ValueError) as exc:
        raise TrainError(f"cannot load model {model!r}: {exc}") from None
    if adapter is None:
        return base
    from peft import PeftModel

    for path in [*adapter_stack(adapter), Path(adapter)]:
        if not (path / "adapter_config.json").is_file():
            raise TrainError(f"{path}: not a LoRA adapter folder (no adapter_config.json)")
    for earlier in adapter_stack(adapter):
        base = PeftModel.from_pretrained(base, str(earlier)).merge_and_unload()
    peft_model = PeftModel.from_pretrained(base, adapter)
    return peft_model.merge_and_unload() if merge else peft_model


def _distributed() -> bool:
    return LaunchEnv().world_size > 1


def lora_config(settings: LoraSettings):  # -> peft.LoraConfig
    """LoRA on the modules the regex names (the language-model projections by default)."""
    from peft import LoraConfig

    return LoraConfig(
        r=settings.r,
        lora_alpha=settings.alpha,
        lora_dropout=settings.dropout,
        target_modules=settings.target_modules,
        task_type="CAUSAL_LM",
        bias="none",
    )


def check_lora_targets(model: Any) -> list[str]:
    """Names of the modules that got LoRA layers; refuses a config that touches the vision tower."""
    names = [n for n, m in model.named_modules() if hasattr(m, "lora_A") and "lora_A" not in n.split(".")[-1]]
    vision = [n for n in names if ".visual." in f".{n}." or "vision" in n]
    if vision:
        raise TrainError(f"LoRA reached the vision tower ({vision[0]} ...); restrict lora.target_modules")
    if not names:
        raise TrainError("lora.target_modules matched no module of this model")
    return names


def sft_dataset(rows: list[SftRow]):  # -> datasets.Dataset
    """TRL's vision prompt-completion format; images decoded lazily from their paths."""
    from datasets import Dataset, Image, List

    ds = Dataset.from_dict(
        {
            "prompt": [[m.model_dump() for m in r.prompt] for r in rows],
            "completion": [[m.model_dump() for m in r.completion] for r in rows],
            "images": [[as_image_cell(i) for i in r.images] for r in rows],
        }
    )
    return ds.cast_column("images", List(Image()))


def mcq_dataset(rows: list[McqRow]):  # -> datasets.Dataset
    """RL rows for GRPO: a conversational prompt, the image, and the columns the rewards read."""
    from datasets import Dataset, Image

    ds = Dataset.from_dict(
        {
            "id": [r.id for r in rows],
            "prompt": [[{"role": "user", "content": r.prompt}] for r in rows],
            "image": [as_image_cell(r.image) for r in rows],
            "options": [r.options for r in rows],
            "option_scores": [r.option_scores for r in rows],
            "answer": [r.answer for r in rows],
            "lesion_condition": [r.lesion_condition for r in rows],
            "task": [r.task for r in rows],
            "source": [r.source for r in rows],
        }
    )
    return ds.cast_column("image", Image())


def merge_adapter(model: str, adapter: str, out: str | Path) -> Path:
    """Merge ``adapter`` into ``model`` and save the full checkpoint with its processor to ``out``."""
    check_model_ref(model)  # bad input fails before torch and transformers load (seconds)
    if adapter.startswith(("/", ".", "~")) and not Path(adapter).expanduser().exists():
        raise TrainError(f"{adapter}: no such adapter folder")
    from transformers import AutoProcessor

    merged = load_model(model, bf16=False, adapter=adapter, merge=True)
    out = Path(out)
    merged.save_pretrained(out)
    processor_source = adapter if (Path(adapter) / "tokenizer_config.json").is_file() else model
    AutoProcessor.from_pretrained(processor_source).save_pretrained(out)
    return out


def train_and_save(trainer: Any, stage: str, rows: int, config: Any) -> tuple[Any, Path, str | None]:
    """Train (from the configured checkpoint when resuming, logged), then save the adapter and the
    processor beside it in ``config.output_dir``.

    Returns the trainer's output, the adapter folder and the checkpoint resumed from."""
    resume = config.resume_path()
    log.info("%s on %d rows%s", stage, rows, f", resuming from {resume}" if resume else "")
    output = trainer.train(resume_from_checkpoint=resume)
    adapter_dir = Path(config.output_dir) / "adapter"
    trainer.save_model(str(adapter_dir))
    trainer.processing_class.save_pretrained(str(adapter_dir))
    log.info("%s adapter saved to %s", stage, adapter_dir)
    return output, adapter_dir, resume


def write_run_record(output_dir: str | Path, stage: str, config: Any, result: Any) -> None:
    """``run.json``: the stage, its full config and its result, so a run can be read back and repeated."""
    record = {"stage": stage, "config": config.model_dump(), "result": result.model_dump()}
    (Path(output_dir) / "run.json").write_text(json.dumps(record, indent=2), encoding="utf-8")
