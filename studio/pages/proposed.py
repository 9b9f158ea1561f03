"""Proposed diagnoses: names ingestion could not resolve. Accept as new, reject, or merge into the
existing diagnosis they mean (the nearest existing names are suggested). Issue 15.3."""

from __future__ import annotations

import streamlit as st

from dermkg.errors import InputError
from studio import state
from studio.auth import can
from studio.components import facts
from studio.components.feedback import accept_reject, action_button
from studio.components.pickers import pick_item
from studio.components.queue_facts import proposed
from studio.components.safe import md
from studio.components.session import queue_page
from studio.components.where import show_quotes
from studio.proposed import accept_proposed, merge_proposed, reject_proposed

ctx, items = queue_page("Proposed diagnoses", proposed, "No proposed diagnoses wait for a decision.")
store = ctx.store
st.caption(f"{len(items):,} names found in books that match no diagnosis; the most mentioned first.")
st.dataframe(
    [
        {
            "name": i.diagnosis.name,
            "mentioned in assertions": i.assertions,
            "nearest existing": ", ".join(f"{s.name} ({s.score:.0f})" for s in i.suggestions) or "none close",
        }
        for i in items
    ],
    hide_index=True,
    key="proposed_table",
)
by_id = {i.diagnosis.id: i for i in items}
pick = pick_item(
    "Open proposed diagnosis", {k: i.diagnosis.name for k, i in by_id.items()}, key=state.PD_PICK
)
item = by_id[pick]
d = item.diagnosis
st.subheader(md(d.name))
st.caption(md(f"Synonyms: {', '.join(d.synonyms) or 'none'} · mentioned in {item.assertions} assertions"))
show_quotes(store, d.evidence)
if not can(ctx.user, "edit"):
    st.info("Viewers see the queue; curators decide.")
    st.stop()

reason_key = state.per(state.PD_REASON, pick)
st.text_input("Reason (required to reject)", key=reason_key)


def reason() -> str:
    return str(st.session_state.get(reason_key) or "")


def decide(accept: bool) -> object:
    act = accept_proposed if accept else reject_proposed
    return act(ctx.actions, d.id, reason(), version=d.version)


accept_reject(
    ("Accept as a new diagnosis", "Reject"),
    (state.per(state.PD_ACCEPT, pick), state.per(state.PD_REJECT, pick)),
    reason_key,
    decide,
    lambda _, yes: f"Accepted {d.name} as a diagnosis." if yes else f"Rejected {d.name}.",
    primary=True,
)

st.markdown("**Or merge into an existing diagnosis**")
names = {k: v for k, v in facts.diagnosis_names(store).items() if k != d.id}
suggested = [s.id for s in item.suggestions if s.id in names]
options = suggested + sorted((k for k in names if k not in suggested), key=lambda k: names[k].lower())
into_key = state.per(state.PD_INTO, pick)
into = st.selectbox(
    "Merge into",
    options,
    key=into_key,
    format_func=lambda k: names[k] + (" (suggested)" if k in suggested else ""),
)
if into:
    st.caption(
        md(f"{d.name} becomes a synonym of {names[into]}; its {item.assertions} assertions move over.")
    )
confirm_key = state.per(state.PD_CONFIRM, pick)
st.checkbox(md(f"Yes, merge {d.name} into {names.get(into or '', '…')}"), key=confirm_key)


def merge() -> object:
    if not st.session_state.get(confirm_key):
        raise InputError("tick the confirmation first: a merge moves names and assertions")
    return merge_proposed(ctx.actions, d.id, str(st.session_state.get(into_key)), reason())


action_button(
    "Merge",
    key=state.per(state.PD_MERGE, pick),
    inputs=(reason_key,),
    action=merge,
    success=lambda kept: f"Merged {d.name} into {kept.name}.",
)
