"""Knowledge-graph benchmark: bulk load and query latency on a generated graph, printed as JSON.

Uses only the store interface, so it runs against any backend:

    python benchmarks/kg_bench.py                                # temporary SQLite file
    python benchmarks/kg_bench.py --store neo4j://neo4j@127.0.0.1:7687 --diagnoses 2000 --ddx 20000
    python benchmarks/kg_bench.py --store neo4j://neo4j@127.0.0.1:7687 --compare-single-tx  # issue 3

For the Neo4j figures, start a fresh server the way the tests do (``services/neo4j/start.sh``).

Targets (issue 2, SQLite on the 2-core dev machine): load < 20 s, every query p99 < 2 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kg import algorithms as alg
from kg.models import Assertion, Case, Diagnosis, Evidence
from kg.store import GraphStore, make_store

SOURCE = "b" * 64
WORDS = ["keratosis", "naevus", "carcinoma", "dermatitis", "lentigo", "angioma", "psoriasis", "tumour"]


def generate(
    n_dx: int, n_ddx: int, seed: int
) -> tuple[list[Diagnosis], list[Assertion], list[Assertion], list[Case]]:
    """A taxonomy tree (fan-out 8) of ``n_dx`` diagnoses, ``n_ddx`` distinct DDx pairs, cases on 1 in 3."""
    rng = random.Random(seed)
    ids = [f"dx-{i:06d}" for i in range(n_dx)]
    diagnoses = [
        Diagnosis(
            id=d,
            name=f"{WORDS[i % len(WORDS)].title()} variant {i}",
            synonyms=[f"Variant {i} {WORDS[(i + 3) % len(WORDS)]}"],
            malignancy=rng.choice([None, None, "benign", "malignant"]),
        )
        for i, d in enumerate(ids)
    ]
    is_a = [
        Assertion(kind="is_a", subject=ids[i], object=ids[(i - 1) // 8], origin="import", status="accepted")
        for i in range(1, n_dx)
    ]
    pairs: set[tuple[str, str]] = set()
    max_pairs = n_dx * (n_dx - 1) // 2
    while len(pairs) < min(n_ddx, max_pairs):
        a, b = rng.sample(range(n_dx), 2)
        pairs.add((ids[min(a, b)], ids[max(a, b)]))
    ddx = [
        Assertion(
            kind="ddx",
            subject=a,
            object=b,
            origin="llm",
            status="accepted",
            score=round(rng.random(), 3),
            evidence=[Evidence(source_sha256=SOURCE, page=rng.randint(1, 80), quote=f"{a} vs {b}")],
        )
        for a, b in sorted(pairs)
    ]
    cases = [
        Case(diagnosis=d, image_sha256=f"{i:064x}", image_path=f"img/{i}.jpg")
        for i, d in enumerate(ids)
        if i % 3 == 0
    ]
    return diagnoses, is_a, ddx, cases


def percentiles(fn: Callable[[Any], Any], inputs: list[Any]) -> dict[str, float]:
    timings = []
    for x in inputs:
        t0 = time.perf_counter()
        fn(x)
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return {
        "n": len(timings),
        "p50_ms": round(statistics.median(timings), 4),
        "p99_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.99))], 4),
        "max_ms": round(timings[-1], 4),
    }


def run(store: GraphStore, n_dx: int, n_ddx: int, n_queries: int, seed: int) -> dict[str, Any]:
    diagnoses, is_a, ddx, cases = generate(n_dx, n_ddx, seed)
    t0, c0 = time.perf_counter(), time.process_time()
    with store.transaction():  # one batch: the bulk-load path
        store.upsert_diagnoses(diagnoses)
        store.add_assertions(is_a)
        store.add_assertions(ddx)
        store.add_cases(cases)
    load_s, load_cpu_s = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    store.graph_view()
    view_s = time.perf_counter() - t0

    rng = random.Random(seed + 1)
    sample = [rng.choice(diagnoses) for _ in range(n_queries)]
    # names as a user types them: other case, punctuation, synonyms
    names = [
        d.name.lower() if i % 2 else d.synonyms[0].upper().replace(" ", "-") for i, d in enumerate(sample)
    ]
    ids = [d.id for d in sample]
    for name, d in zip(names[:50], sample[:50], strict=True):  # sanity: the benchmark measures real hits
        got = store.resolve_name(name)
        assert got is not None and got.id == d.id, (name, d.id)
    return {
        "store": store.url.split("://", 1)[0],
        "diagnoses": n_dx,
        "is_a": len(is_a),
        "ddx": len(ddx),
        "cases": len(cases),
        "load_s": round(load_s, 3),
        "load_cpu_s": round(load_cpu_s, 3),  # this process only; load_s - load_cpu_s is I/O and waiting
        "view_build_s": round(view_s, 3),
        "resolve_name": percentiles(store.resolve_name, names),
        "suggest_names": percentiles(lambda n: store.suggest_names(n[:-3]), names[: max(1, n_queries // 10)]),
        "path": percentiles(lambda d: alg.path(store.graph_view(), d), ids),
        "malignancy": percentiles(lambda d: alg.malignancy(store.graph_view(), d), ids),
        "resolve_ddx_neighbor": percentiles(lambda d: alg.resolve_ddx_neighbor(store.graph_view(), d), ids),
        "revision": store.revision(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def compare_single_tx(
    store: GraphStore, n_dx: int, n_ddx: int, sample: int, batch: int, n_queries: int, seed: int
) -> dict[str, Any]:
    """Issue 3: bulk load of ``n_ddx`` DDx assertions in batches (one transaction per ``batch``)
    versus one transaction per assertion, on ``sample`` further assertions, extrapolated to
    ``n_ddx`` (said so in the output). The two are interleaved (after each batch, its share of the
    single-transaction sample), so both see the same graph size and the same machine load. Then
    the p99 of ResolveDDXNeighbor and of name resolution on the loaded graph."""
    diagnoses, is_a, ddx, cases = generate(n_dx, n_ddx + sample, seed)
    rng = random.Random(seed + 2)
    rng.shuffle(ddx)
    bulk, singles = ddx[:n_ddx], ddx[n_ddx : n_ddx + sample]
    for start in range(0, n_dx, batch):
        store.upsert_diagnoses(diagnoses[start : start + batch])
    store.add_assertions(is_a)
    store.add_cases(cases)
    batches = [bulk[start : start + batch] for start in range(0, len(bulk), batch)]
    shares = [singles[i :: len(batches)] for i in range(len(batches))]
    batched_s = batched_cpu_s = single_s = single_cpu_s = 0.0
    for part, share in zip(batches, shares, strict=True):
        t0, c0 = time.perf_counter(), time.process_time()
        store.add_assertions(part)
        batched_s += time.perf_counter() - t0
        batched_cpu_s += time.process_time() - c0
        t0, c0 = time.perf_counter(), time.process_time()
        for a in share:
            store.add_assertion(a)
        single_s += time.perf_counter() - t0
        single_cpu_s += time.process_time() - c0
    batched_rate, single_rate = len(bulk) / batched_s, len(singles) / single_s
    store.graph_view()  # built once per revision, as in run(); the queries then hit the cached view
    rng = random.Random(seed + 1)
    picks = [rng.choice(diagnoses) for _ in range(n_queries)]
    names = [d.name.lower() if i % 2 else d.synonyms[0].upper() for i, d in enumerate(picks)]
    ids = [d.id for d in picks]
    return {
        "store": store.url.split("://", 1)[0],
        "diagnoses": n_dx,
        "bulk_ddx": len(bulk),
        "batch_size": batch,
        "batched_s": round(batched_s, 2),
        "batched_per_s": round(batched_rate, 1),
        "batched_client_cpu_s": round(batched_cpu_s, 2),  # this process; the rest is the server + waiting
        "single_tx_sample": len(singles),
        "single_tx_sample_s": round(single_s, 2),
        "single_tx_client_cpu_s": round(single_cpu_s, 2),
        "single_tx_per_s": round(single_rate, 1),
        "single_tx_extrapolated_s": round(len(bulk) / single_rate, 1),
        "single_tx_is_extrapolated": len(singles) < len(bulk),
        "speedup_batched_vs_single_tx": round(batched_rate / single_rate, 1),
        "resolve_name": percentiles(store.resolve_name, names),
        "resolve_ddx_neighbor": percentiles(lambda d: alg.resolve_ddx_neighbor(store.graph_view(), d), ids),
        "revision": store.revision(),
        "load_average_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", help="store URL (default: a temporary SQLite file); must be empty")
    parser.add_argument("--diagnoses", type=int, default=10_000)
    parser.add_argument("--ddx", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--compare-single-tx",
        action="store_true",
        help="bulk-load --ddx DDx assertions in batches vs one transaction each (issue 3)",
    )
    parser.add_argument("--batch-size", type=int, default=5000, help="assertions per batch transaction")
    parser.add_argument(
        "--single-sample", type=int, default=1000, help="one-per-transaction assertions timed"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.store or f"sqlite:///{Path(tmp) / 'bench.db'}"
        with make_store(url) as store:
            if store.count_diagnoses():
                parser.error(f"{url} is not empty; the benchmark loads a fresh graph")
            if args.compare_single_tx:
                result = compare_single_tx(
                    store,
                    args.diagnoses,
                    args.ddx,
                    args.single_sample,
                    args.batch_size,
                    args.queries,
                    args.seed,
                )
            else:
                result = run(store, args.diagnoses, args.ddx, args.queries, args.seed)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
