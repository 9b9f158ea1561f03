"""Trajectory synthesis benchmark (issue 6); prints one JSON object.

1. 10,000+ trajectories (Types 1-3), grounded comparator, real curated graph
   (ISIC + Skin-R1 vocabulary + seed label maps, Derm7pt subset cases, curator-accepted DDx edges
   and the finding statistics a curator accepted); target < 20 s. The 203 Derm7pt images give a few
   hundred distinct rows (repeats of one image and target are not written), so each image-bearing
   meta row is imported ``--copies`` more times with a byte-distinct copy of its image (same
   checklist): 10,000+ distinct rows, one image file each, as a larger dataset would have. Timed
   with and without the Hugging Face folder, plus a re-run (everything reused). Every export runs
   the validator; its speed is measured alone too (target >= 5,000 rows/s).
2. The LLM comparator against a real ``transformers serve`` (tiny local model): a first run makes
   the calls, a second run into a fresh folder makes zero (on-disk cache), a re-run reuses all rows.

Usage: python benchmarks/synth_bench.py [--per-case 25] [--llm-cases 3] [--no-llm]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kg.store import GraphStore, make_store  # noqa: E402
from synth.pipeline import synthesize  # noqa: E402
from synth.regeneration import read_rows  # noqa: E402
from synth.snapshot import SynthGraph  # noqa: E402
from synth.types import SynthOptions  # noqa: E402
from synth.validation_io import validation_context  # noqa: E402
from synth.validator import validate_rows  # noqa: E402
from tests.synth.conftest import build_graph  # noqa: E402

DATA = Path(os.environ.get("DERMKG_SHARED_DATA", REPO.parent / "shared" / "data"))


def scaled_derm7pt(src: Path, dest: Path, copies: int) -> Path:
    """A Derm7pt-shaped folder whose image-bearing rows are repeated ``copies`` times, each repeat
    with its own image file (the original bytes plus a distinct trailer: a new content hash)."""
    import csv

    with (src / "meta" / "meta.csv").open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        fields, rows = reader.fieldnames or [], list(reader)
    out: list[dict] = []
    for n, row in enumerate(rows):
        image = src / "images" / row["derm"]
        if not image.is_file():
            continue
        data = image.read_bytes()
        for k in range(copies + 1):
            name = f"bench/{n}-{k}{image.suffix}"
            (dest / "images" / name).parent.mkdir(parents=True, exist_ok=True)
            (dest / "images" / name).write_bytes(data + f"\n{n}-{k}".encode() * (k > 0))
            out.append(row | {"derm": name})
    (dest / "meta").mkdir(parents=True, exist_ok=True)
    with (dest / "meta" / "meta.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        writer.writerows(out)
    return dest


def grounded_phase(store: GraphStore, work: Path, per_case: int) -> dict:
    # the copies repeat one checklist, so their thinking repeats: keep them (throughput, not content)
    options = SynthOptions(
        types=["type1", "type2", "type3"], per_case=per_case, seed=0, fallback="contrast", repeats="keep"
    )
    t, cpu = time.perf_counter(), time.process_time()
    jsonl = synthesize(store, work / "jsonl-only", options, hf=False)
    jsonl_s, jsonl_cpu = time.perf_counter() - t, time.process_time() - cpu
    t, cpu = time.perf_counter(), time.process_time()
    synthesize(store, work / "full", options, hf=True)
    full_s, full_cpu = time.perf_counter() - t, time.process_time() - cpu
    t = time.perf_counter()
    rerun = synthesize(store, work / "full", options, hf=True)
    rerun_s = time.perf_counter() - t
    rows = read_rows(work / "full" / "trajectories.jsonl")
    graph = SynthGraph.from_store(store)
    ctx = validation_context(graph)
    t, cpu = time.perf_counter(), time.process_time()
    _, bad, verdict = validate_rows(rows, ctx)
    validate_s, validate_cpu = time.perf_counter() - t, time.process_time() - cpu
    return {
        "validator": {
            "rows": verdict.rows,
            "rejected": len(bad),
            "seconds": round(validate_s, 3),
            "rows_per_second": round(len(rows) / validate_s, 1),
            "rows_per_cpu_second": round(len(rows) / max(validate_cpu, 1e-9), 1),
            "target_rows_per_second": 5000,
            "meets_target": len(rows) / validate_s >= 5000,
        },
        "not_written": jsonl.dropped_reasons,
        "unseparated_pairs": sum(jsonl.unseparated.values()),
        "trajectories": jsonl.total,
        "queued_for_review": jsonl.queued_for_review,
        "counts_by_type": jsonl.counts_by_type,
        "seconds_jsonl_and_images": round(jsonl_s, 2),
        "cpu_seconds_jsonl_and_images": round(jsonl_cpu, 2),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "seconds_with_hf_dataset": round(full_s, 2),
        "cpu_seconds_with_hf_dataset": round(full_cpu, 2),
        "rows_per_second": round(jsonl.total / jsonl_s, 1),
        "target_seconds": 20,
        "meets_target": full_s < 20,
        "rerun_seconds": round(rerun_s, 2),
        "rerun_reused": rerun.regeneration.reused,
        "rerun_comparator_calls": rerun.comparator_calls,
    }


def llm_phase(graph: SynthGraph, work: Path, cases_per_dx: int) -> dict:
    from dermkg.llm import LLMConfig
    from synth.comparators.llm import LlmComparator
    from tests.fixtures.llm_server import TINY_CHAT_DIR, build_tiny_chat_model, serve

    if not (TINY_CHAT_DIR / "config.json").exists():
        build_tiny_chat_model(TINY_CHAT_DIR)
    with serve(TINY_CHAT_DIR, work / "serve.log") as base:
        subset = graph.subset(cases_per_dx)
        options = SynthOptions(types=["type1", "type2", "type3"], comparator="llm")
        cache = work / "llm-cache"
        runs = []
        for folder in ("llm-a", "llm-b", "llm-b"):
            config = LLMConfig(
                base_url=f"{base}/v1",
                model=str(TINY_CHAT_DIR),
                cache_dir=cache,
                max_tokens=32,
            )
            comparator = LlmComparator(config)
            t = time.perf_counter()
            report = synthesize(subset, work / folder, options, comparator=comparator, hf=False)
            usage = comparator.client.usage
            runs.append(
                {
                    "folder": folder,
                    "seconds": round(time.perf_counter() - t, 2),
                    "comparisons_requested": report.comparator_calls,
                    "http_calls": usage.calls,
                    "cache_hits": usage.cache_hits,
                    "prompt_tokens": usage.prompt_tokens,
                    "completion_tokens": usage.completion_tokens,
                    "validator_rejected": report.grounded_failed,
                    "reused": report.regeneration.reused,
                }
            )
        return {
            "pairs": runs[0]["comparisons_requested"],
            "first_run": runs[0],
            "second_run_fresh_folder": runs[1],
            "third_run_same_folder": runs[2],
            "second_run_zero_calls": runs[1]["http_calls"] == 0 and runs[2]["http_calls"] == 0,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-case", type=int, default=3, help="Type 2/3 pairs per case")
    parser.add_argument(
        "--copies",
        type=int,
        default=54,
        help="extra byte-distinct copies of each Derm7pt image (54 -> 10,000+ rows)",
    )
    parser.add_argument("--llm-cases", type=int, default=3, help="cases per diagnosis in the LLM phase")
    parser.add_argument("--no-llm", action="store_true", help="skip the LLM phase")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="synth-bench-") as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        with make_store(f"sqlite:///{work / 'kg.db'}") as store:
            build_graph(store, DATA)
            if args.copies:
                from kg.importers import import_cases

                import_cases(
                    store, "derm7pt", scaled_derm7pt(DATA / "derm7pt-subset", work / "d7", args.copies)
                )
            build_s = time.perf_counter() - t
            t = time.perf_counter()
            graph = SynthGraph.from_store(store)
            result = {
                "benchmark": "synth_trajectories",
                "graph": {
                    "revision": graph.revision,
                    "diagnoses": len(graph.diagnoses),
                    "cases": sum(len(c) for c in graph.cases.values()),
                    "ddx_edges": graph.ddx_edge_count(),
                    "build_seconds": round(build_s, 2),
                    "snapshot_seconds": round(time.perf_counter() - t, 3),
                },
                "grounded": grounded_phase(store, work, args.per_case),
            }
        if not args.no_llm:
            result["llm"] = llm_phase(graph, work, args.llm_cases)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
