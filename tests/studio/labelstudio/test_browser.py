"""An annotator in a real browser (Debian's chromium) sees the page image and rejects a DDx edge in
Label Studio's own labeling UI; the pull applies what the UI submitted."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from kg.models import EventQuery
from kg.store import GraphStore
from studio.labelstudio.sync import LabelStudioSync
from tests.fixtures.labelstudio_server import LabelStudioService

pytestmark = [pytest.mark.labelstudio, pytest.mark.e2e]
CURATOR_PASSWORD = "dermkg-curator-pw"  # the preset annotator of services/labelstudio/launcher.py


@pytest.fixture
def browser_page() -> Iterator[Page]:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1300})
        finally:
            browser.close()


def test_annotator_sees_the_page_and_rejects_in_the_labeling_ui(
    syncer: LabelStudioSync,
    graph: tuple[GraphStore, dict[str, str]],
    clean_labelstudio: LabelStudioService,
    browser_page: Page,
    artifacts_dir: Path,
) -> None:
    if "DERMKG_TEST_LABELSTUDIO_URL" in os.environ:
        pytest.fail(
            "this test logs in with the preset annotator password; run it on the fixture's own server"
        )
    store, ids = graph
    report = syncer.push("ddx")
    task = next(t for t in syncer.client.export_tasks(report.project_id) if t.dermkg_id == ids["thrombosis"])
    page = browser_page
    email, _ = clean_labelstudio.annotator("curator")

    page.goto(f"{clean_labelstudio.url}/user/login/")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", CURATOR_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/user/login" not in url)
    page.goto(f"{clean_labelstudio.url}/projects/{report.project_id}/data?task={task.id}")

    upload = page.locator(f"img[src$='{task.data['page_image']}']").first
    upload.wait_for(timeout=60_000)
    page.wait_for_function(
        "src => [...document.images].some(i => i.src.endsWith(src) && i.naturalWidth > 800)",
        arg=task.data["page_image"],
        timeout=60_000,
    )
    page.locator("input[type=radio][name=reject]").check()
    page.get_by_placeholder("Reason (required to reject)").fill("a DVT is not red and warm")
    page.get_by_role("button", name="Add").first.click()
    page.screenshot(path=str(artifacts_dir / "labelstudio-ddx-task.png"), full_page=True)
    with page.expect_response(lambda r: r.request.method == "POST" and "/annotations" in r.url) as sent:
        page.get_by_role("button", name="Submit").click()
    assert sent.value.status == 201

    pulled = syncer.pull("ddx")

    assert [(o.status, o.user) for o in pulled.outcomes] == [("applied", "alice")], pulled.outcomes
    assertion = store.get_assertion(ids["thrombosis"])
    assert assertion is not None and assertion.status == "rejected"
    [event] = store.list_events(EventQuery(target=ids["thrombosis"], action="reject")).items
    assert event.user == "alice" and (event.reason or "").startswith("a DVT is not red and warm")
