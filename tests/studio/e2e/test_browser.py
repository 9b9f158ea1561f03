"""The studio in a real browser against a real `dermkg studio` server: what a dermatologist does."""

from __future__ import annotations

import pytest

from kg.store import make_store
from tests.studio.e2e.conftest import log_in, open_page, wait_idle

pytestmark = pytest.mark.e2e

PAGES = [
    ("Overview", "Overview"),
    ("Review queue", "Review queue"),
    ("Diagnosis", "Diagnosis"),
    ("Graph", "Graph"),
    ("Cases", "Cases"),
    ("History", "History"),
    ("Ingest", "Ingest"),
    ("Exports", "Exports"),
    ("Label Studio", "Label Studio"),
    ("Users", "Users"),
]


def assertion(server, key: str):
    with make_store(server.store_url) as store:
        return store.get_assertion(server.ids[key])


def newest_seq(server) -> int:
    with make_store(server.store_url) as store:
        return store.list_events().items[0].seq


def open_first_item_as_cleo(page, url: str) -> None:
    """Log in as the curator and open the queue on its first item (the highest-scored DDx)."""
    from playwright.sync_api import expect

    log_in(page, url, "cleo")
    open_page(page, "Review queue")
    expect(
        page.get_by_role("heading", name="Melanoma — is in the differential of — Melanocytic naevus")
    ).to_be_visible()


def test_a_viewer_cannot_accept(studio_server, page, artifacts_dir):
    from playwright.sync_api import expect

    log_in(page, studio_server.url, "vic")
    open_page(page, "Review queue")
    expect(page.get_by_text("you can read the queue but not change it")).to_be_visible()
    expect(page.get_by_role("button", name="Accept")).to_have_count(0)
    page.screenshot(path=artifacts_dir / "studio-e2e-viewer-queue.png", full_page=True)
    assert assertion(studio_server, "melanoma-naevus").status == "proposed"


def test_reject_without_a_reason_is_refused(studio_server, page, artifacts_dir):
    from playwright.sync_api import expect

    open_first_item_as_cleo(page, studio_server.url)
    page.get_by_role("button", name="Reject").click()
    refusal = page.get_by_text("Type the reason and press Enter to reject.")
    expect(refusal).to_be_visible()
    wait_idle(page)
    expect(refusal).to_be_in_viewport()  # said next to the button, not at the top of a long page
    expect(page.get_by_role("textbox", name="Reason")).to_be_focused()  # the cursor waits there
    page.screenshot(path=artifacts_dir / "studio-e2e-reject-refused.png", full_page=True)
    a = assertion(studio_server, "melanoma-naevus")
    assert a.status == "proposed" and not a.votes


def test_log_in_accept_an_item_see_it_in_history_and_in_the_store(studio_server, page, artifacts_dir):
    from playwright.sync_api import expect

    open_first_item_as_cleo(page, studio_server.url)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_text("Accepted Melanoma / Melanocytic naevus.")).to_be_visible()
    wait_idle(page)
    page.screenshot(path=artifacts_dir / "studio-e2e-accepted.png", full_page=True)
    a = assertion(studio_server, "melanoma-naevus")
    assert a.status == "accepted" and a.reviewed_by == "cleo"
    open_page(page, "History")
    page.screenshot(path=artifacts_dir / "studio-e2e-history.png", full_page=True)
    event = page.get_by_role("combobox", name="Event")
    expect(event).to_have_value(f"#{newest_seq(studio_server)} accept Melanoma ↔ Melanocytic naevus by cleo")


def test_screenshots_of_every_page(studio_server, page, artifacts_dir):
    from playwright.sync_api import expect

    log_in(page, studio_server.url, "ada")
    for link, heading in PAGES:
        open_page(page, link, heading)
        name = link.lower().replace(" ", "-")
        page.screenshot(path=artifacts_dir / f"studio-page-{name}.png", full_page=True)
        expect(page.get_by_test_id("stException")).to_have_count(0)  # the page rendered, no traceback
        expect(page.get_by_test_id("stMainBlockContainer")).not_to_be_empty()
