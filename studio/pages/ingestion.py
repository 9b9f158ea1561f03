"""Ingest: upload textbook PDFs; the extraction runs in the background and proposes assertions.

The run is a background job (:mod:`studio.jobs`) with its own store connection, so this page returns
at once and other curators keep working; the job panel refreshes itself until the job ends.
"""

from __future__ import annotations

import streamlit as st

from dermkg.errors import ConflictError, DermkgError
from ingest.types import IngestSummary
from studio import state
from studio.actions import save_uploads
from studio.auth import can
from studio.components.feedback import explain
from studio.components.safe import md
from studio.components.session import page_context
from studio.jobs import JOBS, IngestJob

POLL_SECONDS = 1.0

ctx = page_context()
st.title("Ingest")
st.markdown(
    "Upload textbook PDFs. Extraction proposes diagnoses, is-a and DDx assertions with the quote, page and "
    "box they come from; nothing is accepted until a curator reviews it in the queue. Ingestion runs in "
    "the background: you and other curators can keep working while it runs."
)
if not can(ctx.user, "ingest"):
    st.info(f"You are logged in as a {ctx.user.role}: ingesting needs the admin role.")
    st.stop()

store_url = ctx.config.store_url
running = JOBS.running(store_url)
files = st.file_uploader("Textbook PDFs", type=["pdf"], accept_multiple_files=True, key=state.I_UPLOAD)
if running is not None:
    st.caption(
        md(f"An ingestion started by {running.started_by} is running; start another once it has ended.")
    )
if st.button("Run ingestion", key=state.I_RUN, type="primary", disabled=not files or running is not None):
    try:
        paths = save_uploads(
            ctx.actions, [(f.name, f.getvalue()) for f in files], ctx.config.data_dir / "uploads"
        )
    except (DermkgError, PermissionError) as exc:
        st.error(md(explain(exc) + " Nothing was ingested."))
        st.stop()
    try:
        names = [f.name for f in files]
        running = JOBS.start(ctx.actions, store_url, paths, ctx.config.data_dir, names=names)
    except ConflictError as exc:  # another session started one in between
        st.error(md(f"Not started: {exc}."))
    except (DermkgError, PermissionError) as exc:
        st.error(md(explain(exc)))


def show_summary(summary: IngestSummary) -> None:
    for doc in summary.documents:
        name = doc.path.rsplit("/", 1)[-1]
        if doc.status == "error":
            st.error(md(f"{name}: {doc.error}"))
        elif doc.status == "unchanged":
            st.info(md(f"{name} was ingested before (same content); nothing changed."))
        else:
            proposed = ", ".join(f"{n} {kind}" for kind, n in sorted(doc.assertions_proposed.items()))
            st.success(
                md(
                    f"{name}: {doc.status}, {doc.pages} pages; proposed {proposed or 'no'} assertions, "
                    f"{doc.diagnoses_proposed} new diagnoses, {doc.cases} cases."
                )
            )
    st.json(summary.model_dump(mode="json"), expanded=False)


def job_panel(watching: str | None) -> None:
    """The latest job on this store; a job that ends while watched reloads the page (button, list)."""
    recent = JOBS.recent(store_url, limit=1)
    if not recent:
        return
    job = recent[0]
    if watching is not None and (job.id != watching or job.state != "running"):
        st.rerun()
    st.subheader(md(f"Ingestion of {', '.join(job.files)}"))
    st.caption(md(f"Started by {job.started_by} at {job.started_at:%Y-%m-%d %H:%M:%S} UTC"))
    if job.state == "running":
        st.progress(job.progress.fraction, text=job.progress.describe())
    elif job.state == "failed":
        st.error(md(job.error or "the ingestion failed"))
    elif job.summary is not None:
        show_summary(job.summary)


def job_rows(jobs: list[IngestJob]) -> list[dict[str, object]]:
    return [
        {
            "started": f"{j.started_at:%Y-%m-%d %H:%M:%S}",
            "by": j.started_by,
            "files": ", ".join(j.files),
            "state": j.state,
            "result": j.outcome,
        }
        for j in jobs
    ]


watched = running.id if running is not None and running.state == "running" else None
st.fragment(job_panel, run_every=POLL_SECONDS if watched else None)(watched)
if jobs := JOBS.recent(store_url):
    st.subheader("Recent ingestions")
    st.dataframe(job_rows(jobs), hide_index=True)
