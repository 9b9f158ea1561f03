"""``dermkg synth report DIR``: what an export holds, how well it covers the graph, with plots.

Counts by type and split, coverage per diagnosis and per accepted DDx edge (edges with no row are
listed: they are the gaps curators can fill), groundedness pass rate, duplicates and the length
distribution of the targets, plus PNG plots (matplotlib, Agg backend) under ``DIR/report/``.
"""

from __future__ import annotations

import statistics
from collections import Counter
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from synth.regeneration import QUEUE_FILE, ROWS_FILE, read_manifest, read_rows
from synth.types import TrajectoryRow


class LengthStats(BaseModel):
    model_config = ConfigDict(extra="forbid")

    min: int = 0
    median: float = 0.0
    p90: float = 0.0
    max: int = 0
    mean: float = 0.0


class EdgeCoverage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    assertion_id: str
    a: str
    b: str
    rows: int


class ExportStats(BaseModel):
    """The figures of ``dermkg synth report``."""

    model_config = ConfigDict(extra="forbid")

    export_dir: str
    revision: int
    total: int
    counts_by_type: dict[str, int]
    counts_by_split: dict[str, int]
    coverage_by_diagnosis: dict[str, int]  # final diagnosis name -> rows
    ddx_edges: list[EdgeCoverage]
    ddx_edges_without_rows: int
    grounded_passed: int
    grounded_failed: int
    groundedness_pass_rate: float | None
    queued_for_review: int
    duplicates: int  # rows repeating (image, completion) of an earlier row
    completion_words: LengthStats
    plots: list[str] = Field(default_factory=list)


def _lengths(values: list[int]) -> LengthStats:
    if not values:
        return LengthStats()
    ordered = sorted(values)
    return LengthStats(
        min=ordered[0],
        median=float(statistics.median(ordered)),
        p90=float(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]),
        max=ordered[-1],
        mean=round(statistics.fmean(ordered), 2),
    )


def summarize_export(export_dir: str | Path, *, plots: bool = True) -> ExportStats:
    """Read an export folder and compute its report (and PNG plots unless ``plots=False``).

    Example:
        >>> summarize_export("exports/sft").groundedness_pass_rate
    """
    export = Path(export_dir)
    manifest = read_manifest(export)
    rows = read_rows(export / ROWS_FILE)
    queued = read_rows(export / QUEUE_FILE)
    names: dict[str, str] = manifest.get("names", {})
    edge_rows = Counter(r.ddx_assertion_id for r in rows if r.ddx_assertion_id)
    edges = [
        EdgeCoverage(assertion_id=aid, a=names.get(a, a), b=names.get(b, b), rows=edge_rows.get(aid, 0))
        for aid, a, b in manifest.get("ddx_edges", [])
    ]
    paired = [r for r in rows + queued if r.grounded is not None]
    passed = sum(1 for r in paired if r.grounded and r.grounded.passed)
    failed = len(paired) - passed + int(manifest.get("report", {}).get("dropped", 0))
    seen: set[tuple[str, str]] = set()
    duplicates = 0
    for r in rows:
        key = (r.image_sha256, r.completion)
        duplicates += key in seen
        seen.add(key)
    stats = ExportStats(
        export_dir=str(export),
        revision=int(manifest.get("revision", 0)),
        total=len(rows),
        counts_by_type=dict(sorted(Counter(r.type for r in rows).items())),
        counts_by_split=dict(sorted(Counter(r.split or "unsplit" for r in rows).items())),
        coverage_by_diagnosis=dict(sorted(Counter(r.diagnosis_name for r in rows).items())),
        ddx_edges=sorted(edges, key=lambda e: (e.rows, e.a, e.b)),
        ddx_edges_without_rows=sum(1 for e in edges if e.rows == 0),
        grounded_passed=passed,
        grounded_failed=failed,
        groundedness_pass_rate=round(passed / (passed + failed), 4) if passed + failed else None,
        queued_for_review=len(queued),
        duplicates=duplicates,
        completion_words=_lengths([len(r.completion.split()) for r in rows]),
    )
    if plots and rows:
        stats.plots = write_plots(export / "report", rows, stats)
    return stats


def write_plots(dest: Path, rows: list[TrajectoryRow], stats: ExportStats) -> list[str]:
    """Three PNGs: rows by type, rows per diagnosis, target length histogram."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    dest.mkdir(parents=True, exist_ok=True)
    written: list[str] = []

    def save(fig: Figure, name: str) -> None:
        fig.tight_layout()
        path = dest / name
        fig.savefig(path, dpi=100)
        plt.close(fig)
        written.append(str(path))

    fig, ax = plt.subplots(figsize=(5, 3))
    ax.bar(list(stats.counts_by_type), list(stats.counts_by_type.values()), color="#4c72b0")
    ax.set_title("Trajectories by type")
    ax.set_ylabel("rows")
    save(fig, "counts_by_type.png")

    cov = sorted(stats.coverage_by_diagnosis.items(), key=lambda kv: kv[1])
    fig, ax = plt.subplots(figsize=(7, max(3, 0.25 * len(cov))))
    ax.barh([k for k, _ in cov], [v for _, v in cov], color="#55a868")
    ax.set_title("Rows per final diagnosis")
    ax.tick_params(axis="y", labelsize=7)
    save(fig, "coverage_by_diagnosis.png")

    fig, ax = plt.subplots(figsize=(5, 3))
    ax.hist([len(r.completion.split()) for r in rows], bins=30, color="#c44e52")
    ax.set_title("Target length")
    ax.set_xlabel("words")
    ax.set_ylabel("rows")
    save(fig, "completion_length.png")
    return written
