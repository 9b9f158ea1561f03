"""GPU check: the real SFT + GRPO path on a larger locally built Qwen2.5-VL, for a few steps.

Prints one JSON object: tokens/s of SFT and GRPO, peak GPU memory, mean GRPO reward. No hub and no
dataset are needed (images are synthesised unless ``--images`` names a folder of JPEG/PNG files).
On a machine without CUDA it refuses unless ``--allow-cpu`` (the CPU dry-run the tests use).

Example:
    python -m train.gpu_check --hidden-size 1024 --layers 8 --sft-steps 5 --grpo-steps 3
    accelerate launch --num_processes 2 -m train.gpu_check   # the same check on two GPUs
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, CliApp, SettingsConfigDict


class GpuCheckArgs(BaseSettings):
    """Arguments of the check: command-line options (``--hidden-size``) or ``DERMKG_GPU_CHECK_*``."""

    model_config = SettingsConfigDict(
        env_prefix="DERMKG_GPU_CHECK_",
        extra="forbid",
        cli_prog_name="python -m train.gpu_check",
        cli_kebab_case=True,
        cli_implicit_flags=True,
        cli_exit_on_error=False,
    )

    work: Path = Field(Path("gpu-check"), description="Scratch folder for the model, data and runs.")
    hidden_size: int = Field(1024, description="Language-model width of the built model.")
    layers: int = Field(8, description="Decoder layers of the built model.")
    vision_hidden_size: int = Field(256, description="Vision-tower width.")
    vision_depth: int = Field(4, description="Vision-tower blocks.")
    sft_steps: int = Field(5, ge=1, description="SFT optimizer steps.")
    grpo_steps: int = Field(3, ge=1, description="GRPO optimizer steps.")
    batch: int = Field(4, ge=1, description="Per-device batch (GRPO: completions, a multiple of 4).")
    max_pixels: int = Field(448 * 448, description="Image cap (the paper's 448x448).")
    max_completion_length: int = Field(128, description="GRPO completion cap in tokens.")
    images: Path | None = Field(None, description="Folder of real images; default: synthesised ones.")
    allow_cpu: bool = Field(False, description="Run without CUDA (a dry-run of the same code path).")


def parse_args(argv: list[str] | None = None) -> GpuCheckArgs:
    """Options from ``argv`` (default: ``sys.argv``), then the environment, then the defaults."""
    return CliApp.run(GpuCheckArgs, cli_args=sys.argv[1:] if argv is None else argv)


def _images(args: GpuCheckArgs, n: int) -> list[Path]:
    """Real images from ``--images`` or synthesised 448x448 RGB noise/gradients (deterministic)."""
    if args.images:
        found = sorted(p for p in args.images.rglob("*") if p.suffix.lower() in {".jpg", ".jpeg", ".png"})
        if not found:
            raise SystemExit(f"--images {args.images}: no JPEG/PNG files")
        return found[:n]
    import numpy as np
    from PIL import Image

    folder = args.work / "images"
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(0)
    paths = []
    for i in range(n):
        pixels = rng.integers(0, 255, size=(448, 448, 3), dtype=np.uint8)
        path = folder / f"synthetic-{i}.png"
        Image.fromarray(pixels).save(path)
        paths.append(path)
    return paths


def _write_data(args: GpuCheckArgs) -> tuple[Path, Path]:
    options = {"A": "benign nevus", "B": "melanocytic lesion", "C": "melanoma", "D": "seborrheic keratosis"}
    images = _images(args, 16)
    sft, rl = args.work / "sft.jsonl", args.work / "rl.jsonl"
    target = (
        "<thinking>Irregular network.</thinking><final diagnosis>C. melanoma (malignant)</final diagnosis>"
    )
    with sft.open("w") as s, rl.open("w") as r:
        for i, image in enumerate(images):
            prompt = "Which is the most specific diagnosis? " + " ".join(
                f"{k}. {v}" for k, v in options.items()
            )
            s.write(
                json.dumps(
                    {
                        "id": f"s{i}",
                        "prompt": [{"role": "user", "content": prompt}],
                        "completion": [{"role": "assistant", "content": target}],
                        "images": [str(image)],
                    }
                )
                + "\n"
            )
            r.write(
                json.dumps(
                    {
                        "id": f"r{i}",
                        "image": str(image),
                        "prompt": prompt,
                        "options": options,
                        "option_scores": {"A": 0, "B": 0.375, "C": 0.75, "D": 0},
                        "answer": "C",
                        "lesion_condition": "malignant",
                        "path": ["melanocytic lesion", "melanoma"],
                        "source": "synthetic",
                        "split": "train",
                        "task": "diagnosis",
                    }
                )
                + "\n"
            )
    return sft, rl


def _tokens_per_s(log: dict[str, list[tuple[int, float]]]) -> float | None:
    tokens = log.get("num_tokens", [])
    runtime = log.get("train_runtime", [])
    if not tokens or not runtime or runtime[-1][1] <= 0:
        return None
    return round(tokens[-1][1] / runtime[-1][1], 1)


def _count_parameters(model_dir: Path) -> int:
    import math

    from safetensors import safe_open

    total = 0
    for shard in model_dir.glob("*.safetensors"):
        with safe_open(str(shard), framework="pt") as fh:
            total += sum(math.prod(fh.get_slice(k).get_shape()) for k in fh.keys())  # noqa: SIM118
    return total


def run_check(args: GpuCheckArgs) -> dict[str, Any]:
    """Build the model, run SFT then GRPO for a few steps, and measure them."""
    import torch

    from train.grpo import GrpoJob
    from train.grpo_config import GrpoConfig
    from train.logs import LOG_FILE, read_log
    from train.sft import SftJob
    from train.sft_config import SftConfig
    from train.tiny_model import TinyModelSpec, build_tiny_model

    cuda = torch.cuda.is_available()
    if not cuda and not args.allow_cpu:
        raise SystemExit("no CUDA device; pass --allow-cpu for a CPU dry-run")
    args.work.mkdir(parents=True, exist_ok=True)
    heads = max(2, args.hidden_size // 64)
    spec = TinyModelSpec(
        hidden_size=args.hidden_size,
        intermediate_size=args.hidden_size * 3,
        num_hidden_layers=args.layers,
        num_attention_heads=heads,
        num_key_value_heads=max(1, heads // 4) if heads % 4 == 0 else heads,
        vision_hidden_size=args.vision_hidden_size,
        vision_depth=args.vision_depth,
        vision_heads=max(2, args.vision_hidden_size // 64),
        max_pixels=args.max_pixels,
    )
    model_dir = build_tiny_model(args.work / "model", spec)
    sft_data, rl_data = _write_data(args)
    if cuda:
        torch.cuda.reset_peak_memory_stats()
    common: dict[str, Any] = {
        "model": str(model_dir),
        "max_pixels": args.max_pixels,
        "report_to": ["csv"],
        "logging_steps": 1,
        "save_steps": 10_000,
        "warmup_ratio": 0.0,
    }
    sft_cfg = SftConfig(
        data=str(sft_data),
        output_dir=str(args.work / "sft"),
        max_steps=args.sft_steps,
        per_device_batch_size=args.batch,
        effective_batch_size=args.batch,
        **common,
    )
    start = time.monotonic()
    sft = SftJob(sft_cfg).run()
    sft_seconds = time.monotonic() - start
    grpo_batch = max(4, args.batch - args.batch % 4)
    grpo_cfg = GrpoConfig(
        data=str(rl_data),
        output_dir=str(args.work / "grpo"),
        sft_adapter=sft.adapter_dir,
        max_steps=args.grpo_steps,
        per_device_batch_size=grpo_batch,
        effective_batch_size=grpo_batch,
        max_completion_length=args.max_completion_length,
        **common,
    )
    start = time.monotonic()
    grpo = GrpoJob(grpo_cfg).run()
    grpo_seconds = time.monotonic() - start
    sft_log = read_log(Path(sft.output_dir) / LOG_FILE)
    grpo_log = read_log(Path(grpo.output_dir) / LOG_FILE)
    params = _count_parameters(model_dir)
    return {
        "device": torch.cuda.get_device_name(0) if cuda else "cpu",
        "model": spec.model_dump() | {"parameters": params},
        "sft": {
            "steps": sft.global_step,
            "seconds": round(sft_seconds, 2),
            "tokens_per_s": _tokens_per_s(sft_log),
            "final_loss": sft_log.get("loss", [(0, None)])[-1][1],
        },
        "grpo": {
            "steps": grpo.global_step,
            "seconds": round(grpo_seconds, 2),
            "tokens_per_s": _tokens_per_s(grpo_log),
            "mean_reward": grpo.mean_reward,
        },
        "peak_gpu_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if cuda else None,
    }


def main(argv: list[str] | None = None) -> None:
    """Run the check; trainer chatter goes to stderr so stdout holds only the JSON line."""
    import contextlib

    args = parse_args(argv)
    with contextlib.redirect_stdout(sys.stderr):
        result = run_check(args)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
