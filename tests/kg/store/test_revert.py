"""Reverting merges and creates (kg/store/_revert.py), on every backend (``any_store``).

A revert appends a ``revert`` event and never deletes history; when something the original event
touched has changed since, it raises ConflictError and writes nothing.
"""

from __future__ import annotations

from typing import Any

import pytest

from dermkg.errors import ConflictError, InputError
from kg import algorithms as alg
from kg.models import Assertion, Case, Diagnosis, EventQuery, Evidence, LabelMapping
from kg.store import GraphStore

SHA = "e" * 64


def ddx(a: str, b: str, **kw: Any) -> Assertion:
    return Assertion(kind="ddx", subject=a, object=b, origin=kw.pop("origin", "llm"), **kw)


def is_a(child: str, parent: str, **kw: Any) -> Assertion:
    return Assertion(kind="is_a", subject=child, object=parent, origin="import", **kw)


def quote(text: str) -> Evidence:
    return Evidence(source_sha256=SHA, page=3, quote=text)


@pytest.fixture
def store(any_store: GraphStore) -> GraphStore:
    """melanocytic > {melanoma, nevus}, seb-k; ``mm`` (a duplicate of melanoma, itself holding the
    alias ``mm-old``) with an is_a duplicate, a DDx to move, a DDx to melanoma, a case and a label."""
    any_store.upsert_diagnoses(
        [
            Diagnosis(id="melanocytic", name="Melanocytic proliferation"),
            Diagnosis(id="melanoma", name="Melanoma", malignancy="malignant"),
            Diagnosis(id="nevus", name="Melanocytic naevus"),
            Diagnosis(id="seb-k", name="Seborrhoeic keratosis"),
            Diagnosis(id="mm", name="Melanoma, malignant", synonyms=["MM"], codes={"doid": "DOID:1909"}),
            Diagnosis(id="mm-old", name="Old melanoma entry"),
        ]
    )
    any_store.add_assertions(
        [
            is_a("melanoma", "melanocytic", status="accepted", evidence=[quote("melanoma is melanocytic")]),
            is_a("nevus", "melanocytic", status="accepted"),
            is_a("mm", "melanocytic", status="accepted", evidence=[quote("mm is melanocytic")]),
            ddx("mm", "seb-k", status="accepted", score=0.4, evidence=[quote("mm vs sk")]),
            ddx("mm", "melanoma", evidence=[quote("a self-loop after the merge")]),
        ]
    )
    any_store.merge_diagnoses("mm", "mm-old", user="ann")
    any_store.add_cases([Case(id="c-mm", diagnosis="mm", image_sha256="1" * 64, image_path="img/1.jpg")])
    any_store.set_label_mappings([LabelMapping(dataset="HAM10000", label="mel", diagnosis="mm")])
    return any_store


def content(store: GraphStore) -> dict[str, Any]:
    """The graph without versions and review bookkeeping: what a revert must restore exactly."""
    bookkeeping = {"version", "votes", "reviewed_by", "reviewed_at"}
    export = store.export_graph().model_dump(mode="json")
    return {
        section: [{k: v for k, v in item.items() if k not in bookkeeping} for item in export[section]]
        for section in ("diagnoses", "assertions", "cases", "label_maps")
    }


def merge_event_id(store: GraphStore) -> str:
    return store.list_events(EventQuery(action="merge", target="melanoma")).items[0].id


def test_reverting_a_merge_restores_the_dropped_diagnosis_and_exactly_what_moved(store: GraphStore) -> None:
    before = content(store)
    store.merge_diagnoses("melanoma", "mm", user="ann", reason="same disease")
    assert store.get_diagnosis("mm").id == "melanoma"  # type: ignore[union-attr]
    n_events, rev = store.list_events().total, store.revision()

    revert = store.revert_event(merge_event_id(store), user="bob", reason="not the same")

    assert revert.action == "revert" and revert.user == "bob" and revert.reason == "not the same"
    assert revert.target == "melanoma" and revert.after["drop"]["id"] == "mm"  # type: ignore[index]
    assert content(store) == before
    assert store.get_diagnosis("mm").id == "mm"  # type: ignore[union-attr]
    assert store.get_diagnosis("mm-old").id == "mm"  # type: ignore[union-attr]  # its own alias is back
    assert store.resolve_name("MM").id == "mm"  # type: ignore[union-attr]
    assert "mm" not in store.get_diagnosis("melanoma").aliases  # type: ignore[union-attr]
    assert store.case_counts() == {"mm": 1}
    assert store.get_label_map("HAM10000")[0].diagnosis == "mm"
    absorbed = store.find_assertion("is_a", "melanoma", "melanocytic")
    assert absorbed is not None and [e.quote for e in absorbed.evidence] == ["melanoma is melanocytic"]
    view = store.graph_view()
    assert alg.ddx_neighbours(view, "mm") == ["seb-k"] and alg.ddx_neighbours(view, "melanoma") == []
    assert store.list_events().total == n_events + 1  # appended; the merge event is still there
    assert store.list_events(EventQuery(action="merge", target="melanoma")).total == 1
    assert store.revision() == rev + 1


def test_a_merge_revert_refuses_when_something_it_would_undo_changed(store: GraphStore) -> None:
    store.merge_diagnoses("melanoma", "mm", user="ann")
    moved = store.find_assertion("ddx", "melanoma", "seb-k")
    assert moved is not None
    store.review(moved.id, "reject", user="carl", reason="wrong pair")  # changed since the merge
    n_events = store.list_events().total
    with pytest.raises(ConflictError, match="changed after merge event"):
        store.revert_event(merge_event_id(store), user="bob")
    assert store.get_diagnosis("mm").id == "melanoma"  # type: ignore[union-attr]  # nothing written
    assert store.list_events().total == n_events


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.update_diagnosis("melanoma", {"synonyms": ["Black cancer"]}, user="carl"),
        lambda s: s.update_case("c-mm", {"status": "excluded"}, user="carl", reason="blurry"),
        lambda s: s.set_label_mappings([LabelMapping(dataset="HAM10000", label="mel", diagnosis="nevus")]),
    ],
    ids=["keep edited", "moved case changed", "moved label changed"],
)
def test_merge_revert_conflicts_on_any_later_change(store: GraphStore, change: Any) -> None:
    store.merge_diagnoses("melanoma", "mm", user="ann")
    change(store)
    with pytest.raises(ConflictError):
        store.revert_event(merge_event_id(store), user="bob")


def test_a_merge_is_reverted_once_and_its_revert_is_not_revertible(store: GraphStore) -> None:
    store.merge_diagnoses("melanoma", "mm", user="ann")
    revert = store.revert_event(merge_event_id(store), user="bob")
    with pytest.raises(ConflictError):  # mm is live again: there is no merge left to undo
        store.revert_event(merge_event_id(store), user="bob")
    with pytest.raises(InputError, match="merge the diagnoses again"):
        store.revert_event(revert.id, user="bob")
    store.merge_diagnoses("melanoma", "mm", user="ann")  # and merging again works
    assert store.get_diagnosis("mm").id == "melanoma"  # type: ignore[union-attr]


def test_reverting_a_create_rejects_what_was_created_and_deletes_nothing(store: GraphStore) -> None:
    store.upsert_diagnoses([Diagnosis(id="lentigo", name="Solar lentigo", status="proposed")], user="ann")
    created = store.add_assertion(ddx("lentigo", "seb-k", origin="human"), user="ann")
    for target in (created.id, "lentigo", "c-mm"):
        [create] = store.list_events(EventQuery(action="create", target=target)).items
        event = store.revert_event(create.id, user="bob", reason="added by mistake")
        assert event.action == "revert" and event.before["status"] != event.after["status"]  # type: ignore[index]
    rejected = store.get_assertion(created.id)
    assert rejected is not None and rejected.status == "rejected" and rejected.reviewed_by == "bob"
    assert store.get_diagnosis("lentigo").status == "rejected"  # type: ignore[union-attr]
    assert store.get_case("c-mm").status == "excluded"  # type: ignore[union-attr]
    assert store.list_events(EventQuery(action="create", target=created.id)).total == 1


def test_a_create_revert_conflicts_once_the_item_changed(store: GraphStore) -> None:
    created = store.add_assertion(ddx("nevus", "seb-k", origin="human"), user="ann")
    store.review(created.id, "accept", user="carl")
    [create] = store.list_events(EventQuery(action="create", target=created.id)).items
    with pytest.raises(ConflictError):
        store.revert_event(create.id, user="bob")
    assert store.get_assertion(created.id).status == "accepted"  # type: ignore[union-attr]


def test_comments_cannot_be_reverted(store: GraphStore) -> None:
    comment = store.comment("diagnosis", "mm", "check the edition", user="bob")
    with pytest.raises(InputError, match="comment"):
        store.revert_event(comment.id, user="ann")
