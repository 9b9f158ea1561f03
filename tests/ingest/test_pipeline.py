"""The pipeline against a real store, on both backends: transactional, idempotent, versioned, forgiving."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ingest.pipeline import IngestPipeline
from ingest.rules_extractor import RulesExtractor
from kg.models import AssertionQuery, Diagnosis
from kg.seed import init_store
from kg.store.base import GraphStore
from tests.ingest import bad_files
from tests.ingest.synthetic_book import CHAPTER, build_textbook, render


def _all(store: GraphStore, **filters):
    return store.query_assertions(AssertionQuery(limit=None, **filters)).items


def test_ingest_writes_proposals_with_evidence_and_cases(any_store, synthetic_pdf, tmp_path) -> None:
    init_store(any_store)
    any_store.upsert_diagnosis(Diagnosis(id="psoriasis", name="Psoriasis", synonyms=["psoriasis vulgaris"]))
    any_store.upsert_diagnosis(Diagnosis(id="syphilis-2", name="Secondary syphillis"))  # a misspelt entry
    summary = IngestPipeline(any_store, data_dir=tmp_path).run([synthetic_pdf])
    (doc,) = summary.documents
    assert doc.status == "ingested", doc.error
    assert doc.diagnoses_matched == 1  # a known name attaches to the existing diagnosis, no duplicate
    assert any_store.get_diagnosis("psoriasis").status == "accepted"
    # A name close to a known one is still proposed (never silently mapped), with a merge suggestion.
    assert doc.suggestions == {"secondary syphilis": ["Secondary syphillis"]}
    assert any_store.resolve_name("Secondary syphilis").status == "proposed"
    assert doc.diagnoses_proposed >= 5 and doc.assertions_proposed["ddx"] >= 12
    source = any_store.get_source(doc.sha256)
    assert source is not None and source.path == str(synthetic_pdf.resolve())
    assertions = _all(any_store, source_sha256=doc.sha256)
    assert assertions and all(a.status == "proposed" and a.origin == "rules" for a in assertions)
    assert all(a.agent and a.agent.name == "ingest.rules" and a.evidence for a in assertions)
    lp = any_store.resolve_name("lichen planus")
    assert lp is not None and lp.status == "proposed"
    assert any(e.kind == "rationale" and "Wickham" in e.quote for e in lp.evidence)
    (case,) = any_store.list_cases()
    assert case.diagnosis == lp.id and case.status == "proposed" and case.credit
    stored = Path(case.image_path)
    assert (
        stored.is_file() and stored.parent.parent == tmp_path / "images" and case.image_sha256 in stored.name
    )


def test_reingesting_the_same_file_changes_nothing(any_store, synthetic_pdf, tmp_path) -> None:
    pipeline = IngestPipeline(any_store, data_dir=tmp_path)
    pipeline.run([synthetic_pdf])
    before = any_store.export_graph().model_dump()
    again = pipeline.run([synthetic_pdf]).documents[0]
    assert again.status == "unchanged"
    assert any_store.export_graph().model_dump() == before


def test_new_version_supersedes_old_proposals_but_keeps_curator_decisions(any_store, tmp_path) -> None:
    (tmp_path / "v1").mkdir()
    v1 = build_textbook(tmp_path / "v1" / "book.pdf")
    pipeline = IngestPipeline(any_store, data_dir=tmp_path)
    first = pipeline.run([v1]).documents[0]
    ddx = {tuple(sorted((a.subject, a.object))): a for a in _all(any_store, kind="ddx")}
    keep = ddx[("lichen-planus", "psoriasis")]
    drop = ddx[("lichen-planus", "secondary-syphilis")]
    any_store.review(keep.id, "accept", user="dr.a")
    any_store.review(drop.id, "reject", user="dr.a", reason="not in this edition")
    # The second edition loses the lichen planus chapter entirely.
    import pymupdf

    (tmp_path / "v2").mkdir()
    v2 = tmp_path / "v2" / "book.pdf"
    doc = pymupdf.open()
    from tests.ingest.synthetic_book import _Cursor

    c = _Cursor(doc=doc)
    start = next(i for i, (k, t) in enumerate(CHAPTER) if t == "Pityriasis Rosea")
    render(c, CHAPTER[:2] + CHAPTER[start:])
    doc.save(v2)
    second = pipeline.run([v2]).documents[0]
    assert second.status == "ingested" and second.sha256 != first.sha256
    assert second.assertions_superseded >= 2
    assert any_store.get_assertion(keep.id).status == "accepted"
    assert any_store.get_assertion(drop.id).status == "rejected"
    lp_ddx = [a for a in _all(any_store, diagnosis="lichen-planus", kind="ddx")]
    assert {a.status for a in lp_ddx if a.id not in {keep.id, drop.id}} == {"superseded"}
    pr = [a for a in _all(any_store, diagnosis="pityriasis-rosea", kind="ddx")]
    assert pr and {a.status for a in pr} == {"proposed"}  # repeated by v2: still proposed
    assert [c.status for c in any_store.list_cases()] == ["excluded"]  # v2 has no figure


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda d, good: bad_files.not_a_pdf(d / "page.pdf"), "not a PDF"),
        (lambda d, good: bad_files.truncated(good, d / "cut.pdf"), "truncated"),
        (lambda d, good: bad_files.encrypted(d / "locked.pdf"), "encrypted"),
        (lambda d, good: bad_files.zero_pages(d / "empty.pdf"), "no pages"),
        (lambda d, good: bad_files.enormous_page(d / "poster.pdf"), "not a book page"),
        (lambda d, good: d / "missing.pdf", "no such file"),
    ],
)
def test_a_bad_file_is_reported_and_the_others_go_on(
    any_store, synthetic_pdf, tmp_path, make, message
) -> None:
    bad = make(tmp_path, synthetic_pdf)
    good = shutil.copy(synthetic_pdf, tmp_path / "good.pdf")
    summary = IngestPipeline(any_store, data_dir=tmp_path).run([bad, Path(good)])
    failed, ok = summary.documents
    assert failed.status == "error" and message in failed.error and bad.name in failed.error
    assert ok.status == "ingested" and ok.assertions_proposed
    assert summary.errors == [failed.error]


class _FailingExtractor(RulesExtractor):
    """Extracts the first pages for real, then fails like a parser crash on a later page."""

    def iter_document(self, doc, source_sha256, *, on_page=None):
        for i, chunk in enumerate(super().iter_document(doc, source_sha256, on_page=on_page)):
            if i == 1:
                raise RuntimeError("parser crashed on page 2")
            yield chunk


def test_a_document_is_written_completely_or_not_at_all(any_store, synthetic_pdf, tmp_path) -> None:
    revision = any_store.revision()
    summary = IngestPipeline(any_store, data_dir=tmp_path, extractor=_FailingExtractor()).run([synthetic_pdf])
    assert summary.documents[0].status == "error" and "page 2" in summary.documents[0].error
    assert any_store.list_sources() == [] and any_store.count_diagnoses() == 0
    assert _all(any_store) == [] and any_store.revision() == revision


def test_dry_run_counts_but_writes_nothing(any_store, synthetic_pdf, tmp_path) -> None:
    summary = IngestPipeline(any_store, data_dir=tmp_path, dry_run=True).run([synthetic_pdf])
    doc = summary.documents[0]
    assert doc.status == "dry-run" and doc.diagnoses_proposed >= 5 and doc.cases == 1
    assert any_store.count_diagnoses() == 0 and any_store.list_sources() == []
    assert not (tmp_path / "images").exists()


def test_plain_heading_attaches_to_a_known_diagnosis_but_proposes_nothing(any_store, tmp_path) -> None:
    import pymupdf

    init_store(any_store)  # knows "melanoma"
    before = any_store.count_diagnoses()
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 80), "Melanoma", fontname="hebo", fontsize=14)
    page.insert_text((72, 110), "An irregular pigmented macule that changes in size and colour.", fontsize=10)
    page.insert_text((72, 150), "Granuloma annulare", fontname="hebo", fontsize=14)
    page.insert_text((72, 180), "Rings of skin-coloured papules on the backs of the hands.", fontsize=10)
    doc.save(tmp_path / "notes.pdf")
    summary = IngestPipeline(any_store, data_dir=tmp_path).run([tmp_path / "notes.pdf"])
    (result,) = summary.documents
    assert result.status == "ingested" and result.diagnoses_matched == 1 and result.diagnoses_proposed == 0
    assert any_store.count_diagnoses() == before
    melanoma = any_store.resolve_name("melanoma")
    assert any(e.quote == "Melanoma" and e.page == 1 for e in melanoma.evidence)


def _content(store: GraphStore) -> dict[str, object]:
    """What an ingest decides, without timestamps or event ids (which differ between two runs)."""
    return {
        "diagnoses": sorted((d.id, d.name, d.status, tuple(d.synonyms)) for d in store.list_diagnoses()),
        "assertions": sorted(
            (a.id, a.kind, a.subject, a.object, a.status, tuple(sorted(ev.id for ev in a.evidence)))
            for a in _all(store)
        ),
        "cases": sorted((c.id, c.diagnosis, c.image_sha256, c.status) for c in store.list_cases()),
        "sources": [s.sha256 for s in store.list_sources()],
    }


@pytest.mark.neo4j
def test_the_handbook_ingests_to_the_same_graph_on_both_backends(
    sqlite_store, neo4j_url, bad_pdf, tmp_path
) -> None:
    from tests.fixtures.neo4j_server import fresh_neo4j_store

    neo4j_store = fresh_neo4j_store(neo4j_url)
    try:
        graphs = []
        for name, store in (("sqlite", sqlite_store), ("neo4j", neo4j_store)):
            init_store(store)
            (doc,) = IngestPipeline(store, data_dir=tmp_path / name).run([bad_pdf]).documents
            assert doc.status == "ingested", doc.error
            graphs.append(_content(store))
        sqlite_graph, neo4j_graph = graphs
        assert len(sqlite_graph["assertions"]) > 50 and len(sqlite_graph["cases"]) > 50
        assert neo4j_graph == sqlite_graph
    finally:
        neo4j_store.close()
