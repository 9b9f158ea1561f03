"""The whole data flow of DESIGN.md through the real ``dermkg`` CLI, on the real shared data.

init -> import ISIC + Skin-R1 vocabularies -> import Derm7pt cases -> curator DDx -> ingest the BAD
handbook and accept some of its DDx -> trajectories, RL and eval sets -> SFT, GRPO, eval on a tiny
local Qwen2.5-VL -> curate (reject a DDx edge) -> trajectories again: only the affected rows change.

Every step goes through the root typer app with ``--json`` and the test reads what it printed; the
store is read back (read-only) only to check that provenance points at real ids. The CLI contract
(``--json`` everywhere, bad input is one line and exit 2) is in ``test_cli_contract.py``: it trains nothing.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from dermkg.cli import app
from kg.store import open_store
from train.rewards import skin_r1_rewards

pytestmark = [pytest.mark.train, pytest.mark.torch, pytest.mark.slow]

runner = CliRunner()

# Differentials every dermatology text names; each end has Derm7pt cases.
CURATOR_DDX = [
    ("melanoma", "melanocytic nevus"),
    ("seborrheic keratosis", "melanoma"),
    ("basal cell carcinoma", "seborrheic keratosis"),
    ("basal cell carcinoma", "dermatofibroma"),
]
HANDBOOK = "bad-handbook/bad-derm-handbook-3rd-ed.pdf"
IMAGED_HANDBOOK_DDX = {"melanocytic-nevus", "seborrheic-keratosis"}  # its "Common important problems"
TRAIN_SMALL = {
    "lora": {"r": 8, "alpha": 16, "dropout": 0.1},
    "learning_rate": 1.0e-3,
    "max_steps": 2,
    "max_pixels": 56 * 56,
    "report_to": ["csv"],
    "logging_steps": 1,
    "warmup_ratio": 0.0,
    "save_steps": 100,
    "gradient_checkpointing": False,
}


def dermkg(*args: str | Path) -> Any:
    """Run ``dermkg ARGS --json``; it must succeed and print exactly one JSON document on stdout."""
    result = runner.invoke(app, [str(a) for a in args] + ["--json"])
    assert result.exit_code == 0, f"dermkg {' '.join(map(str, args))}: {result.output[-2000:]}"
    return json.loads(result.stdout)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def write_yaml(path: Path, fields: dict[str, Any]) -> Path:
    """JSON is YAML: the train configs take it as is."""
    path.write_text(json.dumps(fields, indent=2), encoding="utf-8")
    return path


@dataclass
class Flow:
    """What each step printed (its ``--json`` report) and where it wrote."""

    url: str
    work: Path
    reports: dict[str, Any] = field(default_factory=dict)
    accepted_ddx: list[dict[str, Any]] = field(default_factory=list)
    handbook_sha256: str = ""
    rows_before: dict[str, dict[str, Any]] = field(default_factory=dict)
    rows_after: dict[str, dict[str, Any]] = field(default_factory=dict)
    rejected: str = ""


@pytest.fixture(scope="module")
def flow(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Flow:
    """Run every stage once, in order, through the CLI."""
    work = tmp_path_factory.mktemp("pipeline")
    f = Flow(url=f"sqlite:///{work / 'kg.db'}", work=work)
    store = ["--store", f.url]
    r = f.reports
    r["init"] = dermkg("init", *store)
    r["isic"] = dermkg(
        "kg", "import", "--format", "isic", shared_data / "isic-taxonomy/diagnosis_paths.txt", *store
    )
    r["skinr1"] = dermkg(
        "kg",
        "import",
        "--format",
        "skinr1",
        shared_data / "skinr1-vocabulary/synonym_and_subtype2.json",
        *store,
    )
    r["cases"] = dermkg("kg", "import-cases", "--format", "derm7pt", shared_data / "derm7pt-subset", *store)
    for a, b in CURATOR_DDX:
        f.accepted_ddx.append(dermkg("review", "add", "--kind", "ddx", a, b, "--accept", "-u", "ann", *store))

    r["ingest_dry"] = dermkg("ingest", "--dry-run", shared_data / HANDBOOK, *store)
    r["ingest"] = dermkg("ingest", shared_data / HANDBOOK, *store)
    f.handbook_sha256 = r["ingest"]["documents"][0]["sha256"]
    proposed = dermkg(
        "review", "list", "--kind", "ddx", "--source", f.handbook_sha256, "--limit", "500", *store
    )["items"]
    r["proposed_ddx"] = proposed
    # accept two handbook DDx: one whose ends have Derm7pt images (below them), so it feeds Types 2/3,
    # and the first other proposal
    picks = [next(a for a in proposed if {a["subject"], a["object"]} == IMAGED_HANDBOOK_DDX)]
    picks.append(next(a for a in proposed if a["id"] != picks[0]["id"]))
    r["accept"] = dermkg("review", "accept", *[a["id"] for a in picks], "-u", "bob", *store)
    f.accepted_ddx += r["accept"]
    # diagnosis-level findings from the Derm7pt statistics, reviewed: body sites are not criteria
    from kg.findings import seed_concepts

    sites = {c.id for c in seed_concepts() if c.type == "site"}
    derm7pt_dir = f"derm7pt={shared_data / 'derm7pt-subset'}"
    r["findings"] = dermkg("kg", "propose-findings", "--from-cases", "--dataset", derm7pt_dir, *store)
    keep = [p["id"] for p in r["findings"]["proposed"] if p["finding"] not in sites]
    dermkg("review", "accept", *keep, "-u", "ann", *store)
    # and one a dermatologist adds by hand: hairpin (looped) vessels are typical of seborrheic keratosis
    hairpin = ("seborrheic keratosis", "hairpin vessels", "--relation", "typical")
    dermkg("review", "add", "--kind", "finding", *hairpin, "-u", "ann", "--accept", *store)
    # and a keratosis has no pigment network: what separates it from melanoma and naevi (issue 12)
    network = ("seborrheic keratosis", "pigment network", "--relation", "against")
    dermkg("review", "add", "--kind", "finding", *network, "-u", "ann", "--accept", *store)
    r["stats"] = dermkg("kg", "stats", *store)

    sft_dir, rl_dir, eval_dir = work / "sft", work / "rl", work / "eval"
    r["trajectories"] = dermkg("synth", "trajectories", "--out", sft_dir, *store)
    f.rows_before = {row["id"]: row for row in read_jsonl(sft_dir / "trajectories.jsonl")}
    derm7pt = f"derm7pt={shared_data / 'derm7pt-subset'}"
    r["datasets"] = dermkg("synth", "datasets", "--dataset", derm7pt, "--out", rl_dir, *store)
    r["evalsets"] = dermkg(
        "synth", "evalsets", "--dataset", derm7pt, "--omnimedvqa", shared_data / "omnimedvqa-derm",
        "--out", eval_dir, *store,
    )  # fmt: skip

    model = work / "tiny"
    r["tiny"] = dermkg("train", "tiny-model", model)
    sft_cfg = {
        "model": str(model),
        "data": str(sft_dir / "trajectories.jsonl"),
        "output_dir": str(work / "runs/sft"),
    }
    sft_cfg |= {"effective_batch_size": 2, "per_device_batch_size": 2, "max_length": 1024, **TRAIN_SMALL}
    r["sft"] = dermkg("train", "sft", "--config", write_yaml(work / "sft.yaml", sft_cfg))
    grpo_cfg = {"model": str(model), "sft_adapter": r["sft"]["adapter_dir"], "data": str(rl_dir / "rl")}
    grpo_cfg |= {"output_dir": str(work / "runs/grpo"), "effective_batch_size": 4, "per_device_batch_size": 4}
    grpo_cfg |= {"num_generations": 2, "max_completion_length": 16, **TRAIN_SMALL}
    r["grpo"] = dermkg("train", "grpo", "--config", write_yaml(work / "grpo.yaml", grpo_cfg))
    r["eval"] = dermkg(
        "train", "eval", "--model", model, "--adapter", r["grpo"]["adapter_dir"],
        "--evalset", eval_dir / "diagnosis",
        "--out", work / "results", "--limit", "4", "--batch-size", "4", "--max-new-tokens", "8",
        "--max-pixels", str(56 * 56),
    )  # fmt: skip

    # curate: the curator withdraws her melanoma / seborrheic keratosis differential
    f.rejected = f.accepted_ddx[1]["id"]
    r["reject"] = dermkg("review", "reject", f.rejected, "-u", "ann", "-r", "too rare to matter", *store)
    r["trajectories_again"] = dermkg("synth", "trajectories", "--out", sft_dir, *store)
    f.rows_after = {row["id"]: row for row in read_jsonl(sft_dir / "trajectories.jsonl")}
    return f


@pytest.fixture(scope="module")
def graph(flow: Flow) -> Iterator[Any]:
    """The final store, read-only, to resolve the ids the outputs point at."""
    store = open_store(flow.url)
    yield store
    store.close()


def test_imports_build_a_graph_and_each_write_bumps_the_revision(flow: Flow) -> None:
    r = flow.reports
    assert r["init"]["diagnoses_created"] > 0 and r["init"]["label_mappings"] > 0
    assert r["isic"]["assertions_created"] > 300 and r["skinr1"]["assertions_created"] > 100
    assert r["cases"]["cases_created"] > 100  # the Derm7pt subset ships a part of the images
    revisions = [r[k]["revision"] for k in ("init", "isic", "skinr1", "cases")]
    assert revisions == sorted(set(revisions))
    stats = r["stats"]
    assert stats["assertions"]["ddx"]["accepted"] == len(CURATOR_DDX) + 2
    assert stats["assertions"]["ddx"]["proposed"] == len(r["proposed_ddx"]) - 2
    assert stats["cases"] > r["cases"]["cases_created"]  # plus the handbook's figures


def test_curator_ddx_are_canonical_human_assertions(flow: Flow) -> None:
    for added in flow.accepted_ddx[: len(CURATOR_DDX)]:
        assert added["kind"] == "ddx" and added["status"] == "accepted" and added["reviewed_by"] == "ann"
        assert added["subject"] < added["object"]  # stored once, in the canonical direction


def test_ingested_ddx_carry_handbook_evidence(flow: Flow, graph: Any) -> None:
    doc = flow.reports["ingest"]["documents"][0]
    assert doc["status"] == "ingested" and doc["pages"] > 50
    dry = flow.reports["ingest_dry"]["documents"][0]
    assert dry["assertions_proposed"] == doc["assertions_proposed"]  # the dry run predicted the write
    assert doc["assertions_proposed"]["ddx"] > 10
    for accepted in flow.reports["accept"]:
        assert accepted["status"] == "accepted" and accepted["reviewed_by"] == "bob"
        ev = [e for e in accepted["evidence"] if e["source_sha256"] == flow.handbook_sha256]
        assert ev and all(e["page"] >= 1 and e["quote"].strip() for e in ev)
        assert graph.get_source(flow.handbook_sha256) is not None


def test_trajectories_record_revision_and_point_at_existing_ids(flow: Flow, graph: Any) -> None:
    report = flow.reports["trajectories"]
    assert report["regeneration"]["new"] == report["total"] > 0
    assert all(report["counts_by_type"][t] > 0 for t in ("type1", "type2"))
    # a Type 3 needs a first impression this image supports (issue 12 review): where the curated
    # findings give none, the revisions are counted as dropped, with the knowledge that is missing
    again = flow.reports["trajectories_again"]["counts_by_type"]
    revisions = report["counts_by_type"].get("type3", 0) + again.get("type3", 0)
    assert (
        revisions > 0
        or "no finding the lesion shows suggests the first diagnosis" in report["dropped_reasons"]
    )
    assert report["revision"] == flow.reports["stats"]["revision"]
    accepted = {a["id"] for a in flow.accepted_ddx}
    for row in flow.rows_before.values():
        prov = row["provenance"]
        assert prov["revision"] == report["revision"]
        cases = [graph.get_case(c) for c in prov["case_ids"]]
        assert cases and all(c is not None for c in cases), row["id"]
        assert row["image_sha256"] in {c.image_sha256 for c in cases}
        for aid in prov["assertion_ids"]:
            assert graph.get_assertion(aid) is not None, (row["id"], aid)
        if row["ddx_assertion_id"]:
            assert row["ddx_assertion_id"] in accepted  # only accepted DDx feed Types 2/3
    used = Counter(r["ddx_assertion_id"] for r in flow.rows_before.values())
    assert flow.reports["accept"][0]["id"] in used  # the handbook edge between imaged diagnoses


def test_no_image_is_in_two_splits_across_the_exports(flow: Flow) -> None:
    def splits_by_image(rows: list[dict[str, Any]], key: str) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for row in rows:
            out[row[key]].add(row["split"])
        return out

    sft = splits_by_image(list(flow.rows_after.values()), "image_sha256")
    assert all(len(s) == 1 for s in sft.values())
    rl = [row for s in ("train", "valid", "test") for row in read_jsonl(flow.work / f"rl/rl/{s}.jsonl")]
    assert all(len(s) == 1 for s in splits_by_image(rl, "image_sha256").values())
    assert flow.reports["datasets"]["leakage"]["across_splits"] == []
    eval_test = {row["image_sha256"] for row in read_jsonl(flow.work / "eval/diagnosis/test.jsonl")}
    rl_train = {row["image_sha256"] for row in rl if row["split"] == "train"}
    sft_train = {sha for sha, s in sft.items() if s == {"train"}}
    assert eval_test and rl_train and sft_train
    assert not eval_test & rl_train
    assert not eval_test & sft_train  # SFT never trains on an image the eval set tests on


def test_rl_rows_are_graded_by_the_training_rewards(flow: Flow) -> None:
    rows = read_jsonl(flow.work / "rl/rl/train.jsonl")
    assert len(rows) == flow.reports["datasets"]["tasks"]["rl"]["train"] > 0
    columns = {k: [row[k] for row in rows] for k in ("id", "options", "option_scores", "lesion_condition")}

    def answer(letters: list[str]) -> list[str]:
        return [
            # the letter alone: an option text such as "melanoma in situ" would state a condition too
            f"<thinking>findings</thinking><final diagnosis>{letter}. Lesion condition: "
            f"{row['lesion_condition']}</final diagnosis>"
            for letter, row in zip(letters, rows, strict=True)
        ]

    fmt, gran, malig = (
        fn(None, answer([row["answer"] for row in rows]), **columns) for fn in skin_r1_rewards()
    )
    assert fmt == [1.0] * len(rows)
    for g, row in zip(gran, rows, strict=True):
        assert g == pytest.approx(row["option_scores"][row["answer"]]) and g > 0
    assert malig == [0.25 if row["lesion_condition"] else None for row in rows]
    wrong = [min(row["options"], key=lambda k: row["option_scores"].get(k, 0.0)) for row in rows]
    worse = skin_r1_rewards()[1](None, answer(wrong), **columns)
    assert all(w < g for w, g in zip(worse, gran, strict=True))  # a coarser or wrong option earns less


def test_training_runs_on_exactly_the_exported_files(flow: Flow) -> None:
    r = flow.reports
    assert (
        r["sft"]["global_step"] == 2
        and r["sft"]["train_rows"] == r["trajectories"]["counts_by_split"]["train"]
    )
    assert (Path(r["sft"]["adapter_dir"]) / "adapter_config.json").is_file()
    assert r["grpo"]["global_step"] == 2 and r["grpo"]["train_rows"] == r["datasets"]["tasks"]["rl"]["train"]
    logged = (flow.work / "runs/grpo/train_log.csv").read_text(encoding="utf-8")
    for reward in ("format_reward", "granularity_reward", "malignancy_reward"):
        assert f"rewards/{reward}/mean" in logged
    assert r["eval"]["n"] == 4 and Path(r["eval"]["results_csv"]).is_file()
    assert 0.0 <= r["eval"]["invalid_rate"] <= 1.0


def test_curation_regenerates_exactly_the_affected_rows(flow: Flow) -> None:
    before, after = flow.rows_before, flow.rows_after
    affected = {i for i, row in before.items() if row["ddx_assertion_id"] == flow.rejected}
    assert affected
    again = flow.reports["trajectories_again"]
    changed = {i for i in before if i not in after or after[i] != before[i]}
    # every row built on the withdrawn edge is rebuilt (a new partner) or removed (no accepted finding
    # separates the new pair); no other row changes by a byte
    assert changed == affected
    removed, new = set(before) - set(after), set(after) - set(before)
    regen = again["regeneration"]
    assert regen == {
        "reused": len(before) - len(affected),
        "regenerated": len(affected) - len(removed),
        "new": len(new),
        "removed": len(removed),
    }
    # new rows: plans of the edge's neighbourhood that had no honest row before (no accepted finding
    # separated the old pair) and have one with the new partner
    assert again["revision"] > flow.reports["trajectories"]["revision"]  # the rejection is a new revision
    for i, row in after.items():
        if i in affected or i in new:
            assert row["ddx_assertion_id"] != flow.rejected
            assert row["provenance"]["revision"] == again["revision"]
        else:
            assert row == before[i]  # byte-for-byte the same row, still at the old revision
    manifest = json.loads((flow.work / "sft/manifest.json").read_text(encoding="utf-8"))
    assert flow.rejected not in {edge[0] for edge in manifest["ddx_edges"]}
