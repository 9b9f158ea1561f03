"""History: the append-only audit log, filterable by user, action and date; revert an event."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time
from typing import get_args

import streamlit as st

from kg.models import EventAction, EventQuery
from studio import state
from studio.auth import can
from studio.components import facts
from studio.components.feedback import action_button
from studio.components.safe import md
from studio.components.session import page_context
from studio.components.wording import event_changes, event_target

PER_PAGE = 50
ctx = page_context()
store = ctx.store
names = {**facts.finding_names(store), **facts.diagnosis_names(store)}  # events name both kinds
st.title("History")

f1, f2, f3, f4, f5 = st.columns([2, 2, 2, 2, 1])
user = f1.text_input("User", key=state.H_USER, placeholder="any").strip() or None
action = f2.selectbox(
    "Action", [None, *get_args(EventAction)], key=state.H_ACTION, format_func=lambda a: a or "any"
)
since = f3.date_input("From", value=None, key=state.H_SINCE)
until = f4.date_input("To", value=None, key=state.H_UNTIL)
query = EventQuery(
    user=user,
    action=action,
    since=datetime.combine(since, time.min, UTC) if since else None,
    until=datetime.combine(until, time.max, UTC) if until else None,
    limit=0,
)
total = store.list_events(query).total
pages = max(1, -(-total // PER_PAGE))
page = f5.number_input(f"Page / {pages}", 1, pages, 1, key=state.H_PAGE) - 1
events = store.list_events(query.model_copy(update={"offset": page * PER_PAGE, "limit": PER_PAGE})).items
st.caption(f"{total:,} events, newest first")
st.dataframe(
    [
        {
            "seq": e.seq,
            "when (UTC)": e.at.strftime("%Y-%m-%d %H:%M:%S"),
            "user": e.user,
            "action": e.action,
            "target": event_target(e, names),
            "reason": e.reason or "",
        }
        for e in events
    ],
    hide_index=True,
    width="stretch",
    key="history_table",
)
if not events:
    st.stop()

by_id = {e.id: e for e in events}
chosen = st.selectbox(
    "Event",
    list(by_id),
    key=state.H_EVENT,
    format_func=lambda i: (
        f"#{by_id[i].seq} {by_id[i].action} {event_target(by_id[i], names)} by {by_id[i].user}"
    ),
)
event = by_id[chosen]
changes = event_changes(event, names)
if event.reason:
    st.markdown(f"**Reason:** {md(event.reason)}")
if changes:
    st.markdown("**Changes**  \n" + "  \n".join(md(line) for line in changes))
elif event.action not in ("comment",):
    st.caption("No field changed.")
with st.expander("Raw record (before / after)", icon=":material/data_object:"):
    b, a = st.columns(2)
    b.code(
        json.dumps(event.before, indent=1, ensure_ascii=False)[:20_000] if event.before else "—",
        language="json",
    )
    a.code(
        json.dumps(event.after, indent=1, ensure_ascii=False)[:20_000] if event.after else "—",
        language="json",
    )

if can(ctx.user, "revert"):
    revertible = event.before is not None and event.action not in ("comment", "create")
    st.text_input("Why revert?", key=state.H_REVERT_REASON)
    action_button(
        "Revert this event",
        key=state.H_REVERT,
        disabled=not revertible,
        icon=":material/undo:",
        action=lambda: ctx.actions.revert(
            event.id, reason=st.session_state.get(state.H_REVERT_REASON) or None
        ),
        success=f"Reverted #{event.seq}; the revert is itself in the log.",
    )
    if not revertible:
        st.caption("Comments and creations have no earlier state to restore.")
else:
    st.caption("Reverting events needs the admin role.")
