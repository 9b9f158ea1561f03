"""Run a curation action and tell the curator, in plain words, what happened.

Actions run in button callbacks, before the page renders, so the page always shows the state after
the action. A successful action leaves a one-time success message; a refused one (conflict,
permission, bad input, cycle) says why and leaves the curator's typed input in its widgets, so
nothing they wrote is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import streamlit as st

from dermkg.errors import (
    ConflictError,
    CycleError,
    DermkgError,
    InputError,
    NotFoundError,
    StoreUnavailableError,
)
from studio import state
from studio.auth import PermissionDeniedError
from studio.components.errors import log_failure
from studio.components.safe import md

Level = Literal["success", "info", "warning", "error"]


def flash(level: Level, message: str) -> None:
    """Show ``message`` at the top of the next run (after ``st.rerun``)."""
    st.session_state[state.FLASH] = (level, message)


def show_flash() -> None:
    item = st.session_state.pop(state.FLASH, None)
    if item:
        level, message = item
        getattr(st, level)(md(message))  # messages quote names and typed text: shown literally


def explain(exc: Exception) -> str:
    """The message a curator sees for a refused action."""
    if isinstance(exc, ConflictError):
        return (
            f"Conflict: someone else changed this item after you opened it ({exc}). Your action was "
            "not applied and nothing was overwritten; the page now shows their version. Review it "
            "and act again."
        )
    if isinstance(exc, PermissionDeniedError):
        return f"Not allowed: {exc}."
    if isinstance(exc, CycleError):
        return f"Refused, the taxonomy must stay acyclic: {exc}."
    if isinstance(exc, StoreUnavailableError):
        return f"The graph store cannot be reached: {exc}. Nothing was changed; try again shortly."
    if isinstance(exc, InputError | NotFoundError):
        return f"Refused: {exc}."
    return f"Refused: {exc}"


def _apply(action: Callable[[], Any], success: str | Callable[[Any], str], inputs: tuple[str, ...]) -> None:
    try:
        result = action()
    except (DermkgError, PermissionError) as exc:
        message = explain(exc)
        typed = [str(v) for k in inputs if isinstance(v := st.session_state.get(k), str) and v.strip()]
        if isinstance(exc, ConflictError) and typed:  # the item may have left the queue: echo the input
            message += " What you typed, to reuse: " + " / ".join(f"“{t}”" for t in typed)
        flash("error", message)
        return
    except Exception as exc:  # a bug or a broken file: a reference id, never a traceback
        ref = log_failure("action", exc)
        flash("error", f"The action failed unexpectedly and was not completed (reference {ref}).")
        return
    flash("success", success(result) if callable(success) else success)


def action_button(
    label: str,
    *,
    key: str,
    action: Callable[[], Any],
    success: str | Callable[[Any], str],
    form: bool = False,
    inputs: tuple[str, ...] = (),
    **button_args: Any,
) -> bool:
    """A button whose click runs ``action`` before the next run renders, so the page shows the new
    state. ``action`` must read typed input from ``st.session_state`` (the values at click time);
    the widgets named in ``inputs`` are echoed back on a conflict so no typed text is lost."""
    button = st.form_submit_button if form else st.button
    return button(label, key=key, on_click=_apply, args=(action, success, inputs), **button_args)


def accept_reject(
    labels: tuple[str, str],
    keys: tuple[str, str],
    reason_key: str,
    decide: Callable[[bool], Any],
    said: Callable[[Any, bool], str],
    *,
    primary: bool = False,
) -> None:
    """An Accept and a Reject button side by side; ``decide(accept)`` reads the reason typed in
    ``reason_key`` (required to reject), which a conflict echoes back. ``primary``: the accept
    button is the page's main action."""
    for column, yes, label, key in zip(st.columns(2), (True, False), labels, keys, strict=True):
        with column:
            action_button(
                label,
                key=key,
                type="primary" if yes and primary else "secondary",
                inputs=(reason_key,),
                action=lambda yes=yes: decide(yes),
                success=lambda result, yes=yes: said(result, yes),
            )
