"""``kg duplicates`` on the real ISIC + Skin-R1 vocabularies (plus ingest-like near-duplicates):
proposals with their rule, applied through the revertible merge, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kg import algorithms as alg
from kg.duplicates import apply_proposal, dismissal_comment, dismissed_pairs, find_duplicates
from kg.importers import run_import
from kg.models import Diagnosis, EventQuery
from kg.store import GraphStore


@pytest.fixture
def real_store(any_store: GraphStore, shared_data: Path) -> GraphStore:
    run_import(any_store, "isic", shared_data / "isic-taxonomy" / "diagnosis_paths.txt")
    run_import(any_store, "skinr1", shared_data / "skinr1-vocabulary" / "synonym_and_subtype2.json")
    # what the handbook ingest proposes (see README step 4): near-duplicates of one another
    any_store.upsert_diagnoses(
        [
            Diagnosis(id="herpes-simplex", name="herpes simplex", status="proposed"),
            Diagnosis(id="herpes-simplex-infection", name="herpes simplex infection", status="proposed"),
            Diagnosis(id="tinea-versicolor", name="Tinea versicolor", status="proposed"),
            Diagnosis(id="pityriasis-versicolor", name="Pityriasis versicolor", status="proposed"),
            Diagnosis(id="haemangiomas", name="Infantile haemangiomas", status="proposed"),
        ]
    )
    return any_store


def _pairs(store: GraphStore) -> dict[frozenset[str], str]:
    return {frozenset(p.names): p.rule for p in find_duplicates(store).proposals}


def test_proposals_cover_each_rule(real_store: GraphStore) -> None:
    pairs = _pairs(real_store)
    assert pairs[frozenset({"Leiomyosarcoma, Cutaneous", "cutaneous leiomyosarcoma"})] == "inverted_name"
    assert pairs[frozenset({"herpes simplex", "herpes simplex infection"})] == "generic_word"
    assert pairs[frozenset({"Tinea versicolor", "Pityriasis versicolor"})] == "distinctive_word"
    # British spelling and plural (kg.names normalises both, so it is a shared name key)
    assert frozenset({"Infantile haemangiomas", "infantile hemangioma"}) in pairs
    report = find_duplicates(real_store)
    names = {n for p in report.proposals for n in p.names}
    assert not names & {"Benign", "Malignant", "Indeterminate"}  # classes are never merged
    assert len(report.proposals) <= 40  # reviewable, not a flood: 563 diagnoses in
    # a subtype that differs by a generic word is taxonomy, not a duplicate
    assert not any(p.rule == "generic_word" and p.related for p in report.proposals)


def test_applying_a_proposal_merges_revertibly_and_fixes_the_class(real_store: GraphStore) -> None:
    report = find_duplicates(real_store)
    leio = next(p for p in report.proposals if "cutaneous leiomyosarcoma" in p.names)
    merged = apply_proposal(real_store, leio.id, user="ann")
    assert leio.drop in merged.aliases
    view = real_store.graph_view()
    res = alg.malignancy(view, merged.id)
    assert res.value == "malignant"
    assert view.name(alg.path(view, merged.id)[0]) == "Malignant"  # the malignant parent is primary
    [event] = real_store.list_events(EventQuery(action="merge")).items
    assert leio.id in (event.reason or "")  # the proposal and its rule are on the audit log
    real_store.revert_event(event.id, user="ann", reason="test")
    assert real_store.get_diagnosis(leio.drop) is not None
    assert {leio.keep, leio.drop} <= {d.id for d in real_store.list_diagnoses()}
    with pytest.raises(Exception, match="no duplicate proposal"):
        apply_proposal(real_store, "dup-000000000000", user="ann")


def test_cli_lists_and_applies(real_store: GraphStore) -> None:
    from dermkg.cli import app

    url = real_store.url
    listed = CliRunner().invoke(app, ["kg", "duplicates", "--store", url, "--json"])
    assert listed.exit_code == 0, listed.output
    payload = json.loads(listed.stdout)
    target = next(p for p in payload["proposals"] if p["rule"] == "generic_word")
    applied = CliRunner().invoke(
        app, ["kg", "duplicates", "--apply", target["id"], "-u", "ann", "--store", url, "--json"]
    )
    assert applied.exit_code == 0, applied.output
    assert target["drop"] in json.loads(applied.stdout)["aliases"]
    missing = CliRunner().invoke(app, ["kg", "duplicates", "--apply", "dup-nope", "--store", url])
    assert missing.exit_code == 2 and "no duplicate proposal" in missing.output


def test_cli_hides_pairs_a_curator_dismissed_unless_asked(real_store: GraphStore) -> None:
    """The studio's "Not duplicates" is an audit comment; the CLI reads it through the same function."""
    from dermkg.cli import app

    tinea = next(p for p in find_duplicates(real_store).proposals if "Tinea versicolor" in p.names)
    real_store.comment("diagnosis", tinea.keep, dismissal_comment(tinea, "different organisms"), user="ann")
    real_store.comment("diagnosis", tinea.keep, "[not-duplicate] about dup-0 in general", user="ann")
    assert dismissed_pairs(real_store) == {tinea.id}

    def listed(*extra: str) -> dict:
        result = CliRunner().invoke(app, ["kg", "duplicates", "--store", real_store.url, "--json", *extra])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    hidden, shown = listed(), listed("--show-dismissed")
    assert tinea.id not in {p["id"] for p in hidden["proposals"]} and hidden["dismissed"] == 1
    assert tinea.id in {p["id"] for p in shown["proposals"]} and shown["dismissed"] == 0
    assert len(shown["proposals"]) == len(hidden["proposals"]) + 1
    assert sum(hidden["by_rule"].values()) == len(hidden["proposals"])  # counts what is listed
    people = CliRunner().invoke(app, ["kg", "duplicates", "--store", real_store.url])
    assert "1 dismissed (--show-dismissed)" in people.stdout and "Tinea versicolor" not in people.stdout
