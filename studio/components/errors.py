"""Unexpected failures shown to the viewer as one plain sentence and a reference id; the traceback
(with its server paths) goes only to the server log, under the same id, for the administrator."""

from __future__ import annotations

import logging
import secrets

import streamlit as st

log = logging.getLogger("studio.errors")


def new_reference() -> str:
    return secrets.token_hex(4).upper()


def log_failure(where: str, exc: BaseException) -> str:
    """Log ``exc`` with its traceback under a fresh reference id and return the id."""
    ref = new_reference()
    log.error("studio error %s in %s: %s", ref, where, type(exc).__name__, exc_info=exc)
    return ref


def show_failure(where: str, exc: BaseException) -> str:
    """Log the failure and tell the viewer what happened without any technical detail."""
    ref = log_failure(where, exc)
    st.error(
        f"Something went wrong while showing this page, so it stopped here. Nothing was changed by "
        f"the failure. Reload the page to try again; if it persists, give your administrator the "
        f"reference **{ref}**.",
        icon=":material/error:",
    )
    return ref
