"""``dermkg synth trajectories|report`` through the typer runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dermkg.cli import app
from kg.store import make_store
from synth.trajectory_cli import parse_types

runner = CliRunner()


def test_trajectories_then_report_as_json(curated_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "sft"
    store = f"sqlite:///{curated_db}"
    result = runner.invoke(
        app,
        [
            "synth",
            "trajectories",
            "--store",
            store,
            "--out",
            str(out),
            "--types",
            "1,2,3,c2",
            "--seed",
            "5",
            "--no-hf",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report["counts_by_type"]) == {"type1", "type2", "type3", "control2"}
    assert report["regeneration"]["new"] == report["total"] + report["queued_for_review"]

    result = runner.invoke(app, ["synth", "report", str(out), "--json"])
    assert result.exit_code == 0, result.output
    stats = json.loads(result.stdout)
    assert stats["total"] == report["total"]
    assert stats["counts_by_type"] == report["counts_by_type"]
    passed, failed = report["grounded_passed"], report["grounded_failed"]
    assert stats["groundedness_pass_rate"] == round(passed / (passed + failed), 4)
    assert stats["queued_for_review"] == failed
    assert all(Path(p).is_file() for p in stats["plots"]) and len(stats["plots"]) == 3


def test_empty_store_exits_non_zero_and_says_what_is_missing(tmp_path: Path) -> None:
    make_store(f"sqlite:///{tmp_path / 'empty.db'}").open().close()  # an existing, empty graph
    result = runner.invoke(
        app,
        [
            "synth",
            "trajectories",
            "--store",
            f"sqlite:///{tmp_path / 'empty.db'}",
            "--out",
            str(tmp_path / "sft"),
            "--json",
        ],
    )
    assert result.exit_code == 1
    assert any("no accepted cases" in m for m in json.loads(result.stdout)["missing"])


def test_a_mistyped_store_path_is_an_error_not_a_new_empty_store(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    result = runner.invoke(
        app, ["synth", "trajectories", "--store", f"sqlite:///{missing}", "--out", str(tmp_path / "sft")]
    )
    assert result.exit_code == 2 and "no store at" in result.output
    assert not missing.exists()


def test_bad_flags_are_clear_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "trajectories", "--out", str(tmp_path), "--types", "1,9"])
    assert result.exit_code == 2 and "unknown type '9'" in result.output
    result = runner.invoke(app, ["synth", "report", str(tmp_path / "nothing")])
    assert result.exit_code == 2 and "not a dermkg trajectory export" in result.output


@pytest.mark.parametrize(
    ("value", "types"),
    [
        ("1,2,3", ["type1", "type2", "type3"]),  # the paper's three types
        ("3, 1", ["type3", "type1"]),  # order kept, spaces ignored
        ("2,c2,c3", ["type2", "control2", "control3"]),  # ablation controls
        ("type1,1", ["type1"]),  # names accepted, duplicates folded
    ],
)
def test_parse_types(value: str, types: list[str]) -> None:
    assert parse_types(value) == types


def test_llm_comparator_without_an_endpoint_says_what_to_set(
    curated_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dermkg.settings import clear_cache

    for var in ("DERMKG_LLM_BASE_URL", "DERMKG_LLM_MODEL"):
        monkeypatch.delenv(var, raising=False)
    clear_cache()
    args = ["synth", "trajectories", "--store", f"sqlite:///{curated_db}", "--out", str(tmp_path / "sft")]
    result = runner.invoke(app, [*args, "--comparator", "llm", "--no-hf"])
    clear_cache()
    assert result.exit_code == 2
    assert "DERMKG_LLM_BASE_URL" in result.output
    assert not (tmp_path / "sft").exists()
