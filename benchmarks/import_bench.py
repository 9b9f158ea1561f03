"""Seconds to import a CSV vocabulary whose is_a edges form one deep chain, next to one with as many
rows under shallow parents: an import's cost must grow linearly whatever the graph's shape.

Prints JSON. Target on the reference machine: the 20,000-level chain in < 10 s.
Run: python benchmarks/import_bench.py [--rows N] [--store sqlite|URL]
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile
import time
from pathlib import Path

from kg.importers import run_import
from kg.store import make_store


def write_vocabulary(path: Path, rows: int, *, chain: bool) -> Path:
    """``rows`` diagnoses; each names the previous one as parent (chain) or one of 20 roots."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "name", "parents"])
        for i in range(rows):
            parent_index = i - 1 if chain else (i % 20 if i >= 20 else -1)
            parent = f"level {parent_index}" if parent_index >= 0 else ""
            writer.writerow([f"lvl-{i}", f"level {i}", parent])
    return path


def timed_import(url: str, vocab: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of this process: steadier on a shared machine)."""
    with make_store(url) as store:
        started, cpu = time.perf_counter(), time.process_time()
        report = run_import(store, "csv", vocab)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert report.diagnoses_created == report.terms, report
    return round(seconds, 2), round(cpu, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--store", default="sqlite", help="sqlite (a temporary file) or a Neo4j URL")
    args = parser.parse_args()
    out: dict[str, object] = {"rows": args.rows, "backend": "sqlite" if args.store == "sqlite" else "neo4j"}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for label, chain in (("chain_s", True), ("shallow_s", False)):
            vocab = write_vocabulary(folder / f"{label}.csv", args.rows, chain=chain)
            url = f"sqlite:///{folder / f'{label}.db'}" if args.store == "sqlite" else args.store
            if args.store != "sqlite":
                from tests.fixtures.neo4j_server import wipe_neo4j

                wipe_neo4j(url)
            out[label], out[label.replace("_s", "_cpu_s")] = timed_import(url, vocab)
    out["target_chain_s"] = 10.0
    print(json.dumps(out))


if __name__ == "__main__":
    main()
