"""Deep links in a real browser: a link to a queue item survives the login screen, and the address
keeps the open item, so a reload returns to it (still logged in: the session cookie)."""

from __future__ import annotations

import pytest

from tests.studio.conftest import PASSWORDS
from tests.studio.e2e.conftest import wait_idle

pytestmark = pytest.mark.e2e


def test_a_link_to_an_item_returns_to_it_after_login_and_after_a_reload(studio_server, page, artifacts_dir):
    from playwright.sync_api import expect

    target = studio_server.ids["melanoma-seb-k"]
    heading = "Melanoma — is in the differential of — Seborrhoeic keratosis"
    page.goto(f"{studio_server.url}/queue?item={target}&order=score")
    page.get_by_role("textbox", name="Username").fill("cleo")
    page.get_by_role("textbox", name="Password").fill(PASSWORDS["cleo"])
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    wait_idle(page)
    assert f"item={target}" in page.url
    page.screenshot(path=artifacts_dir / "studio-e2e-deep-link.png")
    page.reload()
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    expect(page.get_by_role("textbox", name="Password")).to_have_count(0)
