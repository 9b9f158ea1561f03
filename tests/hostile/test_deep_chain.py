"""Issue 17 point 10: an import's cost grows linearly whatever the graph's shape. A vocabulary whose
is_a edges form one deep chain used to take 8 s at 1,000 levels and minutes beyond (a cycle check
per edge walked all ancestors; networkx's find_cycle is quadratic on a chain). Both backends."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import pytest

from dermkg.errors import CycleError, InputError
from kg.importers import run_import
from kg.models import Assertion, Diagnosis
from kg.store import GraphStore
from kg.store._semantics import find_cycle

LEVELS = 3000


def chain_csv(path: Path, levels: int, *, close_at: int | None = None) -> Path:
    """``levels`` diagnoses, each the child of the one before; ``close_at``: the first level also
    names that level as its parent, which closes a cycle through the whole chain."""
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "name", "parents"])
        for i in range(levels):
            parent = f"level {i - 1}" if i else (f"level {close_at}" if close_at is not None else "")
            w.writerow([f"lvl-{i}", f"level {i}", parent])
    return path


@pytest.mark.slow  # a long chain: a few seconds
def test_cycle_search_is_linear_on_a_long_chain() -> None:
    chain = [(f"n{i}", f"n{i + 1}") for i in range(200_000)]
    started = time.perf_counter()
    assert find_cycle(chain) is None
    assert find_cycle([*chain, ("n200000", "n0")]) == [f"n{i}" for i in range(200_001)]
    # linear: about 2 s here, even on a loaded machine well under the bound; quadratic (4e10 steps): hours
    assert time.perf_counter() - started < 60
    assert find_cycle([("a", "a")]) == ["a"] and find_cycle([("a", "b"), ("c", "b")]) is None


def test_a_deep_chain_imports_and_a_cycle_closing_row_is_refused(
    any_store: GraphStore, tmp_path: Path
) -> None:
    started = time.perf_counter()
    report = run_import(any_store, "csv", chain_csv(tmp_path / "chain.csv", LEVELS))
    seconds = time.perf_counter() - started
    assert report.diagnoses_created == LEVELS and report.assertions_created == LEVELS - 1
    assert seconds < 60, seconds  # was ~100 s on SQLite at 3,000 levels; now about 1 s
    assert len(any_store.edges("is_a")) == LEVELS - 1

    before = any_store.export_graph()
    # the same file with its root made a child of the deepest level: one long cycle
    bad = chain_csv(tmp_path / "cycle.csv", LEVELS, close_at=LEVELS - 1)
    with pytest.raises(InputError, match="is_a cycle .*nothing imported") as err:
        run_import(any_store, "csv", bad)
    assert "lvl-0" in str(err.value)
    assert any_store.export_graph() == before


def test_a_batch_closing_a_cycle_through_a_deep_chain_names_the_edge_and_writes_nothing(
    any_store: GraphStore,
) -> None:
    n = LEVELS
    any_store.upsert_diagnoses([Diagnosis(id=f"d{i}", name=f"dx {i}") for i in range(n + 1)])
    chain = [
        Assertion(kind="is_a", subject=f"d{i}", object=f"d{i - 1}", origin="import", status="accepted")
        for i in range(1, n)
    ]
    started = time.perf_counter()
    any_store.add_assertions(chain)
    assert time.perf_counter() - started < 60
    before = any_store.export_graph()
    closing = Assertion(kind="is_a", subject="d0", object=f"d{n - 1}", origin="import", status="accepted")
    proposed = Assertion(kind="is_a", subject=f"d{n - 1}", object="d0", origin="import", status="proposed")
    fine = Assertion(kind="is_a", subject=f"d{n}", object="d0", origin="import", status="accepted")
    for batch in ([proposed, closing], [fine, closing, proposed]):  # one new accepted edge, or several
        with pytest.raises(CycleError, match=f"d0 is_a d{n - 1} would make the taxonomy cyclic .*below"):
            any_store.add_assertions(batch)
        assert any_store.export_graph() == before
