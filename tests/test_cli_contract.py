"""The CLI contract of every command: a reporting command has ``--json``; bad input is one ``error:``
line on stderr, exit code 2 and nothing on stdout. Nothing here trains, so it runs in ``make test-fast``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from dermkg.cli import app

runner = CliRunner()


def dermkg(*args: str | Path) -> Any:
    """Run ``dermkg ARGS --json``; it must succeed and print exactly one JSON document on stdout."""
    result = runner.invoke(app, [str(a) for a in args] + ["--json"])
    assert result.exit_code == 0, f"dermkg {' '.join(map(str, args))}: {result.output[-2000:]}"
    return json.loads(result.stdout)


# -- every reporting command has --json; bad input is one line on stderr and exit code 2 -----------

NOT_REPORTING = {("studio",)}  # starts a server; prints no report


def _leaf_commands(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    for name, command in group.commands.items():
        if hasattr(command, "commands"):  # a group (typer ships its own click)
            yield from _leaf_commands(command, (*prefix, name))
        else:
            yield (*prefix, name), command


def test_every_reporting_command_has_json() -> None:
    root = typer.main.get_command(app)
    missing = [
        " ".join(path)
        for path, command in _leaf_commands(root)
        if path not in NOT_REPORTING and "--json" not in {o for p in command.params for o in p.opts}
    ]
    assert missing == []


@pytest.fixture(scope="module")
def seeded_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('errors') / 'kg.db'}"
    dermkg("init", "--store", url)
    return url


BAD_INPUT = [
    # (command, what the one-line error must mention)
    (["kg", "import", "--format", "isic", "{missing}"], "no such file"),
    (
        ["kg", "import", "--format", "obo", "{data}/isic-taxonomy/diagnosis_paths.txt"],
        "diagnosis_paths.txt:1",
    ),
    (["kg", "import-cases", "--format", "derm7pt", "{missing}"], "no such file"),
    (["kg", "path", "no such disease"], "unknown diagnosis"),
    (["kg", "ddx", "no such disease"], "unknown diagnosis"),
    (["review", "add", "--kind", "ddx", "melanoma", "no such disease", "-u", "ann"], "unknown diagnosis"),
    (["review", "accept", "a-0000000000000000", "-u", "ann"], "unknown assertion"),
    (["review", "reject", "a-0000000000000000", "-u", "ann", "-r", "x"], "unknown assertion"),
    (["review", "merge", "melanoma", "no such disease", "-u", "ann"], "unknown diagnosis"),
    (["review", "revert", "ev-nope", "-u", "ann"], "unknown event"),
    (["synth", "trajectories", "--out", "{tmp}/t", "--types", "9"], "--types"),
    (["synth", "report", "{missing}"], "manifest.json"),
    (["synth", "datasets", "-d", "derm7pt={missing}", "--out", "{tmp}/d"], "no such file"),
    (["synth", "datasets", "-d", "nope={data}", "--out", "{tmp}/d"], "NAME=PATH"),
    (["synth", "evalsets", "--omnimedvqa", "{missing}", "--out", "{tmp}/e"], "no such file"),
    (["train", "sft", "--config", "{missing}"], "not found"),
    (["train", "grpo", "--config", "{missing}"], "not found"),
    (["labelstudio", "push", "--url", "http://127.0.0.1:9"], "Label Studio"),  # no token, or port 9 refuses
    (["train", "eval", "--model", "{missing}", "--evalset", "{missing}"], "no such file"),
    (
        ["train", "merge", "--model", "{missing}", "--adapter", "{missing}", "--out", "{tmp}/m"],
        "no such model",
    ),
]
STORE_GROUPS = {"kg", "review", "synth", "labelstudio"}


@pytest.mark.parametrize(("args", "mentions"), BAD_INPUT, ids=[" ".join(a[:2]) for a, _ in BAD_INPUT])
def test_bad_input_is_one_line_and_exit_2(
    args: list[str], mentions: str, seeded_url: str, shared_data: Path, tmp_path: Path
) -> None:
    values = {"missing": str(tmp_path / "missing"), "data": str(shared_data), "tmp": str(tmp_path)}
    argv = [a.format(**values) for a in args] + ["--json"]
    if args[0] in STORE_GROUPS and args[:2] != ["synth", "report"]:
        argv += ["--store", seeded_url]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert mentions in lines[0]
    assert result.stdout == ""
