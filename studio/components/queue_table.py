"""The queue page's table: one row per item; a click opens it, several selected rows are marked for
a bulk decision (issue 15.2)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import partial
from typing import Any

import streamlit as st

from studio import state
from studio.queue import QueuePage


def _selected(table_key: str, ids: Sequence[str]) -> None:
    """One selected row opens it; two or more are the marked items."""
    event = st.session_state.get(table_key)
    rows = [r for r in (event.selection.rows if event is not None else []) if 0 <= r < len(ids)]
    if len(rows) == 1:
        st.session_state[state.Q_ITEM] = ids[rows[0]]
        st.session_state[state.Q_POS] = rows[0]
        st.session_state[state.Q_MARKED] = []
    else:
        st.session_state[state.Q_MARKED] = [ids[r] for r in rows]


def show_queue_table(
    ctx: Any, page: QueuePage, names: Mapping[str, str], finding_names: Mapping[str, str], ids: Sequence[str]
) -> None:
    marked = set(st.session_state.get(state.Q_MARKED, []))
    open_id = st.session_state.get(state.Q_ITEM)
    table_key = f"{state.Q_TABLE}:{page.page}:{st.session_state.get(state.Q_TABLE_GEN, 0)}"
    st.caption("Click a row to open it; select several rows (or press M on items) to decide them together.")
    st.dataframe(
        [
            {
                " ": "▶" if a.id == open_id else ("✓" if a.id in marked else ""),
                "subject": names.get(a.subject, a.subject),
                "kind": {"ddx": "DDx ↔", "is_a": "is a →"}.get(a.kind, f"{a.relation} finding →"),
                "object": (finding_names if a.kind == "finding" else names).get(a.object, a.object),
                "impact": page.impact.get(a.id, 0),
                "confidence": a.score,
                "origin": a.origin,
                "status": a.status,
                "votes": len(a.votes)
                if ctx.config.consensus_k > 1  # blind review: who voted what shows on the item, after voting
                else ", ".join(f"{v.user}:{v.decision}" for v in a.votes),
                "evidence": len(a.evidence),
            }
            for a in page.items
        ],
        hide_index=True,
        width="stretch",
        height=min(38 + 35 * len(page.items), 400),
        key=table_key,
        on_select=partial(_selected, table_key, list(ids)),
        selection_mode="multi-row",
    )
