"""dermkg studio: login, then navigation between the curation pages (run by ``dermkg studio``).

This script owns navigation and the session context; pages in ``studio/pages/`` only render.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from studio import state
from studio.auth import can
from studio.components.errors import show_failure
from studio.components.login import logout
from studio.components.safe import md
from studio.components.session import page_context

st.set_page_config(page_title="dermkg studio", page_icon=":material/dermatology:", layout="wide")

ctx = page_context(messages=False)  # login screen and stop when nobody is logged in; pages show messages
user = ctx.user

PAGES = Path(__file__).resolve().parent / "pages"  # absolute: the server's entry script lives elsewhere
pages = {
    "Curate": [
        st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", default=True),
        st.Page(PAGES / "queue.py", title="Review queue", icon=":material/fact_check:"),
        st.Page(PAGES / "diagnosis.py", title="Diagnosis", icon=":material/medical_information:"),
        st.Page(PAGES / "graph.py", title="Graph", icon=":material/hub:"),
        st.Page(PAGES / "cases.py", title="Cases", icon=":material/photo_library:"),
        st.Page(PAGES / "proposed.py", title="Proposed diagnoses", icon=":material/new_label:"),
        st.Page(PAGES / "duplicates.py", title="Duplicates", icon=":material/join:"),
        st.Page(PAGES / "presentations.py", title="Presentations", icon=":material/list_alt:"),
        st.Page(PAGES / "progress.py", title="Progress", icon=":material/trending_up:"),
    ],
    "Audit": [st.Page(PAGES / "history.py", title="History", icon=":material/history:")],
    "Data": [
        # ingestion.py, not ingest.py: run as a script, a page named ingest would shadow the package
        st.Page(PAGES / "ingestion.py", title="Ingest", icon=":material/upload_file:", url_path="ingest"),
        st.Page(PAGES / "exports.py", title="Exports", icon=":material/output:"),
        st.Page(PAGES / "labelstudio.py", title="Label Studio", icon=":material/sync:"),
    ],
}
if can(user, "users"):
    pages["Admin"] = [st.Page(PAGES / "users.py", title="Users", icon=":material/group:")]
page = st.navigation(pages, expanded=True)  # 15 pages: none hidden behind "View more"

with st.sidebar:
    st.markdown(f"**{md(user.display_name)}** · {md(user.role)}")
    try:
        st.caption(f"Store revision {ctx.store.revision()} · consensus k = {ctx.config.consensus_k}")
    except Exception as exc:  # the store went away after login
        st.error(md(f"The graph store cannot be reached: {exc}"))
    st.button("Log out", key=state.LOGOUT, icon=":material/logout:", on_click=logout)

try:
    page.run()
except Exception as exc:  # st.stop / st.rerun are BaseExceptions and pass through
    show_failure(page.title, exc)
