"""Duplicates page: the pair opens with the established term chosen, the merge waits for the
confirmation, the curator can keep the other name, and "Not duplicates" removes the pair."""

from __future__ import annotations

from kg.models import EventQuery
from studio import state
from tests.studio.conftest import open_app, plain, table_with


def open_pair(at, label: str) -> str:
    """Open the pair whose label starts with ``label``; returns its id."""
    box = at.selectbox(key=state.DUP_PICK)
    box.select_index(next(i for i, o in enumerate(box.options) if o.startswith(label))).run()
    return at.selectbox(key=state.DUP_PICK).value


def test_merge_needs_confirmation_and_keeps_the_chosen_name(queues_env, read_store):
    at = open_app("cleo", "pages/duplicates.py")
    pairs = [r["pair"] for r in table_with(at, "pair")]
    assert pairs == ["Herpes simplex / Herpes simplex infection", "Tinea versicolor / Pityriasis versicolor"]
    pick = open_pair(at, "Herpes simplex")
    keep = at.radio(key=state.per(state.DUP_KEEP, pick))
    assert keep.value == "herpes-simplex"  # the established (accepted) term by default
    preview = " ".join(plain(m.value) for m in at.markdown)
    assert "New synonyms of Herpes simplex: Herpes simplex infection." in preview
    assert "Assertions moving over: 1." in preview
    assert at.button(key=state.per(state.DUP_MERGE, pick)).disabled  # no confirmation yet
    keep.set_value("herpes-simplex-infection").run()  # the curator may keep the other name
    preview = " ".join(plain(m.value) for m in at.markdown)
    assert "Herpes simplex infection stays; Herpes simplex stops being a diagnosis of its own." in preview
    at.checkbox(key=state.per(state.DUP_CONFIRM, pick)).check().run()
    at.text_input(key=state.per(state.DUP_REASON, pick)).input("the book's own term").run()
    at.button(key=state.per(state.DUP_MERGE, pick)).click().run()
    assert not at.exception
    assert any("Merged: Herpes simplex infection" in plain(s.value) for s in at.success)
    assert read_store.get_diagnosis("herpes-simplex").id == "herpes-simplex-infection"
    (event,) = read_store.list_events(EventQuery(action="merge")).items
    assert (event.user, event.target) == ("cleo", "herpes-simplex-infection")
    assert "the book's own term" in event.reason
    assert [r["pair"] for r in table_with(at, "pair")] == ["Tinea versicolor / Pityriasis versicolor"]


def test_not_duplicates_is_recorded_and_the_pair_leaves_the_queue(queues_env, read_store):
    at = open_app("cleo", "pages/duplicates.py")
    pick = open_pair(at, "Tinea versicolor")
    at.button(key=state.per(state.DUP_DISMISS, pick)).click().run()
    assert any("say why" in plain(e.value) for e in at.error)  # a reason is required
    at.text_input(key=state.per(state.DUP_REASON, pick)).input("different organisms").run()
    at.button(key=state.per(state.DUP_DISMISS, pick)).click().run()
    assert any("are different diagnoses" in plain(s.value) for s in at.success)
    (event,) = read_store.list_events(EventQuery(action="comment")).items
    assert event.user == "cleo" and event.reason.endswith(
        "Tinea versicolor / Pityriasis versicolor: different organisms"
    )
    assert [r["pair"] for r in table_with(at, "pair")] == ["Herpes simplex / Herpes simplex infection"]
    assert read_store.get_diagnosis("pityriasis-versicolor").id == "pityriasis-versicolor"


def test_a_viewer_sees_the_queue_without_actions(queues_env):
    at = open_app("vic", "pages/duplicates.py")
    assert len(table_with(at, "pair")) == 2
    assert not [b for b in at.button if str(b.key).startswith(state.DUP_MERGE)]
