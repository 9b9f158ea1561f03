"""Ingest page: PDFs only (checked by content), ingestion as a background job with progress,
proposals in the store; the page returns at once and any admin session sees the running job."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from streamlit.testing.v1 import AppTest

from kg.models import AssertionQuery
from kg.store import embedded_path
from studio import state
from studio.jobs import JOBS, IngestJob
from tests.studio.conftest import PDF, open_app, table_with

WAIT_S = 240


def finish_job(at: AppTest, store_url: str) -> IngestJob:
    """Let the page's background job end, then run the page again (what its refreshing panel does)."""
    job = JOBS.recent(store_url, limit=1)[0]
    done = JOBS.wait(job.id, WAIT_S)
    assert done.state != "running", "the ingestion did not finish"
    at.run()
    assert not at.exception, at.exception
    return done


@contextmanager
def writer_busy(store_url: str) -> Iterator[None]:
    """Another writer holds the store's write lock: the job reads its book, then waits to write."""
    path = embedded_path(store_url)
    assert path is not None
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def counts(store) -> tuple[int, int, int]:
    return (
        store.count_diagnoses(),
        store.query_assertions(AssertionQuery(limit=0)).total,
        len(store.list_sources()),
    )


@pytest.fixture
def handbook_excerpt(shared_data) -> bytes:
    """Pages 61-64 of the real BAD handbook (pigmented lesions), as a small PDF."""
    import pymupdf

    with pymupdf.open(shared_data / PDF) as src, pymupdf.open() as out:
        out.insert_pdf(src, from_page=60, to_page=63)
        return out.tobytes()


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_changes(studio_env, read_store):
    before = counts(read_store)
    at = open_app("ada", "pages/ingestion.py")
    at.file_uploader(key=state.I_UPLOAD).upload(
        "chapter.pdf", b"just some notes, renamed", "application/pdf"
    ).run()
    at.button(key=state.I_RUN).click().run()
    assert any("chapter.pdf is not a PDF" in e.value and "Nothing was ingested" in e.value for e in at.error)
    assert counts(read_store) == before
    assert not (studio_env["tmp"] / "data" / "uploads").exists()


def test_ingesting_real_textbook_pages_proposes_assertions_as_the_admin(
    studio_env, read_store, handbook_excerpt
):
    before = read_store.query_assertions(AssertionQuery(status="proposed", limit=0)).total
    at = open_app("ada", "pages/ingestion.py")
    at.file_uploader(key=state.I_UPLOAD).upload("bad-p61-64.pdf", handbook_excerpt, "application/pdf").run()
    at.button(key=state.I_RUN).click().run(timeout=WAIT_S)
    job = finish_job(at, studio_env["url"])
    assert job.started_by == "ada" and job.files == ["bad-p61-64.pdf"]
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("bad-p61-64.pdf: ingested, 4 pages" in s.value for s in at.success)
    (row,) = table_with(at, "state")
    assert row["state"] == "done" and row["by"] == "ada" and row["files"] == "bad-p61-64.pdf"
    assert row["result"].startswith("4 pages, ")
    assert read_store.query_assertions(AssertionQuery(status="proposed", limit=0)).total > before
    source = next(s for s in read_store.list_sources() if s.title != "BAD handbook (3rd ed.)")
    assert source.path and source.path.endswith("bad-p61-64.pdf")
    assert {e.user for e in read_store.list_events().items if e.action == "create"} >= {"ada"}
    # the same file again changes nothing
    at.button(key=state.I_RUN).click().run(timeout=WAIT_S)
    finish_job(at, studio_env["url"])
    assert any("ingested before" in i.value for i in at.info)
    assert [row["state"] for row in table_with(at, "state")] == ["done", "done"]


def test_the_page_returns_while_the_job_runs_and_other_admin_sessions_see_it(
    studio_env, read_store, handbook_excerpt
):
    url = str(studio_env["url"])
    at = open_app("ada", "pages/ingestion.py")
    other = open_app("ada", "pages/ingestion.py")  # the same admin in a second browser tab
    for session in (at, other):
        session.file_uploader(key=state.I_UPLOAD).upload(
            "bad-p61-64.pdf", handbook_excerpt, "application/pdf"
        )
        session.run()
    with writer_busy(url):
        at.button(key=state.I_RUN).click().run()
        assert not at.exception and not at.error, [e.value for e in at.error]
        running = JOBS.running(url)
        assert running is not None  # the run returned; the job is still going
        assert at.get("progress") and any("Started by ada" in c.value for c in at.caption)
        other.run()
        assert other.get("progress") and other.button(key=state.I_RUN).disabled  # one ingestion at a time
        assert any("is running" in c.value for c in other.caption)
        assert table_with(other, "state")[0]["state"] == "running"
    job = finish_job(at, url)
    assert job.id == running.id and job.state == "done"
    assert any("bad-p61-64.pdf: ingested, 4 pages" in s.value for s in at.success)
    assert not at.get("progress")
    other.run()
    assert any("bad-p61-64.pdf: ingested" in s.value for s in other.success)


def test_only_admins_ingest(studio_env):
    at = open_app("cleo", "pages/ingestion.py")
    assert not at.file_uploader and any("admin role" in i.value for i in at.info)
