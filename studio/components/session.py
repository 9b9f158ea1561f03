"""The per-session context every page starts from: configuration, store, logged-in user, actions.

``studio/app.py`` builds it once per run (after login) and keeps it in session state; pages call
:func:`page_context` and never open stores or read users themselves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import streamlit as st
from pydantic import BaseModel

from dermkg.errors import InputError, StoreUnavailableError
from dermkg.settings import Settings
from kg.store import GraphStore, make_store
from studio import state
from studio.actions import CurationActions
from studio.auth import StudioUser, load_users, oidc_user
from studio.components.feedback import show_flash
from studio.components.login import finish_logout, oidc_configured, show_login
from studio.components.safe import md

CONTEXT = state.CONTEXT
T = TypeVar("T")


class StudioConfig(BaseModel):
    """What the studio runs on; read fresh from the environment (``dermkg studio`` sets it)."""

    store_url: str
    users_file: Path
    data_dir: Path
    consensus_k: int = 1

    @classmethod
    def from_env(cls) -> StudioConfig:
        settings = Settings()
        return cls(
            store_url=settings.store_url,
            users_file=settings.users_file or settings.data_dir / "users.yaml",
            data_dir=settings.data_dir,
            consensus_k=settings.consensus_k,
        )


@dataclass(frozen=True)
class StudioContext:
    config: StudioConfig
    store: GraphStore
    user: StudioUser
    actions: CurationActions


@st.cache_resource(show_spinner=False)
def _shared_store(url: str) -> GraphStore:
    # One open store per URL for the whole server: both backends are safe to share across the
    # threads Streamlit runs sessions in (SQLite serialises on a lock, the Neo4j driver pools).
    return make_store(url).open()


def get_store(url: str) -> GraphStore:
    """The process-wide store for ``url``; a failed connection is retried on the next run."""
    return _shared_store(url)


def current_user(config: StudioConfig) -> StudioUser | None:
    """The logged-in user with the role from the users file as it is now (role changes apply at once)."""
    if oidc_configured() and getattr(st.user, "is_logged_in", False):
        users = load_users(config.users_file) if config.users_file.exists() else None
        from studio.auth import UsersFile

        return oidc_user(users or UsersFile(), str(st.user.get("email", "")), st.user.get("name"))
    username = st.session_state.get(state.USERNAME)
    if not username:
        username = cookie_user(config)
        if not username:
            return None
        st.session_state[state.USERNAME] = username
    user = load_users(config.users_file).get(username)
    if user is None or user.disabled:
        st.session_state.pop(state.USERNAME, None)
        return None
    return user


def cookie_user(config: StudioConfig) -> str | None:
    """The user of a valid session cookie (a reload, a new tab), if persistent sessions are on."""
    from studio import session_cookie

    if not session_cookie.routes_enabled():
        return None
    try:
        token = st.context.cookies.get(session_cookie.COOKIE)
    except Exception:  # no browser context (tests, bare mode)
        return None
    return session_cookie.read_token(token, config.data_dir)


def build_context(config: StudioConfig, user: StudioUser) -> StudioContext:
    """Open (or reuse) the store; an unreachable store stops the run with a clear message."""
    try:
        store = get_store(config.store_url)
    except StoreUnavailableError as exc:
        st.error(
            md(
                f"The graph store cannot be reached: {exc}. Check that it is running and that "
                "DERMKG_STORE / --store names it, then reload this page."
            ),
            icon=":material/cloud_off:",
        )
        st.stop()
    ctx = StudioContext(
        config,
        store,
        user,
        CurationActions(store, user, consensus_k=config.consensus_k, users_file=config.users_file),
    )
    st.session_state[CONTEXT] = ctx
    return ctx


def page_context(*, messages: bool = True) -> StudioContext:
    """The session's context, checked afresh on every run (a removed user or a changed role applies
    at once), after showing the outcome of the action the curator just took. Without a logged-in
    user it shows the login screen and stops, so no page renders for an anonymous session."""
    config = StudioConfig.from_env()
    finish_logout()
    try:
        user = current_user(config)
    except (InputError, PermissionError) as exc:
        st.error(md(f"Cannot check your account: {exc}"))
        st.stop()
    if user is None:
        show_login(config)
        st.stop()
    ctx = build_context(config, user)
    if messages:
        show_flash()
    return ctx


def queue_page(title: str, load: Callable[[GraphStore], list[T]], done: str) -> tuple[StudioContext, list[T]]:
    """A curation queue page's start: the context, the title and the open items; with none left it
    says ``done`` and stops, so the page below always has an item to show."""
    ctx = page_context()
    st.title(title)
    items = load(ctx.store)
    if not items:
        st.success(done)
        st.stop()
    return ctx, items
