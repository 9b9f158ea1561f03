"""The GPU check parses its arguments and runs the same SFT + GRPO path as a CPU dry-run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from train.gpu_check import main, parse_args


def test_arguments_parse_into_the_typed_model(tmp_path: Path) -> None:
    args = parse_args(["--work", str(tmp_path), "--hidden-size", "2048", "--layers", "12", "--allow-cpu"])
    assert (args.work, args.hidden_size, args.layers, args.allow_cpu) == (tmp_path, 2048, 12, True)
    assert parse_args([]).max_pixels == 448 * 448
    with pytest.raises(ValueError, match="hidden_size"):
        parse_args(["--hidden-size", "wide"])


def test_options_come_from_the_environment_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DERMKG_GPU_CHECK_LAYERS", "3")
    assert (parse_args([]).layers, parse_args(["--layers", "5"]).layers) == (3, 5)


@pytest.mark.torch
def test_refuses_cpu_without_the_flag(tmp_path: Path) -> None:
    import torch

    if torch.cuda.is_available():
        pytest.skip("a GPU is present")
    with pytest.raises(SystemExit, match="--allow-cpu"):
        main(["--work", str(tmp_path)])


@pytest.mark.train
@pytest.mark.slow
def test_cpu_dry_run_prints_the_figures(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    main(
        [
            "--work",
            str(tmp_path),
            "--hidden-size",
            "64",
            "--layers",
            "2",
            "--vision-hidden-size",
            "32",
            "--vision-depth",
            "1",
            "--sft-steps",
            "2",
            "--grpo-steps",
            "1",
            "--batch",
            "4",
            "--max-pixels",
            str(56 * 56),
            "--max-completion-length",
            "8",
            "--allow-cpu",
        ]
    )
    report = json.loads(capsys.readouterr().out.strip())
    assert report["sft"]["steps"] == 2 and report["grpo"]["steps"] == 1
    assert report["sft"]["tokens_per_s"] > 0 and report["grpo"]["tokens_per_s"] > 0
    assert report["grpo"]["mean_reward"] is not None
    assert report["model"]["parameters"] > 100_000
