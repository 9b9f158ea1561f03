"""The Label Studio launcher: a missing install fails with the command that fixes it (never a skip)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixtures.labelstudio_server import load_launcher

launcher = load_launcher()


def test_missing_label_studio_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(launcher, "LS_VENV", tmp_path / "no-venv")

    with pytest.raises(launcher.LabelStudioLaunchError) as err:
        launcher.start_server(tmp_path / "data")

    assert "pip install 'label-studio>=1.23,<1.24'" in str(err.value)
    assert not (tmp_path / "data").exists()


def test_environment_of_the_server_drops_inherited_credentials(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Label Studio also reads unprefixed USERNAME / PASSWORD: a login shell's values must not create users
    monkeypatch.setenv("USERNAME", "someone")
    monkeypatch.setenv("LABEL_STUDIO_PASSWORD", "leaked")

    env = launcher._base_env(tmp_path)

    assert "USERNAME" not in env and "LABEL_STUDIO_PASSWORD" not in env
    assert env["LABEL_STUDIO_BASE_DATA_DIR"] == str(tmp_path)
    assert env["LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN"] == "true"
