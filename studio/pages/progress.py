"""Progress: per curator and per book, what was decided today and in total, and what remains
(issue 15.7), counted from the audit log."""

from __future__ import annotations

import streamlit as st

from studio.components.queue_facts import duplicates, presentations, progress_report
from studio.components.session import page_context

ctx = page_context()
store = ctx.store
st.title("Progress")
report = progress_report(store)
mine = next((c for c in report.curators if c.user == ctx.user.username), None)
m = st.columns(4)
m[0].metric("Proposed assertions left", f"{report.proposed:,}")
m[1].metric("You decided today", mine.today if mine else 0)
m[2].metric("You decided in total", mine.total if mine else 0)
m[3].metric("Left for you", f"{mine.remaining if mine else report.proposed:,}")

curators = [
    {
        "curator": c.user,
        f"decided today ({report.day}, UTC)": c.today,
        "decided in total": c.total,
        "accepted": c.accepted,
        "rejected": c.rejected,
        "remaining for them": c.remaining,
    }
    for c in report.curators
]
books = [
    {
        "book": s.title,
        "decided today": s.today,
        "decided": s.decided,
        "remaining": s.remaining,
        "done": f"{s.decided / (s.decided + s.remaining):.0%}" if s.decided + s.remaining else "—",
    }
    for s in report.sources
]
# (heading, rows, table key, what an empty table means)
for heading, rows, key, empty in [
    ("Per curator", curators, "progress_curators", "No curator has decided anything yet."),
    (
        "Per book",
        books,
        "progress_sources",
        "No book has been ingested yet: the Ingest page turns a textbook PDF into proposals.",
    ),
]:
    st.subheader(heading)
    if rows:
        st.dataframe(rows, hide_index=True, key=key)
    else:
        st.caption(empty)

st.subheader("Other queues")
q = st.columns(3)
q[0].metric("Proposed diagnoses", f"{len(store.list_diagnoses(status='proposed')):,}")
q[1].metric("Probable duplicates", f"{len(duplicates(store)):,}")
q[2].metric(
    "Presentation members to review",
    sum(m.assertion.status == "proposed" for p in presentations(store) for m in p.members),
)
