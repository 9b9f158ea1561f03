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

from kg import algorithms as alg
from kg.view import GraphView, NodeInfo
from synth.datasets.build import BuildReport, rl_rows
from synth.datasets.options import OptionSpace
from synth.datasets.types import MappedSample, Sample


def generated_taxonomy(n_leaves: int = 400, seed: int = 0) -> OptionSpace:
    """Three class roots, 30 groups, ``n_leaves`` leaves, a fifth with a sub-leaf, a tenth of the
    leaves with a second parent (a DAG, as the real ISIC + Skin-R1 graph)."""
    rng = random.Random(seed)
    nodes: list[NodeInfo] = []
    edges: list[tuple[str, str]] = []
    for r, m in (("r0", "benign"), ("r1", "malignant"), ("r2", "premalignant")):
        nodes.append(NodeInfo(r, m.capitalize(), m, "accepted"))  # class nodes, as ISIC's roots
    for g in range(30):
        nodes.append(NodeInfo(f"g{g}", f"group {g}", None, "accepted"))
        edges.append((f"g{g}", f"r{g % 3}"))
    for leaf in range(n_leaves):
        nodes.append(NodeInfo(f"l{leaf}", f"leaf {leaf}", None, "accepted", synonyms=(f"leaf alias {leaf}",)))
        edges.append((f"l{leaf}", f"g{rng.randrange(30)}"))
        if leaf % 10 == 0:
            edges.append((f"l{leaf}", f"g{rng.randrange(30)}"))
        if leaf % 5 == 0:
            nodes.append(NodeInfo(f"s{leaf}", f"subtype {leaf}", None, "accepted"))
            edges.append((f"s{leaf}", f"l{leaf}"))
    return OptionSpace(GraphView.build(nodes, edges))


def generated_samples(taxonomy: OptionSpace, n: int, seed: int = 0) -> list[MappedSample]:
    rng = random.Random(seed)
    view = taxonomy.view
    targets = sorted(i for i in view.nodes if i[0] in "ls")
    out = []
    for i in range(n):
        d = rng.choice(targets)
        ids = alg.disease_path(view, d)
        out.append(
            MappedSample(
                sample=Sample(
                    dataset=f"ds{i % 4}",
                    image=f"/images/{i}.jpg",
                    ref=f"{i}.jpg",
                    image_exists=True,
                    label=d,
                    location=f"meta.csv:{i + 2}",
                ),
                diagnosis=d,
                path=[view.nodes[x].name for x in ids],
                path_ids=ids,
                lesion_condition=alg.malignancy(view, d).condition or "benign",  # type: ignore[arg-type]
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
                "skipped": report.skipped.get("rl", 0),
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
