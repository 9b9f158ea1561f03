"""The curation queues and the admin's account tools in real chromium against `dermkg studio`:
merge a duplicate pair after confirming, accept presentation pairs as differentials in bulk, see
the day's progress, disable an account and reset a password. Every decision is then read back
from the audit log."""

from __future__ import annotations

import pytest

from kg.models import EventQuery
from kg.store import make_store
from studio.auth import authenticate, load_users
from tests.studio.e2e.conftest import StudioServer, graph_server, log_in, open_page, wait_idle
from tests.studio.queues_graph import build_queues_graph

pytestmark = pytest.mark.e2e


queues_server = graph_server("queues-e2e", build_queues_graph)


def events(server: StudioServer, action: str) -> list:
    with make_store(server.store_url) as store:
        return store.list_events(EventQuery(action=action, limit=None)).items


def test_a_duplicate_pair_is_merged_only_after_confirming(queues_server, page, artifacts_dir):
    from playwright.sync_api import expect

    log_in(page, queues_server.url, "cleo")
    open_page(page, "Duplicates", "Duplicate diagnoses")
    expect(page.get_by_text("New synonyms of Herpes simplex: Herpes simplex infection.")).to_be_visible(
        timeout=30_000
    )
    merge = page.get_by_role("button", name="Merge")
    expect(merge).to_be_disabled()
    page.screenshot(path=artifacts_dir / "studio-duplicates.png", full_page=True)
    page.get_by_text("Yes, fold Herpes simplex infection into Herpes simplex").click()
    wait_idle(page)
    merge.click()
    expect(page.get_by_text("Merged: Herpes simplex now carries Herpes simplex infection")).to_be_visible(
        timeout=30_000
    )
    (event,) = events(queues_server, "merge")
    assert (event.user, event.target) == ("cleo", "herpes-simplex")


def test_presentation_pairs_are_accepted_in_bulk_and_progress_counts_them(queues_server, page, artifacts_dir):
    from playwright.sync_api import expect

    log_in(page, queues_server.url, "cara")
    open_page(page, "Presentations")
    expect(page.get_by_text("p. 60 (PDF page 61)").first).to_be_visible(timeout=30_000)
    box = page.get_by_role("combobox", name="Pairs to accept")
    for pair in (
        "Bullous pemphigoid ↔ Dermatitis herpetiformis",
        "Dermatitis herpetiformis ↔ Pemphigus vulgaris",
    ):
        box.click()
        page.get_by_role("option", name=pair).click()
        wait_idle(page)
    page.keyboard.press("Escape")  # close the open list
    wait_idle(page)
    page.screenshot(path=artifacts_dir / "studio-presentations.png", full_page=True)
    page.get_by_role("button", name="Accept selected pairs").click()
    expect(page.get_by_text("Differentials from Causes of blisters: 2 accepted.")).to_be_visible(
        timeout=30_000
    )
    accepts = [e for e in events(queues_server, "accept") if e.user == "cara"]
    assert len(accepts) == 2
    open_page(page, "Progress")
    expect(page.get_by_test_id("stMetric").filter(has_text="You decided today")).to_contain_text(
        "2", timeout=30_000
    )
    page.screenshot(path=artifacts_dir / "studio-progress.png", full_page=True)


def choose_account(page, username: str) -> None:
    """Pick the account and wait until the page shows it (acting before the rerun would act on
    the previous account)."""
    from playwright.sync_api import expect

    page.get_by_role("combobox", name="Account").click()
    page.get_by_role("option", name=username, exact=True).click()
    wait_idle(page)
    expect(page.get_by_text(f"{username}: ")).to_be_visible(timeout=30_000)


def test_an_admin_disables_an_account_and_resets_a_password(queues_server, page, browser):
    from playwright.sync_api import expect

    log_in(page, queues_server.url, "ada")
    open_page(page, "Users")
    choose_account(page, "vic")
    page.get_by_role("button", name="Disable").click()
    expect(page.get_by_text("Disabled vic")).to_be_visible(timeout=30_000)
    choose_account(page, "cleo")
    page.get_by_role("textbox", name="New password").fill("cleo-new-strong-pw")
    page.get_by_role("button", name="Reset password").click()
    expect(page.get_by_text("New password set for cleo.")).to_be_visible(timeout=30_000)
    users = load_users(queues_server.users_file)
    assert users.get("vic").disabled
    assert authenticate(users, "cleo", "cleo-new-strong-pw").username == "cleo"

    other = browser.new_context().new_page()
    other.goto(queues_server.url)
    other.get_by_role("textbox", name="Username").fill("vic")
    other.get_by_role("textbox", name="Password").fill("vic-viewer-pw")
    other.get_by_role("button", name="Log in").click()
    expect(other.get_by_role("heading", name="Overview")).to_have_count(0)
    other.context.close()
