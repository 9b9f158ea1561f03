"""Diagnosis page: where a diagnosis sits, what it is confused with, its cases; edit its facts."""

from __future__ import annotations

import streamlit as st

from kg.models import AssertionQuery
from studio import state
from studio.auth import can
from studio.components import facts
from studio.components.feedback import action_button
from studio.components.images import show_case_image
from studio.components.pickers import pick_diagnosis
from studio.components.safe import md
from studio.components.session import page_context
from studio.components.wording import RELATION_HEADINGS, origin_words

ctx = page_context()
store = ctx.store
names = facts.diagnosis_names(store)
st.title("Diagnosis")

d_id = pick_diagnosis(names, key=state.D_PICK)
d = store.get_diagnosis(d_id) if d_id else None
if d is None:
    st.info("The graph has no diagnoses yet: seed it with `dermkg init` or import a vocabulary.")
    st.stop()


def linked(ids: list[str]) -> str:
    return md(", ".join(names.get(i, i) for i in ids)) or "_none_"


st.header(md(d.name))
st.caption(md(f"{d.status} · {origin_words(d.origin)} · version {d.version}"))
left, right = st.columns(2)
with left:
    path = facts.taxonomy_path(store, d.id)
    st.markdown("**Taxonomy path:** " + md(" › ".join(names.get(p, p) for p in path)))
    st.markdown("**Children:** " + linked(facts.children(store, d.id)))
    st.markdown("**DDx neighbours (accepted):** " + linked(facts.ddx_neighbours(store, d.id)))
    pending = store.count_assertions(AssertionQuery(kind="ddx", status="proposed", diagnosis=d.id))
    st.caption(f"{pending} proposed DDx assertions await review in the queue.")
    finding_names = facts.finding_names(store)
    for relation, found in facts.accepted_findings(store, d.id).items():  # typical, possible, against
        listed = md(", ".join(sorted(finding_names.get(a.object, a.object) for a in found))) or "_none_"
        st.markdown(f"**{RELATION_HEADINGS.get(relation, relation)} (accepted):** {listed}")
    pending = store.count_assertions(AssertionQuery(kind="finding", status="proposed", diagnosis=d.id))
    st.caption(f"{pending} proposed finding assertions await review in the queue.")
with right:
    resolved = facts.malignancy(store, d.id)
    if resolved is None:
        st.markdown(f"**Malignancy:** {md(d.malignancy or 'unset')} (own value; not in the accepted graph)")
    else:
        st.markdown(f"**Malignancy:** {md(facts.describe_malignancy(store, resolved, names))}")
    st.markdown("**Synonyms:** " + (md(" · ".join(d.synonyms)) or "_none_"))
    if d.codes:
        st.markdown("**Codes:** " + md(", ".join(f"{k}: {v}" for k, v in sorted(d.codes.items()))))
    n_cases = store.case_counts(status=None).get(d.id, 0)
    st.markdown(f"**Cases:** {n_cases}")
    for case in store.list_cases(diagnosis=d.id, limit=4):
        show_case_image(case.image_path, ctx.config.data_dir, caption=case.caption, width=160)

if not can(ctx.user, "edit"):
    st.info(f"You are logged in as a {ctx.user.role}: editing needs the curator role.")
    st.stop()

st.divider()
st.subheader("Edit")
levels = ["unset", "benign", "premalignant", "malignant"]


def save_facts() -> object:
    typed = st.session_state.get(state.per(state.D_MALIGNANCY, d.id))
    typed = None if typed == "unset" else typed
    return ctx.actions.update_diagnosis(
        d.id,
        synonyms=str(st.session_state.get(state.per(state.D_SYNONYMS, d.id), "")).splitlines(),
        malignancy=typed if typed != d.malignancy else "unchanged",
        expected_version=d.version,
    )


with st.form("dx_edit"):
    st.text_area("Synonyms (one per line)", "\n".join(d.synonyms), key=state.per(state.D_SYNONYMS, d.id))
    st.selectbox(
        "Own malignancy (unset = inherited from the nearest ancestor)",
        levels,
        index=levels.index(d.malignancy or "unset"),
        key=state.per(state.D_MALIGNANCY, d.id),
        format_func=lambda v: "unset (inherit)" if v == "unset" else v,
    )
    action_button(
        "Save synonyms and malignancy",
        key=state.D_SAVE,
        form=True,
        action=save_facts,
        success=f"Saved {d.name}.",
        inputs=(state.per(state.D_SYNONYMS, d.id),),
    )

parent_options = sorted((i for i in names if i != d.id), key=lambda i: names[i].lower())
current_parent = path[-2] if path and len(path) > 1 else None
p1, p2 = st.columns([3, 1], vertical_alignment="bottom")
parent = p1.selectbox(
    "Parent",
    parent_options,
    index=parent_options.index(current_parent) if current_parent in parent_options else None,
    key=state.per(state.D_PARENT, d.id),
    format_func=lambda i: names.get(i, i),
    placeholder="choose the parent diagnosis",
)
with p2:
    action_button(
        "Set parent",
        key=state.D_SET_PARENT,
        disabled=parent is None or parent == current_parent,
        action=lambda: ctx.actions.set_parent(d.id, st.session_state[state.per(state.D_PARENT, d.id)]),
        success=lambda a: f"{d.name} now sits under {names.get(a.object, a.object)}.",
    )
