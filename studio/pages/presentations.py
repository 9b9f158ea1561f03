"""Presentations: a book's lists of causes ("causes of blisters") with their member diagnoses. Accept or
reject membership, and accept chosen member pairs as differentials in bulk (issue 14.3)."""

from __future__ import annotations

import streamlit as st

from studio import state
from studio.auth import can
from studio.components.feedback import accept_reject, action_button
from studio.components.pickers import pick_item
from studio.components.queue_facts import presentations
from studio.components.safe import md
from studio.components.session import page_context
from studio.components.where import show_quotes
from studio.presentations import accept_pairs, decide_membership, decide_presentation, member_pairs

STATUS_WORDS = {"proposed": "to review", "accepted": "member", "rejected": "not a member"}
NODE_WORDS = {"proposed": "to review", "accepted": "accepted", "rejected": "rejected"}

ctx = page_context()
store = ctx.store
st.title("Presentations")
found = presentations(store)
if not found:
    st.info(
        "No presentations yet. Ingesting a book turns its lists of causes (“causes of blisters”) into "
        "presentations with their member diagnoses."
    )
    st.stop()
by_id = {p.finding.id: p for p in found}


def label(fid: str) -> str:
    p = by_id[fid]
    waiting = sum(m.assertion.status == "proposed" for m in p.members)
    node = (
        "" if p.finding.status == "accepted" else f" [{NODE_WORDS.get(p.finding.status, p.finding.status)}]"
    )
    return f"{p.finding.name}{node} — {len(p.members)} members" + (
        f", {waiting} to review" if waiting else ""
    )


pick = pick_item("Presentation", {fid: label(fid) for fid in by_id}, key=state.PR_PICK)
p = by_id[pick]
st.subheader(md(p.finding.name))
st.caption(md(f"Presentation: {NODE_WORDS.get(p.finding.status, p.finding.status)}"))
st.dataframe(
    [
        {
            "diagnosis": m.name,
            "malignancy": m.malignancy or "unknown",
            "membership": STATUS_WORDS.get(m.assertion.status, m.assertion.status),
        }
        for m in p.members + p.rejected
    ],
    hide_index=True,
    key="presentation_members",
)
with st.expander("What the book says", expanded=True):
    show_quotes(store, p.evidence)

pairs = member_pairs(store, p)
present = [r for r in pairs if r["in the graph"]]
if present:
    st.caption(
        md(
            "Already in the graph as differentials: "
            + ", ".join(f"{r['pair']} ({r['in the graph']})" for r in present)
        )
    )
if not can(ctx.user, "review"):
    st.info("Viewers see presentations; curators decide.")
    st.stop()

st.markdown("**Accept pairs as differentials**")
choices = {f"{r['a']}|{r['b']}": str(r["pair"]) for r in pairs if r["in the graph"] != "accepted"}
pairs_key = state.per(state.PR_PAIRS, pick)
st.multiselect(
    "Pairs to accept (each becomes a differential with this book's quote)",
    list(choices),
    key=pairs_key,
    format_func=lambda k: choices.get(k, k),
)
note_key = state.per(state.PR_NOTE, pick)
st.text_input("Note (optional, kept on every accepted pair)", key=note_key)


def accept_chosen() -> list:
    chosen = [tuple(k.split("|", 1)) for k in st.session_state.get(pairs_key) or []]
    return accept_pairs(ctx.actions, p, chosen, str(st.session_state.get(note_key) or ""))  # type: ignore[arg-type]


def said(results: list) -> str:
    counts: dict[str, int] = {}
    for r in results:
        counts[r.outcome] = counts.get(r.outcome, 0) + 1
    return (
        "Differentials from " + p.finding.name + ": " + ", ".join(f"{n} {o}" for o, n in counts.items()) + "."
    )


action_button(
    "Accept selected pairs",
    key=state.per(state.PR_ACCEPT_PAIRS, pick),
    type="primary",
    inputs=(note_key,),
    action=accept_chosen,
    success=said,
)


st.markdown("**Membership**")
members = {m.assertion.id: m for m in p.members}
if members:
    member_key = state.per(state.PR_MEMBER, pick)
    st.selectbox(
        "Member",
        list(members),
        key=member_key,
        format_func=lambda i: f"{members[i].name} ({STATUS_WORDS.get(members[i].assertion.status, '')})",
    )
    reason_key = state.per(state.PR_MEMBER_REASON, pick)
    st.text_input("Reason (required to reject)", key=reason_key)

    def decide(accept: bool) -> object:
        m = members[str(st.session_state.get(member_key))]
        return decide_membership(ctx.actions, m, accept, str(st.session_state.get(reason_key) or ""))

    accept_reject(
        ("Accept membership", "Reject membership"),
        (state.per(state.PR_MEMBER_ACCEPT, pick), state.per(state.PR_MEMBER_REJECT, pick)),
        reason_key,
        decide,
        lambda a, yes: (
            f"Recorded: {members[a.id].name} "
            + ("belongs to" if yes else "is not one of")
            + f" {p.finding.name}."
        ),
    )

st.markdown("**The presentation itself**")
node_reason = state.per(state.PR_NODE_REASON, pick)
st.text_input("Reason (required to reject the presentation)", key=node_reason)
accept_reject(
    ("Accept presentation", "Reject presentation"),
    (state.per(state.PR_NODE_ACCEPT, pick), state.per(state.PR_NODE_REJECT, pick)),
    node_reason,
    lambda yes: decide_presentation(ctx.actions, p, yes, str(st.session_state.get(node_reason) or "")),
    lambda f, yes: f"Recorded: {f.name} is {'accepted' if yes else 'rejected'} as a presentation.",
)
