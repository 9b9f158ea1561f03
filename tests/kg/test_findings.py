"""Finding concepts (seed), Derm7pt polarity, the statistics and ``kg propose-findings`` / ``review add
--kind finding`` on the real Derm7pt metadata (issue 12 points 1-2)."""

from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from kg.cli import app as kg_app
from kg.finding_stats import fisher_one_sided, wilson
from kg.findings import derm7pt_observations, generic_of, seed_concepts
from kg.review_cli import app as review_app
from kg.seed import init_store
from kg.store import make_store

runner = CliRunner()


def test_seed_concepts_have_unique_ids_types_and_synonyms() -> None:
    concepts = seed_concepts()
    assert len({c.id for c in concepts}) == len(concepts) > 100
    types = Counter(c.type for c in concepts)
    assert set(types) == {"dermoscopy", "morphology", "colour", "distribution", "site", "history"}
    by_id = {c.id: c for c in concepts}
    assert by_id["fnd-atypical-pigment-network"].type == "dermoscopy"
    assert "irregular pigment network" in by_id["fnd-atypical-pigment-network"].synonyms
    assert by_id["fnd-back"].type == "site" and by_id["fnd-itchy"].type == "history"


@pytest.mark.parametrize(
    ("row", "seen", "unseen"),
    [
        # a value names its concept and the criterion; the other values of the criterion are ruled out
        (
            {"pigment_network": "atypical"},
            {"fnd-atypical-pigment-network", "fnd-pigment-network"},
            {"fnd-typical-pigment-network"},
        ),
        # "absent" is *not observed*, never the opposite finding
        ({"pigment_network": "absent"}, set(), {"fnd-pigment-network", "fnd-typical-pigment-network"}),
        # pigmentation: absent is no blotch — never "a non-pigmented lesion" (colour stays unknown)
        ({"pigmentation": "absent"}, set(), {"fnd-blotch", "fnd-diffuse-irregular-pigmentation"}),
        ({"blue_whitish_veil": "present"}, {"fnd-blue-whitish-veil"}, set()),
        ({"vascular_structures": "within regression"}, {"fnd-within-regression-vascular-structures"}, set()),
        # elevation and site are observed, but never rule anything out
        ({"elevation": "nodular", "location": "head neck"}, {"fnd-nodule", "fnd-head-and-neck"}, set()),
        # an unknown value is neither seen nor ruled out
        ({"streaks": "sparkly"}, set(), set()),
    ],
)
def test_derm7pt_values_map_with_their_polarity(row: dict, seen: set, unseen: set) -> None:
    obs = derm7pt_observations(row)
    assert seen <= set(obs.observed)
    assert unseen <= set(obs.not_observed)
    assert not set(obs.observed) & set(obs.not_observed)
    assert "fnd-pigmented" not in obs.observed + obs.not_observed  # the colour concept is never touched
    if row == {"streaks": "sparkly"}:
        assert obs.observed == obs.not_observed == []


def test_generic_concepts_are_implied_by_specific_ones() -> None:
    assert generic_of()["fnd-irregular-streaks"] == "fnd-streaks"
    assert generic_of()["fnd-arborizing-vessels"] == "fnd-vascular-structures"


def test_wilson_and_fisher_match_published_values() -> None:
    lo, hi = wilson(0, 42)
    assert lo == 0 and math.isclose(hi, 0.0838, abs_tol=1e-3)
    lo, hi = wilson(23, 42)
    assert math.isclose(lo, 0.399, abs_tol=2e-3) and math.isclose(hi, 0.687, abs_tol=2e-3)
    # the lady tasting tea: [[3, 1], [1, 3]] one-sided p = 17/70
    assert math.isclose(fisher_one_sided(3, 1, 1, 3, greater=True), 17 / 70, rel_tol=1e-9)
    assert math.isclose(fisher_one_sided(3, 1, 1, 3, greater=False), 1 - 1 / 70, rel_tol=1e-9)


@pytest.fixture
def seeded(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'kg.db'}"
    with make_store(url) as store:
        report = init_store(store)
        assert report.finding_concepts == len(seed_concepts())
        assert len(store.list_findings()) == len(seed_concepts())
        assert store.resolve_finding("Blue-white veil").id == "fnd-blue-whitish-veil"
    return url


def test_propose_findings_uses_every_meta_row_and_is_idempotent(seeded: str, shared_data: Path) -> None:
    args = ["propose-findings", "--from-cases", "--dataset", f"derm7pt={shared_data / 'derm7pt-subset'}"]
    first = runner.invoke(kg_app, [*args, "--store", seeded, "--json"], env={"DERMKG_STORE": ""})
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    # 1,011 lesions, 8 of them labelled "miscellaneous" (deliberately unmapped): images or not
    assert report["datasets"] == {"derm7pt": 1003}
    assert report["skipped"] == {"label 'miscellaneous' maps to no diagnosis": 8}
    proposed = {(p["diagnosis"], p["finding"]): p for p in report["proposed"]}
    assert report["created"] == len(proposed) > 20
    arborizing = proposed[("basal-cell-carcinoma", "fnd-arborizing-vessels")]
    assert arborizing["relation"] == "typical" and arborizing["support"] == 23 and arborizing["cases"] == 42
    assert proposed[("invasive-melanoma", "fnd-regular-dots-and-globules")]["relation"] == "against"
    # never the inverted polarity: typical network is not proposed as typical of melanoma
    assert ("invasive-melanoma", "fnd-typical-pigment-network") not in proposed or (
        proposed[("invasive-melanoma", "fnd-typical-pigment-network")]["relation"] == "against"
    )
    again = json.loads(
        runner.invoke(kg_app, [*args, "--store", seeded, "--json"], env={"DERMKG_STORE": ""}).stdout
    )
    assert again["created"] == 0 and len(again["proposed"]) == len(proposed)
    with make_store(seeded) as store:
        a = store.get_assertion(arborizing["id"])
        assert a.status == "proposed" and a.origin == "stats" and a.relation == "typical"
        (ev,) = a.evidence
        assert ev.kind == "statistics" and "23 of 42 cases" in ev.quote and "Fisher" in ev.quote
        # the same numbers as structured data, for readers that must not parse the sentence
        assert ev.stats is not None and (ev.stats["support"], ev.stats["cases"], ev.stats["test"]) == (
            23,
            42,
            "enrichment",
        )
        assert store.get_source(ev.source_sha256).kind == "dataset"


def test_review_add_finding_needs_a_relation_and_resolves_names(seeded: str) -> None:
    def review(*args: str) -> Result:
        return runner.invoke(review_app, [*args, "--store", seeded], env={"DERMKG_STORE": ""})

    def add_to_bcc(finding: str, *options: str) -> Result:
        return review("add", "--kind", "finding", "basal cell carcinoma", finding, "-u", "ann", *options)

    missing = add_to_bcc("arborizing vessels")
    assert missing.exit_code == 2 and "--relation" in missing.output
    unknown = add_to_bcc("arborising vesels", "--relation", "typical")
    assert unknown.exit_code == 2 and "unknown finding" in unknown.output
    ok = add_to_bcc("arborising vessels", "--relation", "typical", "--accept", "--json")  # spelling variant
    assert ok.exit_code == 0, ok.output
    stored = json.loads(ok.stdout)
    assert (stored["object"], stored["relation"], stored["status"]) == (
        "fnd-arborizing-vessels",
        "typical",
        "accepted",
    )
    listed = review("list", "--kind", "finding", "--status", "accepted")
    assert "(typical)" in listed.output


def test_propose_findings_on_every_backend(any_store, shared_data: Path) -> None:
    """The same proposals, idempotently, on SQLite and Neo4j (the store contract carries the kind)."""
    from kg.propose_findings import propose_findings

    init_store(any_store)
    first = propose_findings(any_store, [("derm7pt", shared_data / "derm7pt-subset")])
    again = propose_findings(any_store, [("derm7pt", shared_data / "derm7pt-subset")])
    assert first.created == len(first.proposed) > 20 and again.created == 0
    assert again.revision == first.revision
    found = any_store.find_assertion("finding", "basal-cell-carcinoma", "fnd-arborizing-vessels")
    assert found is not None and found.relation == "typical" and found.origin == "stats"
