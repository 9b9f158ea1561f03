"""A synthesis run end to end on the real curated graph: provenance, export, failures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.store import GraphStore, make_store
from synth import export as export_module
from synth.pipeline import synthesize
from synth.regeneration import read_rows
from synth.types import SynthOptions

ALL = SynthOptions(types=["type1", "type2", "type3", "control2", "control3"], seed=7)


@pytest.fixture(scope="module")
def exported(curated_db: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("export") / "sft"
    with make_store(f"sqlite:///{curated_db}") as store:
        report = synthesize(store, out, ALL)
    return out, report


def test_every_row_carries_its_provenance(exported, curated_db: Path) -> None:
    out, report = exported
    rows = read_rows(out / "trajectories.jsonl")
    assert len(rows) == report.total > 0
    with make_store(f"sqlite:///{curated_db}") as store:
        revision = store.revision()
        for row in rows[:: max(1, len(rows) // 60)]:
            p = row.provenance
            assert p.revision == revision and p.input_hash and p.prompt_hash
            assert all(store.get_case(c) is not None for c in p.case_ids)
            assert all(store.get_assertion(a).status == "accepted" for a in p.assertion_ids)
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
    assert (
        report.grounded_passed > 0
        and report.comparator_calls == report.grounded_passed + report.grounded_failed
    )
    # dermatofibroma, melanosis and vascular lesion have no DDx edge: the paper's random fallback
    assert report.random_fallbacks >= 3 * 12
    assert any("random partner" in w for w in report.warnings)
    assert report.missing == []


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
    assert "| type2 |" in card and "| Basal cell carcinoma |" in card
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


def test_no_ddx_edges_fall_back_to_random_partners_and_say_so(bare_db: Path, tmp_path: Path) -> None:
    with make_store(f"sqlite:///{bare_db}") as store:
        report = synthesize(store, tmp_path / "sft", SynthOptions(types=["type2", "type3"]))
    rows = read_rows(tmp_path / "sft" / "trajectories.jsonl")
    assert rows and all(r.provenance.partner_source == "random_fallback" for r in rows)
    assert any("no accepted DDx edges" in m and "random partner" in m for m in report.missing)
    assert report.random_fallbacks == report.counts_by_type["type2"]


def test_a_failed_run_leaves_the_previous_export_intact(
    curated_store: GraphStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "sft"
    synthesize(curated_store, out, SynthOptions(types=["type1"]))
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_module, "write_hf", disk_full)
    with pytest.raises(OSError, match="No space left"):
        synthesize(curated_store, out, SynthOptions(types=["type1", "type2"]))
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    assert not any(p.name.startswith(".sft.") for p in tmp_path.iterdir())  # no staging left behind


def test_ungrounded_rows_are_queued_or_dropped(curated_store: GraphStore, tmp_path: Path) -> None:
    class Inventing:
        """A comparator that makes up a feature neither rationale states."""

        name = "grounded"
        model = None

        def identity(self) -> str:
            return "inventing"

        def prompt_hash(self) -> str:
            return "inventing"

        def compare_many(self, items: list) -> list[str]:
            return ["The lesion shows ulceration and silvery scale." for _ in items]

    queued = synthesize(
        curated_store, tmp_path / "q", SynthOptions(types=["type1", "type2"]), comparator=Inventing()
    )
    assert queued.grounded_failed == queued.queued_for_review == queued.counts_by_type["type1"]
    lines = (tmp_path / "q" / "review_queue.jsonl").read_text().splitlines()
    assert len(lines) == queued.queued_for_review
    assert "ulcer" in json.loads(lines[0])["grounded"]["ungrounded"]
    dropped = synthesize(
        curated_store,
        tmp_path / "d",
        SynthOptions(types=["type2"], on_ungrounded="drop"),
        comparator=Inventing(),
    )
    assert dropped.dropped > 0 and dropped.total == 0 and not (tmp_path / "d").exists()


def test_proposed_ddx_edges_count_only_with_include_proposed(
    curated_store: GraphStore, tmp_path: Path
) -> None:
    from kg.models import Assertion

    proposed = curated_store.add_assertion(
        Assertion(kind="ddx", subject="dermatofibroma", object="nevus-nos-dermal", origin="llm", score=0.8)
    )
    assert proposed.status == "proposed"

    def partners(include: bool) -> set[tuple[str | None, str | None]]:
        options = SynthOptions(types=["type2"], include_proposed=include)
        synthesize(curated_store, tmp_path / f"sft-{include}", options, hf=False)
        rows = read_rows(tmp_path / f"sft-{include}" / "trajectories.jsonl")
        return {
            (r.provenance.partner_source, r.ddx_assertion_id)
            for r in rows
            if r.primary_diagnosis == "dermatofibroma"
        }

    assert partners(False) == {("random_fallback", None)}
    assert partners(True) == {("ddx", proposed.id)}


def test_a_graph_export_plans_exactly_like_the_store(curated_store: GraphStore) -> None:
    from synth.snapshot import SynthGraph
    from synth.trajectories import plan_trajectories

    def plans(graph: SynthGraph) -> list[str]:
        return [p.model_dump_json() for p in plan_trajectories(graph, ALL.types, seed=1)]

    from_store = SynthGraph.from_store(curated_store)
    from_export = SynthGraph.from_export(curated_store.export_graph())
    assert plans(from_store) == plans(from_export)
