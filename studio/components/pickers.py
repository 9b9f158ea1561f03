"""Pickers shared by pages: the diagnosis chooser remembers the last diagnosis across pages; the
item chooser of a queue page falls back to the first item once the remembered one is decided."""

from __future__ import annotations

import streamlit as st

from studio import state


def pick_diagnosis(names: dict[str, str], *, key: str, label: str = "Diagnosis") -> str | None:
    """A searchable diagnosis chooser; the choice is shared by the Diagnosis and Graph pages."""
    options = sorted(names, key=lambda i: names[i].lower())
    if not options:
        return None
    wanted = st.session_state.get(state.DIAGNOSIS)
    if st.session_state.get(key) not in names:
        st.session_state[key] = wanted if wanted in names else options[0]
    chosen = st.selectbox(label, options, key=key, format_func=lambda i: names[i])
    st.session_state[state.DIAGNOSIS] = chosen
    return chosen


def pick_item(label: str, options: dict[str, str], *, key: str) -> str:
    """Choose one open item of a queue (id -> shown label): a remembered item that was decided (and so
    left the queue) gives way to the first one. ``options`` must not be empty."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = next(iter(options))
    return st.selectbox(label, list(options), key=key, format_func=lambda i: options[i])
