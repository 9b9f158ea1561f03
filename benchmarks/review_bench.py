"""Keyboard review speed in a real browser (issue 15.2 target: ≤ 1.0 s per decision, 1 key per accept).

Fills a store with N proposed DDx assertions whose evidence points into the real BAD handbook PDF
(so every item renders its page crop), runs ``dermkg studio`` on it, logs in with Debian's
chromium at 1280×800 and accepts items with the ``A`` key. A decision's time runs from the key
press until the next item is on screen and the script run has finished (every image loaded).
Prints JSON.

Example:
    python benchmarks/review_bench.py --n 20000 --decisions 30
    python benchmarks/review_bench.py --neo4j --n 20000 --decisions 10
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_graph import populate_ddx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.models import AssertionQuery, Evidence, Source  # noqa: E402
from kg.store import make_store  # noqa: E402
from tests.fixtures.processes import free_port, start_studio, stop_group  # noqa: E402

PDF = Path(os.environ.get("DERMKG_SHARED_DATA", REPO.parent / "shared" / "data")) / (
    "bad-handbook/bad-derm-handbook-3rd-ed.pdf"
)
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "bench-password-1"
IDLE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app?.getAttribute("data-test-script-state") === "notRunning"
        && !document.querySelector('[data-stale="true"], [data-testid="stSkeleton"]')
        && [...document.images].every((img) => img.complete);
}"""


def populate(url: str, n: int, seed: int = 0) -> dict[str, float]:
    """Seed vocabulary, generated diagnoses, ``n`` proposed DDx pairs with PDF evidence."""
    from kg.ids import sha256_file

    sha = sha256_file(str(PDF))
    return populate_ddx(
        url,
        n,
        Source(sha256=sha, title="BAD handbook (3rd ed.)", path=str(PDF), kind="pdf"),
        lambda i, a, b: Evidence(
            source_sha256=sha,
            page=10 + i % 60,
            bbox=(72.0, 120.0, 400.0, 150.0),  # a band of text on every page
            quote=f"{a} versus {b}",
            kind="ddx",
        ),
        seed,
    )


def start_neo4j(home: Path) -> tuple[subprocess.Popen, str]:
    """The embedded Neo4j 5.26 the tests use (services/neo4j), on a free port."""
    password, port = secrets.token_urlsafe(12), free_port()
    log = home / "neo4j.log"
    env = {**os.environ, "NEO4J_PASSWORD": password}
    with log.open("w") as out:
        proc = subprocess.Popen(
            ["bash", str(REPO / "services/neo4j/start.sh"), str(port), str(home / "neo4j")],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    deadline = time.monotonic() + 240
    while "READY" not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"error: Neo4j did not start:\n{log.read_text()}")
        time.sleep(0.5)
    return proc, f"bolt://neo4j:{password}@127.0.0.1:{port}"


def bench_keys(url: str, decisions: int) -> dict[str, float]:
    """Accept ``decisions`` items with the A key; time each until the next item is settled."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.set_default_timeout(120_000)
        page.goto(url)
        page.get_by_role("textbox", name="Username").fill("bench")
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.get_by_role("link", name="Review queue").click()
        started = time.perf_counter()
        page.locator(".st-key-review_desk h3").wait_for()
        page.wait_for_function(IDLE)
        first = time.perf_counter() - started
        times, presses = [], 0
        for _ in range(decisions):
            before = page.locator(".st-key-review_desk h3").first.inner_text()
            t0 = time.perf_counter()
            page.keyboard.press("a")
            presses += 1
            page.wait_for_function(
                "(b) => document.querySelector('.st-key-review_desk h3')?.innerText !== b", arg=before
            )
            page.wait_for_function(IDLE)
            times.append(time.perf_counter() - t0)
        browser.close()
    return {
        "queue_first_render_s": round(first, 3),
        "decision_s_median": round(statistics.median(times), 3),
        "decision_s_p90": round(sorted(times)[int(0.9 * (len(times) - 1))], 3),
        "decision_s_max": round(max(times), 3),
        "key_presses_per_accept": presses / decisions,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", help="store URL (default: a temporary SQLite file)")
    parser.add_argument("--neo4j", action="store_true", help="start the embedded Neo4j 5.26 and use it")
    parser.add_argument("--n", type=int, default=20_000, help="proposed DDx assertions")
    parser.add_argument("--decisions", type=int, default=30)
    args = parser.parse_args()
    if not PDF.is_file():
        raise SystemExit(f"error: {PDF} not found (set DERMKG_SHARED_DATA)")
    from studio.auth import StudioUser, UsersFile, hash_password, save_users

    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        neo = None
        url = args.store or f"sqlite:///{tmp / 'bench.db'}"
        if args.neo4j:
            neo, url = start_neo4j(tmp)
        users = tmp / "users.yaml"
        account = StudioUser(username="bench", role="curator", password_hash=hash_password(PASSWORD))
        save_users(users, UsersFile(users=[account]))
        studio = None
        try:
            sizes = populate(url, args.n)
            env = {**os.environ, "DERMKG_DATA_DIR": str(tmp / "data"), "DERMKG_CONSENSUS_K": "1"}
            studio, studio_url = start_studio(url, users, tmp / "studio.log", env, timeout=120)
            result: dict[str, object] = {"store": url.split("://", 1)[0], "proposed": args.n, **sizes}
            result |= bench_keys(studio_url, args.decisions)
            with make_store(url) as store:
                accepted = store.count_assertions(AssertionQuery(kind="ddx", status="accepted"))
            assert accepted == args.decisions, (accepted, args.decisions)  # every key press decided one item
            result["decisions"] = args.decisions
            result["target_s"] = 1.0
            result["meets_target"] = float(result["decision_s_median"]) <= 1.0  # type: ignore[arg-type]
        finally:
            if studio is not None:
                stop_group(studio, timeout=30)
            if neo is not None:
                stop_group(neo, timeout=30)
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
