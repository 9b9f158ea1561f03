"""``dermkg labelstudio push|pull|sync`` through typer's runner."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dermkg.cli import app
from dermkg.settings import clear_cache
from kg.store import make_store
from studio.labelstudio.client import LabelStudioClient
from studio.labelstudio.configs import DDX_TITLE
from tests.fixtures.labelstudio_server import LabelStudioService
from tests.studio.labelstudio.conftest import seed_graph

runner = CliRunner()
SECRET = "a-token-that-must-never-be-printed"


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[pytest.MonkeyPatch]:
    """Settings are cached per process: clear around each test that sets DERMKG_ variables, and run
    where no developer's ``.env`` is read."""
    monkeypatch.chdir(tmp_path)
    for name in ("DERMKG_LABELSTUDIO_URL", "DERMKG_LABELSTUDIO_TOKEN", "DERMKG_LABELSTUDIO_USERS"):
        monkeypatch.delenv(name, raising=False)
    clear_cache()
    yield monkeypatch
    clear_cache()


@pytest.fixture
def store_url(tmp_path: Path, shared_data: Path) -> str:
    url = f"sqlite:///{tmp_path / 'kg.db'}"
    with make_store(url).open() as store:
        seed_graph(store, shared_data)
    return url


def flat(output: str) -> str:
    """Rich wraps long messages at the terminal width; compare words, not line breaks."""
    return " ".join(output.split())


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_label_studio_is_a_clear_error_naming_the_url(
    settings_env: pytest.MonkeyPatch, store_url: str
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    settings_env.setenv("DERMKG_LABELSTUDIO_URL", url)
    settings_env.setenv("DERMKG_LABELSTUDIO_TOKEN", SECRET)

    result = runner.invoke(app, ["labelstudio", "push", "--store", store_url, "--json"])

    assert result.exit_code == 2
    assert f"Label Studio at {url} is unreachable" in flat(result.output)
    assert SECRET not in result.output


def test_missing_token_says_which_setting_to_set(settings_env: pytest.MonkeyPatch, store_url: str) -> None:
    settings_env.delenv("DERMKG_LABELSTUDIO_TOKEN", raising=False)

    result = runner.invoke(app, ["labelstudio", "pull", "--store", store_url])

    assert result.exit_code == 2 and "set DERMKG_LABELSTUDIO_TOKEN" in flat(result.output)


@pytest.mark.labelstudio
@pytest.mark.parametrize("kind", ["legacy", "pat"])
def test_sync_then_pull_json_reports_an_applied_annotation(
    settings_env: pytest.MonkeyPatch,
    store_url: str,
    clean_labelstudio: LabelStudioService,
    tmp_path: Path,
    kind: str,
) -> None:
    """DERMKG_LABELSTUDIO_TOKEN may hold a legacy token or a Personal Access Token: the same commands work."""
    tokens = clean_labelstudio.legacy_token if kind == "legacy" else clean_labelstudio.personal_access_token
    settings_env.setenv("DERMKG_LABELSTUDIO_URL", clean_labelstudio.url)
    settings_env.setenv("DERMKG_LABELSTUDIO_TOKEN", tokens("admin"))
    email, _ = clean_labelstudio.annotator("curator")
    token = tokens("curator")
    users = tmp_path / "ls-users.yaml"
    users.write_text(f"users:\n  {email}: alice\n")

    pushed = runner.invoke(app, ["labelstudio", "sync", "--project", "ddx", "--store", store_url, "--json"])
    assert pushed.exit_code == 0, pushed.output
    assert json.loads(pushed.stdout)["push"][0]["tasks_created"] == 2
    with LabelStudioClient(clean_labelstudio.url, token) as curator:
        project = curator.find_project(DDX_TITLE)
        assert project is not None
        task = curator.export_tasks(project.id)[0]
        result = [
            {
                "from_name": "decision",
                "to_name": "evidence",
                "type": "choices",
                "value": {"choices": ["accept"]},
            }
        ]
        curator.create_annotation(task.id, result)

    pulled = runner.invoke(
        app, ["labelstudio", "pull", "-p", "ddx", "--users", str(users), "--store", store_url, "--json"]
    )

    assert pulled.exit_code == 0, pulled.output
    [report] = json.loads(pulled.stdout)
    assert [(o["status"], o["user"]) for o in report["outcomes"]] == [("applied", "alice")]
    with make_store(store_url).open() as store:
        assert store.get_assertion(task.data["dermkg_id"]).status == "accepted"  # type: ignore[union-attr]
    human = runner.invoke(
        app, ["labelstudio", "pull", "-p", "ddx", "--users", str(users), "--store", store_url]
    )
    assert "1 already applied" in flat(human.output)
