"""`docker compose up` stack: the file is valid Compose (checked by Debian's docker-compose, which
needs no engine), wires the studio to a healthy Neo4j, and `.env.example` names every variable."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from dermkg.settings import Settings

REPO = Path(__file__).resolve().parents[1]
COMPOSE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"


def _config(tmp_path: Path, env_text: str) -> subprocess.CompletedProcess[str]:
    """`docker-compose config` on a copy of the file, so no real `.env` in the checkout leaks in."""
    exe = shutil.which("docker-compose")
    assert exe, "docker-compose not found: apt-get install docker-compose (it validates with no engine)"
    shutil.copy(COMPOSE, tmp_path / "docker-compose.yml")
    (tmp_path / "test.env").write_text(env_text)
    return subprocess.run(
        [exe, "--env-file", str(tmp_path / "test.env"), "-f", str(tmp_path / "docker-compose.yml"), "config"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    proc = _config(tmp_path_factory.mktemp("compose"), ENV_EXAMPLE.read_text())
    assert proc.returncode == 0, proc.stderr
    assert "is not set" not in proc.stderr, proc.stderr  # every variable has a value or a default
    return yaml.safe_load(proc.stdout)


def test_the_stack_has_neo4j_label_studio_and_the_studio(config: dict[str, Any]) -> None:
    services = config["services"]
    assert set(services) == {"neo4j", "label-studio", "studio"}
    assert services["neo4j"]["image"] == "neo4j:5.26-community"
    assert re.fullmatch(r"heartexlabs/label-studio:1\.23\.\d+", services["label-studio"]["image"])
    assert services["studio"]["build"]["dockerfile"] == "Dockerfile"
    assert (REPO / "Dockerfile").is_file()


def test_neo4j_takes_its_password_from_env_and_keeps_data_in_a_volume(config: dict[str, Any]) -> None:
    neo4j = config["services"]["neo4j"]
    assert neo4j["environment"]["NEO4J_AUTH"] == "neo4j/change-me-please"  # from .env.example
    assert any(v.endswith(":/data:rw") for v in neo4j["volumes"])
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    assert all(p.startswith("127.0.0.1:") for p in neo4j["ports"])


def test_the_studio_starts_after_neo4j_is_healthy_and_points_at_it(config: dict[str, Any]) -> None:
    studio = config["services"]["studio"]
    assert studio["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert studio["environment"]["DERMKG_STORE"] == "neo4j://neo4j@neo4j:7687"
    assert studio["environment"]["NEO4J_PASSWORD"] == "change-me-please"
    assert studio["command"][:2] == ["dermkg", "studio"]
    assert any(v.endswith(":/data:rw") for v in studio["volumes"])


def test_label_studio_gets_a_preset_user_and_legacy_token(config: dict[str, Any]) -> None:
    env = config["services"]["label-studio"]["environment"]
    assert env["LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN"] == "true"
    assert {"LABEL_STUDIO_USERNAME", "LABEL_STUDIO_PASSWORD", "LABEL_STUDIO_USER_TOKEN"} <= set(env)
    studio_env = config["services"]["studio"]["environment"]
    assert studio_env["DERMKG_LABELSTUDIO_TOKEN"] == env["LABEL_STUDIO_USER_TOKEN"]
    assert any(v.endswith(":/label-studio/data:rw") for v in config["services"]["label-studio"]["volumes"])


def test_a_missing_password_is_refused_with_a_message_naming_it(tmp_path: Path) -> None:
    env = re.sub(r"(?m)^NEO4J_PASSWORD=.*$", "", ENV_EXAMPLE.read_text())
    proc = _config(tmp_path, env)
    assert proc.returncode != 0 and "NEO4J_PASSWORD" in proc.stderr


def test_env_example_names_every_variable_of_the_stack_and_the_settings() -> None:
    text = ENV_EXAMPLE.read_text()
    named = set(re.findall(r"(?m)^#?\s*([A-Z][A-Z0-9_]+)=", text))
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", COMPOSE.read_text()))
    assert used - named == set()
    settings = {f"DERMKG_{name.upper()}" for name in Settings.model_fields}
    assert settings - named == set()
