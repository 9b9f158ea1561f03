"""Cases: the (image, caption, diagnosis) gallery; accept, exclude or relabel each case."""

from __future__ import annotations

from functools import partial

import streamlit as st

from studio import state
from studio.auth import can
from studio.components import facts
from studio.components.feedback import action_button
from studio.components.images import show_case_image
from studio.components.safe import md
from studio.components.session import page_context

PER_PAGE = 12
DECISIONS = [("Accept", state.C_ACCEPT, "accepted"), ("Exclude", state.C_EXCLUDE, "excluded")]
ctx = page_context()
store = ctx.store
names = facts.diagnosis_names(store)
st.title("Cases")

f1, f2, f3 = st.columns([3, 2, 1])
diagnosis = f1.selectbox(
    "Diagnosis",
    [None, *sorted(names, key=lambda i: names[i].lower())],
    key=state.C_DIAGNOSIS,
    format_func=lambda i: names.get(i, i) if i else "any",
)
status = f2.selectbox(
    "Status", ["proposed", "accepted", "excluded", None], key=state.C_STATUS, format_func=lambda s: s or "any"
)
total = (
    len(store.list_cases(diagnosis=diagnosis, status=status))
    if diagnosis
    else store.count_cases(status=status)
)
pages = max(1, -(-total // PER_PAGE))
page = f3.number_input(f"Page (of {pages})", 1, pages, 1, key=state.C_PAGE) - 1
cases = store.list_cases(diagnosis=diagnosis, status=status, offset=page * PER_PAGE, limit=PER_PAGE)
st.caption(f"{total:,} cases")
if not cases:
    st.info("No cases with these filters.")
    st.stop()


editable = can(ctx.user, "case")
titles = {src.sha256: src.title for src in store.list_sources()}  # a book's title, never its hash
options = sorted(names, key=lambda i: names[i].lower())
cols = st.columns(4)
for i, case in enumerate(cases):
    with cols[i % 4], st.container(border=True):
        show_case_image(case.image_path, ctx.config.data_dir)
        st.markdown(f"**{md(names.get(case.diagnosis, case.diagnosis))}** · {md(case.status)}")
        if case.caption:
            st.caption(md(case.caption[:300]))
        st.caption(md(titles.get(case.source or "", case.source or case.origin)))
        if not editable:
            continue
        for column, (label, key, decided) in zip(st.columns(2), DECISIONS, strict=True):
            with column:
                action_button(
                    label,
                    key=key + case.id,
                    disabled=case.status == decided,
                    action=partial(ctx.actions.decide_case, case.id, decided, expected_version=case.version),
                    success=f"Case {decided}.",
                )
        new = st.selectbox(
            "Relabel as",
            options,
            index=options.index(case.diagnosis) if case.diagnosis in options else None,
            key=state.C_RELABEL_TO + case.id,
            format_func=lambda d: names.get(d, d),
        )
        action_button(
            "Relabel",
            key=state.C_RELABEL + case.id,
            disabled=new in (None, case.diagnosis),
            action=lambda c=case: ctx.actions.relabel_case(
                c.id, st.session_state[state.C_RELABEL_TO + c.id], expected_version=c.version
            ),
            success=lambda c: f"Relabelled as {names.get(c.diagnosis, c.diagnosis)}.",
        )
if not editable:
    st.info(f"You are logged in as a {ctx.user.role}: deciding cases needs the curator role.")
