"""The review keys through ``streamlit.testing``: next / previous / skip, undo, marks and bulk
decisions (the browser session in tests/studio/e2e/test_keyboard_session.py presses the real keys)."""

from __future__ import annotations

import pytest

from kg.models import EventQuery
from studio import state
from studio.actions import CurationActions
from studio.auth import PermissionDeniedError, load_users
from tests.studio.conftest import open_app

QUEUE = "pages/queue.py"


def open_item(at) -> str:
    return at.selectbox(key=state.Q_ITEM).value


def test_next_previous_and_skip_move_through_the_queue_without_deciding(studio_env, read_store):
    at = open_app("cleo", QUEUE)
    first = open_item(at)
    at.button(key=state.Q_ITEM_NEXT).click().run()
    second = open_item(at)
    assert second != first
    at.button(key=state.Q_ITEM_PREV).click().run()
    assert open_item(at) == first
    at.button(key=state.Q_SKIP).click().run()
    assert open_item(at) == second and any("Skipped" in i.value for i in at.info)
    assert not read_store.list_events(EventQuery(user="cleo")).items  # nothing decided


def test_undo_reverts_my_last_decision_and_opens_that_item_again(studio_env, read_store):
    at = open_app("cleo", QUEUE)
    target = open_item(at)
    at.button(key=state.Q_ACCEPT).click().run()
    assert read_store.get_assertion(target).status == "accepted" and open_item(at) != target
    at.button(key=state.Q_UNDO).click().run()
    assert not at.exception
    assert read_store.get_assertion(target).status == "proposed"
    assert open_item(at) == target
    events = read_store.list_events(EventQuery(user="cleo", limit=None)).items
    assert [(e.action, e.target, e.reason) for e in events] == [
        ("revert", target, "undo"),
        ("accept", target, None),
    ]
    at.button(key=state.Q_UNDO).click().run()  # the session's only decision is undone already
    assert any("Nothing to undo" in i.value for i in at.info)


def test_marked_items_are_rejected_together_one_event_each_with_the_shared_reason(studio_env, read_store):
    at = open_app("cleo", QUEUE)
    first = open_item(at)
    at.button(key=state.Q_MARK).click().run()  # marks and moves on
    second = open_item(at)
    at.button(key=state.Q_MARK).click().run()
    assert "**2 marked**" in " ".join(m.value for m in at.markdown)
    at.button(key=state.Q_BULK_REJECT).click().run()  # no shared reason yet: asked for, nothing done
    assert any("shared reason" in i.value for i in at.info)
    assert read_store.get_assertion(first).status == "proposed"
    at.text_input(key=state.Q_BULK_REASON).input("same table, not a differential").run()  # Enter
    assert not at.exception
    events = read_store.list_events(EventQuery(user="cleo", action="reject", limit=None)).items
    assert sorted((e.target, e.reason) for e in events) == sorted(
        [(first, "same table, not a differential"), (second, "same table, not a differential")]
    )
    at.button(key=state.Q_UNDO).click().run()  # a bulk decision is undone whole
    assert {read_store.get_assertion(i).status for i in (first, second)} == {"proposed"}


def test_a_curator_cannot_undo_someone_elses_decision(studio_env, read_store):
    target = studio_env["ids"]["melanoma-naevus"]
    read_store.review(target, "accept", user="cara")
    event = read_store.list_events(EventQuery(user="cara", limit=1)).items[0]
    cleo = next(u for u in load_users(studio_env["users"]).users if u.username == "cleo")
    with pytest.raises(PermissionDeniedError, match="only your own decisions"):
        CurationActions(read_store, cleo).undo(event.id)
    assert read_store.get_assertion(target).status == "accepted"


def test_a_bulk_accept_decides_the_others_when_one_item_changed_meanwhile(studio_env, read_store):
    at = open_app("cleo", QUEUE)
    first = open_item(at)
    at.button(key=state.Q_MARK).click().run()
    second = open_item(at)
    at.button(key=state.Q_MARK).click().run()
    read_store.review(first, "reject", user="cara", reason="not here")  # another curator, first
    at.button(key=state.Q_BULK_ACCEPT).click().run()
    errors = " ".join(e.value for e in at.error)
    assert "Accepted 1 marked items" in errors and "Conflict" in errors
    assert read_store.get_assertion(second).status == "accepted"
    assert read_store.get_assertion(first).status == "rejected"  # the first decision stands
    events = read_store.list_events(EventQuery(user="cleo", limit=None)).items
    assert [(e.action, e.target) for e in events] == [("accept", second)]
