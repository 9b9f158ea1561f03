"""Rows/s building RL multiple-choice rows (paper Appendix A) for 100,000 generated samples.

Prints JSON. Target on the reference machine: >= 20,000 rows/s.
Run: python benchmarks/datasets_bench.py [--samples N]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time

from synth.datasets.build import BuildReport, rl_rows
from synth.datasets.taxonomy import TaxonomyIndex
from synth.datasets.types import MappedSample, Sample


def generated_taxonomy(n_leaves: int = 400, seed: int = 0) -> TaxonomyIndex:
    """Three roots, 30 groups, ``n_leaves`` leaves, a fifth of them with a sub-leaf (depth 2-4)."""
    rng = random.Random(seed)
    names: dict[str, str] = {}
    malignancy: dict[str, str | None] = {}
    edges: list[tuple[str, str]] = []
    for r, m in (("r0", "benign"), ("r1", "malignant"), ("r2", "premalignant")):
        names[r], malignancy[r] = f"root {r}", m
    for g in range(30):
        names[f"g{g}"], malignancy[f"g{g}"] = f"group {g}", None
        edges.append((f"g{g}", f"r{g % 3}"))
    for leaf in range(n_leaves):
        names[f"l{leaf}"], malignancy[f"l{leaf}"] = f"leaf {leaf}", None
        edges.append((f"l{leaf}", f"g{rng.randrange(30)}"))
        if leaf % 5 == 0:
            names[f"s{leaf}"], malignancy[f"s{leaf}"] = f"subtype {leaf}", None
            edges.append((f"s{leaf}", f"l{leaf}"))
    return TaxonomyIndex(names, malignancy, edges)


def generated_samples(taxonomy: TaxonomyIndex, n: int, seed: int = 0) -> list[MappedSample]:
    rng = random.Random(seed)
    targets = sorted(i for i in taxonomy.names if i[0] in "ls")
    out = []
    for i in range(n):
        d = rng.choice(targets)
        out.append(
            MappedSample(
                sample=Sample(
                    dataset=f"ds{i % 4}",
                    image=f"/images/{i}.jpg",
                    image_exists=True,
                    label=d,
                    location=f"meta.csv:{i + 2}",
                ),
                diagnosis=d,
                path=taxonomy.path(d),
                path_ids=taxonomy.path_ids(d),
                lesion_condition=taxonomy.condition(d) or "benign",
                split="train",
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=100_000)
    args = parser.parse_args()
    taxonomy = generated_taxonomy()
    samples = generated_samples(taxonomy, args.samples)
    report = BuildReport(out="", seed=0, revision=0)
    start, cpu_start = time.perf_counter(), time.process_time()
    rows = rl_rows(samples, taxonomy, n_options=4, seed=0, report=report)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
    print(
        json.dumps(
            {
                "benchmark": "datasets_rl_rows",
                "samples": len(samples),
                "rows": len(rows),
                "seconds": round(elapsed, 3),
                "rows_per_s": round(len(rows) / elapsed, 1),
                "cpu_seconds": round(cpu, 3),  # wall time suffers when other processes share the cores
                "rows_per_cpu_s": round(len(rows) / cpu, 1),
                "target_rows_per_s": 20_000,
                "meets_target": len(rows) / elapsed >= 20_000,
                "load_average_1min": os.getloadavg()[0],
            }
        )
    )


if __name__ == "__main__":
    main()
