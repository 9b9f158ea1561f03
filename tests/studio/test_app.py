"""The studio's main script: login required, navigation by role, clear messages when things fail."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from studio import state
from tests.studio.conftest import APP, PASSWORDS, open_app, plain


def login(at: AppTest, username: str, password: str) -> AppTest:
    at.text_input(key=state.LOGIN_USER).input(username)
    at.text_input(key=state.LOGIN_PASSWORD).input(password)
    return at.button(key=state.LOGIN_SUBMIT).click().run()


def test_login_is_required_and_a_wrong_password_is_refused(studio_env):
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    assert [t.value for t in at.title] == ["dermkg studio"]  # the login screen, nothing else
    login(at, "cleo", "not-her-password")
    assert any("wrong password" in e.value for e in at.error)
    assert state.USERNAME not in at.session_state


def test_login_opens_the_overview_and_logout_ends_the_session(studio_env):
    at = AppTest.from_file(str(APP), default_timeout=60).run()
    login(at, "cleo", PASSWORDS["cleo"])
    assert not at.exception
    assert at.session_state[state.USERNAME] == "cleo"
    assert "Overview" in [t.value for t in at.title]
    assert any("Cleo** · curator" in m.value for m in at.sidebar.markdown)
    at.sidebar.button(key=state.LOGOUT).click().run()
    assert [t.value for t in at.title] == ["dermkg studio"]


def test_only_admins_get_the_users_page(studio_env):
    at = open_app("ada", "pages/users.py")
    assert [t.value for t in at.title] == ["Users"]
    with pytest.raises(ValueError, match="not a registered page|Could not find"):
        open_app("cleo", "pages/users.py")


def test_a_user_removed_from_the_users_file_is_logged_out(studio_env):
    from studio.auth import load_users, save_users

    at = open_app("cleo")
    users = load_users(studio_env["users"])
    users.users = [u for u in users.users if u.username != "cleo"]
    save_users(studio_env["users"], users)
    at.run()
    assert [t.value for t in at.title] == ["dermkg studio"]


def test_every_page_runs_on_its_own_behind_the_login(studio_env):
    pages = ("overview", "queue", "diagnosis", "graph", "cases", "history", "ingestion", "exports")
    for page in (*pages, "proposed", "duplicates", "presentations", "progress"):
        at = AppTest.from_file(str(APP.parent / "pages" / f"{page}.py"), default_timeout=60).run()
        assert [t.value for t in at.title] == ["dermkg studio"], page  # the login screen
        assert not at.exception


def test_an_unreachable_store_gives_a_clear_message(studio_env, monkeypatch, tmp_path):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the store's folder should be")
    monkeypatch.setenv("DERMKG_STORE", f"sqlite:///{blocker}/kg.db")
    at = open_app("cleo")
    errors = plain(" ".join(e.value for e in at.error))
    assert "graph store cannot be reached" in errors and str(blocker) in errors


OIDC = {"auth": {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "s" * 32}}


def test_oidc_when_configured_offers_the_provider_login(studio_env):
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets.update(OIDC)
    at.user = {"is_logged_in": False}
    at.run()
    assert [b.key for b in at.button if b.key == state.LOGIN_OIDC] == [state.LOGIN_OIDC]
    assert at.text_input(key=state.LOGIN_USER)  # local accounts still work beside it


def test_oidc_identities_get_the_role_of_their_account_and_strangers_only_read(studio_env):
    from studio.auth import upsert_user

    upsert_user(studio_env["users"], "cleo", role="curator", email="cleo@clinic.example")
    at = AppTest.from_file(str(APP.parent / "pages" / "queue.py"), default_timeout=60)
    at.secrets.update(OIDC)
    at.user = {"is_logged_in": True, "email": "Cleo@Clinic.example", "name": "Dr Cleo"}
    at.run()
    assert [b.key for b in at.button if b.key == state.Q_ACCEPT] == [state.Q_ACCEPT]
    stranger = AppTest.from_file(str(APP.parent / "pages" / "queue.py"), default_timeout=60)
    stranger.secrets.update(OIDC)
    stranger.user = {"is_logged_in": True, "email": "someone@else.example", "name": "Someone"}
    stranger.run()
    assert not [b for b in stranger.button if b.key == state.Q_ACCEPT]
    assert any("viewer" in i.value for i in stranger.info)
