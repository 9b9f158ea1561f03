"""Keyboard-only review (issue 15.2) in real chromium: a curator makes more than 50 decisions with
keys alone (accepts, rejects with a reason, edits, a bulk accept and a bulk reject with one shared
reason, an undo), then the audit log is checked event by event: user, action, target, reason."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from kg.models import Assertion, Diagnosis, EventQuery
from kg.store import GraphStore, make_store
from tests.studio.conftest import build_graph
from tests.studio.e2e.conftest import graph_server, log_in, open_page, wait_idle

pytestmark = pytest.mark.e2e
ITEMS = 60
DESK = ".st-key-review_desk"


def build_keyboard_graph(store: GraphStore, shared_data: Path) -> dict[str, str]:
    """The fixture graph plus 60 proposed DDx items with textbook evidence and 6 edit targets."""
    ids = build_graph(store, shared_data)
    evidence = store.get_assertion(ids["melanoma-naevus"]).evidence
    store.upsert_diagnoses(
        [Diagnosis(id=f"kbd-{i:02d}", name=f"Keyboard lesion {i:02d}") for i in range(ITEMS + 1)]
        + [Diagnosis(id=f"kbd-edit-{i}", name=f"Edited partner {i}") for i in range(6)]
    )
    store.add_assertions(
        Assertion(
            kind="ddx",
            subject=f"kbd-{i:02d}",
            object=f"kbd-{i + 1:02d}",
            origin="llm",
            score=round(0.99 - i / 1000, 3),  # a fixed order: item i opens i-th
            evidence=[e.model_copy(update={"id": None}) for e in evidence],
        )
        for i in range(ITEMS)
    )
    return ids


keyboard_server = graph_server("keyboard", build_keyboard_graph)


def open_item(page) -> str:
    """The item the screen shows (its id is in the address)."""
    return parse_qs(urlparse(page.url).query)["item"][0]


def heading(page) -> str:
    return page.locator(f"{DESK} h3").first.inner_text()


def settle(page, before: str) -> None:
    """Wait until the screen shows another item (or the same after an edit: another heading)."""
    page.wait_for_function(
        "(before) => document.querySelector('.st-key-review_desk h3')?.innerText !== before", arg=before
    )
    wait_idle(page)


def test_fifty_decisions_by_keyboard_and_the_audit_log_item_by_item(keyboard_server, page, artifacts_dir):
    from playwright.sync_api import expect

    log_in(page, keyboard_server.url, "cleo")
    open_page(page, "Review queue")
    wait_idle(page)
    expected: list[tuple[str, str, str | None]] = []  # (action, target, reason) in order
    presses = 0

    def press(key: str) -> None:
        nonlocal presses
        presses += 1
        page.keyboard.press(key)

    for _ in range(20):  # accept: one key each
        target, before = open_item(page), heading(page)
        press("a")
        settle(page, before)
        expected.append(("accept", target, None))
    accepts_presses = presses

    for i in range(10):  # reject: X puts the cursor in the reason field, Enter rejects
        target, before = open_item(page), heading(page)
        press("x")
        page.wait_for_function(
            "() => document.activeElement?.closest('[class*=\"st-key-queue_reason\"]') != null"
        )
        wait_idle(page)
        reason = f"not a differential in this context ({i})"
        page.keyboard.type(reason)
        press("Enter")
        settle(page, before)
        expected.append(("reject", target, reason))

    for i in range(5):  # edit: E, type the new object, Enter picks it, Ctrl+Enter saves
        target, before = open_item(page), heading(page)
        press("e")
        page.wait_for_function(
            "() => document.activeElement?.closest('[class*=\"st-key-queue_edit_object\"]') != null"
        )
        page.keyboard.type(f"Edited partner {i}")
        page.get_by_role("option", name=f"Edited partner {i}").wait_for()
        press("Enter")
        picked = page.locator('[class*="st-key-queue_edit_object"] input')
        expect(picked).to_have_value(f"Edited partner {i}")
        wait_idle(page)
        press("Control+Enter")
        settle(page, before)
        assert f"Edited partner {i}" in heading(page)
        expected.append(("edit", target, None))
        edited = heading(page)
        press("j")  # the edited item stays proposed: move on
        settle(page, edited)

    for _ in range(5):  # more accepts after the edits
        target, before = open_item(page), heading(page)
        press("a")
        settle(page, before)
        expected.append(("accept", target, None))

    marked = []  # bulk accept: M marks and moves on, Shift+A accepts every marked item
    for _ in range(4):
        marked.append(open_item(page))
        before = heading(page)
        press("m")
        settle(page, before)
    expect(page.get_by_text("4 marked")).to_be_visible()
    before = heading(page)
    press("Shift+A")
    expect(page.get_by_text("Accepted 4 marked items.")).to_be_visible()
    wait_idle(page)
    expected += [("accept", t, None) for t in marked]

    marked = []  # bulk reject with one shared reason
    for _ in range(4):
        marked.append(open_item(page))
        before = heading(page)
        press("m")
        settle(page, before)
    press("Shift+X")
    page.wait_for_function(
        "() => document.activeElement?.closest('[class*=\"st-key-queue_bulk_reason\"]') != null"
    )
    shared = "duplicate list pair from the same table"
    page.keyboard.type(shared)
    press("Enter")
    expect(page.get_by_text(f"Rejected 4 marked items: {shared}")).to_be_visible()
    wait_idle(page)
    expected += [("reject", t, shared) for t in marked]

    for _ in range(6):  # accepts, the last one undone
        target, before = open_item(page), heading(page)
        press("a")
        settle(page, before)
        expected.append(("accept", target, None))
    before = heading(page)
    press("u")  # undo: the store's revert of the last decision; that item opens again
    settle(page, before)
    assert open_item(page) == target
    expected.append(("revert", target, "undo"))
    page.screenshot(path=artifacts_dir / "review-keyboard-session.png")

    decisions = [e for e in expected if e[0] != "revert"]
    assert len(decisions) + 1 >= 50
    with make_store(keyboard_server.store_url) as store:
        events = list(reversed(store.list_events(EventQuery(user="cleo", limit=None)).items))
        got = [(e.user, e.action, e.target, e.reason) for e in events]
        assert got == [("cleo", *e) for e in expected]
        undone = store.get_assertion(target)
        assert undone.status == "proposed"  # the undo restored it
        for action, t, reason in expected[:-2]:
            a = store.get_assertion(t)
            if action == "accept":
                assert a.status == "accepted" and a.reviewed_by == "cleo", t
            elif action == "reject":
                assert a.status == "rejected" and a.note == reason, t
    assert accepts_presses == 20  # one key press per accept
