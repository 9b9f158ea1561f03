"""Users (admins only): who may do what, disable accounts, reset passwords, lift lockouts.

Accounts live in the users file with bcrypt hashes; every change is recorded in its audit list."""

from __future__ import annotations

import streamlit as st

from studio import state
from studio.accounts import reset_password, set_disabled, unlock
from studio.auth import PASSWORD_RULES, load_users, require, upsert_user
from studio.components.feedback import action_button
from studio.components.safe import md
from studio.components.session import page_context

ctx = page_context()
st.title("Users")
try:
    require(ctx.user, "users")
except PermissionError as exc:
    st.error(md(exc))
    st.stop()

path = ctx.config.users_file
users = load_users(path)
st.dataframe(
    [
        {
            "username": u.username,
            "name": u.name,
            "email": u.email,
            "role": u.role,
            "disabled": u.disabled,
            "locked": u.locked,
            "failed logins": u.failed_logins,
        }
        for u in users.users
    ],
    hide_index=True,
    key="users_table",
)
st.subheader("Add a user or change a role")


def save_user() -> object:
    return upsert_user(
        path,
        str(st.session_state.get(state.U_NAME, "")).strip(),
        role=st.session_state[state.U_ROLE],
        password=st.session_state.get(state.U_PASSWORD) or None,
        acting=ctx.user,
    )


with st.form("users_form", clear_on_submit=True):
    st.text_input("Username", key=state.U_NAME)
    st.selectbox("Role", ["viewer", "curator", "admin"], key=state.U_ROLE)
    st.text_input("Password (new users; leave empty to keep)", type="password", key=state.U_PASSWORD)
    st.caption(PASSWORD_RULES)
    action_button(
        "Save user",
        key=state.U_SAVE,
        form=True,
        action=save_user,
        success=lambda u: f"Saved {u.username} as {u.role}.",
    )

st.subheader("Disable, unlock or reset an account")
names = [u.username for u in users.users]
target = st.selectbox("Account", names, key=state.U_TARGET)
chosen = users.get(target) if target else None
if chosen is not None:
    said = ["disabled" if chosen.disabled else "enabled"]
    if chosen.locked:
        said.append(f"locked after {chosen.failed_logins} failed logins")
    st.caption(md(f"{chosen.username}: " + ", ".join(said)))
    c1, c2, c3 = st.columns(3)
    with c1:
        if chosen.disabled:
            action_button(
                "Enable",
                key=state.U_ENABLE,
                action=lambda: set_disabled(path, target, False, acting=ctx.user),
                success=lambda u: f"Enabled {u.username}.",
            )
        else:
            action_button(
                "Disable",
                key=state.U_DISABLE,
                action=lambda: set_disabled(path, target, True, acting=ctx.user),
                success=lambda u: f"Disabled {u.username}; they are logged out at their next click.",
            )
    with c2:
        action_button(
            "Unlock",
            key=state.U_UNLOCK,
            disabled=not (chosen.locked or chosen.failed_logins),
            action=lambda: unlock(path, target, acting=ctx.user),
            success=lambda u: f"Unlocked {u.username}.",
        )
    with c3:
        st.text_input("New password", type="password", key=state.U_RESET_PASSWORD)
        action_button(
            "Reset password",
            key=state.U_RESET,
            inputs=(),
            action=lambda: reset_password(
                path, target, str(st.session_state.get(state.U_RESET_PASSWORD) or ""), acting=ctx.user
            ),
            success=lambda u: f"New password set for {u.username}.",
        )

st.subheader("Account changes")
st.dataframe(
    [
        {
            "when (UTC)": e.at.strftime("%Y-%m-%d %H:%M:%S"),
            "by": e.by,
            "action": e.action.replace("_", " "),
            "account": e.username,
            "detail": e.detail or "",
        }
        for e in reversed(users.audit[-200:])
    ],
    hide_index=True,
    key="users_audit",
)
