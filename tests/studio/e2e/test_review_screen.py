"""The one review screen (issue 15.1): at 1280×800 the decision controls, both diagnoses and the
evidence crop are on screen together, without scrolling."""

from __future__ import annotations

import json

import pytest

from tests.studio.e2e.conftest import log_in, new_page, open_page, wait_idle

pytestmark = pytest.mark.e2e

ON_SCREEN = {
    "decision controls": ".st-key-decision_bar",
    "subject card": ".st-key-card_subject",
    "object card": ".st-key-card_object",
    "evidence crop": ".st-key-evidence_crop img",
    "quote": ".st-key-card_evidence blockquote",
}


def boxes(page) -> dict[str, dict[str, float]]:
    """Bounding boxes (page pixels) of every element that must be on screen."""
    found = {}
    for name, selector in ON_SCREEN.items():
        box = page.locator(selector).first.bounding_box()
        assert box is not None, f"{name} is not rendered"
        found[name] = {k: round(v) for k, v in box.items()}
    return found


HINTS = {"Accept": "A", "Reject": "X", "Edit": "E", "Skip": "S", "Previous": "K", "Next": "J", "Page": "O"}
HINTS |= {"Undo": "U", "Mark": "M"}


@pytest.fixture
def small_page(browser):
    with new_page(browser, 1280, 800) as pg:
        yield pg


def test_decision_diagnoses_and_evidence_crop_fit_one_1280x800_screen(
    studio_server, small_page, artifacts_dir
):
    from playwright.sync_api import expect

    page = small_page
    log_in(page, studio_server.url, "cleo")
    open_page(page, "Review queue")
    expect(page.locator(".st-key-evidence_crop img")).to_be_visible()
    wait_idle(page)
    page.wait_for_function("() => [...document.images].every((i) => i.complete && i.naturalWidth > 0)")
    scroll = page.evaluate("document.querySelector('[data-testid=\"stMain\"]')?.scrollTop ?? 0")
    assert scroll == 0
    found = boxes(page)
    (artifacts_dir / "review-screen-boxes.json").write_text(json.dumps(found, indent=2))
    page.screenshot(path=artifacts_dir / "review-screen-1280x800.png")
    for name, b in found.items():
        assert b["x"] >= 0 and b["y"] >= 0, (name, b)
        assert b["x"] + b["width"] <= 1280 and b["y"] + b["height"] <= 800, (name, b)
    heading = page.locator(".st-key-review_desk h3").first.inner_text()
    page.keyboard.press("a")  # after a decision its message shows too: everything still fits
    page.wait_for_function(
        "(b) => document.querySelector('.st-key-review_desk h3')?.innerText !== b", arg=heading
    )
    expect(page.get_by_text("Accepted Melanoma / Melanocytic naevus.")).to_be_visible()
    wait_idle(page)
    after = boxes(page)
    (artifacts_dir / "review-screen-boxes-after-accept.json").write_text(json.dumps(after, indent=2))
    page.screenshot(path=artifacts_dir / "review-screen-1280x800-after-accept.png")
    for name, b in after.items():
        assert b["y"] + b["height"] <= 800, (name, b)
    crop = found["evidence crop"]
    assert crop["width"] >= 300 and crop["height"] >= 60  # legible, not a thumbnail
    for card in ("subject card", "object card"):  # what a card must say
        text = page.locator(ON_SCREEN[card]).inner_text()
        assert "Path:" in text and "Malignancy:" in text and "DDx now:" in text, text
    subject = page.locator(ON_SCREEN["subject card"])
    expect(subject.locator("img")).not_to_have_count(0)  # a representative case image
    bar = page.locator(".st-key-decision_bar")
    for name, key in HINTS.items():  # the key is drawn on its button
        assert bar.get_by_role("button", name=name).inner_text().split()[-1] == key


def row_centre(page, row: int) -> tuple[float, float]:
    """Where row ``row`` (0-based) of the queue table is drawn (the grid is a canvas)."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    return box["x"] + 16, box["y"] + 35 * (row + 1) + 17


def test_a_row_click_opens_the_item_and_several_selected_rows_are_marked(studio_server, small_page):
    from playwright.sync_api import expect

    page = small_page
    log_in(page, studio_server.url, "cleo")
    open_page(page, "Review queue")
    heading = page.locator(".st-key-review_desk h3").first
    first = heading.inner_text()
    page.mouse.click(*row_centre(page, 1))  # the second row opens
    expect(heading).not_to_have_text(first)
    wait_idle(page)
    opened = heading.inner_text()
    page.mouse.click(*row_centre(page, 0))  # a second selected row: both are marked for a bulk decision
    expect(page.locator(".st-key-bulk_bar").get_by_text("2 marked")).to_be_visible()
    wait_idle(page)
    assert heading.inner_text() == opened  # marking does not jump away


def test_o_opens_the_whole_page_with_the_quote_highlighted(studio_server, small_page):
    from playwright.sync_api import expect

    page = small_page
    log_in(page, studio_server.url, "cleo")
    open_page(page, "Review queue")
    wait_idle(page)
    page.keyboard.press("o")
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("PDF page 63 (printed 62)")).to_be_visible()
    image = dialog.locator("img").first
    expect(image).to_be_visible()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[role=dialog] img')].every((i) => i.complete)"
    )
    assert image.evaluate("(i) => i.naturalHeight") > 500  # the whole page, not the crop (~150 px)
