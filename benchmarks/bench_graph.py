"""The review benchmarks' store: the seed vocabulary, generated diagnoses and ``n`` proposed DDx
pairs, shared by ``studio_bench.py`` (server-side render) and ``review_bench.py`` (real browser), which
differ only in the source their evidence cites."""

from __future__ import annotations

import random
import time
from collections.abc import Callable

from kg.models import Assertion, Diagnosis, Evidence, Source
from kg.store import make_store


def populate_ddx(
    url: str, n: int, source: Source, evidence: Callable[[int, str, str], Evidence], seed: int = 0
) -> dict[str, float]:
    """Fill ``url`` with enough generated diagnoses for ``n`` distinct DDx pairs, all proposed; the
    ``i``-th pair ``(a, b)`` cites ``evidence(i, a, b)`` from ``source``. Times the DDx load."""
    from kg.seed import init_store

    rng = random.Random(seed)
    with make_store(url) as store:
        init_store(store)
        roots = [d.id for d in store.list_diagnoses()]
        extra = int((2 * n) ** 0.5) + 50
        store.upsert_diagnoses(
            Diagnosis(id=f"bench-dx-{i:05d}", name=f"Bench diagnosis {i:05d}") for i in range(extra)
        )
        store.add_assertions(
            Assertion(
                kind="is_a",
                subject=f"bench-dx-{i:05d}",
                object=rng.choice(roots),
                origin="import",
                status="accepted",
            )
            for i in range(extra)
        )
        ids = roots + [f"bench-dx-{i:05d}" for i in range(extra)]
        store.upsert_source(source)
        pairs: set[tuple[str, str]] = set()
        while len(pairs) < n:
            a, b = rng.sample(ids, 2)
            pairs.add((min(a, b), max(a, b)))
        started = time.perf_counter()
        store.add_assertions(
            Assertion(
                kind="ddx",
                subject=a,
                object=b,
                origin="llm",
                score=round(rng.random(), 3),
                evidence=[evidence(i, a, b)],
            )
            for i, (a, b) in enumerate(sorted(pairs))
        )
        return {"diagnoses": store.count_diagnoses(), "load_s": round(time.perf_counter() - started, 2)}
