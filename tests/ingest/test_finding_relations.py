"""Two books stating one finding of one diagnosis with different relations (issue 14, speed helper
item 2), on both backends: one assertion per (diagnosis, finding) whose relation the curator sets,
each book's quote keeping the relation it states, and the disagreement listed as a review item
(``kg.conflicts.finding_conflicts``, ``dermkg kg conflicts``) until a curator decides."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingest.pipeline import IngestPipeline
from kg.conflicts import finding_conflicts
from kg.ids import assertion_id
from kg.models import AssertionQuery, Diagnosis
from kg.seed import init_store
from kg.store.base import GraphStore
from tests.ingest.corpus_render import Style, render_book

BOOK_A = [
    ("chapter", "Inflammatory Dermatoses"),
    ("head", "Lichen planus"),
    ("para", "Pruritus is intense; the papules are flat-topped and violaceous."),
]
BOOK_B = [
    ("chapter", "Papular Eruptions"),
    ("head", "Lichen planus"),
    ("para", "Pruritus is absent in most patients, and the papules are violaceous."),
]


@pytest.fixture
def books(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, _ = render_book(tmp_path / "a" / "handbook.pdf", BOOK_A, Style(header="A HANDBOOK"))
    b, _ = render_book(tmp_path / "b" / "atlas.pdf", BOOK_B, Style(header="AN ATLAS", body_font="helv"))
    return a, b


def _seed(store: GraphStore) -> None:
    init_store(store)  # the lexicon: 'pruritus' is the seeded concept fnd-itchy
    store.upsert_diagnosis(Diagnosis(id="lichen-planus", name="Lichen planus"))


def _itch(store: GraphStore):
    did = store.resolve_name("lichen planus").id  # type: ignore[union-attr]
    return store.get_assertion(assertion_id("finding", did, "fnd-itchy"))


def test_two_relations_from_two_books_are_one_assertion_and_a_review_item(
    any_store, fresh_store, books, tmp_path
) -> None:
    _seed(any_store)
    docs = IngestPipeline(any_store, data_dir=tmp_path).run(list(books)).documents
    assert [d.status for d in docs] == ["ingested", "ingested"], [d.error for d in docs]
    itch = _itch(any_store)
    assert itch is not None and itch.relation == "typical"  # the first book's reading stands
    said = {(any_store.get_source(e.source_sha256).title, e.relation) for e in itch.evidence}
    assert {rel for _, rel in said} == {"typical", "against"} and len({t for t, _ in said}) == 2
    # no second assertion for the same diagnosis and finding
    findings = any_store.query_assertions(AssertionQuery(kind="finding", limit=None)).items
    keys = [(a.subject, a.object) for a in findings]
    assert len(keys) == len(set(keys))
    (conflict,) = [c for c in finding_conflicts(any_store) if c.assertion.object == "fnd-itchy"]
    assert set(conflict.stated) == {"typical", "against"}
    assert all(len(books_) == 1 for books_ in conflict.stated.values())
    # the agreeing finding (violaceous in both) is no conflict
    assert all(c.assertion.object != "fnd-violaceous" for c in finding_conflicts(any_store))

    # The curator edits the relation and accepts: the same assertion, the conflict settled
    edited = any_store.edit_assertion(itch.id, user="dr.a", relation="possible", reason="varies by book")
    assert edited.id == itch.id and edited.relation == "possible"
    any_store.review(itch.id, "accept", user="dr.a")
    assert all(c.assertion.id != itch.id for c in finding_conflicts(any_store))
    # and ingesting the books again keeps the decision
    IngestPipeline(any_store, data_dir=tmp_path).run(list(books))
    again = _itch(any_store)
    assert (again.relation, again.status) == ("possible", "accepted")

    # the quotes' relations survive an export / restore round trip (ids unchanged: no migration;
    # last: a fresh Neo4j store is the same server's database, emptied)
    from kg.export import export_store

    exported = export_store(any_store)
    copy = fresh_store()
    copy.restore(exported)
    assert export_store(copy) == exported
    assert {e.relation for e in copy.get_assertion(itch.id).evidence} == {"typical", "against"}


def test_finding_conflicts_on_the_command_line(books, tmp_path) -> None:
    from dermkg.cli import app
    from kg.store import make_store

    url = f"sqlite:///{tmp_path / 'kg.db'}"
    with make_store(url).open() as store:
        _seed(store)
        IngestPipeline(store, data_dir=tmp_path).run(list(books))
    out = CliRunner().invoke(app, ["kg", "conflicts", "--store", url, "--json"])
    assert out.exit_code == 0, out.output
    rows = [r for r in json.loads(out.output) if r["kind"] == "finding"]
    assert [r["assertion"]["object"] for r in rows] == ["fnd-itchy"]
    human = CliRunner().invoke(app, ["kg", "conflicts", "--store", url])
    assert "finding fnd-itchy is typical; books say against" in human.output
