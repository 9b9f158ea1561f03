"""Ingest page: PDFs only (checked by content), ingestion with progress, proposals in the store."""

from __future__ import annotations

import pytest

from kg.models import AssertionQuery
from studio import state
from tests.studio.conftest import PDF, open_app


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
    at = open_app("ada", "pages/ingest.py")
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
    at = open_app("ada", "pages/ingest.py")
    at.file_uploader(key=state.I_UPLOAD).upload("bad-p61-64.pdf", handbook_excerpt, "application/pdf").run()
    at.button(key=state.I_RUN).click().run(timeout=240)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("bad-p61-64.pdf: ingested, 4 pages" in s.value for s in at.success)
    assert read_store.query_assertions(AssertionQuery(status="proposed", limit=0)).total > before
    source = next(s for s in read_store.list_sources() if s.title != "BAD handbook (3rd ed.)")
    assert source.path and source.path.endswith("bad-p61-64.pdf")
    assert {e.user for e in read_store.list_events().items if e.action == "create"} >= {"ada"}
    # the same file again changes nothing
    at.button(key=state.I_RUN).click().run(timeout=240)
    assert any("ingested before" in i.value for i in at.info)


def test_only_admins_ingest(studio_env):
    at = open_app("cleo", "pages/ingest.py")
    assert not at.file_uploader and any("admin role" in i.value for i in at.info)
