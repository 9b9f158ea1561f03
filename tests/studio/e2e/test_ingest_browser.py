"""Background ingestion in a real browser: the admin starts it, the page follows it by itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.models import AssertionQuery
from kg.store import make_store
from tests.studio.conftest import PDF
from tests.studio.e2e.conftest import log_in, open_page, wait_idle

pytestmark = pytest.mark.e2e


@pytest.fixture
def excerpt(shared_data: Path, tmp_path: Path) -> Path:
    """Pages 61-64 of the real BAD handbook, as the file an admin would pick."""
    import pymupdf

    path = tmp_path / "bad-p61-64.pdf"
    with pymupdf.open(shared_data / PDF) as src, pymupdf.open() as out:
        out.insert_pdf(src, from_page=60, to_page=63)
        out.save(path)
    return path


def test_an_admin_ingests_in_the_background_and_the_page_shows_the_outcome_by_itself(
    studio_server, page, excerpt, artifacts_dir
):
    from playwright.sync_api import expect

    with make_store(studio_server.store_url) as store:
        before = store.query_assertions(AssertionQuery(status="proposed", limit=0)).total
    log_in(page, studio_server.url, "ada")
    open_page(page, "Ingest")
    page.locator('input[type="file"]').set_input_files(excerpt)
    expect(page.get_by_text("bad-p61-64.pdf").first).to_be_visible()
    page.get_by_role("button", name="Run ingestion").click()
    expect(page.get_by_text("Started by ada")).to_be_visible()
    # no reload, no click: the job panel refreshes itself until the summary arrives
    expect(page.get_by_text("bad-p61-64.pdf: ingested, 4 pages")).to_be_visible(timeout=120_000)
    expect(page.get_by_role("heading", name="Recent ingestions")).to_be_visible()
    wait_idle(page)
    page.screenshot(path=artifacts_dir / "studio-e2e-ingest-done.png", full_page=True)
    with make_store(studio_server.store_url) as store:
        assert store.query_assertions(AssertionQuery(status="proposed", limit=0)).total > before
        assert any(s.path and s.path.endswith("bad-p61-64.pdf") for s in store.list_sources())
