"""Presentations and findings through the pipeline into a real store (both backends), and on the handbook.

The data contract the studio's presentations view reads: a presentation is a ``Finding`` of type
"presentation"; each member is a ``finding`` assertion (diagnosis -> presentation, relation "possible",
origin "rules", status "proposed") with the list as evidence. Findings the text states are ``finding``
assertions to lexicon concepts (or new proposed findings)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import IngestPipeline
from kg.ids import finding_id
from kg.models import AssertionQuery
from kg.seed import init_store
from kg.store.base import GraphStore
from tests.ingest.synthetic_book import _Cursor, render

BOOK: list[tuple[str, str]] = [
    ("chapter", "Chapter 4. Blistering and Itching"),
    ("section", "Approach to Blisters"),
    (
        "para",
        "The common causes of blisters are bullous impetigo, insect bites, thermal burns and pompholyx.",
    ),
    ("section", "Pompholyx"),
    ("sub", "Clinical Features"),
    ("para", "Intensely itchy vesicles on the sides of the fingers and the palms; there is no scale."),
    ("sub", "Differential Diagnosis"),
    ("para", "Pompholyx is distinguished from bullous impetigo by the absence of honey-coloured crusts."),
    ("section", "Bullous Impetigo"),
    ("sub", "Clinical Features"),
    ("para", "Flaccid bullae in children that rupture and leave honey-coloured crusts."),
]


def _pdf(path: Path, blocks: list[tuple[str, str]], title: str = "") -> Path:
    import pymupdf

    doc = pymupdf.open()
    render(_Cursor(doc=doc), blocks)
    doc.set_metadata({"title": title})
    doc.save(path)
    doc.close()
    return path


def _findings(store: GraphStore) -> list:
    return store.query_assertions(AssertionQuery(kind="finding", limit=None)).items


def _keys(store: GraphStore) -> dict[str, object]:
    return {
        "presentations": sorted(f.id for f in store.list_findings(type="presentation")),
        "findings": sorted(f.id for f in store.list_findings()),
        "assertions": sorted(
            (a.id, a.kind, a.relation, a.status, len(a.evidence))
            for a in store.query_assertions(AssertionQuery(limit=None)).items
        ),
    }


def test_presentation_contract_dry_run_and_idempotent_reingestion(
    any_store: GraphStore, tmp_path: Path
) -> None:
    init_store(any_store)
    book = _pdf(tmp_path / "blisters.pdf", BOOK)
    (dry,) = IngestPipeline(any_store, data_dir=tmp_path, dry_run=True).run([book]).documents
    assert _findings(any_store) == [] and any_store.list_findings(type="presentation") == []
    (doc,) = IngestPipeline(any_store, data_dir=tmp_path).run([book]).documents
    assert doc.status == "ingested", doc.error
    # the dry run predicted the write
    for key in ("presentations", "presentation_members", "findings_proposed", "assertions_proposed"):
        assert getattr(dry, key) == getattr(doc, key), key
    assert doc.presentations == 1 and doc.presentation_members == 4

    (blisters,) = any_store.list_findings(type="presentation")
    assert (blisters.id, blisters.name, blisters.status, blisters.origin) == (
        finding_id("blisters"),
        "blisters",
        "proposed",
        "rules",
    )
    members = [a for a in _findings(any_store) if a.object == blisters.id]
    assert len(members) == 4
    for a in members:
        assert (a.relation, a.origin, a.status) == ("possible", "rules", "proposed")
        (ev,) = a.evidence
        assert ev.quote.startswith("The common causes of blisters") and ev.page == 1 and ev.bbox
    # members of the presentation are not paired as DDx; the framed differential is
    ids = {n: any_store.resolve_name(n).id for n in ("bullous impetigo", "insect bites", "pompholyx")}
    assert any_store.find_assertion("ddx", ids["bullous impetigo"], ids["insect bites"]) is None
    assert any_store.find_assertion("ddx", ids["pompholyx"], ids["bullous impetigo"]) is not None

    # findings stated by the text, on the lexicon's concepts, with polarity
    stated = {(a.subject, any_store.get_finding(a.object).name, a.relation) for a in _findings(any_store)}
    assert {
        (ids["pompholyx"], "vesicle", "typical"),
        (ids["pompholyx"], "itchy", "typical"),
        (ids["pompholyx"], "scale", "against"),
        (ids["pompholyx"], "crust", "against"),  # "by the absence of honey-coloured crusts"
        (ids["bullous impetigo"], "crust", "typical"),
    } <= stated
    assert (ids["bullous impetigo"], "thermal burns", "possible") not in stated

    # a curator accepts one membership; a new version of the file changes nothing else and keeps it
    any_store.review(members[0].id, "accept", user="curator")
    before = _keys(any_store)
    (tmp_path / "v2").mkdir()
    again = _pdf(tmp_path / "v2" / "blisters.pdf", BOOK, title="second printing")
    (doc2,) = IngestPipeline(any_store, data_dir=tmp_path).run([again]).documents
    assert doc2.status == "ingested" and doc2.assertions_superseded == 0, doc2
    after = _keys(any_store)
    assert after["presentations"] == before["presentations"] and after["findings"] == before["findings"]
    assert [a[:4] for a in after["assertions"]] == [a[:4] for a in before["assertions"]]
    assert any_store.get_assertion(members[0].id).status == "accepted"


def test_handbook_presentations_members_and_findings(
    sqlite_store: GraphStore, bad_pdf: Path, tmp_path: Path
) -> None:
    init_store(sqlite_store)
    (doc,) = IngestPipeline(sqlite_store, data_dir=tmp_path).run([bad_pdf]).documents
    assert doc.status == "ingested", doc.error
    names = {f.name: f.id for f in sqlite_store.list_findings(type="presentation")}
    assert {
        "blisters",
        "itchy eruption",
        "chronic leg ulcers",
        "purpuric eruption",
        "red swollen leg",
    } <= set(names)
    assert doc.presentations == len(names) >= 6 and doc.presentation_members >= 30
    fa = _findings(sqlite_store)
    members = [a for a in fa if a.object in names.values()]
    stated = [a for a in fa if a.object not in names.values()]
    assert len(members) == doc.presentation_members and len(stated) >= 150
    # every machine assertion carries located, printed-page evidence
    assert all(ev.page and ev.page_label and ev.bbox and ev.quote for a in fa for ev in a.evidence)

    def dx(name: str) -> str:
        return sqlite_store.resolve_name(name).id

    itchy = {a.subject for a in members if a.object == names["itchy eruption"]}
    assert {dx("varicella"), dx("scabies"), dx("lichen planus")} <= itchy
    # a cause list's members are no DDx pair; the comparison table and the framed differential stay DDx
    assert sqlite_store.find_assertion("ddx", dx("varicella"), dx("scabies")) is None
    assert sqlite_store.find_assertion("ddx", dx("impetigo"), dx("burns")) is None
    assert sqlite_store.find_assertion("ddx", dx("scabies"), dx("lichen planus")) is not None
    assert sqlite_store.find_assertion("ddx", dx("cellulitis"), dx("erysipelas")) is not None
    # findings: a few a dermatologist would expect, with polarity
    got = {(a.subject, sqlite_store.get_finding(a.object).name, a.relation) for a in stated}
    assert (dx("psoriasis"), "plaque", "typical") in got
    assert (dx("lichen planus"), "violaceous", "typical") in got
    assert (dx("basal cell carcinoma"), "head and neck", "typical") in got
    # stated of a subtype ("Nodular basal cell carcinoma is ... a pearly rolled edge"): possible in the parent
    assert (dx("basal cell carcinoma"), "rolled edge", "possible") in got
    # the ABCDE list under melanoma is a rule of possible findings, never "typical"
    # (the comparison table on p. 63 states some of the same features as typical: those say so)
    checklist = [a for a in stated if a.subject == dx("melanoma") and (a.note or "").startswith("checklist")]
    only = [a for a in checklist if len(a.evidence) == 1]
    assert only and {a.relation for a in only} == {"possible"}


@pytest.mark.parametrize("dry_run", [True, False])
def test_unknown_subjects_give_no_findings(sqlite_store: GraphStore, tmp_path: Path, dry_run: bool) -> None:
    """A glossary term ('Vesicle') or a sign is no diagnosis: its description proposes nothing."""
    book = _pdf(
        tmp_path / "glossary.pdf", [("section", "Vesicle"), ("para", "A small blister less than 5 mm.")]
    )
    (doc,) = IngestPipeline(sqlite_store, data_dir=tmp_path, dry_run=dry_run).run([book]).documents
    assert doc.assertions_proposed.get("finding", 0) == 0 and doc.findings_proposed == 0


def test_findings_written_in_one_batch_store_the_same_with_the_same_events(
    bad_pdf: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The findings proposed at a document's end go to the store in one upsert, and the store, its
    findings and its audit events (in order) are those of one upsert per finding."""
    from ingest.knowledge_writer import KnowledgeWriter
    from kg.models import EventQuery
    from kg.store import make_store

    volatile = {"created_at", "reviewed_at", "image_path"}  # times, and the folder the images went to

    def ingest(folder: Path) -> tuple[dict[str, object], list[tuple], int]:
        folder.mkdir()
        store = make_store(f"sqlite:///{folder / 'kg.db'}").open()
        calls = 0
        upsert = store.upsert_findings

        def counted(*args: object, **kwargs: object) -> int:
            nonlocal calls
            calls += 1
            return upsert(*args, **kwargs)  # type: ignore[arg-type]

        store.upsert_findings = counted  # type: ignore[method-assign]
        try:
            IngestPipeline(store, data_dir=folder).run([bad_pdf])
            events = [
                (e.action, e.target, {k: v for k, v in (e.after or {}).items() if k not in volatile})
                for e in store.list_events(EventQuery(limit=None)).items
            ]
            return _keys(store), events, calls
        finally:
            store.close()

    batched, batched_events, batched_calls = ingest(tmp_path / "batched")
    off = property(lambda self: False, lambda self, v: None)  # one upsert per finding, as before
    monkeypatch.setattr(KnowledgeWriter, "batching", off, raising=False)
    single, single_events, single_calls = ingest(tmp_path / "single")
    assert batched == single
    assert batched_events == single_events
    assert single_calls > 50 and batched_calls < 10, (single_calls, batched_calls)
