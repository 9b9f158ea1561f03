"""History page: the audit log filtered by user, action and date; admins revert events."""

from __future__ import annotations

from datetime import date, timedelta

from studio import state
from tests.studio.conftest import open_app, table_with


def test_filters_by_user_action_and_date(studio_env, read_store):
    ids = studio_env["ids"]
    read_store.review(ids["melanoma-naevus"], "accept", user="cleo")
    read_store.review(ids["bcc-naevus"], "reject", user="cara", reason="different lineage")
    at = open_app("vic", "pages/history.py")
    at.text_input(key=state.H_USER).input("cara").run()
    rows = table_with(at, "action")
    assert [(r["user"], r["action"], r["reason"]) for r in rows] == [("cara", "reject", "different lineage")]
    at.text_input(key=state.H_USER).input("").run()
    at.selectbox(key=state.H_ACTION).set_value("accept").run()
    assert [r["user"] for r in table_with(at, "action")] == ["cleo"]
    at.date_input(key=state.H_UNTIL).set_value(date.today() - timedelta(days=2)).run()
    assert any(c.value == "0 events, newest first" for c in at.caption)


def test_an_admin_reverts_an_accept(studio_env, read_store):
    target = studio_env["ids"]["melanoma-naevus"]
    read_store.review(target, "accept", user="cleo")
    at = open_app("ada", "pages/history.py")
    newest = read_store.list_events().items[0]
    assert at.selectbox(key=state.H_EVENT).value == newest.id
    at.text_input(key=state.H_REVERT_REASON).input("accepted by mistake")
    at.button(key=state.H_REVERT).click().run()
    assert not at.error, [e.value for e in at.error]
    assert read_store.get_assertion(target).status == "proposed"
    revert = read_store.list_events().items[0]
    assert (revert.action, revert.user, revert.reason) == ("revert", "ada", "accepted by mistake")


def test_curators_cannot_revert(studio_env, read_store):
    read_store.review(studio_env["ids"]["melanoma-naevus"], "accept", user="cleo")
    at = open_app("cleo", "pages/history.py")
    assert not [b for b in at.button if b.key == state.H_REVERT]
    assert any("admin role" in c.value for c in at.caption)
