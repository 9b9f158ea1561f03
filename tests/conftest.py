"""Shared fixtures: real data from ../shared/data, stores on every backend, service plugins."""

from __future__ import annotations

import os
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kg.store import GraphStore, make_store

pytest_plugins = [
    "tests.fixtures.neo4j_server",
    "tests.fixtures.labelstudio_server",
    "tests.fixtures.llm_server",
]

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("DERMKG_SHARED_DATA", REPO.parent / "shared" / "data"))
ARTIFACTS = Path(os.environ.get("DERMKG_TEST_ARTIFACTS", REPO / "test-artifacts"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real data folder; its absence is a broken checkout, not a reason to skip."""
    assert SHARED_DATA.is_dir(), f"real data not found at {SHARED_DATA} (set DERMKG_SHARED_DATA)"
    return SHARED_DATA


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Where tests keep screenshots, plots and logs worth looking at after a run."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[GraphStore]:
    """A fresh embedded store in a temporary file."""
    store = make_store(f"sqlite:///{tmp_path / 'kg.db'}").open()
    try:
        yield store
    finally:
        store.close()


def _open_store(request: pytest.FixtureRequest, backend: str, db: Path) -> GraphStore:
    """An empty, open store on ``backend``: SQLite in the file ``db``, or a fresh Neo4j database."""
    if backend == "sqlite":
        return make_store(f"sqlite:///{db}").open()
    from tests.fixtures.neo4j_server import fresh_neo4j_store

    return fresh_neo4j_store(request.getfixturevalue("neo4j_url"))


@pytest.fixture(params=["sqlite", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[GraphStore]:
    """A fresh, empty store on each backend: the contract suite runs on both."""
    store = _open_store(request, request.param, tmp_path / "kg.db")
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def fresh_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], GraphStore]]:
    """Another empty store on the same backend as ``any_store`` (for restore round trips)."""
    backend = request.node.callspec.params["any_store"]
    opened: list[GraphStore] = []

    def make() -> GraphStore:
        opened.append(_open_store(request, backend, tmp_path / f"{uuid.uuid4().hex}.db"))
        return opened[-1]

    yield make
    for store in opened:
        store.close()


# -- markers that say what a test needs -------------------------------------------------------------
LLM_FIXTURES = {"openai_server", "tiny_chat_model"}
TORCH_FIXTURES = {"tiny_model"}  # the locally built Qwen2.5-VL checkpoint: built and saved with torch


@pytest.hookimpl(tryfirst=True)  # before `-m` selects
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Needs that follow from fixtures and other markers, so no test can forget them."""
    for item in items:
        if LLM_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.llm)
            item.add_marker(pytest.mark.torch)  # the served checkpoint is built with torch
        if item.get_closest_marker("train") or TORCH_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.torch)


_TORCH_BEFORE = pytest.StashKey[bool]()


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Note whether torch is loaded before *any* fixture of the test is set up: a session- or
    module-scoped fixture that loads it is set up before the function-scoped check below."""
    item.stash[_TORCH_BEFORE] = "torch" in sys.modules


@pytest.fixture(autouse=True)
def _torch_only_when_marked(request: pytest.FixtureRequest) -> Iterator[None]:
    """Keep the `torch` marker honest: a test (or its fixtures) that first loads torch must carry it,
    so `-m "not torch"` really stays light. Complete in such a run; best effort in a full one."""
    before = request.node.stash.get(_TORCH_BEFORE, "torch" in sys.modules)
    yield
    if not before and "torch" in sys.modules and request.node.get_closest_marker("torch") is None:
        pytest.fail(f"{request.node.nodeid} imports torch but is not marked `torch`", pytrace=False)


@pytest.fixture(autouse=True)
def _main_module_restored() -> Iterator[None]:
    """Streamlit's AppTest runs a page as ``sys.modules["__main__"]`` and leaves it there; a later test
    that spawns processes would then make every child re-run that page (multiprocessing's spawn
    re-imports ``__main__`` from its file). Put the real one back after every test."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main
