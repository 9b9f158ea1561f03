"""``dermkg ingest`` through the typer runner, with a real store file."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from dermkg.cli import app
from tests.ingest import bad_files


def test_ingest_json_summary_and_exit_code(synthetic_pdf, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DERMKG_DATA_DIR", str(tmp_path / "data"))
    from dermkg.settings import clear_cache

    clear_cache()
    store = f"sqlite:///{tmp_path / 'kg.db'}"
    bad = bad_files.not_a_pdf(tmp_path / "bad.pdf")
    result = CliRunner().invoke(app, ["ingest", str(synthetic_pdf), str(bad), "--store", store, "--json"])
    assert result.exit_code == 1, result.output  # one file failed
    out = json.loads(result.stdout)
    totals = out["totals"]
    assert totals["pages"] == 2 and totals["diagnoses_proposed"] >= 5 and totals["cases"] == 1
    assert totals["assertions_ddx"] >= 12 and totals["assertions_is_a"] >= 6 and totals["errors"] == 1
    assert out["errors"] == [f"{bad}: not a PDF (no %PDF- header)"]
    assert (tmp_path / "data" / "images").is_dir()
    again = CliRunner().invoke(app, ["ingest", str(synthetic_pdf), "--store", store, "--json", "--dry-run"])
    assert again.exit_code == 0 and json.loads(again.stdout)["documents"][0]["status"] == "dry-run"
    clear_cache()


def test_unknown_extractor_is_refused(synthetic_pdf, tmp_path) -> None:
    result = CliRunner().invoke(
        app, ["ingest", str(synthetic_pdf), "--extractor", "magic", "--store", f"sqlite:///{tmp_path}/kg.db"]
    )
    assert result.exit_code == 2 and "unknown extractor" in result.output
