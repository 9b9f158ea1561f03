"""Knowledge-graph benchmark: bulk load and query latency on a generated graph, printed as JSON.

Uses only the store interface, so it runs against any backend:

    python benchmarks/kg_bench.py                                # temporary SQLite file
    python benchmarks/kg_bench.py --store neo4j://neo4j@127.0.0.1:7687 --diagnoses 2000 --ddx 20000

Targets (issue 2, SQLite on the 2-core dev machine): load < 20 s, every query p99 < 2 ms.
"""

from __future__ import annotations

import argparse
import json
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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.store or f"sqlite:///{Path(tmp) / 'bench.db'}"
        with make_store(url) as store:
            if store.count_diagnoses():
                parser.error(f"{url} is not empty; the benchmark loads a fresh graph")
            result = run(store, args.diagnoses, args.ddx, args.queries, args.seed)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
