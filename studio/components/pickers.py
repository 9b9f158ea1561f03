"""Pickers shared by pages: the diagnosis chooser remembers the last diagnosis across pages."""

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
