"""``dermkg kg …`` and ``dermkg review …`` through typer's CliRunner, on a real SQLite store."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest
import typer
from typer.testing import CliRunner, Result

from kg.cli import app as kg_app
from kg.cli import init
from kg.models import Diagnosis, GraphExport
from kg.review_cli import app as review_app

runner = CliRunner()
Run = Callable[..., Result]

DIAGNOSES = [
    Diagnosis(id="melanocytic", name="Melanocytic proliferation"),
    Diagnosis(id="melanoma", name="Melanoma", malignancy="malignant", synonyms=["Malignant melanoma"]),
    Diagnosis(id="ssm", name="Superficial spreading melanoma"),
    Diagnosis(id="nevus", name="Melanocytic naevus", malignancy="benign", synonyms=["Mole"]),
    Diagnosis(id="blue-nevus", name="Blue naevus"),
    Diagnosis(id="seb-k", name="Seborrhoeic keratosis"),
]


def seed_file(path: Path) -> Path:
    path.write_text(GraphExport(revision=1, diagnoses=DIAGNOSES).model_dump_json(), encoding="utf-8")
    return path


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """Invoke ``dermkg kg|review ARGS --store <tmp>``; the first argument picks the group."""
    url = f"sqlite:///{tmp_path / 'kg.db'}"

    def invoke(group: str, *args: str, store: str = url, ok: bool = True) -> Result:
        app = {"kg": kg_app, "review": review_app}[group]
        result = runner.invoke(app, [*args, "--store", store], env={"DERMKG_STORE": ""})
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return invoke


@pytest.fixture
def graph(run: Run, tmp_path: Path) -> Run:
    """A small graph built through the CLI: restore names, then curate edges with ``review add``."""
    run("kg", "import", "--format", "graph-json", str(seed_file(tmp_path / "seed.json")))
    for child, parent in [("melanoma", "melanocytic"), ("Mole", "melanocytic"), ("ssm", "melanoma")]:
        run("review", "add", "--kind", "is_a", child, parent, "--user", "ann", "--accept")
    run("review", "add", "--kind", "is_a", "blue naevi", "nevus", "--user", "ann", "--accept")
    run(
        "review",
        "add",
        "--kind",
        "ddx",
        "malignant melanomas",
        "seborrheic keratoses",
        "--user",
        "ann",
        "--accept",
    )
    run("review", "add", "--kind", "ddx", "melanoma", "nevus", "--user", "bob")  # stays proposed
    return run


def as_json(result: Result) -> object:
    return json.loads(result.stdout)


def test_stats_counts_per_kind_and_status(graph: Run) -> None:
    stats = as_json(graph("kg", "stats", "--json"))
    assert stats == {
        "diagnoses": 6,
        "findings": 0,
        "assertions": {
            "is_a": {"proposed": 0, "accepted": 4, "rejected": 0, "superseded": 0},
            "ddx": {"proposed": 1, "accepted": 1, "rejected": 0, "superseded": 0},
            "finding": {"proposed": 0, "accepted": 0, "rejected": 0, "superseded": 0},
        },
        "cases": 0,
        "revision": 6,  # restore at 1, then one per accepted edge (5)
    }


def test_path_resolves_names_and_reports_malignancy(graph: Run) -> None:
    got = as_json(graph("kg", "path", "superficial spreading melanomas", "--json"))
    assert [n["id"] for n in got["path"]] == ["melanocytic", "melanoma", "ssm"]
    assert got["depth"] == 2
    assert got["malignancy"]["value"] == "malignant" and got["malignancy"]["inherited_from"] == "melanoma"
    human = graph("kg", "path", "ssm")
    assert "Melanocytic proliferation > Melanoma > Superficial spreading melanoma" in human.stdout


def test_ddx_lists_neighbours_both_ways_and_resolves(graph: Run) -> None:
    got = as_json(graph("kg", "ddx", "seb-k", "--json"))
    assert [n["id"] for n in got["neighbours"]] == ["melanoma"]
    assert [n["id"] for n in as_json(graph("kg", "ddx", "melanoma", "--json"))["neighbours"]] == ["seb-k"]
    both = as_json(graph("kg", "ddx", "melanoma", "--include-proposed", "--json"))
    assert [n["id"] for n in both["neighbours"]] == ["nevus", "seb-k"]
    resolved = as_json(graph("kg", "ddx", "ssm", "--resolve", "--json"))
    assert resolved["candidates_from"] == "parent" and resolved["neighbor"] is None  # no cases yet


def test_unknown_names_fail_with_suggestions(graph: Run) -> None:
    result = graph("kg", "path", "melanomma", ok=False)
    assert result.exit_code == 2
    assert "unknown diagnosis 'melanomma'" in result.output and "Melanoma" in result.output
    got = as_json(graph("kg", "resolve", "seborrheic keratosis", "--json"))
    assert got["match"]["id"] == "seb-k"


def test_review_list_accept_reject_and_history(graph: Run) -> None:
    page = as_json(graph("review", "list", "--json"))
    assert page["total"] == 1
    [proposed] = page["items"]
    no_reason = graph("review", "reject", proposed["id"], "--user", "carl", ok=False)
    assert no_reason.exit_code != 0
    stale = graph("review", "accept", proposed["id"], "--user", "carl", "--expected-version", "99", ok=False)
    assert stale.exit_code == 2 and "version" in stale.output
    voted = as_json(graph("review", "accept", proposed["id"], "--user", "carl", "--votes", "2", "--json"))
    assert voted[0]["status"] == "proposed"
    done = as_json(graph("review", "accept", proposed["id"], "--user", "dana", "--votes", "2", "--json"))
    assert done[0]["status"] == "accepted"
    assert as_json(graph("review", "list", "--json"))["total"] == 0
    assert as_json(graph("review", "list", "--status", "any", "--json"))["total"] == 6
    events = as_json(graph("review", "history", "--target", proposed["id"], "--json"))["items"]
    assert [e["action"] for e in events] == ["accept", "vote", "create"]
    rejected = as_json(
        graph("review", "reject", proposed["id"], "--user", "ann", "--reason", "dup", "--json")
    )
    assert rejected[0]["status"] == "rejected"
    reject_event = as_json(graph("review", "history", "--target", proposed["id"], "--json"))["items"][0]
    graph("review", "revert", reject_event["id"], "--user", "ann", "--reason", "misclick")
    listed = as_json(graph("review", "list", "--status", "accepted", "--kind", "ddx", "--json"))
    assert listed["total"] == 2


def test_review_add_refuses_cycles_and_merge_keeps_aliases(graph: Run) -> None:
    cycle = graph(
        "review", "add", "--kind", "is_a", "melanocytic", "ssm", "--user", "ann", "--accept", ok=False
    )
    assert cycle.exit_code == 2 and "cyclic" in cycle.output
    assert as_json(graph("review", "list", "--kind", "is_a", "--json"))["total"] == 0  # all or nothing
    merged = as_json(graph("review", "merge", "nevus", "blue naevus", "--user", "ann", "--json"))
    assert merged["aliases"] == ["blue-nevus"] and "Blue naevus" in merged["synonyms"]
    assert as_json(graph("kg", "path", "blue-nevus", "--json"))["diagnosis"]["id"] == "nevus"


def test_lint_reports_and_can_fail(graph: Run) -> None:
    graph("review", "add", "--kind", "ddx", "ssm", "melanocytic", "--user", "ann", "--accept")
    report = as_json(graph("kg", "lint", "--json"))
    codes = {i["code"] for i in report["issues"]}
    assert {"ddx_ancestor", "orphan"} <= codes
    assert report["counts"]["error"] == 0
    assert graph("kg", "lint", "--fail-on", "warning", ok=False).exit_code == 1
    graph("kg", "lint", "--fail-on", "error")


def test_export_json_round_trips_through_import_graph_json(graph: Run, tmp_path: Path) -> None:
    out = tmp_path / "graph.json"
    graph("kg", "export", "--format", "json", str(out))
    data = json.loads(out.read_text())
    assert {"revision", "diagnoses", "assertions", "cases", "events"} <= set(data)
    other = f"sqlite:///{tmp_path / 'copy.db'}"
    restored = as_json(graph("kg", "import", "--format", "graph-json", str(out), "--json", store=other))
    assert restored["diagnoses"] == 6 and restored["revision"] == data["revision"]
    again = tmp_path / "again.json"
    graph("kg", "export", str(again), store=other)
    assert again.read_text() == out.read_text()
    refused = graph("kg", "import", "--format", "graph-json", str(out), store=other, ok=False)
    assert refused.exit_code == 2 and "not empty" in refused.output


def test_export_graphml_csv_and_names(graph: Run, tmp_path: Path) -> None:
    graph("kg", "export", "--format", "graphml", str(tmp_path / "g.graphml"))
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert g.number_of_nodes() == 6 and g.number_of_edges() == 6
    files = as_json(graph("kg", "export", "--format", "csv", str(tmp_path / "csv"), "--json"))["files"]
    assert sorted(Path(f).name for f in files) == [
        "assertions.csv",
        "cases.csv",
        "diagnoses.csv",
        "evidence.csv",
        "findings.csv",
    ]
    assert (tmp_path / "csv" / "diagnoses.csv").read_text().count("\n") == 7
    graph("kg", "export", "--names", str(tmp_path / "names.json"))
    named = json.loads((tmp_path / "names.json").read_text())
    assert ("Superficial spreading melanoma", "Melanoma") in {
        (a["subject"], a["object"]) for a in named["assertions"]
    }


def test_bad_graph_json_names_the_file(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"revision": "x"}')
    result = run("kg", "import", "--format", "graph-json", str(bad), ok=False)
    assert result.exit_code == 2 and "bad.json" in result.output


def test_init_then_stats_is_the_main_job(tmp_path: Path) -> None:
    """``dermkg init`` loads the bundled seed vocabulary (kg.seed); stats then sees it."""
    app = typer.Typer()
    app.command("init")(init)
    app.command("other")(lambda: None)
    url = f"sqlite:///{tmp_path / 'kg.db'}"
    first = runner.invoke(app, ["init", "--store", url, "--json"])
    assert first.exit_code == 0, first.output
    assert runner.invoke(app, ["init", "--store", url]).exit_code == 0  # idempotent
    stats = json.loads(runner.invoke(kg_app, ["stats", "--store", url, "--json"]).stdout)
    assert stats["diagnoses"] > 0 and stats["revision"] == 1


def test_only_commands_that_fill_a_graph_create_a_store(run: Run, tmp_path: Path) -> None:
    typo = tmp_path / "kg-typo.db"
    for args in (["stats"], ["lint"], ["path", "melanoma"], ["export", str(tmp_path / "out.json")]):
        result = run("kg", *args, store=f"sqlite:///{typo}", ok=False)
        assert result.exit_code == 2 and "no store at" in result.output, args
    result = run("review", "list", store=f"sqlite:///{typo}", ok=False)
    assert result.exit_code == 2 and "no store at" in result.output
    assert not typo.exists()  # nothing was created by a mistyped path

    run(
        "kg",
        "import",
        "--format",
        "graph-json",
        str(seed_file(tmp_path / "seed.json")),
        store=f"sqlite:///{typo}",
    )
    assert as_json(run("kg", "stats", "--json", store=f"sqlite:///{typo}"))["diagnoses"] == len(DIAGNOSES)
