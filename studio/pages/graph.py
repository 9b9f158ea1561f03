"""Graph view: the neighbourhood of a diagnosis, taxonomy and DDx, coloured by review status."""

from __future__ import annotations

import streamlit as st

from studio import state
from studio.components import facts
from studio.components.graph import STATUS_STYLE, neighbourhood, to_dot
from studio.components.pickers import pick_diagnosis
from studio.components.session import page_context

ctx = page_context()
store = ctx.store
names = facts.diagnosis_names(store)
st.title("Graph")

c1, c2, c3 = st.columns([3, 1, 1], vertical_alignment="bottom")
with c1:
    center = pick_diagnosis(names, key=state.G_PICK)
depth = c2.selectbox("Depth", [1, 2], key=state.G_DEPTH)
show_proposed = c3.toggle("Show proposed", value=True, key=state.G_PROPOSED)
if center is None:
    st.info("The graph has no diagnoses yet.")
    st.stop()

statuses = ("accepted", "proposed") if show_proposed else ("accepted",)
nb = neighbourhood(store, center, depth=depth, statuses=statuses)
malignancy: dict[str, str | None] = {}
for n in nb.nodes:  # resolved (own value or nearest ancestor's), like everywhere else
    resolved = facts.malignancy(store, n)
    d = store.get_diagnosis(n) if resolved is None else None
    malignancy[n] = resolved.value if resolved is not None else (d.malignancy if d else None)
dot = to_dot(nb, names, malignancy)
# natural size keeps labels legible; only large neighbourhoods are fitted to the page width
st.graphviz_chart(dot, width="stretch" if len(nb.nodes) > 30 else "content")
legend = " · ".join(
    f"<span style='color:{colour}'>{'━' if style == 'solid' else '╌'} {status}</span>"
    for status, (colour, style) in STATUS_STYLE.items()
    if status in statuses
)
st.markdown(
    f"{legend} · arrows: *is a* (child → parent) · plain lines: DDx · fill: malignancy "
    "(red malignant, amber premalignant, green benign)",
    unsafe_allow_html=True,
)
if nb.truncated:
    st.caption("Large neighbourhood: only the first 60 diagnoses are drawn; pick a narrower centre.")
st.caption(f"{len(nb.nodes)} diagnoses, {len(nb.edges)} assertions.")
st.download_button("Download DOT", dot, file_name=f"{center}.dot", mime="text/vnd.graphviz", key="graph_dot")
