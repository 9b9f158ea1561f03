"""A real ``dermkg studio`` server (the CLI, on a free port) and Debian's chromium via Playwright."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kg.store import GraphStore, make_store
from tests.fixtures.processes import start_studio, stop_studio
from tests.studio.conftest import PASSWORDS, build_graph

CHROMIUM = "/usr/bin/chromium"


@dataclass
class StudioServer:
    url: str
    store_url: str
    users_file: Path
    log: Path
    ids: dict[str, str]


@contextmanager
def serve_graph(
    tmp: Path, users_template: Path, artifacts_log: Path, build: Callable[[GraphStore], dict[str, str]]
) -> Iterator[StudioServer]:
    """``dermkg studio`` on a fresh SQLite store that ``build`` fills (returning the ids tests need), with
    a copy of the test users; its log is kept as ``artifacts_log`` when the server stops."""
    users = tmp / "users.yaml"
    shutil.copy(users_template, users)
    store_url = f"sqlite:///{tmp / 'kg.db'}"
    with make_store(store_url) as store:
        ids = build(store)
    env = {**os.environ, "DERMKG_DATA_DIR": str(tmp / "data"), "DERMKG_CONSENSUS_K": "1"}
    log = tmp / "studio.log"
    proc, url = start_studio(store_url, users, log, env)
    try:
        yield StudioServer(url=url, store_url=store_url, users_file=users, log=log, ids=ids)
    finally:
        stop_studio(proc)
        shutil.copy(log, artifacts_log)


def graph_server(name: str, build: Callable[[GraphStore, Path], dict[str, str]]) -> Any:
    """A module-scoped fixture serving the graph ``build(store, shared_data)`` fills; the server log is
    kept as ``studio-NAME-server.log`` among the test artifacts."""

    @pytest.fixture(scope="module")
    def server(
        tmp_path_factory: pytest.TempPathFactory, users_template: Path, shared_data: Path, artifacts_dir: Path
    ) -> Iterator[StudioServer]:
        with serve_graph(
            tmp_path_factory.mktemp(name),
            users_template,
            artifacts_dir / f"studio-{name}-server.log",
            lambda store: build(store, shared_data),
        ) as running:
            yield running

    return server


studio_server = graph_server("e2e", build_graph)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM)  # Debian's chromium; never a downloaded one
        try:
            yield b
        finally:
            b.close()


@contextmanager
def new_page(browser, width: int, height: int) -> Iterator[object]:  # noqa: ANN001
    """A page in a fresh browser context of the given viewport, closed afterwards."""
    context = browser.new_context(viewport={"width": width, "height": height})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    with new_page(browser, 1440, 1600) as pg:
        yield pg


def log_in(page, url: str, username: str, password: str | None = None) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    page.get_by_role("textbox", name="Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(password or PASSWORDS[username])
    page.get_by_role("button", name="Log in").click()
    # password hashing is slow by design and the first run after a login opens the store and lints the
    # graph: seconds on a busy machine, so more than expect's default 5 s (it ends once the page is there)
    expect(page.get_by_role("heading", name="Overview")).to_be_visible(timeout=30_000)


def open_page(page, name: str, heading: str | None = None) -> None:
    from playwright.sync_api import expect

    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", name=heading or name).first).to_be_visible()
    wait_idle(page)


def wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Poll a condition the page cannot report itself (e.g. an HttpOnly cookie) until it holds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"condition not met within {timeout:.0f} s"
        time.sleep(0.1)


def wait_idle(page) -> None:
    """Wait on conditions, not time: the script run finished, no element is stale (left from the run
    before) or a loading skeleton, and every image has loaded."""
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app?.getAttribute("data-test-script-state") === "notRunning"
                && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')
                && [...document.images].every((img) => img.complete);
        }""",
        timeout=60_000,
    )
