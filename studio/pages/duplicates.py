"""Duplicates: diagnoses that probably name one entity, merged safely or dismissed (issue 15.3).

The survivor is chosen explicitly (default: the established term), the preview says what moves,
and nothing happens without the confirmation box. "Not duplicates" is recorded with a reason."""

from __future__ import annotations

import streamlit as st

from dermkg.errors import InputError
from studio import state
from studio.auth import can
from studio.components.feedback import action_button
from studio.components.pickers import pick_item
from studio.components.queue_facts import duplicates
from studio.components.safe import md
from studio.components.session import queue_page
from studio.duplicates import default_plan, dismiss_duplicate, merge_duplicate, preview

ctx, items = queue_page(
    "Duplicate diagnoses",
    duplicates,
    "No probable duplicates left: every pair found was merged or dismissed.",
)
store = ctx.store
st.caption(
    f"{len(items):,} pairs to decide, best evidence first. A merge can be reverted on the History page."
)
st.dataframe(
    [
        {
            "pair": f"{i.proposal.names[0]} / {i.proposal.names[1]}",
            "why": i.why,
            "malignancy": " / ".join(m or "unknown" for m in i.proposal.malignancy),
            "one is a kind of the other": "yes" if i.proposal.related else "",
        }
        for i in items
    ],
    hide_index=True,
    key="dup_table",
)
by_id = {i.proposal.id: i for i in items}
pick = pick_item("Open pair", {k: " / ".join(i.proposal.names) for k, i in by_id.items()}, key=state.DUP_PICK)
item = by_id[pick]
default = default_plan(store, item)
sides = {default.keep.id: default.keep, default.drop.id: default.drop}
cols = st.columns(2)
for col, side in zip(cols, sides.values(), strict=True):
    with col:
        st.subheader(md(side.name))
        st.caption(
            md(
                f"{side.status} · {side.cases} cases · {side.assertions} assertions · synonyms: "
                + (", ".join(side.synonyms) or "none")
            )
        )
st.caption(md(f"Why proposed: {item.why}. Default survivor: {default.keep.name} ({default.reason})."))
if item.proposal.related:
    st.warning(
        "One of these is recorded as a kind of the other. A merge drops that is-a link; an accepted one "
        "must be rejected first (a subtype is not a duplicate)."
    )
if not can(ctx.user, "merge"):
    st.info("Viewers see the queue; curators decide.")
    st.stop()

keep = st.radio(
    "Keep which name?",
    list(sides),
    key=state.per(state.DUP_KEEP, pick),
    format_func=lambda i: sides[i].name + (" (established term)" if i == default.keep.id else ""),
    horizontal=True,
)
plan = preview(store, item, keep)
st.markdown("**What the merge does**")
for line in plan.preview():
    st.markdown("- " + md(line))
reason_key = state.per(state.DUP_REASON, pick)
st.text_input("Reason (required to dismiss; optional for a merge)", key=reason_key)
confirm = st.checkbox(
    md(f"Yes, fold {plan.drop.name} into {plan.keep.name}"), key=state.per(state.DUP_CONFIRM, pick)
)


def merge() -> object:
    if not st.session_state.get(state.per(state.DUP_CONFIRM, pick)):
        raise InputError("tick the confirmation first: a merge moves names, cases and assertions")
    return merge_duplicate(ctx.actions, item, keep, str(st.session_state.get(reason_key) or ""))


b1, b2 = st.columns(2)
with b1:
    action_button(
        "Merge",
        key=state.per(state.DUP_MERGE, pick),
        type="primary",
        disabled=not confirm,
        inputs=(reason_key,),
        action=merge,
        success=lambda d: f"Merged: {d.name} now carries {plan.drop.name} as a synonym.",
    )
with b2:
    action_button(
        "Not duplicates",
        key=state.per(state.DUP_DISMISS, pick),
        inputs=(reason_key,),
        action=lambda: dismiss_duplicate(ctx.actions, item, str(st.session_state.get(reason_key) or "")),
        success=f"Recorded: {item.proposal.names[0]} and {item.proposal.names[1]} are different diagnoses.",
    )
