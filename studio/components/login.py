"""The login screen: local accounts (bcrypt) and, when configured in secrets, OIDC via ``st.login``."""

from __future__ import annotations

import streamlit as st

from dermkg.errors import InputError
from studio import state
from studio.auth import authenticate, load_users
from studio.components.session import StudioConfig, oidc_configured


def show_login(config: StudioConfig) -> None:
    """Render the login form; a successful login records the username and reruns."""
    st.title("dermkg studio")
    st.caption("Curation of the dermatology knowledge graph. Log in to continue.")
    if oidc_configured():
        if st.button("Log in with your organisation", key=state.LOGIN_OIDC, type="primary"):
            st.login()
        st.divider()
    if not config.users_file.exists():
        st.info(
            f"No local accounts yet ({config.users_file}). "
            "Start the studio with `dermkg studio` to create one."
        )
        return
    with st.form("login_form"):
        username = st.text_input("Username", key=state.LOGIN_USER, autocomplete="username")
        password = st.text_input("Password", type="password", key=state.LOGIN_PASSWORD)
        submitted = st.form_submit_button("Log in", key=state.LOGIN_SUBMIT, type="primary")
    if submitted:
        try:
            user = authenticate(load_users(config.users_file), username or "", password or "")
        except InputError as exc:
            st.error(f"The users file is broken: {exc}")
            return
        if user is None:
            st.error("Unknown username or wrong password.")
            return
        st.session_state[state.USERNAME] = user.username
        st.rerun()


def logout() -> None:
    """End the session: forget the user and the context built for them."""
    from studio.components.session import CONTEXT

    st.session_state.pop(state.USERNAME, None)
    st.session_state.pop(CONTEXT, None)
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()
