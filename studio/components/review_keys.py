"""Keyboard-first review (issue 15.2): every decision is one key, shown on its button.

Streamlit's own button shortcuts (``st.button(shortcut=...)``) do the key handling: they are
ignored while the curator types in a field (so typing a reason never accepts anything) and the
key is drawn on the button. ``C`` and ``R`` are reserved by Streamlit, hence ``X`` for reject.

Keys: A accept · X reject (focus lands in the reason; Enter there rejects) · E edit (Ctrl+Enter
saves) · S skip · J / K next / previous item · O open the whole page · U undo your last decision
· M mark for a bulk decision · Shift+A / Shift+X accept / reject every marked item.

Undo is the store's revert of the last event this user made in this session (a bulk decision is
undone whole); a curator may take back their own decisions, reverting others' stays an admin's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import streamlit as st

from dermkg.errors import ConflictError, DermkgError
from kg.models import Assertion, EventQuery, Finding
from studio import state
from studio.components.assertion_card import show_edit
from studio.components.errors import log_failure
from studio.components.evidence import show_full_page
from studio.components.feedback import explain, flash

KEYS = {
    state.Q_ACCEPT: "A",
    state.Q_REJECT: "X",
    state.Q_EDIT_OPEN: "E",
    state.Q_SKIP: "S",
    state.Q_ITEM_NEXT: "J",
    state.Q_ITEM_PREV: "K",
    state.Q_OPEN_PAGE: "O",
    state.Q_UNDO: "U",
    state.Q_MARK: "M",
    state.Q_BULK_ACCEPT: "Shift+A",
    state.Q_BULK_REJECT: "Shift+X",
    state.Q_EDIT: "Ctrl+Enter",
}


# -- decisions and undo -----------------------------------------------------------------------
def _remember(ctx: Any, targets: Sequence[str]) -> None:
    """Push the newest event this user made on each target as one undo step."""
    events = []
    for target in targets:
        found = ctx.store.list_events(EventQuery(user=ctx.user.username, target=target, limit=1)).items
        events.extend(e.id for e in found)
    if events:
        st.session_state.setdefault(state.Q_UNDO_STACK, []).append(events)


def _run(ctx: Any, targets: Sequence[str], action: Callable[[], Any], success: str, typed: str = "") -> bool:
    """Run a decision in a callback; flash what happened; remember it for undo. On a conflict the
    typed reason is handed back (the item may have left the queue)."""
    try:
        action()
    except (DermkgError, PermissionError) as exc:
        message = explain(exc)
        if isinstance(exc, ConflictError) and typed:
            message += f" What you typed, to reuse: “{typed}”"
        flash("error", message)
        return False
    except Exception as exc:  # a bug or a broken file: a reference id, never a traceback
        ref = log_failure("review decision", exc)
        flash("error", f"The action failed unexpectedly and was not completed (reference {ref}).")
        return False
    _remember(ctx, targets)
    flash("success", success)
    return True


def _label_of(a: Assertion, names: Mapping[str, str], findings: Mapping[str, Finding]) -> str:
    other = findings[a.object].name if a.kind == "finding" and a.object in findings else names.get(a.object)
    return f"{names.get(a.subject, a.subject)} / {other or a.object}"


def _reason(a: Assertion) -> str:
    value = st.session_state.get(state.per(state.Q_REASON, a.id))
    return value.strip() if isinstance(value, str) else ""


def accept(ctx: Any, a: Assertion, text: str) -> None:
    _run(ctx, [a.id], lambda: ctx.actions.accept(a.id, expected_version=a.version), f"Accepted {text}.")


def reject(ctx: Any, a: Assertion, text: str) -> None:
    """With a reason typed: reject. Without: put the cursor in the reason field; Enter there rejects."""
    reason = _reason(a)
    if not reason:
        st.session_state[state.Q_REJECT_PENDING] = a.id
        focus(f"{state.Q_REASON}:{a.id}")
        flash("info", "Type the reason and press Enter to reject.")
        return
    st.session_state.pop(state.Q_REJECT_PENDING, None)
    run = lambda: ctx.actions.reject(a.id, reason, expected_version=a.version)  # noqa: E731
    _run(ctx, [a.id], run, f"Rejected {text}: {reason}", typed=reason)


def reason_entered(ctx: Any, a: Assertion, text: str) -> None:
    """Enter in the reason field after X completes the rejection."""
    if st.session_state.get(state.Q_REJECT_PENDING) == a.id and _reason(a):
        reject(ctx, a, text)


def undo(ctx: Any) -> None:
    """Revert the last decision this user made in this session and open that item again."""
    stack: list[list[str]] = st.session_state.get(state.Q_UNDO_STACK, [])
    if not stack:
        flash("info", "Nothing to undo in this session.")
        return
    events = stack.pop()
    try:
        for event_id in reversed(events):
            reverted = ctx.actions.undo(event_id)
    except (DermkgError, PermissionError) as exc:
        flash("error", explain(exc))
        return
    st.session_state[state.Q_URL_ITEM] = reverted.target  # the page opens the item again
    flash("success", f"Undone: {len(events)} decision(s) reverted.")


def bulk(ctx: Any, decision: str, items: Mapping[str, Assertion]) -> None:
    """One decision per marked item (each its own audit event), one shared reason."""
    marked = [i for i in st.session_state.get(state.Q_MARKED, []) if i in items]
    reason = st.session_state.get(state.Q_BULK_REASON) or ""
    reason = reason.strip() if isinstance(reason, str) else ""
    if not marked:
        flash("info", "Mark items first (M, or select rows in the table).")
        return
    if decision == "reject" and not reason:  # Enter in the shared reason then completes it
        st.session_state[state.Q_REJECT_PENDING] = state.Q_BULK_REASON
        flash("info", "Type the shared reason and press Enter to reject the marked items.")
        focus(state.Q_BULK_REASON)
        return
    st.session_state.pop(state.Q_REJECT_PENDING, None)

    done: list[str] = []
    failed: list[str] = []
    for i in marked:  # one decision each: one failing item (a conflict) does not stop the others
        a = items[i]
        try:
            if decision == "accept":
                ctx.actions.accept(a.id, expected_version=a.version)
            else:
                ctx.actions.reject(a.id, reason, expected_version=a.version)
            done.append(i)
        except (DermkgError, PermissionError) as exc:
            failed.append(explain(exc))
    _remember(ctx, done)  # undone whole by one U
    verb = "Accepted" if decision == "accept" else "Rejected"
    message = f"{verb} {len(done)} marked items" + (f": {reason}" if reason else ".")
    if failed:
        flash("error", message + f" {len(failed)} not decided: " + " / ".join(failed))
    else:
        flash("success", message)
    st.session_state[state.Q_MARKED] = [i for i in marked if i not in done]
    if not failed:
        st.session_state[state.Q_BULK_REASON] = ""
    st.session_state[state.Q_TABLE_GEN] = st.session_state.get(state.Q_TABLE_GEN, 0) + 1


def toggle_mark(item_id: str, move: Callable[[], None]) -> None:
    marked: list[str] = st.session_state.setdefault(state.Q_MARKED, [])
    if item_id in marked:
        marked.remove(item_id)
    else:
        marked.append(item_id)
        move()


# -- focus ------------------------------------------------------------------------------------
def focus(widget_key: str) -> None:
    """Ask the next render to put the cursor in the widget with this key."""
    st.session_state[state.Q_FOCUS] = widget_key
    st.session_state[state.Q_FOCUS_SEQ] = st.session_state.get(state.Q_FOCUS_SEQ, 0) + 1


def apply_focus() -> None:
    """Move the cursor as asked (a one-line script; the key comes from code, never from data).
    The run number makes the element new, so the script runs again."""
    key = st.session_state.pop(state.Q_FOCUS, None)
    if not key:
        return
    seq = st.session_state.get(state.Q_FOCUS_SEQ, 0)
    css = "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())  # as Streamlit names the class
    selector = f".{css} input, .{css} textarea"
    st.html(
        f"<script data-seq='{seq}'>(() => {{ let n = 0; const t = setInterval(() => {{"
        f"const el = document.querySelector({selector!r});"
        "const app = document.querySelector('[data-testid=\"stApp\"]');"
        "const done = app?.getAttribute('data-test-script-state') === 'notRunning';"
        "if (el && done) { el.focus(); clearInterval(t); } else if (++n > 100) clearInterval(t);"
        "}, 40); })();</script>",
        unsafe_allow_javascript=True,
    )


# -- the bar ----------------------------------------------------------------------------------
@st.dialog("Page", width="large")
def _page_dialog(ctx: Any, a: Assertion) -> None:
    for ev in a.evidence:
        if ev.page is not None:
            show_full_page(ctx.store, ev)


def show_decision_bar(
    ctx: Any,
    a: Assertion,
    names: Mapping[str, str],
    findings: Mapping[str, Finding],
    move: Callable[[int], None],
    items: Mapping[str, Assertion],
) -> None:
    """The decision controls in one compact band, each with its key on the button."""
    text = _label_of(a, names, findings)
    reason_key = state.per(state.Q_REASON, a.id)
    with st.container(horizontal=True, key="decision_bar", vertical_alignment="bottom", gap="small"):
        button = _button_maker(ctx)
        button("Accept", state.Q_ACCEPT, accept, (ctx, a, text), icon=":material/check:", type="primary")
        button("Reject", state.Q_REJECT, reject, (ctx, a, text), icon=":material/close:")
        st.text_input(
            "Reason (X, type, Enter rejects)",
            key=reason_key,
            placeholder="why not, e.g. not a differential here",
            on_change=reason_entered,
            args=(ctx, a, text),
            width=260,
        )
        editing = st.session_state.get(state.Q_EDITING) == a.id
        button("Edit", state.Q_EDIT_OPEN, _toggle_edit, (a.id,), icon=":material/edit:", disabled=editing)
        button("Skip", state.Q_SKIP, _skip, (move,), icon=":material/redo:")
        button("Previous", state.Q_ITEM_PREV, move, (-1,), icon=":material/arrow_upward:")
        button("Next", state.Q_ITEM_NEXT, move, (1,), icon=":material/arrow_downward:")
        page = st.button(
            "Page",
            key=state.Q_OPEN_PAGE,
            shortcut=KEYS[state.Q_OPEN_PAGE],
            icon=":material/description:",
            disabled=not any(ev.page for ev in a.evidence),
        )
        button("Undo", state.Q_UNDO, undo, (ctx,), icon=":material/undo:")
        button("Mark", state.Q_MARK, toggle_mark, (a.id, lambda: move(1)), icon=":material/checklist:")
    if page:
        _page_dialog(ctx, a)
    if editing:
        show_edit_panel(ctx, a, names, findings, reason_key)
    show_bulk_bar(ctx, items)


def _button_maker(ctx: Any) -> Callable[..., bool]:
    allowed = ctx.user.role != "viewer"

    def button(text: str, key: str, on_click: Callable[..., Any], args: tuple, **kw: Any) -> bool:
        return st.button(  # Streamlit draws the key on the button itself: "Accept  A"
            text,
            key=key,
            shortcut=KEYS[key] if allowed else None,
            on_click=on_click,
            args=args,
            disabled=kw.pop("disabled", False) or not allowed,
            **kw,
        )

    return button


def _toggle_edit(item_id: str) -> None:
    st.session_state[state.Q_EDITING] = item_id
    focus(f"{state.Q_EDIT_OBJECT}:{item_id}")


def _skip(move: Callable[[int], None]) -> None:
    move(1)
    flash("info", "Skipped: left undecided.")


def show_edit_panel(
    ctx: Any, a: Assertion, names: Mapping[str, str], findings: Mapping[str, Finding], reason_key: str
) -> None:
    """The edit widgets, open while editing this item; saving records the edit for undo."""
    with st.container(border=True, key="edit_panel"):
        show_edit(ctx, a, names, findings, reason_key, on_saved=_edit_saved(ctx, a))
        st.caption("Choose, then Ctrl+Enter saves. The reason field above is kept with the edit.")


def _edit_saved(ctx: Any, a: Assertion) -> Callable[[], None]:
    def saved() -> None:
        _remember(ctx, [a.id])
        st.session_state.pop(state.Q_EDITING, None)

    return saved


def show_bulk_bar(ctx: Any, items: Mapping[str, Assertion]) -> None:
    """Accept or reject every marked item at once, with one shared reason."""
    marked = [i for i in st.session_state.get(state.Q_MARKED, []) if i in items]
    if not marked:
        return
    with st.container(horizontal=True, key="bulk_bar", vertical_alignment="bottom", gap="small"):
        st.markdown(f"**{len(marked)} marked**")
        st.text_input(
            "Shared reason (Shift+X, type, Enter rejects)",
            key=state.Q_BULK_REASON,
            width=320,
            on_change=_bulk_reason_entered,
            args=(ctx, items),
        )
        button = _button_maker(ctx)
        button("Accept marked", state.Q_BULK_ACCEPT, bulk, (ctx, "accept", items), icon=":material/done_all:")
        button("Reject marked", state.Q_BULK_REJECT, bulk, (ctx, "reject", items), icon=":material/block:")
        st.button("Clear marks", key=state.Q_BULK_CLEAR, on_click=_clear_marks)


def _bulk_reason_entered(ctx: Any, items: Mapping[str, Assertion]) -> None:
    if st.session_state.get(state.Q_REJECT_PENDING) == state.Q_BULK_REASON:
        bulk(ctx, "reject", items)


def _clear_marks() -> None:
    st.session_state[state.Q_MARKED] = []
    st.session_state[state.Q_TABLE_GEN] = st.session_state.get(state.Q_TABLE_GEN, 0) + 1
