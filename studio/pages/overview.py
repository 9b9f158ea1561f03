"""Overview: the state of the graph, lint warnings, recent activity and curator agreement."""

from __future__ import annotations

import streamlit as st

from kg.models import AssertionQuery, EventQuery
from studio.components import facts
from studio.components.session import page_context
from studio.components.wording import event_target

ctx = page_context()
store = ctx.store
st.title("Overview")

counts: dict[str, dict[str, int]] = {}
for kind in ("ddx", "is_a", "finding"):
    counts[kind] = {
        status: store.count_assertions(AssertionQuery(kind=kind, status=status))
        for status in ("proposed", "accepted", "rejected", "superseded")
    }
m = st.columns(5)
m[0].metric("Revision", store.revision())
m[1].metric("Diagnoses", f"{store.count_diagnoses():,}")
m[2].metric("Cases", f"{store.count_cases():,}")
m[3].metric("Proposed DDx", f"{counts['ddx']['proposed']:,}")
m[4].metric("Proposed is-a", f"{counts['is_a']['proposed']:,}")

st.subheader("Assertions by kind and status")
st.dataframe(
    [{"kind": kind, **by_status, "total": sum(by_status.values())} for kind, by_status in counts.items()],
    hide_index=True,
    key="overview_counts",
)

left, right = st.columns(2)
with left:
    st.subheader("Lint warnings")
    rows = facts.lint_rows(facts.lint_warnings(store))
    if not rows:
        st.success("No lint warnings.")
    else:
        st.caption(f"{len(rows):,} warnings")
        st.dataframe(rows[:500], hide_index=True, width="stretch", height=300)
with right:
    st.subheader("Recent activity")
    recent = store.list_events(EventQuery(limit=15)).items
    if not recent:
        st.caption("No curation yet.")
    st.dataframe(
        [
            {
                "when": e.at.strftime("%Y-%m-%d %H:%M"),
                "user": e.user,
                "action": e.action,
                "target": event_target(e, facts.diagnosis_names(store)),
            }
            for e in recent
        ],
        hide_index=True,
        width="stretch",
        height=300,
    )

st.subheader("Curator agreement (Cohen's kappa)")
pairs = facts.agreement(store)
if not pairs:
    st.caption(
        "No two curators have reviewed the same assertion yet. Set DERMKG_CONSENSUS_K=2 (or more) so "
        "each assertion needs independent reviews."
    )
else:
    st.dataframe(
        [
            {
                "curators": f"{p.a} / {p.b}",
                "shared items": p.n,
                "agreement": round(p.observed, 3),
                "kappa": None if p.kappa is None else round(p.kappa, 3),
            }
            for p in pairs
        ],
        hide_index=True,
        key="overview_kappa",
    )
