"""``synth report``: the figures are recomputed from the rows, and gaps are listed."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from kg.store import GraphStore
from synth.pipeline import synthesize
from synth.regeneration import read_rows
from synth.report import summarize_export
from synth.types import SynthOptions

from .conftest import add_ddx


def test_report_figures_match_the_rows(curated_store: GraphStore, tmp_path: Path) -> None:
    # a DDx edge between two diagnoses without cases can never be covered: the report must list it
    (gap,) = add_ddx(curated_store, [("solar-lentigo", "lentigo-simplex")])
    out = tmp_path / "sft"
    report = synthesize(
        curated_store, out, SynthOptions(types=["type1", "type2", "type3"], per_case=4), hf=False
    )
    rows = read_rows(out / "trajectories.jsonl")
    stats = summarize_export(out)

    assert stats.total == len(rows) == report.total
    assert stats.counts_by_type == dict(sorted(Counter(r.type for r in rows).items()))
    assert sum(stats.coverage_by_diagnosis.values()) == len(rows)
    keys = [(r.image_sha256, r.completion) for r in rows]
    assert stats.duplicates == len(keys) - len(set(keys))
    by_edge = {e.assertion_id: e for e in stats.ddx_edges}
    assert by_edge[gap].rows == 0 and stats.ddx_edges_without_rows >= 1
    assert sum(e.rows for e in stats.ddx_edges) == sum(1 for r in rows if r.ddx_assertion_id)
    assert stats.grounded_passed == report.grounded_passed
    words = sorted(len(r.completion.split()) for r in rows)
    assert (stats.completion_words.min, stats.completion_words.max) == (words[0], words[-1])
    for plot in stats.plots:
        assert Path(plot).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
