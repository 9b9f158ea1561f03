"""The review queue's filters, page and open item in the address (``?order=score&item=a-1&page=2``),
so a reload, a bookmark or a link sent to a colleague opens the same item. The address is read
once per session (a deep link also survives the login screen: the query string stays in the URL)."""

from __future__ import annotations

import streamlit as st

from studio import state

CHOICES: dict[str, tuple[str, tuple[str | None, ...]]] = {
    "order": (state.Q_ORDER, ("score", "impact", "source", "oldest")),
    "kind": (state.Q_KIND, ("ddx", "is_a", "finding")),
    "origin": (state.Q_ORIGIN, ("llm", "rules", "stats", "import", "human")),
    "status": (state.Q_STATUS, ("proposed", "accepted", "rejected", "superseded")),
    "mode": (state.Q_MODE, ("proposed", "disagreements")),
}


def restore_from_url() -> None:
    """Seed the queue's widgets from the address, once; values outside the known choices are ignored."""
    if st.session_state.get(state.Q_URL_READ):
        return
    st.session_state[state.Q_URL_READ] = True
    params = st.query_params
    for name, (key, allowed) in CHOICES.items():
        value = params.get(name)
        if value in allowed:
            st.session_state[key] = value
    page = params.get("page", "")
    if page.isdigit() and 0 < int(page) < 1_000_000:
        st.session_state[state.QUEUE_PAGE] = int(page) - 1
    item = params.get("item", "")
    if item and len(item) <= 200:
        st.session_state[state.Q_URL_ITEM] = item


def keep_in_url(page: int, item: str | None) -> None:
    """Write the current filters, page and item into the address (no rerun)."""
    wanted = {
        name: str(value)
        for name, (key, _) in CHOICES.items()
        if (value := st.session_state.get(key)) is not None
    }
    wanted["page"] = str(page + 1)
    if item:
        wanted["item"] = item
    if dict(st.query_params) != wanted:
        st.query_params.from_dict(wanted)
