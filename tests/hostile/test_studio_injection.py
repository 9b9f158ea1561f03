"""Markup injection in a real browser (issue 17): names, quotes, captions, notes, comments, history
and user names holding Markdown must show as text. A diagnosis named
``![x](http://127.0.0.1:PORT/track.png)`` must make chromium request nothing from that server, on
any page, and ``**bold**`` / ``:red[x]`` must render literally."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from kg.ids import sha256_file
from kg.models import Assertion, Case, Diagnosis, Evidence, Source
from kg.store import make_store
from studio.auth import StudioUser, hash_password, load_users, save_users
from tests.fixtures.processes import start_studio, stop_studio
from tests.studio.conftest import build_graph, users_template  # noqa: F401  (fixture)
from tests.studio.e2e.conftest import (
    browser,  # noqa: F401  (fixture)
    log_in,
    wait_idle,
)

pytestmark = pytest.mark.e2e

PAGES = [
    "Overview",
    "Review queue",
    "Diagnosis",
    "Graph",
    "Cases",
    "History",
    "Ingest",
    "Exports",
    "Label Studio",
    "Users",
]


class Tracker:
    """A local HTTP server that counts every request it receives (the beacon of the attack)."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        tracker = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                tracker.paths.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}"


@pytest.fixture(scope="module")
def tracker() -> Iterator[Tracker]:
    t = Tracker()
    try:
        yield t
    finally:
        t.server.shutdown()


@pytest.fixture(scope="module")
def hostile_studio(tmp_path_factory, users_template, shared_data, artifacts_dir, tracker):  # noqa: F811
    tmp = tmp_path_factory.mktemp("studio-hostile")
    img = f"![x]({tracker.url('track.png')})"
    html = f'<img src="{tracker.url("html.png")}">'
    users = tmp / "users.yaml"
    shutil.copy(users_template, users)
    data = load_users(users)
    data.users.append(
        StudioUser(username="mal", name=img, role="admin", password_hash=hash_password("mal-password-1"))
    )
    save_users(users, data)
    url = f"sqlite:///{tmp / 'kg.db'}"
    with make_store(url) as store:
        build_graph(store, shared_data)
        pdf = shared_data / "bad-handbook/bad-derm-handbook-3rd-ed.pdf"
        sha = sha256_file(str(pdf))
        store.upsert_source(Source(sha256=sha, title=f"Handbook {img}", path=str(pdf), kind="pdf"))
        store.upsert_diagnoses(
            [
                Diagnosis(id="h-img", name=img, synonyms=[f"syn {img}", html]),
                Diagnosis(id="h-bold", name="**bold**", synonyms=[":red[x]"]),
                Diagnosis(id="h-red", name=":red[x]"),
            ]
        )
        store.add_assertions(
            [Assertion(kind="is_a", subject="h-red", object="h-img", origin="import", status="accepted")]
        )
        ev = Evidence(
            source_sha256=sha, page=63, quote=f"Quote {img} {html} **bold**", kind="ddx", context=img
        )
        (top,) = store.add_assertions(
            [Assertion(kind="ddx", subject="h-img", object="h-bold", origin="llm", score=0.99, evidence=[ev])]
        )
        store.comment("assertion", top.id, f"comment {img}", user="mal")
        image = sorted((shared_data / "derm7pt-subset" / "images").rglob("*.*"))[0]
        store.add_cases(
            [
                Case(
                    diagnosis="h-img",
                    image_sha256=sha256_file(str(image)),
                    image_path=str(image),
                    caption=f"caption {img} {html}",
                    source=img,
                    status="proposed",
                )
            ]
        )
    env = {**os.environ, "DERMKG_DATA_DIR": str(tmp / "data"), "DERMKG_CONSENSUS_K": "1"}
    log = tmp / "studio.log"
    proc, server_url = start_studio(url, users, log, env)
    try:
        yield server_url
    finally:
        stop_studio(proc)
        shutil.copy(log, artifacts_dir / "studio-hostile-server.log")


def test_no_page_requests_the_tracker_and_markup_shows_literally(
    hostile_studio,
    browser,  # noqa: F811
    tracker,
    artifacts_dir,
):
    from playwright.sync_api import expect

    context = browser.new_context(viewport={"width": 1440, "height": 1600})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        log_in(page, hostile_studio, "mal", "mal-password-1")
        for name in PAGES:
            page.get_by_role("link", name=name).click()
            expect(page.get_by_role("heading", name=name).first).to_be_visible()
            wait_idle(page)  # includes every <img> having loaded or failed: an injected one was fetched
            slug = name.lower().replace(" ", "-")
            page.screenshot(path=artifacts_dir / f"studio-hostile-{slug}.png", full_page=True)
            assert page.locator(f'img[src*="127.0.0.1:{tracker.port}"]').count() == 0, name
            assert page.locator("[data-testid='stMarkdownContainer'] strong:text-is('bold')").count() == 0, (
                name
            )
            assert tracker.paths == [], (name, tracker.paths)
            if name == "Review queue":
                # the item about the hostile names opens first (highest score), rendered as text
                heading = page.get_by_role("heading", name="is in the differential of")
                expect(heading).to_be_visible()
                seen = heading.inner_text().replace("\u2060", "")  # invisible word joiners break autolinks
                assert f"**bold** — is in the differential of — ![x]({tracker.url('track.png')})" in seen
                text = page.locator("[data-testid='stMain']").inner_text().replace("\u2060", "")
                for literal in ("also: :red[x]", "comment ![x]", "**bold**\n", "<img src="):
                    assert literal in text, literal  # synonym, comment, quote, raw HTML: as typed
                assert page.locator(f'a[href*="127.0.0.1:{tracker.port}"]').count() == 0  # no links either
    finally:
        context.close()
    print(f"tracker requests after {len(PAGES)} pages: {len(tracker.paths)}")
    assert tracker.paths == []
