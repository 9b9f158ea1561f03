"""`dermkg -v` / DERMKG_LOG_LEVEL set our loggers' level; logs go to stderr, never to --json stdout."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from dermkg.log import configure, level_for

REPO = Path(__file__).resolve().parents[2]


def test_verbosity_and_setting_choose_the_level(monkeypatch: pytest.MonkeyPatch) -> None:
    assert (level_for(0), level_for(1), level_for(2)) == (logging.WARNING, logging.INFO, logging.DEBUG)
    monkeypatch.setenv("DERMKG_LOG_LEVEL", "info")
    assert (
        configure(0) == logging.INFO and logging.getLogger("kg.importers").getEffectiveLevel() == logging.INFO
    )
    assert configure(2) == logging.DEBUG  # -vv wins over the setting
    with pytest.raises(ValueError, match="DERMKG_LOG_LEVEL"):
        level_for(0, "chatty")
    configure(0)


def test_cli_logs_to_stderr_and_rejects_a_bad_level(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO), "HOME": str(tmp_path)}
    ok = subprocess.run(
        [
            sys.executable,
            "-m",
            "dermkg.cli",
            "-vv",
            "init",
            "--store",
            f"sqlite:///{tmp_path}/g.db",
            "--json",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.lstrip().startswith("{")  # stdout is the JSON only
    assert f"INFO kg.cli_store: opening store sqlite:///{tmp_path}/g.db" in ok.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "dermkg.cli", "init", "--store", f"sqlite:///{tmp_path}/g.db"],
        capture_output=True,
        text=True,
        env={**env, "DERMKG_LOG_LEVEL": "chatty"},
        cwd=tmp_path,
        timeout=120,
    )
    assert bad.returncode == 2 and "error: DERMKG_LOG_LEVEL" in bad.stderr


def test_store_urls_are_logged_without_their_password() -> None:
    from kg.cli_store import redacted

    assert redacted("neo4j://neo4j:s3cret@db:7687") == "neo4j://neo4j:***@db:7687"
    assert redacted("sqlite:///data/dermkg.db") == "sqlite:///data/dermkg.db"
