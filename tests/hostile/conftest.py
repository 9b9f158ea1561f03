"""Fixtures of the hostile-input suite: a seeded store on each backend, the real CLI, snapshots.

Every attack asserts two things: the clear outcome (one ``error:`` line naming the file / row / page,
exit 2, or a reported skip) and an unchanged store (its full export compared before and after).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from dermkg.cli import app
from kg.models import Diagnosis, GraphExport
from kg.store import make_store

SEED = [
    Diagnosis(id="melanoma", name="Melanoma", malignancy="malignant", synonyms=["Malignant melanoma"]),
    Diagnosis(id="nevus", name="Melanocytic naevus", malignancy="benign", synonyms=["Mole"]),
    Diagnosis(id="seb-k", name="Seborrhoeic keratosis", malignancy="benign"),
]
runner = CliRunner()
Cli = Callable[..., Result]


def invoke(*args: str, store: str | None = None) -> Result:
    """``dermkg ARGS [--store URL]`` in this process (the real typer app)."""
    extra = ["--store", store] if store else []
    return runner.invoke(app, [*args, *extra], env={"DERMKG_STORE": ""})


def snapshot(url: str) -> str:
    """The whole store as canonical JSON: equal snapshots mean nothing was written."""
    with make_store(url) as s:
        return s.export_graph().model_dump_json()


def assert_error(result: Result, *needles: str) -> str:
    """Exit 2, exactly one ``error:`` line on stderr containing every needle, no traceback."""
    err = result.stderr
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output, result.output
    lines = [ln for ln in err.splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("error:")]
    assert len(errors) == 1, err
    for needle in needles:
        assert needle in errors[0], (needle, errors[0])
    return errors[0]


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store URL with three diagnoses, on each backend."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'kg.db'}"
    else:
        from tests.fixtures.neo4j_server import wipe_neo4j

        url = request.getfixturevalue("neo4j_url")
        wipe_neo4j(url)
    seed = tmp_path / "seed.json"
    seed.write_text(GraphExport(revision=1, diagnoses=SEED).model_dump_json(), encoding="utf-8")
    result = invoke("kg", "import", "--format", "graph-json", str(seed), store=url)
    assert result.exit_code == 0, result.output
    return url
