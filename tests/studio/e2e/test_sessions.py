"""Sessions in a real browser: a reload keeps the curator logged in through a signed HttpOnly cookie
(set by the studio's own route), logging out ends it, and a forged or expired cookie is refused."""

from __future__ import annotations

import pytest

from studio.session_cookie import COOKIE
from tests.studio.e2e.conftest import log_in, wait_idle, wait_until

pytestmark = pytest.mark.e2e


def test_a_reload_keeps_the_login_and_logout_ends_it(studio_server, page, artifacts_dir):
    from playwright.sync_api import expect

    log_in(page, studio_server.url, "cleo")
    cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert page.evaluate("document.cookie").find(COOKIE) == -1  # scripts cannot read it
    target = studio_server.ids["bcc-naevus"]
    page.goto(f"{studio_server.url}/queue?item={target}")  # a reload of a deep link: no login form
    expect(
        page.get_by_role("heading", name="Basal cell carcinoma — is in the differential of")
    ).to_be_visible()
    expect(page.get_by_role("textbox", name="Password")).to_have_count(0)
    wait_idle(page)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("textbox", name="Password")).to_be_visible()
    wait_until(lambda: not [c for c in page.context.cookies() if c["name"] == COOKIE])  # HttpOnly: not in JS
    page.reload()
    expect(page.get_by_role("textbox", name="Password")).to_be_visible()


def test_a_forged_or_stolen_after_logout_cookie_is_refused(studio_server, browser):
    from playwright.sync_api import expect

    context = browser.new_context()
    page = context.new_page()
    try:
        log_in(page, studio_server.url, "cleo")
        stolen = next(c for c in context.cookies() if c["name"] == COOKIE)
        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("textbox", name="Password")).to_be_visible()
        for value in (stolen["value"], "Y2xlb3w5OTk5OTk5OTk5fGZvcmdlZA=="):  # revoked; forged signature
            other = browser.new_context()
            other.add_cookies([{**stolen, "value": value}])
            p2 = other.new_page()
            p2.goto(studio_server.url)
            expect(p2.get_by_role("textbox", name="Password")).to_be_visible()
            other.close()
    finally:
        context.close()
