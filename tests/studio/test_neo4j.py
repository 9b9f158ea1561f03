"""The studio on the Neo4j backend: the same queue, the same actions, the same audit."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from kg.store import GraphStore
from studio import state
from tests.studio.conftest import build_graph, open_app

pytestmark = pytest.mark.neo4j


@pytest.fixture
def neo4j_graph(
    neo4j_url: str,
    shared_data: Path,
    users_template: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[GraphStore, dict[str, str]]]:
    """A fresh Neo4j store holding the studio's test graph (and its ids), the studio pointed at it."""
    from tests.fixtures.neo4j_server import fresh_neo4j_store

    store = fresh_neo4j_store(neo4j_url)
    try:
        ids = build_graph(store, shared_data)
        users = tmp_path / "users.yaml"
        shutil.copy(users_template, users)
        monkeypatch.setenv("DERMKG_STORE", neo4j_url)
        monkeypatch.setenv("DERMKG_USERS_FILE", str(users))
        monkeypatch.setenv("DERMKG_DATA_DIR", str(tmp_path / "data"))
        yield store, ids
    finally:
        store.close()


def test_queue_accept_reject_and_undo_on_neo4j(neo4j_graph: tuple[GraphStore, dict[str, str]]) -> None:
    store, ids = neo4j_graph
    at = open_app("cleo", "pages/queue.py")
    assert at.selectbox(key=state.Q_ITEM).value == ids["melanoma-naevus"]
    text = " ".join(m.value for m in at.markdown)
    assert "**Path:** Skin lesion › Melanocytic lesion" in text and "**Malignancy:** malignant" in text
    at.button(key=state.Q_ACCEPT).click().run()
    assert not at.error, [e.value for e in at.error]
    accepted = store.get_assertion(ids["melanoma-naevus"])
    assert accepted is not None and (accepted.status, accepted.reviewed_by) == ("accepted", "cleo")
    target = at.selectbox(key=state.Q_ITEM).value
    at.button(key=state.Q_REJECT).click().run()  # no reason yet: asked for, nothing changes
    assert any("Type the reason" in i.value for i in at.info)
    still = store.get_assertion(target)
    assert still is not None and still.status == "proposed"
    at.text_input(key=state.per(state.Q_REASON, target)).input("not in this context").run()
    rejected = store.get_assertion(target)
    assert rejected is not None and (rejected.status, rejected.note) == ("rejected", "not in this context")
    at.button(key=state.Q_UNDO).click().run()  # undo through the Neo4j store's revert
    undone = store.get_assertion(target)
    assert undone is not None and undone.status == "proposed"


def test_a_finding_item_on_neo4j_shows_its_statistics_and_edits_its_relation(
    neo4j_graph: tuple[GraphStore, dict[str, str]],
) -> None:
    from tests.studio.conftest import table_with
    from tests.studio.findings_graph import add_findings

    store, _ = neo4j_graph
    ids = add_findings(store)
    at = open_app("cleo", "pages/queue.py")
    at.selectbox(key=state.Q_KIND).set_value("finding").run()
    assert at.selectbox(key=state.Q_ITEM).value == ids["stats"]
    assert [r["with finding"] for r in table_with(at, "with finding")] == [30, 40]
    at.button(key=state.Q_EDIT_OPEN).click().run()
    at.selectbox(key=state.per(state.Q_EDIT_RELATION, ids["stats"])).set_value("possible")
    at.button(key=state.Q_EDIT).click().run()
    assert not at.error, [e.value for e in at.error]
    edited = store.get_assertion(ids["stats"])
    assert edited is not None
    assert (edited.kind, edited.relation, edited.object) == (
        "finding",
        "possible",
        "fnd-atypical-pigment-network",
    )
