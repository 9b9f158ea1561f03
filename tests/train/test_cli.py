"""``dermkg train`` through its runner: help text from the configs, errors as one line with exit 2."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from train.cli import app

runner = CliRunner()


def test_show_config_lists_documented_fields() -> None:
    result = runner.invoke(app, ["show-config", "grpo", "--json"])
    assert result.exit_code == 0, result.output
    fields = {row["field"]: row for row in json.loads(result.stdout)}
    assert fields["num_generations"]["default"] == "4"
    assert "KL" in fields["beta"]["help"]
    assert "lora.r" in fields


def test_bad_config_is_refused_before_torch_loads(tmp_path: Path) -> None:
    cfg = tmp_path / "sft.yaml"
    cfg.write_text("model: m\ndata: d\noutput_dir: o\nepochs: 3\n", encoding="utf-8")
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom train.cli import app\n"
        f"r = CliRunner().invoke(app, ['sft', '--config', {str(cfg)!r}])\n"
        "print(r.exit_code, 'torch' in sys.modules)\nprint(r.output)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    first, rest = out.split("\n", 1)
    assert first == "2 False"  # exit 2, and torch never imported
    assert "field 'epochs': unknown field" in rest


def test_cli_import_stays_light() -> None:
    heavy = "('torch', 'transformers', 'trl')"
    code = f"import sys, train.cli; print(sorted(m for m in {heavy} if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"


def test_eval_on_a_missing_evalset_is_one_line(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "--model", "m", "--evalset", str(tmp_path / "none")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output


@pytest.mark.torch  # builds the checkpoint with torch
def test_tiny_model_command(tmp_path: Path) -> None:
    result = runner.invoke(app, ["tiny-model", str(tmp_path / "m"), "--hidden-size", "32", "--json"])
    assert result.exit_code == 0, result.output
    for name in (
        "config.json",
        "model.safetensors",
        "processor_config.json",
        "tokenizer.json",
        "chat_template.jinja",
    ):
        assert (tmp_path / "m" / name).is_file(), name
    assert json.loads(result.stdout)["spec"]["hidden_size"] == 32
