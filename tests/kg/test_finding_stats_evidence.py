"""The numbers of a statistics proposal travel as structured data (``Evidence.stats``) beside the
human sentence: written by kg.finding_stats, stored and restored unchanged by both backends."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from kg.finding_stats import evidence_sentence, evidence_stats, finding_stats
from kg.models import Assertion, Diagnosis, Evidence, Finding
from kg.store import GraphStore, make_store

SHA = "e" * 64
TABLE = [("mel", ["f1"])] * 14 + [("mel", [])] * 6 + [("nev", ["f2"])] * 30 + [("nev", ["f1"])] * 2


def test_stats_state_the_numbers_the_sentence_states() -> None:
    for s in [x for x in finding_stats(TABLE) if x.relation]:
        stats = evidence_stats(s, "derm7pt")
        sentence = evidence_sentence(s, "Melanoma", "f", "derm7pt")
        assert f"in {stats['support']} of {stats['cases']} cases" in sentence
        assert f"vs {stats['others_support']} of {stats['others']} cases" in sentence
        assert f"Wilson {stats['bound_side']} bound {stats['bound']:.0%}" in sentence
        assert f"Fisher exact {stats['test']} p = {stats['p']:.2g}" in sentence
        # counts stay integers, rates unrounded
        assert isinstance(stats["support"], int) and stats["rate"] == s.rate


def _fresh(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> GraphStore:
    if backend == "sqlite":
        return make_store(f"sqlite:///{tmp_path / f'{uuid.uuid4().hex}.db'}").open()
    from tests.fixtures.neo4j_server import fresh_neo4j_store

    return fresh_neo4j_store(request.getfixturevalue("neo4j_url"))


def test_stats_round_trip_through_store_export_and_restore(
    any_store: GraphStore, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    (s,) = [x for x in finding_stats(TABLE) if x.relation == "typical" and x.finding == "f1"]
    stats = evidence_stats(s, "derm7pt")
    any_store.upsert_diagnoses([Diagnosis(id="mel", name="Melanoma")])
    any_store.upsert_findings([Finding(id="fnd-f1", name="Finding one", type="dermoscopy")])
    quote = evidence_sentence(s, "Melanoma", "Finding one", "derm7pt")
    new = Assertion(
        kind="finding",
        subject="mel",
        object="fnd-f1",
        relation="typical",
        origin="stats",
        evidence=[Evidence(kind="statistics", source_sha256=SHA, quote=quote, stats=stats)],
    )
    a = any_store.add_assertion(new)
    (ev,) = any_store.get_assertion(a.id).evidence  # type: ignore[union-attr]
    assert ev.stats == stats and isinstance(ev.stats["cases"], int) and ev.quote == quote
    export = any_store.export_graph()
    other = _fresh(request.node.callspec.params["any_store"], request, tmp_path)
    try:
        other.restore(export)
        assert other.export_graph() == export
        (ev,) = other.get_assertion(a.id).evidence  # type: ignore[union-attr]
        assert ev.stats == stats
    finally:
        other.close()
