"""Targeted regeneration: after curation, exactly the rows whose inputs changed are rebuilt."""

from __future__ import annotations

from pathlib import Path

from kg.store import GraphStore
from synth.pipeline import synthesize
from synth.regeneration import list_stale_rows, read_rows
from synth.types import SynthOptions, TrajectoryRow

from .conftest import CURATOR

OPTIONS = SynthOptions(types=["type1", "type2", "type3", "control2", "control3"], seed=3)


def _rows(out: Path) -> dict[str, str]:
    return {r.id: r.model_dump_json() for r in read_rows(out / "trajectories.jsonl")}


def _first_export(store: GraphStore, tmp_path: Path) -> tuple[Path, dict[str, str], dict[str, TrajectoryRow]]:
    """Synthesise into a fresh folder: the folder, its rows as JSON and as models, by id."""
    out = tmp_path / "sft"
    synthesize(store, out, OPTIONS)
    rows = {r.id: r for r in read_rows(out / "trajectories.jsonl")}
    return out, {i: r.model_dump_json() for i, r in rows.items()}, rows


def test_rerun_without_curation_reuses_everything(curated_store: GraphStore, tmp_path: Path) -> None:
    out = tmp_path / "sft"
    first = synthesize(curated_store, out, OPTIONS)
    before = _rows(out)
    again = synthesize(curated_store, out, OPTIONS)
    assert again.regeneration.reused == first.total
    assert (again.regeneration.regenerated, again.regeneration.new, again.regeneration.removed) == (0, 0, 0)
    assert again.comparator_calls == 0
    assert _rows(out) == before


def test_rejecting_a_ddx_edge_regenerates_exactly_the_rows_that_depend_on_it(
    curated_store: GraphStore, tmp_path: Path
) -> None:
    out, before, old_rows = _first_export(curated_store, tmp_path)
    edge = curated_store.find_assertion("ddx", "melanoma-invasive", "dysplastic-nevus")
    curated_store.review(edge.id, "reject", user=CURATOR, reason="not a differential in dermoscopy")

    stale = list_stale_rows(out, curated_store)  # what the Exports page would show
    report = synthesize(curated_store, out, OPTIONS)
    after = _rows(out)

    regenerated = set(stale.stale)
    removed = set(stale.removed)  # a new partner no accepted finding separates: no row
    assert report.regeneration.regenerated == len(regenerated) > 0
    assert report.regeneration.removed == len(removed)
    # every row that cited the rejected edge was rebuilt or removed, and none cites it any more
    citing = {i for i, r in old_rows.items() if edge.id in r.provenance.assertion_ids}
    assert citing and citing <= regenerated | removed
    regenerated |= removed
    assert not any(edge.id in r.provenance.assertion_ids for r in read_rows(out / "trajectories.jsonl"))
    # only pairs starting from the two diagnoses whose DDx neighbourhood changed were touched
    assert {old_rows[i].primary_diagnosis for i in regenerated} <= {"melanoma-invasive", "dysplastic-nevus"}
    assert not any(old_rows[i].type == "type1" for i in regenerated)
    # the rest is byte-identical
    assert all(after[i] == before[i] for i in before if i not in regenerated)
    assert report.regeneration.reused == len(before) - len(regenerated)


def test_rejecting_a_finding_rebuilds_exactly_the_rows_that_state_it(
    curated_store: GraphStore, tmp_path: Path
) -> None:
    """Issue 12: a row depends on a finding assertion iff its provenance lists it."""
    out, before, old_rows = _first_export(curated_store, tmp_path)
    finding = curated_store.find_assertion("finding", "basal-cell-carcinoma", "fnd-arborizing-vessels")
    citing = {i for i, r in old_rows.items() if finding.id in r.provenance.assertion_ids}
    assert citing
    curated_store.review(finding.id, "reject", user=CURATOR, reason="test: withdraw it")
    stale = list_stale_rows(out, curated_store)
    report = synthesize(curated_store, out, OPTIONS)
    assert set(stale.stale) | set(stale.removed) == citing  # exactly those rows
    assert report.regeneration.reused == len(before) - len(citing)
    after = read_rows(out / "trajectories.jsonl")
    assert not any(finding.id in r.provenance.assertion_ids for r in after)
    assert not any(
        "Arborizing vessels" in r.completion
        and "Basal cell carcinoma" in r.completion
        and "typical of Basal cell carcinoma" in r.completion
        for r in after
    )
    rewritten = _rows(out)  # read once: re-reading the file per row made this test take a minute
    assert all(rewritten[i] == before[i] for i in before if i not in citing)


def test_excluding_a_case_removes_its_rows_and_rebuilds_its_partners(
    curated_store: GraphStore, tmp_path: Path
) -> None:
    out = tmp_path / "sft"
    synthesize(curated_store, out, OPTIONS)
    old_rows = {r.id: r for r in read_rows(out / "trajectories.jsonl")}
    # a case with a Type 2 row of its own (seborrheic keratoses have no accepted finding to show here)
    case_id = next(r.provenance.case_ids[0] for r in old_rows.values() if r.type == "type2")
    case = curated_store.get_case(case_id)
    assert case is not None
    curated_store.update_case(case.id, {"status": "excluded"}, user=CURATOR, reason="blurred image")

    stale = list_stale_rows(out, curated_store)
    report = synthesize(curated_store, out, OPTIONS)
    own = {i for i, r in old_rows.items() if r.provenance.case_ids[0] == case.id}
    as_partner = {i for i, r in old_rows.items() if case.id in r.provenance.case_ids[1:]}
    assert own and own <= set(stale.removed)
    assert as_partner <= set(stale.stale) | set(stale.removed)
    assert report.regeneration.removed == len(stale.removed)
    assert report.regeneration.regenerated == len(stale.stale)
    assert not any(case.id in r.provenance.case_ids for r in read_rows(out / "trajectories.jsonl"))


def test_stale_listing_of_an_unchanged_export_is_empty(curated_store: GraphStore, tmp_path: Path) -> None:
    out = tmp_path / "sft"
    report = synthesize(curated_store, out, SynthOptions(types=["type1", "type2"]))
    stale = list_stale_rows(out, curated_store)
    assert (stale.stale, stale.removed, stale.new) == ([], [], [])
    assert stale.unchanged == report.total and stale.current_revision == stale.exported_revision
