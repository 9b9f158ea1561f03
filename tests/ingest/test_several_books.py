"""Several books in one graph, on both backends: the same pair from two books is one assertion with
two pieces of evidence; books that file a condition under different, unrelated classes become a
review item; ingesting a book again keeps every curator decision (issue 14, point 7)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import IngestPipeline
from kg.conflicts import taxonomy_conflicts
from kg.ids import assertion_id, canonical_pair
from kg.models import Assertion, AssertionQuery
from kg.store.base import GraphStore
from tests.ingest.corpus_render import Style, render_book

# Two books in different styles. Both give psoriasis ~ lichen planus; book A files pityriasis rosea
# under papulosquamous disorders, book B under viral infections (unrelated classes: a conflict);
# both file tinea corporis under fungal infections (agreement, one assertion).
BOOK_A = [
    ("chapter", "Papulosquamous Disorders"),
    ("head", "Psoriasis"),
    ("para", "Well-demarcated red plaques with silvery scale on the extensor surfaces and the scalp."),
    ("sub", "Differential diagnosis"),
    ("para", "Psoriasis must be distinguished from lichen planus and seborrhoeic dermatitis."),
    ("head", "Pityriasis rosea"),
    ("para", "A herald patch is followed by oval pink macules along the skin cleavage lines of the trunk."),
    ("sub", "Differential diagnosis"),
    ("para", "Pityriasis rosea may be confused with secondary syphilis and guttate psoriasis."),
    ("chapter", "Fungal Infections"),
    ("head", "Tinea corporis"),
    ("para", "An annular scaly plaque that spreads outwards and clears in the centre."),
    ("sub", "Differential diagnosis"),
    ("para", "Tinea corporis is often mistaken for discoid eczema."),
]
BOOK_B = [
    ("chapter", "Viral Infections"),
    ("head", "Pityriasis rosea"),
    ("sub", "Aetiology"),
    ("para", "Probably a reaction to human herpesvirus 7; the eruption fades within eight weeks."),
    ("chapter", "Fungal Infections"),
    ("head", "Tinea corporis"),
    ("sub", "Investigations"),
    ("para", "Scrapings show fungal hyphae; the ring has an active scaly edge."),
    ("chapter", "Inflammatory Dermatoses"),
    ("head", "Lichen planus"),
    ("para", "Flat-topped violaceous polygonal papules with Wickham's striae on the wrists."),
    ("sub", "Differential diagnosis"),
    ("para", "Lichen planus is to be distinguished from psoriasis and lichenoid drug eruption."),
]
STYLE_A = Style(header="A SHORT TEXTBOOK OF SKIN DISEASE")
STYLE_B = Style(header="DERMATOLOGY LECTURE NOTES", body_font="helv", head_font="hebo", body_size=10.5)


def _all(store: GraphStore, **filters) -> list[Assertion]:
    return store.query_assertions(AssertionQuery(limit=None, **filters)).items


def _key(store: GraphStore, kind: str, a: str, b: str) -> Assertion:
    s, o = (store.resolve_name(n).id for n in (a, b))  # type: ignore[union-attr]
    found = store.get_assertion(assertion_id(kind, *canonical_pair(kind, s, o)))
    assert found is not None, (kind, a, b)
    return found


@pytest.fixture
def two_books(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a, _ = render_book(tmp_path / "a" / "textbook.pdf", BOOK_A, STYLE_A)
    b, _ = render_book(tmp_path / "b" / "notes.pdf", BOOK_B, STYLE_B)
    return a, b


def test_one_pair_from_two_books_is_one_assertion_with_two_evidence(any_store, two_books, tmp_path) -> None:
    a, b = two_books
    docs = IngestPipeline(any_store, data_dir=tmp_path).run([a, b]).documents
    assert [d.status for d in docs] == ["ingested", "ingested"], [d.error for d in docs]
    shared = _key(any_store, "ddx", "psoriasis", "lichen planus")
    assert {ev.source_sha256 for ev in shared.evidence} == {d.sha256 for d in docs}
    assert len(shared.evidence) == 2
    fungal = _key(any_store, "is_a", "tinea corporis", "fungal infections")
    assert {ev.source_sha256 for ev in fungal.evidence} == {d.sha256 for d in docs}
    # one assertion per (kind, pair) whatever the number of books
    keys = [(x.kind, x.subject, x.object) for x in _all(any_store)]
    assert len(keys) == len(set(keys))


def test_conflicting_taxonomy_between_books_is_a_review_item(any_store, two_books, tmp_path) -> None:
    a, b = two_books
    IngestPipeline(any_store, data_dir=tmp_path).run([a, b])
    conflicts = taxonomy_conflicts(any_store)
    assert len(conflicts) == 1, conflicts
    (c,) = conflicts
    assert c.subject == any_store.resolve_name("pityriasis rosea").id
    assert {c.first.object, c.second.object} == {
        any_store.resolve_name("papulosquamous disorders").id,
        any_store.resolve_name("viral infections").id,
    }
    titles = {any_store.get_source(ev.source_sha256).title for x in (c.first, c.second) for ev in x.evidence}
    assert {c.first_source_title, c.second_source_title} == titles and len(titles) == 2
    # The later book's proposal says so to the curator who reviews it.
    later = _key(any_store, "is_a", "pityriasis rosea", "viral infections")
    assert later.note and "conflicts with" in later.note and "papulosquamous" in later.note.lower()
    # agreeing books (tinea corporis under fungal infections) are no conflict; once a curator
    # rejects one side, the conflict is settled
    earlier = _key(any_store, "is_a", "pityriasis rosea", "papulosquamous disorders")
    any_store.review(earlier.id, "reject", user="dr.a", reason="a viral exanthem")
    assert taxonomy_conflicts(any_store) == []


def test_reingesting_keeps_every_curator_decision(any_store, two_books, tmp_path) -> None:
    a, b = two_books
    pipeline = IngestPipeline(any_store, data_dir=tmp_path)
    pipeline.run([a, b])
    accepted = _key(any_store, "ddx", "psoriasis", "lichen planus")
    rejected = _key(any_store, "ddx", "pityriasis rosea", "guttate psoriasis")
    edited = _key(any_store, "ddx", "tinea corporis", "discoid eczema")
    any_store.review(accepted.id, "accept", user="dr.a")
    any_store.review(rejected.id, "reject", user="dr.b", reason="not a differential in adults")
    other = any_store.resolve_name("seborrhoeic dermatitis").id
    edited = any_store.edit_assertion(edited.id, user="dr.c", object=other, reason="the book means this")
    accepted = any_store.get_assertion(accepted.id)
    before = {x.id: (x.kind, x.subject, x.object, x.status, x.note, len(x.votes)) for x in _all(any_store)}

    # A new printing of book A (new bytes, same file name) and the same book B again.
    reprint = render_book(a, [*BOOK_A, ("para", "Reprinted with corrections.")], STYLE_A)[0]
    docs = pipeline.run([reprint, b]).documents
    assert [d.status for d in docs] == ["ingested", "unchanged"], [d.error for d in docs]
    after = {x.id: x for x in _all(any_store)}
    assert after[accepted.id].status == "accepted" and after[accepted.id].votes == accepted.votes
    assert after[rejected.id].status == "rejected"
    assert (after[edited.id].subject, after[edited.id].object) == (edited.subject, edited.object)
    # the edited claim is not proposed again under its old pair, and nothing is duplicated
    tinea, eczema = (any_store.resolve_name(n).id for n in ("tinea corporis", "discoid eczema"))
    old = assertion_id("ddx", *canonical_pair("ddx", tinea, eczema))
    assert old not in after or after[old].id == edited.id
    keys = [(x.kind, x.subject, x.object) for x in after.values()]
    assert len(keys) == len(set(keys))
    for aid, (kind, s, o, status, _note, votes) in before.items():
        now = after[aid]
        assert (now.kind, now.subject, now.object) == (kind, s, o)
        assert status == "proposed" or (now.status, len(now.votes)) == (status, votes)


def test_conflicts_are_listed_on_the_command_line(two_books, tmp_path) -> None:
    from typer.testing import CliRunner

    from dermkg.cli import app
    from kg.store import make_store

    url = f"sqlite:///{tmp_path / 'kg.db'}"
    with make_store(url).open() as store:
        IngestPipeline(store, data_dir=tmp_path).run(list(two_books))
    out = CliRunner().invoke(app, ["kg", "conflicts", "--store", url, "--json"])
    assert out.exit_code == 0, out.output
    import json

    (row,) = json.loads(out.output)
    assert row["subject"] == "pityriasis-rosea" and {row["first"]["object"], row["second"]["object"]} == {
        "papulosquamous-disorders",
        "viral-infections",
    }
