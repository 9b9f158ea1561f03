"""The login screen: local accounts (bcrypt) and, when configured in secrets, OIDC via ``st.login``."""

from __future__ import annotations

import contextlib
import json
from typing import TYPE_CHECKING

import streamlit as st

from dermkg.errors import InputError
from studio import session_cookie, state
from studio.accounts import log_in
from studio.auth import PASSWORD_RULES
from studio.components.safe import md

if TYPE_CHECKING:  # the session module shows this screen; at runtime only it imports us
    from studio.components.session import StudioConfig

LOGOUT_REDIRECT = "dermkg_logout_redirect"


def oidc_configured() -> bool:
    """Whether secrets configure an OIDC provider for ``st.login``."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def show_login(config: StudioConfig) -> None:
    """Render the login form; a successful login records the username and reruns."""
    st.title("dermkg studio")
    st.caption("Curation of the dermatology knowledge graph. Log in to continue.")
    if oidc_configured():
        if st.button("Log in with your organisation", key=state.LOGIN_OIDC, type="primary"):
            st.login()
        st.divider()
    if not config.users_file.exists():
        st.info("No local accounts yet. Start the studio with `dermkg studio` to create one.")
        return
    with st.form("login_form"):
        username = st.text_input("Username", key=state.LOGIN_USER, autocomplete="username")
        password = st.text_input("Password", type="password", key=state.LOGIN_PASSWORD)
        submitted = st.form_submit_button("Log in", key=state.LOGIN_SUBMIT, type="primary")
    st.caption(PASSWORD_RULES)
    if submitted:
        try:
            result = log_in(config.users_file, username or "", password or "")
        except InputError as exc:
            st.error(md(f"The users file is broken: {exc}"))
            return
        if result.user is None:
            st.error(result.message)
            return
        st.session_state[state.USERNAME] = result.user.username
        if session_cookie.routes_enabled():  # let the server set the HttpOnly cookie, then come back
            ticket = session_cookie.issue_ticket(result.user.username)
            _navigate(f"/_dermkg/session?ticket={ticket}&next=", back_here=True)
        st.rerun()


def _navigate(path: str, *, back_here: bool = False) -> None:
    """Send the browser to ``path`` on this server (a fixed script; ``path`` is JSON-quoted); with
    ``back_here`` the current address (the deep link, filters and item) is appended, encoded."""
    here = " + encodeURIComponent(window.location.pathname + window.location.search)" if back_here else ""
    st.html(
        f"<script>window.location.replace({json.dumps(path)}{here})</script>", unsafe_allow_javascript=True
    )
    st.stop()


def finish_logout() -> None:
    """After a logout click: clear the HttpOnly cookie through the server route."""
    if st.session_state.pop(LOGOUT_REDIRECT, False) and session_cookie.routes_enabled():
        _navigate("/_dermkg/logout")


def logout() -> None:
    """End the session: forget the user and the context built for them; revoke the cookie."""
    st.session_state.pop(state.USERNAME, None)
    st.session_state.pop(state.CONTEXT, None)
    with contextlib.suppress(Exception):  # no browser context (tests)
        session_cookie.revoke(st.context.cookies.get(session_cookie.COOKIE))
    st.session_state[LOGOUT_REDIRECT] = True
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()
