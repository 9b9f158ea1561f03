"""The README's main job, in a browser: `dermkg studio` on a fresh data dir seeds the embedded store,
creates the first admin, and the admin curates textbook proposals. Saves the README screenshots."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from kg.models import AssertionQuery
from kg.store import make_store
from tests.fixtures.processes import start_studio, stop_studio
from tests.studio.conftest import PDF
from tests.studio.e2e.conftest import log_in, open_page, wait_idle

pytestmark = pytest.mark.e2e
DOCS = Path(__file__).resolve().parents[3] / "docs"


def choose(page, label: str, text: str) -> None:
    """Pick ``text`` in the Streamlit selectbox labelled ``label`` by typing, as a user would."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    wait_idle(page)
    box = page.get_by_role("combobox", name=label)
    option = page.get_by_role("option", name=re.compile(f"^{re.escape(text)}", re.I)).first
    for _ in range(3):  # a rerun landing mid-typing can close the list: type again
        box.click()
        box.fill(text)
        try:
            option.click(timeout=10_000)
            break
        except PlaywrightTimeoutError:
            page.keyboard.press("Escape")
            wait_idle(page)
    else:
        raise AssertionError(f"no option {text!r} in {label!r}")
    wait_idle(page)


def test_first_start_seeds_creates_the_admin_and_the_admin_curates(
    tmp_path, page, shared_data, artifacts_dir, monkeypatch
):
    from playwright.sync_api import expect

    from ingest.pipeline import IngestPipeline

    data = tmp_path / "data"
    env = {**os.environ, "DERMKG_DATA_DIR": str(data), "DERMKG_ADMIN_PASSWORD": "first-admin-pw"}
    for key in ("DERMKG_STORE", "DERMKG_USERS_FILE"):
        env.pop(key, None)
    store_url = f"sqlite:///{(data / 'dermkg.db').as_posix()}"
    log = tmp_path / "studio.log"
    # `dermkg studio` with no store option: the default embedded store under the data dir
    proc, url = start_studio_default(env, log)
    try:
        text = log.read_text()
        assert "Seeded the empty store with the bundled vocabularies" in text
        assert f"Created {data / 'users.yaml'} with the first admin user admin" in text.replace("\n", "")
        assert "first-admin-pw" not in text  # a password from the environment is never printed
        with make_store(store_url) as store:  # textbook proposals to curate
            IngestPipeline(store, data_dir=data).run([shared_data / PDF])
            proposed = store.query_assertions(AssertionQuery(status="proposed", limit=0)).total
            melanoma = store.resolve_name("melanoma")
            nevus = store.resolve_name("melanocytic nevus")
            ddx = store.find_assertion("ddx", melanoma.id, nevus.id)
        assert proposed > 20 and ddx is not None

        log_in(page, url, "admin", "first-admin-pw")
        open_page(page, "Review queue")
        expect(page.get_by_text(f"{proposed:,} items")).to_be_visible()
        page.get_by_text("Filters").click()
        choose(page, "Diagnosis (subject or object)", "melanoma")
        choose(page, "Open item", "melanocytic nevus ↔ melanoma")
        page.get_by_role("button", name="Accept").click()
        expect(page.get_by_text("Accepted melanocytic nevus / melanoma.")).to_be_visible()
        wait_idle(page)
        with make_store(store_url) as store:
            assert store.get_assertion(ddx.id).reviewed_by == "admin"
        choose(page, "Open item", "melanoma ↔ seborrheic keratosis")
        page.keyboard.press("Escape")  # no open list or popover in the picture
        page.set_viewport_size({"width": 1280, "height": 800})  # the one review screen (issue 15.1)
        wait_idle(page)
        expect(page.locator(".st-key-evidence_crop img")).to_be_in_viewport()
        shot(page, artifacts_dir, "studio-queue.png")
        page.set_viewport_size({"width": 1440, "height": 1600})

        open_page(page, "Diagnosis")
        choose(page, "Diagnosis", "melanoma")
        expect(page.get_by_text("DDx neighbours (accepted):")).to_be_visible()
        shot(page, artifacts_dir, "studio-diagnosis.png")

        open_page(page, "Graph")
        choose(page, "Diagnosis", "melanoma")
        page.locator('[data-testid="stGraphVizChart"] svg').wait_for()
        shot(page, artifacts_dir, "studio-graph.png")
    finally:
        stop_studio(proc)
        shutil.copy(log, artifacts_dir / "studio-first-start.log")


def start_studio_default(env: dict[str, str], log: Path):
    """Like ``start_studio`` but without --store / --users-file: everything from the data dir."""
    return start_studio(None, None, log, env)


def shot(page, artifacts_dir: Path, name: str) -> None:
    """Save to the test artifacts; with DERMKG_UPDATE_DOCS=1 also refresh the README screenshot."""
    page.evaluate("document.querySelector('[data-testid=\"stMain\"]')?.scrollTo(0, 0)")
    page.wait_for_function("() => (document.querySelector('[data-testid=\"stMain\"]')?.scrollTop ?? 0) === 0")
    content = page.locator('[data-testid="stMainBlockContainer"]').bounding_box()
    size = page.viewport_size
    height = min(size["height"], int(content["y"] + content["height"]) + 24) if content else size["height"]
    page.screenshot(
        path=artifacts_dir / name, clip={"x": 0, "y": 0, "width": size["width"], "height": height}
    )
    if os.environ.get("DERMKG_UPDATE_DOCS") == "1":
        DOCS.mkdir(exist_ok=True)
        shutil.copy(artifacts_dir / name, DOCS / name)
