"""Users page: admins add users and change roles; the new account can log in at once."""

from __future__ import annotations

from studio import state
from studio.auth import authenticate, load_users
from tests.studio.conftest import open_app


def test_an_admin_adds_a_curator_who_can_then_log_in(studio_env):
    at = open_app("ada", "pages/users.py")
    at.text_input(key=state.U_NAME).input("dora")
    at.selectbox(key=state.U_ROLE).set_value("curator")
    at.text_input(key=state.U_PASSWORD).input("dora-strong-pw")
    at.button(key=state.U_SAVE).click().run()
    assert any("Saved dora as curator" in s.value for s in at.success)
    assert authenticate(load_users(studio_env["users"]), "dora", "dora-strong-pw").role == "curator"


def test_a_new_user_without_a_password_is_refused(studio_env):
    at = open_app("ada", "pages/users.py")
    at.text_input(key=state.U_NAME).input("eve")
    at.button(key=state.U_SAVE).click().run()
    assert any("needs a password" in e.value for e in at.error)
    assert load_users(studio_env["users"]).get("eve") is None


def test_a_demoted_curator_loses_the_actions_on_the_next_click(studio_env):
    at = open_app("cleo", "pages/queue.py")
    admin = open_app("ada", "pages/users.py")
    admin.text_input(key=state.U_NAME).input("cleo")
    admin.selectbox(key=state.U_ROLE).set_value("viewer")
    admin.button(key=state.U_SAVE).click().run()
    at.run()
    assert not [b for b in at.button if b.key == state.Q_ACCEPT]
