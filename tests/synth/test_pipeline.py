"""A synthesis run end to end on the real curated graph: provenance, export, failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dermkg.errors import OutputError
from kg.store import GraphStore, make_store
from synth import export as export_module
from synth.pipeline import synthesize
from synth.regeneration import read_rows
from synth.trajectories import COUNTER_EVIDENCE
from synth.types import SynthOptions
from tests.synth.conftest import DERMATOFIBROMA, _copy_db, add_findings

ALL = SynthOptions(types=["type1", "type2", "type3", "control2", "control3"], seed=7, fallback="contrast")


@pytest.fixture(scope="module")
def exported_db(curated_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The curated graph plus a hand-curated dermatofibroma finding (random partners can separate)."""
    db = _copy_db(curated_db, tmp_path_factory.mktemp("export-db"))
    with make_store(f"sqlite:///{db}") as store:
        add_findings(store, DERMATOFIBROMA)
    return db


@pytest.fixture(scope="module")
def exported(exported_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("export") / "sft"
    with make_store(f"sqlite:///{exported_db}") as store:
        report = synthesize(store, out, ALL)
    return out, report


def test_every_row_carries_its_provenance(exported, exported_db: Path) -> None:
    out, report = exported
    rows = read_rows(out / "trajectories.jsonl")
    assert len(rows) == report.total > 0
    with make_store(f"sqlite:///{exported_db}") as store:
        revision = store.revision()
        for row in rows[:: max(1, len(rows) // 60)]:
            p = row.provenance
            assert p.revision == revision and p.input_hash and p.prompt_hash
            assert all(store.get_case(c) is not None for c in p.case_ids)
            assert all(store.get_assertion(a).status == "accepted" for a in p.assertion_ids)
            assert row.observed or row.not_observed  # the image's own findings travel with the row
            assert p.evidence_ids  # every case quotes its source
            if row.type == "type1":
                assert p.comparator is None and len(p.case_ids) == 1
            else:
                assert p.comparator == "grounded" and len(p.case_ids) == 2 and row.grounded.passed
            if row.ddx_assertion_id:
                assert store.get_assertion(row.ddx_assertion_id).kind == "ddx"


def test_report_counts_and_fallbacks(exported) -> None:
    _, report = exported
    assert set(report.counts_by_type) == {"type1", "type2", "type3", "control2", "control3"}
    assert report.grounded_passed > 0 and report.grounded_failed == 0
    assert report.validation["rows"] == report.validation["passed"] == report.total
    # dermatofibroma, melanosis and vascular lesion have no DDx edge: with --fallback contrast a
    # random partner, worded as a contrast
    assert report.random_fallbacks > 0 and report.contrast_rows >= report.random_fallbacks
    assert any("random partner" in w for w in report.warnings)
    # pairs the accepted findings cannot separate are listed with the missing knowledge
    missing = (
        "no accepted finding separates ",
        "no finding this lesion shows speaks for ",
        "no finding this lesion shows suggests ",
        "no accepted finding of ",
        COUNTER_EVIDENCE,  # a red flag on a Type 1 lesion: its diagnosis lacks that finding
    )
    assert report.unseparated and all(k.startswith(missing) for k in report.unseparated)
    assert all(m.startswith(missing) for m in report.missing)


def test_split_by_image_never_shares_an_image(exported) -> None:
    out, report = exported
    split_of_image: dict[str, set[str]] = {}
    for row in read_rows(out / "trajectories.jsonl"):
        split_of_image.setdefault(row.image_sha256, set()).add(row.split)
    assert all(len(s) == 1 for s in split_of_image.values())
    assert set(report.counts_by_split) == {"train", "validation", "test"}


def test_images_are_stored_by_content_hash(exported) -> None:
    out, _ = exported
    from kg.ids import sha256_file

    files = list((out / "images").iterdir())
    assert files
    for f in files:
        assert f.stem == sha256_file(str(f))


@pytest.mark.torch  # trl imports torch
def test_hf_folder_is_trl_vision_language_sft(exported) -> None:
    import datasets
    from trl.data_utils import is_conversational

    out, report = exported
    dd = datasets.load_from_disk(str(out / "hf"))
    assert sum(len(ds) for ds in dd.values()) == report.total
    example = dd["train"][0]
    assert {"prompt", "completion", "images"} <= set(example)
    assert is_conversational(example)
    assert example["prompt"][0]["content"][0]["type"] == "image"
    assert example["completion"][0]["role"] == "assistant"
    assert example["completion"][0]["content"][0]["text"].startswith("<thinking>")
    assert example["images"][0].size[0] > 0  # a decodable PIL image


def test_dataset_card_has_counts_revision_and_licences(exported) -> None:
    out, report = exported
    card = (out / "README.md").read_text()
    assert f"revision {report.revision}" in card
    assert "| type2 |" in card and "| basal cell carcinoma |" in card.lower()
    assert "CC BY-NC-ND 4.0" in card  # Derm7pt images, as recorded by the case importer


def test_no_cases_reports_what_is_missing_and_writes_nothing(tmp_path: Path, shared_data: Path) -> None:
    from kg.importers import run_import

    out = tmp_path / "sft"
    with make_store(f"sqlite:///{tmp_path / 'kg.db'}") as store:
        run_import(store, "isic", shared_data / "isic-taxonomy" / "diagnosis_paths.txt")
        report = synthesize(store, out, SynthOptions())
    assert report.total == 0
    assert any("no accepted cases" in m for m in report.missing)
    assert any("no accepted DDx edges" in m for m in report.missing)
    assert not out.exists()


def test_no_ddx_edges_skip_or_contrast_never_a_differential(bare_db: Path, tmp_path: Path) -> None:
    with make_store(f"sqlite:///{bare_db}") as store:
        skipped = synthesize(store, tmp_path / "skip", SynthOptions(types=["type2", "type3"]))
        contrast = synthesize(
            store, tmp_path / "sft", SynthOptions(types=["type2", "type3"], fallback="contrast")
        )
    assert skipped.total == 0 and skipped.skipped_random_pairs > 0
    rows = read_rows(tmp_path / "sft" / "trajectories.jsonl")
    assert rows and all(r.provenance.partner_source == "random_fallback" for r in rows)
    assert all(
        "differential" not in r.completion.lower() and "For contrast, consider" in r.completion for r in rows
    )
    assert any("no accepted DDx edges" in m and "contrast" in m for m in contrast.missing)
    assert contrast.contrast_rows == contrast.total


def test_a_failed_run_leaves_the_previous_export_intact(
    curated_store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "sft"
    synthesize(curated_store, out, SynthOptions(types=["type1"]))
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_module, "write_hf", disk_full)
    with pytest.raises(OutputError, match=f"cannot write {out}: No space left"):  # one line, naming the path
        synthesize(curated_store, out, SynthOptions(types=["type1", "type2"]))
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not any(p.name.startswith(".sft.") for p in tmp_path.iterdir())  # no staging left behind


def test_rows_failing_the_validator_are_queued_with_reasons_or_dropped(
    curated_store: GraphStore, tmp_path: Path
) -> None:
    class Inventing:
        """A comparator that generalises from one lesion, as the old offline one did."""

        name = "grounded"
        model = None

        def identity(self) -> str:
            return "inventing"

        def prompt_hash(self) -> str:
            return "inventing"

        def compare_many(self, items: list, knowledge: object) -> list[str]:
            return [f"Atypical pigment network is expected in {a.other_name}." for a in items]

    queued = synthesize(
        curated_store, tmp_path / "q", SynthOptions(types=["type1", "type2"]), comparator=Inventing()
    )
    assert queued.grounded_failed == queued.queued_for_review == queued.validation["rejected"] > 0
    # true only where the graph says so: kept exactly for partners with atypical network accepted as typical
    from synth.snapshot import SynthGraph

    knowledge = SynthGraph.from_store(curated_store).knowledge
    typical = {
        d
        for (d, f), (rel, _) in knowledge.relations.items()
        if f == "fnd-atypical-pigment-network" and rel == "typical"
    }
    kept = read_rows(tmp_path / "q" / "trajectories.jsonl")
    assert {r.partner_diagnosis for r in kept if r.type == "type2"} <= typical
    # a partner with the atypical network curated is rejected only where the lesion's missing network
    # is no reason for the first diagnosis (nothing curated says it differs on it), or where the
    # invented reasoning replaced the only sentence tying a shown finding to the kept diagnosis
    for r in read_rows(tmp_path / "q" / "rejected.jsonl"):
        if r.partner_diagnosis in typical:
            kinds = ("non-discriminating reason", "no reasoning")
            assert all(why.startswith(kinds) for why in r.grounded.reasons), (
                r.grounded.reasons,
                r.completion,
            )
    lines = (tmp_path / "q" / "rejected.jsonl").read_text().splitlines()
    assert len(lines) == queued.queued_for_review
    reasons = json.loads(lines[0])["grounded"]["reasons"]
    assert any(r.startswith(("unsupported claim", "contradicted claim")) for r in reasons)
    card = (tmp_path / "q" / "README.md").read_text()
    assert "## Validation" in card and "unsupported claim" in card
    dropped = synthesize(
        curated_store,
        tmp_path / "d",
        SynthOptions(types=["type2"], on_ungrounded="drop"),
        comparator=Inventing(),
    )
    assert dropped.dropped > 0 and not (tmp_path / "d" / "rejected.jsonl").read_text().strip()


def test_proposed_ddx_edges_count_only_with_include_proposed(
    curated_store: GraphStore, tmp_path: Path
) -> None:
    from kg.models import Assertion

    # dermatofibroma, with the hand-curated findings, has no DDx edge; invasive melanoma differs from
    # it on the veil and the atypical network
    add_findings(curated_store, DERMATOFIBROMA)
    proposed = curated_store.add_assertion(
        Assertion(kind="ddx", subject="dermatofibroma", object="melanoma-invasive", origin="llm", score=0.8)
    )
    assert proposed.status == "proposed"

    def partners(include: bool) -> set[tuple[str | None, str | None]]:
        options = SynthOptions(types=["type2"], include_proposed_assertions=include, fallback="contrast")
        synthesize(curated_store, tmp_path / f"sft-{include}", options, hf=False)
        rows = read_rows(tmp_path / f"sft-{include}" / "trajectories.jsonl")
        return {
            (r.provenance.partner_source, r.ddx_assertion_id)
            for r in rows
            if r.primary_diagnosis == "dermatofibroma"
        }

    assert partners(False) <= {("random_fallback", None)}
    assert partners(True) == {("ddx", proposed.id)}


def test_a_graph_export_plans_exactly_like_the_store(curated_store: GraphStore) -> None:
    from synth.snapshot import SynthGraph
    from synth.trajectories import plan_trajectories

    def plans(graph: SynthGraph) -> list[str]:
        return [p.model_dump_json() for p in plan_trajectories(graph, ALL.types, seed=1)]

    from_store = SynthGraph.from_store(curated_store)
    from_export = SynthGraph.from_export(curated_store.export_graph())
    assert plans(from_store) == plans(from_export)
