"""Fixtures shared by the store's contract tests."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kg.store import GraphStore, make_store


@pytest.fixture
def fresh_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[[], GraphStore]]:
    """Another empty store on the same backend as ``any_store`` (for restore round trips)."""
    backend = request.node.callspec.params["any_store"]
    opened: list[GraphStore] = []

    def make() -> GraphStore:
        if backend == "sqlite":
            store = make_store(f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.db'}").open()
        else:
            from tests.fixtures.neo4j_server import fresh_neo4j_store

            store = fresh_neo4j_store(request.getfixturevalue("neo4j_url"))
        opened.append(store)
        return store

    yield make
    for store in opened:
        store.close()
