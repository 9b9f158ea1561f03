"""`dermkg studio` start-up: an empty store is seeded, the first admin is created once."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import studio.launch
from dermkg.cli import app
from studio.auth import authenticate, load_users
from studio.launch import prepare_launch, redact_url, streamlit_command, streamlit_env


def test_first_start_seeds_the_store_and_creates_the_admin_once(tmp_path, monkeypatch):
    monkeypatch.delenv("DERMKG_ADMIN_PASSWORD", raising=False)
    monkeypatch.setenv("DERMKG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DERMKG_USERS_FILE", raising=False)
    monkeypatch.delenv("DERMKG_STORE", raising=False)
    first = prepare_launch(port=8765)
    assert first.store_url == f"sqlite:///{(tmp_path / 'data' / 'dermkg.db').as_posix()}"
    assert first.seeded and first.seeded > 10  # the bundled seed vocabulary
    assert first.admin.created and first.users_file == tmp_path / "data" / "users.yaml"
    assert authenticate(load_users(first.users_file), "admin", first.admin.password).role == "admin"
    again = prepare_launch(port=8765)
    assert again.seeded is None and not again.admin.created and again.admin.password is None
    env = streamlit_env(again)
    assert env["DERMKG_STORE"] == again.store_url and env["DERMKG_USERS_FILE"] == str(first.users_file)
    cmd = streamlit_command(again)
    flags = dict(zip(cmd[5::2], cmd[6::2], strict=True))
    assert cmd[1:5] == ["-m", "streamlit", "run", str(studio.launch.APP)]
    assert flags["--server.address"] == "127.0.0.1" and flags["--server.port"] == "8765"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("bolt://neo4j:s3cr:et@db:7687", "bolt://neo4j:***@db:7687"),  # password masked, even with a colon
        ("neo4j://neo4j@db:7687", "neo4j://neo4j@db:7687"),  # no password in the URL: unchanged
        ("sqlite:///data/dermkg.db", "sqlite:///data/dermkg.db"),  # files have no secrets
    ],
)
def test_store_urls_are_printed_without_passwords(url, shown):
    assert redact_url(url) == shown


def test_the_cli_fails_fast_with_a_clear_message_when_the_store_cannot_be_reached(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    url = f"sqlite:///{blocker}/kg.db"
    result = CliRunner().invoke(app, ["studio", "--store", url, "--json"])
    assert result.exit_code == 2
    output = result.output.replace("\n", "")  # rich wraps long lines
    assert "error:" in output and url in output
    assert not (tmp_path / "users.yaml").exists()


def test_the_cli_reports_the_launch_as_json_before_serving(tmp_path, monkeypatch):
    monkeypatch.setenv("DERMKG_ADMIN_PASSWORD", "first-admin-password")
    monkeypatch.setattr(studio.launch, "run_streamlit", lambda launch: 0)  # do not block on a server
    url = f"sqlite:///{tmp_path / 'kg.db'}"
    users = tmp_path / "users.yaml"
    result = CliRunner().invoke(
        app, ["studio", "--store", url, "--users-file", str(users), "--port", "9001", "--json"]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["url"] == "http://127.0.0.1:9001" and report["admin"]["created"] is True
    assert report["admin"]["password"] is None  # it came from the environment: never echoed


def test_a_busy_port_is_one_clear_error_before_anything_starts(tmp_path, monkeypatch):
    import socket

    monkeypatch.setenv("DERMKG_DATA_DIR", str(tmp_path / "data"))
    started = []
    monkeypatch.setattr(studio.launch, "run_streamlit", lambda launch: started.append(launch) or 0)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(app, ["studio", "--port", str(port), "--no-seed"])
    assert result.exit_code == 2, result.output
    assert f"port {port} on 127.0.0.1 is busy" in result.output and "PORT=" in result.output
    assert "Traceback" not in result.output and "open http" not in result.output
    assert not started and not (tmp_path / "data" / "users.yaml").exists()  # nothing created


@pytest.mark.parametrize("variable", ["STREAMLIT_SERVER_PORT", "DERMKG_PORT"])
def test_the_port_comes_from_the_environment(tmp_path, monkeypatch, variable):
    import socket

    monkeypatch.setenv("DERMKG_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DERMKG_ADMIN_PASSWORD", "admin-password-1")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv(variable, str(port))
    started = []
    monkeypatch.setattr(studio.launch, "run_streamlit", lambda launch: started.append(launch) or 0)
    result = CliRunner().invoke(app, ["studio", "--no-seed", "--json"])
    assert result.exit_code == 0, result.output
    assert started[0].port == port and json.loads(result.output)["url"].endswith(f":{port}")


def test_make_run_installs_the_studio_only_and_passes_the_port():
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    dry = subprocess.run(
        ["make", "-n", "run", "PORT=8642"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    assert "bootstrap.sh studio" in dry and "dermkg studio --port 8642" in dry
    assert (
        "bootstrap.sh studio"
        not in subprocess.run(
            ["make", "-n", "test"], cwd=root, capture_output=True, text=True, check=True
        ).stdout
    )
    script = (root / "scripts" / "bootstrap.sh").read_text()
    studio_part = script.split('if [ "$MODE" = "studio" ]')[1].split("fi\n\n# 1.")[0]
    # no extras (no torch, test or dev tools), and no byte-compiling of every dependency (README)
    assert 'pip" install -q --no-compile -e "$ROOT"' in studio_part
    assert "apt-get" not in studio_part and "label-studio" not in studio_part
