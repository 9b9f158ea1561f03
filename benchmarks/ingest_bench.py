"""Ingest throughput and memory: the BAD handbook and a generated 1,000-page text book with photos.

Each measurement runs in a fresh subprocess (so peak RSS is its own) and goes through the whole
pipeline — layout, sections, rules, figure pairing *with image bytes read and hashed*, name
resolution — once as ``--dry-run`` and once writing to a new SQLite store. Memory flatness is the
peak of 100 pages vs 1,000 pages of the same book. Times come from an untraced run, the Python
peak from a second, tracemalloc-traced one (tracing slows this code 2.5-3x). The handbook's ingest
and its bare PyMuPDF pass each run ``--runs`` times in fresh processes; the least CPU time counts
and their ratio is ``ingest_over_bare_cpu`` (issue 14: at most 2.5). Neither counts importing
PyMuPDF; the fixed costs of a `dermkg ingest` process are reported apart (``pymupdf_import_cpu_s``,
as the CLI imports it, without the layout package; ``ingest_modules_import_cpu_s``). Prints JSON.

    python benchmarks/ingest_bench.py [--pages 1000] [--bad PATH] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
DEFAULT_BAD = REPO.parent / "shared" / "data" / "bad-handbook" / "bad-derm-handbook-3rd-ed.pdf"


def _measure(pdf: str, dry_run: bool, queue: mp.Queue) -> None:
    import resource
    import tracemalloc

    # Fixed costs of every `dermkg ingest` process, reported apart from the per-book CPU: PyMuPDF
    # imported as the CLI imports it (without its layout package, ingest.pdf_loader.import_pymupdf),
    # then the ingest modules (their imports, compiled patterns and prefilters).
    t0, c0 = time.perf_counter(), time.process_time()
    from ingest.pdf_loader import import_pymupdf

    c1 = time.process_time()
    import_pymupdf()
    import_s, import_cpu = time.perf_counter() - t0, time.process_time() - c1
    c2 = time.process_time()
    import ingest.rules_extractor  # noqa: F401  (imported by the pipeline's first run otherwise)
    from dermkg.images import configure_pillow
    from ingest.pipeline import IngestPipeline
    from kg.store import make_store

    modules_cpu = (c1 - c0) + (time.process_time() - c2)

    configure_pillow()  # as `dermkg`'s main() does before any command (it loads the settings)

    def ingest(trace: bool) -> tuple[Any, float, float, int]:
        with tempfile.TemporaryDirectory() as tmp:
            store = make_store(f"sqlite:///{tmp}/kg.db").open()
            if trace:
                tracemalloc.start()
            started, cpu_started = time.perf_counter(), time.process_time()
            summary = IngestPipeline(store, data_dir=Path(tmp), dry_run=dry_run).run([Path(pdf)])
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            peak = tracemalloc.get_traced_memory()[1] if trace else 0
            tracemalloc.stop()
            store.close()
        return summary, seconds, cpu, peak

    # Timed without tracemalloc (it hooks every allocation and slows this code ~1.7x); the Python
    # peak comes from a second, traced run of the same ingest into a fresh store.
    summary, seconds, cpu, _ = ingest(trace=False)
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _, _, _, peak = ingest(trace=True)
    doc = summary.documents[0]
    queue.put(
        {
            "pages": doc.pages,
            "seconds": round(seconds, 2),
            "pages_per_s": round(doc.pages / seconds, 1),
            # the machine is shared: CPU time says what one free core does
            "cpu_seconds": round(cpu, 2),
            "pages_per_cpu_s": round(doc.pages / cpu, 1),
            "pymupdf_import_s": round(import_s, 2),
            "pymupdf_import_cpu_s": round(import_cpu, 2),
            "ingest_modules_import_cpu_s": round(modules_cpu, 2),
            "python_peak_mib": round(peak / 2**20, 1),
            "max_rss_mib": round(max_rss / 1024, 1),
            "status": doc.status,
            "cases": doc.cases,
            "assertions": doc.assertions_proposed,
            "error": doc.error,
        }
    )


def _bare(pdf: str, queue: mp.Queue) -> None:
    """The floor: a bare PyMuPDF pass reading every page's text (dict) and every image's bytes, once
    in a fresh process (as the ingest is measured: first-touch costs count on both sides)."""
    cpu_import = time.process_time()
    import pymupdf  # a plain import (with the layout package where installed): not timed either

    import_cpu = time.process_time() - cpu_import
    started, cpu_started = time.perf_counter(), time.process_time()
    with pymupdf.open(pdf) as doc:
        for page in doc:
            page.get_text("dict")
            for img in page.get_images(full=True):
                doc.extract_image(img[0])
    queue.put(
        {
            "seconds": round(time.perf_counter() - started, 3),
            "cpu_seconds": round(time.process_time() - cpu_started, 3),
            "pymupdf_import_cpu_s": round(import_cpu, 2),
        }
    )


def bare_pass(pdf: Path) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_bare, args=(str(pdf), queue))
    proc.start()
    result = queue.get(timeout=600)
    proc.join()
    return result


def best_of(runs: int, measure_once: Callable[[], dict]) -> dict:
    """The run with the least CPU time of ``runs`` fresh processes (the machine is shared: the least
    disturbed run is the one closest to what the code costs), with every run's CPU seconds."""
    results = [measure_once() for _ in range(runs)]
    best = min(results, key=lambda r: r.get("cpu_seconds", 1e9))
    return {**best, "cpu_seconds_runs": [r.get("cpu_seconds") for r in results]}


def measure(pdf: Path, *, dry_run: bool) -> dict:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_measure, args=(str(pdf), dry_run, queue))
    proc.start()
    while True:  # a child that crashed never answers: report its exit code instead of waiting forever
        try:
            result = queue.get(timeout=2)
            break
        except Exception:
            if not proc.is_alive():
                return {"pages": 0, "error": f"benchmark process died with exit code {proc.exitcode}"}
    proc.join()
    return result


def generate(pages: int, out: Path) -> Path:
    """Repeat the synthetic chapter (2 pages, one photo each) until the book has ``pages`` pages."""
    from tests.ingest.synthetic_book import build_textbook

    return build_textbook(out, repeat=max(1, pages // 2))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--bad", type=Path, default=DEFAULT_BAD)
    parser.add_argument("--runs", type=int, default=3, help="handbook runs; the least CPU time counts")
    args = parser.parse_args()
    report: dict = {"cpus": os.cpu_count()}
    if args.bad.is_file():
        bare = best_of(args.runs, lambda: bare_pass(args.bad))
        full = best_of(args.runs, lambda: measure(args.bad, dry_run=False))
        report["bad_handbook"] = {
            "bare_pymupdf_pass": bare,
            "extract_dry_run": measure(args.bad, dry_run=True),
            "ingest_sqlite": full,
            # issue 14 target: the full ingest within 2.5x a bare pass over every page's text and image
            "ingest_over_bare_wall": round(full.get("seconds", 0) / max(1e-3, bare["seconds"]), 2),
            "ingest_over_bare_cpu": round(full.get("cpu_seconds", 0) / max(1e-3, bare["cpu_seconds"]), 2),
        }
    with tempfile.TemporaryDirectory() as tmp:
        small = generate(args.pages // 10, Path(tmp) / "small.pdf")
        large = generate(args.pages, Path(tmp) / "large.pdf")
        s = measure(small, dry_run=True)
        big = measure(large, dry_run=True)
        report["generated"] = {
            "small_dry_run": s,
            "large_dry_run": big,
            "large_ingest_sqlite": measure(large, dry_run=False),
            "memory_growth_python_peak": round(
                big.get("python_peak_mib", 0) / max(0.1, s.get("python_peak_mib", 0)), 2
            ),
            "memory_growth_rss": round(big.get("max_rss_mib", 0) / max(1.0, s.get("max_rss_mib", 0)), 2),
        }
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
