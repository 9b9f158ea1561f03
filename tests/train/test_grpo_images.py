"""GRPO on the tiny Qwen2.5-VL: every sample of a batch keeps its image inputs, the shorter prompts
included (guards the known TRL vision-GRPO issue where padded / shorter samples lose their image
context). The TRL range that passes is pinned in pyproject.toml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.train.conftest import SMALL, mcq_rows, write_jsonl
from train.grpo import GrpoJob
from train.grpo_config import GrpoConfig

pytestmark = pytest.mark.train


def test_every_sample_of_a_grpo_batch_keeps_its_image(
    tiny_model: Path, derm_images: list[Path], tmp_path: Path
) -> None:
    import torch

    rows = mcq_rows(derm_images, n=8, split="train")
    for i, row in enumerate(rows):  # prompts of very different lengths in one batch
        row["prompt"] = "Diagnose." if i % 2 else row["prompt"] + " Think step by step. " * 12
    data = write_jsonl(tmp_path / "rl" / "rl.jsonl", rows)
    cfg = GrpoConfig(
        model=str(tiny_model),
        data=str(data),
        output_dir=str(tmp_path / "grpo"),
        max_steps=1,
        effective_batch_size=8,
        per_device_batch_size=4,  # two micro-batches of 4 completions: 2 prompts x K=4 over 8
        num_generations=4,
        max_completion_length=8,
        lora={"r": 4, "alpha": 8},
        save_steps=100,
        **SMALL,
    )
    job = GrpoJob(cfg)
    trainer = job.build_trainer()
    base = trainer.model.get_base_model()
    image_token = base.config.image_token_id
    merge = base.config.vision_config.spatial_merge_size
    calls: list[dict[str, Any]] = []

    def n_embeddings(encoded: Any) -> int | None:
        out = encoded.get("image") if isinstance(encoded, dict) else None
        value = getattr(out, "pooler_output", None)
        if value is None:
            return None
        if isinstance(value, (list, tuple)):
            return sum(int(v.shape[0]) for v in value)
        return int(value.shape[0])

    def record(module: Any, args: tuple, kwargs: dict[str, Any]) -> None:
        ids = kwargs.get("input_ids", args[0] if args else None)
        if ids is None or ids.shape[1] <= 1:
            return  # a decoding step: the image is in the cache
        grid = kwargs.get("image_grid_thw")
        calls.append(
            {
                "input_ids": ids.detach().cpu(),
                "grid": None if grid is None else grid.cpu(),
                "pixels": None if kwargs.get("pixel_values") is None else kwargs["pixel_values"].shape[0],
                # transformers 5 generation passes the encoded images instead of pixels
                "encoded": n_embeddings(kwargs.get("mm_encoder_outputs")),
            }
        )

    handle = base.register_forward_pre_hook(record, with_kwargs=True)
    try:
        job.run()
    finally:
        handle.remove()
    checked = generation = 0
    for call in calls:
        per_row = (call["input_ids"] == image_token).sum(dim=1)
        assert bool((per_row > 0).all()), per_row.tolist()  # no sample, short or long, without its image
        if call["grid"] is None:  # a generation prefill: the encoder outputs must cover every row
            assert call["encoded"] == int(per_row.sum()), (call["encoded"], per_row.tolist())
            generation += 1
        else:
            assert len(call["grid"]) == len(per_row), "one image per sample"
            assert torch.equal(per_row, call["grid"].prod(dim=1) // (merge**2)), per_row.tolist()
            assert call["pixels"] == int(call["grid"].prod(dim=1).sum())
        checked += 1
    assert generation >= 1 and checked - generation >= 2  # prefill, then the policy's log-probabilities
