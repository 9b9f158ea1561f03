"""Ingest: upload textbook PDFs and run the extraction, which proposes assertions for the queue."""

from __future__ import annotations

import streamlit as st

from kg.errors import DermkgError
from studio import state
from studio.actions import run_ingest, save_uploads
from studio.auth import can
from studio.components.feedback import explain
from studio.components.session import page_context

ctx = page_context()
st.title("Ingest")
st.markdown(
    "Upload textbook PDFs. Extraction proposes diagnoses, is-a and DDx assertions with the quote, page and "
    "box they come from; nothing is accepted until a curator reviews it in the queue."
)
if not can(ctx.user, "ingest"):
    st.info(f"You are logged in as a {ctx.user.role}: ingesting needs the admin role.")
    st.stop()

files = st.file_uploader("Textbook PDFs", type=["pdf"], accept_multiple_files=True, key=state.I_UPLOAD)
if st.button("Run ingestion", key=state.I_RUN, type="primary", disabled=not files):
    try:
        paths = save_uploads(
            ctx.actions, [(f.name, f.getvalue()) for f in files], ctx.config.data_dir / "uploads"
        )
    except (DermkgError, PermissionError) as exc:
        st.error(explain(exc) + " Nothing was ingested.")
        st.stop()
    bar = st.progress(0.0, text="starting…")

    def tick(message: str, done: int, total: int | None) -> None:
        fraction = min(done / total, 1.0) if total else 0.0
        bar.progress(fraction, text=f"{message} ({done}/{total})" if total else message)

    try:
        summary = run_ingest(ctx.actions, paths, ctx.config.data_dir, progress=tick)
    except (DermkgError, PermissionError) as exc:
        bar.empty()
        st.error(explain(exc))
    except ImportError:
        bar.empty()
        st.info("Ingestion is not available yet (ingest.pipeline is not installed). Nothing was changed.")
    else:
        bar.progress(1.0, text="done")
        for doc in summary.documents:
            name = doc.path.rsplit("/", 1)[-1]
            if doc.status == "error":
                st.error(f"{name}: {doc.error}")
            elif doc.status == "unchanged":
                st.info(f"{name} was ingested before (same content); nothing changed.")
            else:
                proposed = ", ".join(f"{n} {kind}" for kind, n in sorted(doc.assertions_proposed.items()))
                st.success(
                    f"{name}: {doc.status}, {doc.pages} pages; proposed {proposed or 'no'} assertions, "
                    f"{doc.diagnoses_proposed} new diagnoses, {doc.cases} cases."
                )
        st.json(summary.model_dump(mode="json"), expanded=False)
