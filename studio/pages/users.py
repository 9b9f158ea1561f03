"""Users (admins only): who may do what. Accounts live in the users file with bcrypt hashes."""

from __future__ import annotations

import streamlit as st

from studio import state
from studio.auth import load_users, require, upsert_user
from studio.components.feedback import action_button
from studio.components.session import page_context

ctx = page_context()
st.title("Users")
try:
    require(ctx.user, "users")
except PermissionError as exc:
    st.error(str(exc))
    st.stop()

users = load_users(ctx.config.users_file)
st.dataframe(
    [
        {"username": u.username, "name": u.name, "email": u.email, "role": u.role, "disabled": u.disabled}
        for u in users.users
    ],
    hide_index=True,
    key="users_table",
)
st.subheader("Add a user or change a role")


def save_user() -> object:
    return upsert_user(
        ctx.config.users_file,
        str(st.session_state.get(state.U_NAME, "")).strip(),
        role=st.session_state[state.U_ROLE],
        password=st.session_state.get(state.U_PASSWORD) or None,
        acting=ctx.user,
    )


with st.form("users_form", clear_on_submit=True):
    st.text_input("Username", key=state.U_NAME)
    st.selectbox("Role", ["viewer", "curator", "admin"], key=state.U_ROLE)
    st.text_input("Password (new users; leave empty to keep)", type="password", key=state.U_PASSWORD)
    action_button(
        "Save user",
        key=state.U_SAVE,
        form=True,
        action=save_user,
        success=lambda u: f"Saved {u.username} as {u.role}.",
    )
