"""Smaller attacks: placeholder secrets, CSV formula injection, oversized fields, odd numbers, odd
paths. Each is a clear error or a safe result, never a traceback, and the store stays unchanged."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from dermkg.placeholders import is_placeholder
from tests.fixtures.images import write_image
from tests.hostile.conftest import assert_error, invoke, snapshot


@pytest.mark.parametrize(
    "value", ["change-me-please", "change-me", "CHANGEME", "<password>", "xxxxxxxx", "neo4j"]
)
def test_placeholder_neo4j_password_is_refused(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEO4J_PASSWORD", value)
    result = invoke("kg", "stats", store="neo4j://neo4j@127.0.0.1:1")
    line = assert_error(result, "placeholder", ".env.example")
    assert value not in line.replace("neo4j://neo4j@", "")


def test_placeholder_in_the_url_is_refused() -> None:
    line = assert_error(
        invoke("kg", "stats", store="bolt://neo4j:change-me-please@127.0.0.1:1"), "placeholder"
    )
    assert "change-me-please" not in line


@pytest.mark.parametrize("env", ["DERMKG_LABELSTUDIO_TOKEN", "DERMKG_LLM_API_KEY"])
def test_placeholder_tokens_in_settings_are_refused(
    env: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from dermkg.errors import InputError
    from dermkg.settings import Settings

    monkeypatch.setenv(env, "0123456789abcdef0123456789abcdef01234567")
    with pytest.raises(InputError, match=f"{env} is a placeholder"):
        Settings()


def test_real_secrets_pass() -> None:
    assert not is_placeholder("q7R#vL2m9xPz")
    assert not is_placeholder("9f1c2e4b7a0d3f6e8b5c1a2d4e6f8a0b1c3d5e7f")


def test_csv_export_neutralises_spreadsheet_formulas(store_url: str, tmp_path: Path) -> None:
    vocab = tmp_path / "v.json"
    vocab.write_text(
        json.dumps([{"name": '=HYPERLINK("http://127.0.0.1:9/x","click")', "synonyms": ["@SUM(1+1)"]}])
    )
    assert invoke("kg", "import", "--format", "json", str(vocab), store=store_url).exit_code == 0
    out = tmp_path / "out"
    assert invoke("kg", "export", "--format", "csv", str(out), store=store_url).exit_code == 0
    with (out / "diagnoses.csv").open(newline="") as fh:
        cells = [c for row in csv.reader(fh) for c in row]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert '\'=HYPERLINK("http://127.0.0.1:9/x","click")' in cells


def test_oversized_csv_field_and_nul_bytes(store_url: str, tmp_path: Path) -> None:
    before = snapshot(store_url)
    big = tmp_path / "big.csv"
    big.write_text("name\n" + "x" * 1_000_000 + "\n")
    assert_error(invoke("kg", "import", "--format", "csv", str(big), store=store_url), "big.csv")
    nul = tmp_path / "nul.csv"
    nul.write_bytes(b"name\nAc\x00ne\n")
    assert_error(invoke("kg", "import", "--format", "csv", str(nul), store=store_url), "nul.csv")
    cases = tmp_path / "cases.csv"
    cases.write_bytes(b"image,diagnosis\na.jpg,mel\x00anoma\n")
    assert_error(invoke("kg", "import-cases", "--format", "csv", str(cases), store=store_url), "cases.csv")
    assert snapshot(store_url) == before


def test_json_with_a_huge_integer(store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "v.json"
    path.write_text('[{"name": "Acne", "codes": {"x": ' + "9" * 100_000 + "}}]")
    before = snapshot(store_url)
    assert_error(invoke("kg", "import", "--format", "json", str(path), store=store_url), "v.json")
    assert snapshot(store_url) == before


def test_a_10mb_label_is_not_echoed_back(store_url: str, tmp_path: Path) -> None:
    write_image(tmp_path / "a.jpg", "a")
    write_image(tmp_path / "b.jpg", "b")
    listing = tmp_path / "cases.csv"
    listing.write_text("image,diagnosis\na.jpg,melanoma\nb.jpg," + "z" * 100_000 + "\n")
    result = invoke("kg", "import-cases", "--format", "csv", str(listing), "--json", store=store_url)
    assert result.exit_code == 0, result.output[-500:]
    assert len(result.stdout) < 5_000


@pytest.mark.parametrize("fmt", ["json", "graphml"])
def test_export_onto_a_directory_is_one_error_line(fmt: str, store_url: str, tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("keep")
    result = invoke("kg", "export", "--format", fmt, str(tmp_path / "taken"), store=store_url)
    assert_error(result, str(tmp_path / "taken"))
    assert (tmp_path / "taken" / "keep.txt").read_text() == "keep"


def test_graph_json_restore_of_a_directory_or_garbage(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert_error(invoke("kg", "import", "--format", "graph-json", str(tmp_path), store=url), str(tmp_path))
    garbage = tmp_path / "g.json"
    garbage.write_text("[" * 100_000)
    assert_error(invoke("kg", "import", "--format", "graph-json", str(garbage), store=url), "g.json")


def test_a_bad_setting_is_one_error_line_from_the_real_entry_point(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {**os.environ, "DERMKG_MAX_IMAGE_PIXELS": "lots", "DERMKG_STORE": ""}
    proc = subprocess.run(
        [sys.executable, "-m", "dermkg.cli", "kg", "stats", "--store", f"sqlite:///{tmp_path / 'x.db'}"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()] and "max_image_pixels" in proc.stderr
