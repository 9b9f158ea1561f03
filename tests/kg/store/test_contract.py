"""The store contract (kg/store/base.py docstring): one suite, every backend (``any_store``)."""

from __future__ import annotations

import inspect
from collections.abc import Callable

import pytest

from dermkg.errors import ConflictError, CycleError, InputError, NotFoundError
from kg.ids import assertion_id
from kg.models import (
    Assertion,
    AssertionQuery,
    Case,
    Diagnosis,
    EventQuery,
    Evidence,
    LabelMapping,
    Source,
)
from kg.store import GraphStore
from kg.store._rows import Rows
from tests.kg.store.hostile_text import CYPHER_INJECTION, HOSTILE_TEXT

SHA = "f" * 64


def dx(id: str, name: str | None = None, **kw: object) -> Diagnosis:
    return Diagnosis(id=id, name=name or id.replace("-", " ").title(), **kw)  # type: ignore[arg-type]


def ev(quote: str, page: int = 1, source: str = SHA) -> Evidence:
    return Evidence(source_sha256=source, page=page, quote=quote)


def ddx(a: str, b: str, **kw: object) -> Assertion:
    kw.setdefault("origin", "llm")
    return Assertion(kind="ddx", subject=a, object=b, **kw)  # type: ignore[arg-type]


def is_a(child: str, parent: str, **kw: object) -> Assertion:
    kw.setdefault("origin", "import")
    return Assertion(kind="is_a", subject=child, object=parent, **kw)  # type: ignore[arg-type]


@pytest.fixture
def store(any_store: GraphStore) -> GraphStore:
    """A small accepted taxonomy: melanocytic > {melanoma, nevus}, plus a few loose diagnoses."""
    any_store.upsert_diagnoses(
        [
            dx("melanocytic", "Melanocytic proliferation"),
            dx("melanoma", "Melanoma", malignancy="malignant", synonyms=["Malignant melanoma"]),
            dx("nevus", "Melanocytic naevus", synonyms=["Mole", "Nevus"], malignancy="benign"),
            dx("seb-k", "Seborrhoeic keratosis", synonyms=["Basal cell papilloma"]),
            dx("bcc", "Basal cell carcinoma", malignancy="malignant", codes={"icd10": "C44.91"}),
        ]
    )
    any_store.add_assertions(
        [is_a("melanoma", "melanocytic", status="accepted"), is_a("nevus", "melanocytic", status="accepted")]
    )
    return any_store


# -- lifecycle and revision ------------------------------------------------------------------
def test_the_backend_implements_the_row_protocol_with_its_parameters(any_store: GraphStore) -> None:
    """The seam: every Rows method exists on the backend with the protocol's parameter names."""
    assert isinstance(any_store.rows, Rows)
    for name, member in vars(Rows).items():
        if callable(member) and not name.startswith("_"):
            want = list(inspect.signature(member).parameters)
            assert list(inspect.signature(getattr(type(any_store.rows), name)).parameters) == want, name


def test_an_empty_store_is_at_revision_zero(any_store: GraphStore) -> None:
    assert any_store.revision() == 0
    assert any_store.count_diagnoses() == 0
    assert any_store.list_events().total == 0


def test_each_transaction_changing_the_accepted_graph_bumps_the_revision_once(any_store: GraphStore) -> None:
    any_store.upsert_diagnoses([dx("a"), dx("b"), dx("c")])
    assert any_store.revision() == 1
    with any_store.transaction():
        any_store.add_assertion(ddx("a", "b", status="accepted"))
        any_store.add_assertion(ddx("a", "c", status="accepted"))
    assert any_store.revision() == 2
    any_store.add_assertion(ddx("b", "c"))  # proposed: not part of the accepted graph
    assert any_store.revision() == 2


def test_a_failed_transaction_writes_nothing(any_store: GraphStore) -> None:
    any_store.upsert_diagnoses([dx("a"), dx("b")])
    events = any_store.list_events().total
    with pytest.raises(RuntimeError), any_store.transaction():
        any_store.upsert_diagnoses([dx("c")])
        any_store.add_assertion(ddx("a", "b", status="accepted"))
        raise RuntimeError("abort")
    assert any_store.get_diagnosis("c") is None
    assert any_store.find_assertion("ddx", "a", "b") is None
    assert any_store.revision() == 1
    assert any_store.list_events().total == events


@pytest.mark.parametrize("user", ["", "   "])
def test_no_write_is_anonymous(any_store: GraphStore, user: str) -> None:
    """Every curation names who made it: a blank user is refused and nothing is stored."""
    any_store.upsert_diagnoses([dx("a"), dx("b")])
    proposed = any_store.add_assertion(ddx("a", "b"))
    events, revision = any_store.list_events().total, any_store.revision()
    with pytest.raises(InputError, match="needs a user"):
        any_store.review(proposed.id, "accept", user=user)
    with pytest.raises(InputError, match="needs a user"):
        any_store.upsert_diagnoses([dx("c")], user=user)
    assert any_store.get_assertion(proposed.id).status == "proposed"  # type: ignore[union-attr]
    assert any_store.get_diagnosis("c") is None
    assert (any_store.list_events().total, any_store.revision()) == (events, revision)


def test_nested_transactions_join_the_outer_one(any_store: GraphStore) -> None:
    with pytest.raises(RuntimeError), any_store.transaction():
        with any_store.transaction():
            any_store.upsert_diagnoses([dx("a")])
        assert any_store.get_diagnosis("a") is not None  # visible inside
        raise RuntimeError("abort outer")
    assert any_store.get_diagnosis("a") is None


def test_a_failing_public_write_inside_a_transaction_leaves_no_partial_batch(any_store: GraphStore) -> None:
    any_store.upsert_diagnoses([dx("a"), dx("b")])
    with any_store.transaction():
        with pytest.raises(NotFoundError):
            any_store.add_assertions([ddx("a", "b"), ddx("a", "missing")])
        any_store.upsert_diagnoses([dx("c")])
    assert any_store.find_assertion("ddx", "a", "b") is None
    assert any_store.get_diagnosis("c") is not None


# -- sources ---------------------------------------------------------------------------------
def test_sources_upsert_and_list(any_store: GraphStore) -> None:
    any_store.upsert_source(Source(sha256="b" * 64, title="Handbook", edition="3rd"))
    any_store.upsert_source(Source(sha256="a" * 64, title="Atlas"))
    any_store.upsert_source(Source(sha256="b" * 64, title="Handbook", licence="education"))
    got = any_store.get_source("b" * 64)
    assert got is not None and got.edition == "3rd" and got.licence == "education"
    assert [s.title for s in any_store.list_sources()] == ["Atlas", "Handbook"]
    assert any_store.get_source("c" * 64) is None


# -- diagnoses -------------------------------------------------------------------------------
def test_upsert_inserts_then_merges_by_id(any_store: GraphStore) -> None:
    assert any_store.upsert_diagnoses([dx("bcc", "Basal cell carcinoma", codes={"isic": "1"})]) == 1
    revision = any_store.revision()
    assert any_store.upsert_diagnoses([dx("bcc", "Basal cell carcinoma", codes={"isic": "1"})]) == 0
    assert any_store.revision() == revision  # idempotent re-run: nothing changed
    assert any_store.get_diagnosis("bcc").version == 1  # type: ignore[union-attr]
    n = any_store.upsert_diagnoses(
        [
            dx(
                "bcc",
                "BCC",
                synonyms=["Rodent ulcer"],
                malignancy="malignant",
                codes={"isic": "2", "icd10": "C44"},
            )
        ]
    )
    assert n == 0
    got = any_store.get_diagnosis("bcc")
    assert got is not None
    assert got.name == "Basal cell carcinoma"  # the existing name stays, the new one is a synonym
    assert got.synonyms == ["BCC", "Rodent ulcer"]
    assert got.codes == {"isic": "1", "icd10": "C44"}
    assert got.malignancy == "malignant"  # was unset
    assert got.version == 2
    any_store.upsert_diagnoses([dx("bcc", "Basal cell carcinoma", malignancy="benign")])
    assert any_store.get_diagnosis("bcc").malignancy == "malignant"  # type: ignore[union-attr]


def test_upsert_records_one_create_event_per_new_diagnosis(any_store: GraphStore) -> None:
    any_store.upsert_diagnoses([dx("a"), dx("b")], user="importer")
    any_store.upsert_diagnoses([dx("a"), dx("c")], user="importer")
    creates = any_store.list_events(EventQuery(action="create")).items
    assert sorted(e.target for e in creates) == ["a", "b", "c"]
    assert all(e.user == "importer" and e.before is None and e.after["id"] == e.target for e in creates)


def test_list_diagnoses_is_ordered_by_id_with_status_filter_and_pages(any_store: GraphStore) -> None:
    any_store.upsert_diagnoses([dx("c"), dx("a"), dx("b", status="proposed"), dx("d")])
    assert [d.id for d in any_store.list_diagnoses()] == ["a", "b", "c", "d"]
    assert [d.id for d in any_store.list_diagnoses(status="proposed")] == ["b"]
    assert [d.id for d in any_store.list_diagnoses(offset=1, limit=2)] == ["b", "c"]
    assert any_store.count_diagnoses() == 4
    assert any_store.get_diagnosis("zzz") is None


def test_update_diagnosis_checks_the_version_and_records_an_edit(store: GraphStore) -> None:
    before = store.get_diagnosis("seb-k")
    assert before is not None
    rev = store.revision()
    after = store.update_diagnosis(
        "seb-k", {"malignancy": "benign"}, user="ann", expected_version=before.version, reason="textbook"
    )
    assert after.malignancy == "benign" and after.version == before.version + 1
    assert store.revision() == rev + 1
    event = store.list_events(EventQuery(action="edit", target="seb-k")).items[0]
    assert event.user == "ann" and event.reason == "textbook"
    assert event.before["malignancy"] is None and event.after["malignancy"] == "benign"
    with pytest.raises(ConflictError):
        store.update_diagnosis(
            "seb-k", {"malignancy": "malignant"}, user="bob", expected_version=before.version
        )
    assert store.get_diagnosis("seb-k").malignancy == "benign"  # type: ignore[union-attr]


def test_update_diagnosis_refuses_names_of_another_diagnosis(store: GraphStore) -> None:
    with pytest.raises(InputError, match="melanoma"):
        store.update_diagnosis("bcc", {"synonyms": ["malignant melanomas"]}, user="ann")
    with pytest.raises(InputError):
        store.update_diagnosis("bcc", {"name": "MELANOMA"}, user="ann")
    with pytest.raises(InputError):
        store.update_diagnosis("bcc", {"colour": "red"}, user="ann")
    assert store.get_diagnosis("bcc").version == 1  # type: ignore[union-attr]


def test_diagnosis_evidence_is_deduplicated_by_id(store: GraphStore) -> None:
    assert store.add_diagnosis_evidence("bcc", [ev("pearly papule"), ev("rolled edge")]) == 2
    assert store.add_diagnosis_evidence("bcc", [ev("pearly papule"), ev("telangiectasia")]) == 1
    got = store.get_diagnosis("bcc")
    assert got is not None
    assert [e.quote for e in got.evidence] == ["pearly papule", "rolled edge", "telangiectasia"]
    assert all(e.id for e in got.evidence)


# -- names -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "query, expected",
    [
        ("Melanoma", "melanoma"),  # exact
        ("MALIGNANT  MELANOMA", "melanoma"),  # synonym, case, whitespace
        ("melanomas", "melanoma"),  # plural
        ("Melanocytic nevi", "nevus"),  # Latin plural + American spelling
        ("seborrheic keratoses", "seb-k"),  # spelling + plural
        ("Séborrhoeic-keratosis!", "seb-k"),  # diacritics + punctuation
        ("basal-cell papillomas", "seb-k"),  # synonym + plural + hyphen
        ("moles", "nevus"),
    ],
)
def test_resolve_name_is_insensitive_but_exact(store: GraphStore, query: str, expected: str) -> None:
    got = store.resolve_name(query)
    assert got is not None and got.id == expected


@pytest.mark.parametrize("query", ["melanom", "basal cell", "keratosis", "", "   "])
def test_resolve_name_is_never_fuzzy(store: GraphStore, query: str) -> None:
    assert store.resolve_name(query) is None


def test_suggest_names_puts_exact_matches_first_then_scored_fuzzy_ones(store: GraphStore) -> None:
    exact = store.suggest_names("malignant melanomas")
    assert exact[0].diagnosis.id == "melanoma" and exact[0].exact and exact[0].score == 100
    fuzzy = store.suggest_names("melanom", min_score=60)
    assert fuzzy and fuzzy[0].diagnosis.id == "melanoma" and not fuzzy[0].exact
    assert 60 <= fuzzy[0].score < 100
    assert [m.score for m in fuzzy] == sorted((m.score for m in fuzzy), reverse=True)
    assert len({m.diagnosis.id for m in fuzzy}) == len(fuzzy)
    assert store.suggest_names("zzzzqqq") == []
    assert len(store.suggest_names("a", min_score=0, limit=2)) <= 2
    assert store.resolve_name("melanom") is None  # suggestions never apply


@pytest.mark.parametrize("name", HOSTILE_TEXT)
def test_names_with_quotes_keywords_and_other_scripts_round_trip(any_store: GraphStore, name: str) -> None:
    any_store.upsert_diagnoses([dx("plain"), Diagnosis(id=f"x-{name}", name=name, synonyms=[f"{name} syn"])])
    got = any_store.get_diagnosis(f"x-{name}")
    assert got is not None and got.name == name and got.synonyms == [f"{name} syn"]
    assert any_store.resolve_name(name).id == f"x-{name}"  # type: ignore[union-attr]
    assert any_store.resolve_name(f"{name} syn").id == f"x-{name}"  # type: ignore[union-attr]
    a = any_store.add_assertion(ddx(f"x-{name}", "plain", status="accepted", evidence=[ev(name)]))
    assert any_store.get_assertion(a.id).evidence[0].quote == name  # type: ignore[union-attr]
    assert any_store.query_assertions(AssertionQuery(diagnosis=f"x-{name}")).total == 1
    assert any_store.count_diagnoses() == 2


# -- assertions ------------------------------------------------------------------------------
def test_ddx_is_stored_once_in_canonical_direction_and_found_both_ways(store: GraphStore) -> None:
    a = store.add_assertion(ddx("seb-k", "melanoma"))
    assert (a.subject, a.object) == ("melanoma", "seb-k")
    assert a.id == assertion_id("ddx", "seb-k", "melanoma")
    assert store.find_assertion("ddx", "seb-k", "melanoma") == a
    assert store.find_assertion("ddx", "melanoma", "seb-k") == a
    again = store.add_assertion(ddx("melanoma", "seb-k"))
    assert again.id == a.id
    assert store.query_assertions(AssertionQuery(kind="ddx")).total == 1
    assert store.find_assertion("is_a", "melanocytic", "melanoma") is None  # is_a keeps its direction


def test_adding_an_existing_assertion_merges_evidence_and_keeps_the_better_score(store: GraphStore) -> None:
    store.add_assertion(ddx("melanoma", "seb-k", score=0.4, evidence=[ev("q1"), ev("q2")]))
    merged = store.add_assertion(ddx("seb-k", "melanoma", score=0.9, evidence=[ev("q2"), ev("q3")]))
    assert [e.quote for e in merged.evidence] == ["q1", "q2", "q3"]
    assert merged.score == 0.9
    merged = store.add_assertion(ddx("seb-k", "melanoma", score=0.1))
    assert merged.score == 0.9


def test_status_is_never_downgraded_by_a_re_add(store: GraphStore) -> None:
    a = store.add_assertion(ddx("melanoma", "seb-k"))
    store.review(a.id, "accept", user="ann")
    assert store.add_assertion(ddx("melanoma", "seb-k", status="proposed")).status == "accepted"
    b = store.add_assertion(ddx("melanoma", "bcc"))
    store.review(b.id, "reject", user="ann", reason="not in the textbook")
    assert store.add_assertion(ddx("melanoma", "bcc")).status == "rejected"
    c = store.add_assertion(ddx("nevus", "bcc"))
    assert store.add_assertion(ddx("nevus", "bcc", status="accepted")).status == "accepted"  # upgrade
    assert store.get_assertion(c.id).status == "accepted"  # type: ignore[union-attr]


def test_add_assertions_needs_existing_diagnoses_and_is_all_or_nothing(store: GraphStore) -> None:
    with pytest.raises(NotFoundError, match="no-such-dx"):
        store.add_assertions([ddx("melanoma", "seb-k"), ddx("melanoma", "no-such-dx")])
    assert store.find_assertion("ddx", "melanoma", "seb-k") is None
    with pytest.raises(InputError):
        store.add_assertion(ddx("melanoma", "melanoma"))


def test_add_assertions_returns_stored_assertions_in_input_order(store: GraphStore) -> None:
    got = store.add_assertions(
        [ddx("seb-k", "nevus"), ddx("bcc", "melanoma"), ddx("nevus", "seb-k", score=1.0)]
    )
    assert [(a.subject, a.object) for a in got] == [
        ("nevus", "seb-k"),
        ("bcc", "melanoma"),
        ("nevus", "seb-k"),
    ]
    assert got[2].score == 1.0
    assert store.query_assertions(AssertionQuery(kind="ddx")).total == 2


def test_edges_project_accepted_assertions_and_proposed_on_request(store: GraphStore) -> None:
    store.add_assertions([ddx("seb-k", "melanoma", status="accepted"), ddx("nevus", "melanoma")])
    assert store.edges("ddx") == [("melanoma", "seb-k")]
    assert store.edges("ddx", include_proposed=True) == [("melanoma", "nevus"), ("melanoma", "seb-k")]
    assert store.edges("is_a") == [("melanoma", "melanocytic"), ("nevus", "melanocytic")]


def test_query_assertions_filters_and_pages(store: GraphStore) -> None:
    other = "e" * 64
    store.add_assertions(
        [
            ddx("melanoma", "seb-k", score=0.9, evidence=[ev("a")]),
            ddx("melanoma", "bcc", score=0.5, evidence=[ev("b", source=other)]),
            ddx("nevus", "seb-k", origin="rules", evidence=[ev("c")]),
        ]
    )
    q = AssertionQuery
    assert store.query_assertions(q(kind="is_a")).total == 2
    assert store.query_assertions(q(kind="ddx", status="proposed")).total == 3
    assert store.query_assertions(q(status=["accepted", "rejected"])).total == 2
    assert store.query_assertions(q(origin="rules")).items[0].subject == "nevus"
    assert [a.object for a in store.query_assertions(q(source_sha256=other)).items] == ["melanoma"]
    assert store.query_assertions(q(diagnosis="melanoma")).total == 3  # 2 ddx + 1 is_a
    assert store.query_assertions(q(min_score=0.6)).total == 1
    assert store.query_assertions(q(max_score=0.6)).total == 1
    page = store.query_assertions(q(kind="ddx", offset=1, limit=1))
    assert page.total == 3 and len(page.items) == 1 and page.offset == 1 and page.limit == 1
    everything = store.query_assertions(q(limit=None)).items
    assert [(a.created_at, a.id) for a in everything] == sorted((a.created_at, a.id) for a in everything)


# -- review ----------------------------------------------------------------------------------
def test_accept_records_the_reviewer_an_event_and_a_revision(store: GraphStore) -> None:
    a = store.add_assertion(ddx("melanoma", "seb-k"))
    rev = store.revision()
    got = store.review(a.id, "accept", user="ann", expected_version=a.version)
    assert got.status == "accepted" and got.reviewed_by == "ann" and got.reviewed_at is not None
    assert got.version == a.version + 1
    assert store.revision() == rev + 1
    event = store.list_events(EventQuery(target=a.id, action="accept")).items[0]
    assert (
        event.user == "ann" and event.before["status"] == "proposed" and event.after["status"] == "accepted"
    )


def test_reject_needs_a_reason(store: GraphStore) -> None:
    a = store.add_assertion(ddx("melanoma", "seb-k"))
    with pytest.raises(InputError):
        store.review(a.id, "reject", user="ann")
    got = store.review(a.id, "reject", user="ann", reason="no evidence in the text")
    assert got.status == "rejected"
    superseded = store.review(a.id, "supersede", user="ann", reason="replaced by a finer edge")
    assert superseded.status == "superseded"


def test_review_with_a_stale_version_conflicts_and_changes_nothing(store: GraphStore) -> None:
    a = store.add_assertion(ddx("melanoma", "seb-k"))
    store.review(a.id, "accept", user="ann", expected_version=a.version)
    with pytest.raises(ConflictError):
        store.review(a.id, "reject", user="bob", reason="no", expected_version=a.version)
    assert store.get_assertion(a.id).status == "accepted"  # type: ignore[union-attr]
    with pytest.raises(NotFoundError):
        store.review("a-nothing", "accept", user="ann")


def test_consensus_needs_required_votes_from_distinct_users(store: GraphStore) -> None:
    a = store.add_assertion(ddx("melanoma", "seb-k"))
    rev = store.revision()
    first = store.review(a.id, "accept", user="ann", required_votes=2)
    assert first.status == "proposed" and [v.user for v in first.votes] == ["ann"]
    again = store.review(a.id, "accept", user="ann", required_votes=2)  # a second vote replaces the first
    assert again.status == "proposed" and len(again.votes) == 1
    assert store.revision() == rev  # votes alone do not change the graph
    final = store.review(a.id, "accept", user="bob", required_votes=2)
    assert final.status == "accepted" and final.reviewed_by == "bob"
    actions = [e.action for e in reversed(store.list_events(EventQuery(target=a.id)).items)]
    assert actions == ["create", "vote", "vote", "accept"]


def test_a_changed_vote_replaces_the_earlier_one(store: GraphStore) -> None:
    a = store.add_assertion(ddx("melanoma", "seb-k"))
    store.review(a.id, "accept", user="ann", required_votes=2)
    store.review(a.id, "reject", user="ann", reason="misread", required_votes=2)
    got = store.review(a.id, "accept", user="bob", required_votes=2)
    assert got.status == "proposed"
    assert {(v.user, v.decision) for v in got.votes} == {("ann", "reject"), ("bob", "accept")}


# -- cycles ----------------------------------------------------------------------------------
def test_accepting_an_is_a_cycle_is_refused(store: GraphStore) -> None:
    store.upsert_diagnoses([dx("superficial-melanoma")])
    store.add_assertion(is_a("superficial-melanoma", "melanoma", status="accepted"))
    up = store.add_assertion(is_a("melanocytic", "superficial-melanoma"))  # proposed: allowed
    with pytest.raises(CycleError):
        store.review(up.id, "accept", user="ann")
    assert store.get_assertion(up.id).status == "proposed"  # type: ignore[union-attr]
    with pytest.raises(CycleError):
        store.add_assertions([ddx("bcc", "seb-k"), is_a("melanocytic", "melanoma", status="accepted")])
    assert store.find_assertion("ddx", "bcc", "seb-k") is None
    with pytest.raises(CycleError):
        store.add_assertions(
            [is_a("bcc", "seb-k", status="accepted"), is_a("seb-k", "bcc", status="accepted")]
        )
    assert store.find_assertion("is_a", "bcc", "seb-k") is None


def test_editing_an_is_a_into_a_cycle_is_refused(store: GraphStore) -> None:
    store.upsert_diagnoses([dx("lentigo-maligna")])
    a = store.add_assertion(is_a("lentigo-maligna", "melanoma", status="accepted"))
    up = store.add_assertion(is_a("melanocytic", "seb-k", status="accepted"))
    moved = store.edit_assertion(up.id, object="lentigo-maligna", user="ann")  # proposed again: no cycle yet
    assert moved.status == "proposed" and moved.object == "lentigo-maligna"
    with pytest.raises(CycleError):
        store.review(up.id, "accept", user="bob")  # accepting it would close the cycle
    assert store.get_assertion(up.id).status == "proposed"  # type: ignore[union-attr]
    assert store.get_assertion(a.id).status == "accepted"  # type: ignore[union-attr]


def test_an_edit_that_moves_an_end_drops_unrelated_evidence_and_becomes_the_editors(
    store: GraphStore,
) -> None:
    """Issue 15.4: eczema <-> varicella edited to eczema <-> eczema herpeticum keeps only the quotes
    that name the new end; the dropped ones stay in the event's before snapshot; the edit is the
    editor's own proposed claim (origin human, their accept vote) and needs consensus like any other."""
    store.upsert_diagnoses(
        [
            dx("eczema"),
            dx("varicella"),
            dx("eh", "Eczema herpeticum", synonyms=["Kaposi varicelliform eruption"]),
        ]
    )
    quotes = [
        "Eczema may mimic varicella.",
        "Kaposi varicelliform eruptions complicate eczema.",
        "Eczema herpeticum",
    ]
    a = store.add_assertion(ddx("eczema", "varicella", evidence=[ev(q) for q in quotes], status="accepted"))
    rev = store.revision()
    edited = store.edit_assertion(a.id, object="eh", user="bob", reason="the quote means herpeticum")
    assert {edited.subject, edited.object} == {"eczema", "eh"}
    assert sorted(e.quote for e in edited.evidence) == sorted(quotes[1:])  # synonym and name both count
    assert (edited.origin, edited.agent.name, edited.status) == ("human", "bob", "proposed")  # type: ignore[union-attr]
    assert edited.reviewed_by is None and [(v.user, v.decision) for v in edited.votes] == [("bob", "accept")]
    assert store.revision() == rev + 1  # it left the accepted graph
    event = store.list_events(EventQuery(action="edit", target=a.id)).items[0]
    assert [e["quote"] for e in event.before["evidence"]] == quotes  # type: ignore[index]
    still = store.review(a.id, "accept", user="bob", required_votes=2)  # bob's own vote again: not enough
    assert still.status == "proposed"
    done = store.review(a.id, "accept", user="cy", required_votes=2)
    assert done.status == "accepted" and done.reviewed_by == "cy"
    noted = store.edit_assertion(a.id, note="see figure 3", user="dee")  # ends unchanged: stays accepted
    assert noted.status == "accepted" and noted.evidence == done.evidence and noted.origin == "human"


def test_reverting_an_end_moving_edit_restores_its_evidence_and_the_source_index(store: GraphStore) -> None:
    """The evidence an edit dropped is gone from the source filter too, and a revert brings it (and
    the machine origin and acceptance) back: the row-level source index follows every write."""
    book = "b" * 64
    a = store.add_assertion(
        ddx(
            "melanoma",
            "seb-k",
            evidence=[ev("melanoma or seborrhoeic keratosis", source=book)],
            status="accepted",
        )
    )
    by_book = AssertionQuery(source_sha256=book)
    assert [x.id for x in store.query_assertions(by_book).items] == [a.id]
    edited = store.edit_assertion(a.id, object="bcc", user="ann")
    assert edited.evidence == [] and store.count_assertions(by_book) == 0
    assert store.summarize_assertions(AssertionQuery(diagnosis="bcc"))[0].origin == "human"
    event = store.list_events(EventQuery(action="edit", target=a.id)).items[0]
    back = store.revert_event(event.id, user="bob")
    restored = store.get_assertion(a.id)
    assert back.action == "revert" and restored is not None
    assert (restored.object, restored.status, restored.origin) == ("seb-k", "accepted", "llm")
    assert restored.evidence == a.evidence and store.count_assertions(by_book) == 1


# -- edit, comment ---------------------------------------------------------------------------
def test_edit_assertion_retargets_and_keeps_evidence_and_history(store: GraphStore) -> None:
    a = store.add_assertion(ddx("melanoma", "seb-k", evidence=[ev("ddx table")]))
    edited = store.edit_assertion(
        a.id, object="bcc", note="the table lists BCC", user="ann", reason="misparse"
    )
    assert (edited.subject, edited.object) == ("bcc", "melanoma")  # canonical again
    assert edited.id == a.id and edited.note == "the table lists BCC"
    assert edited.evidence == [] and edited.status == "proposed"  # "ddx table" does not name BCC
    assert store.find_assertion("ddx", "melanoma", "bcc") == edited
    event = store.list_events(EventQuery(action="edit", target=a.id)).items[0]
    assert event.before["object"] == "seb-k" and event.reason == "misparse"
    with pytest.raises(ConflictError):
        store.edit_assertion(a.id, note="x", user="bob", expected_version=a.version)
    other = store.add_assertion(ddx("nevus", "seb-k"))
    with pytest.raises(InputError):
        store.edit_assertion(other.id, subject="bcc", object="melanoma", user="ann")


def test_comment_appends_an_event(store: GraphStore) -> None:
    event = store.comment("diagnosis", "bcc", "check the ICD code", user="ann")
    assert event.action == "comment" and event.user == "ann" and event.id
    assert store.get_event(event.id) == event


# -- merge -----------------------------------------------------------------------------------
def test_merge_keeps_the_old_id_as_an_alias_and_moves_everything(store: GraphStore) -> None:
    store.upsert_diagnoses([dx("mm", "Melanoma, malignant", synonyms=["MM"], codes={"doid": "DOID:1909"})])
    store.add_assertions(
        [
            is_a("mm", "melanocytic", status="accepted", evidence=[ev("mm is melanocytic")]),  # duplicate
            ddx("mm", "seb-k", evidence=[ev("ddx")]),  # moves
            ddx("mm", "melanoma"),  # becomes a self-loop: dropped
        ]
    )
    store.add_cases([Case(diagnosis="mm", image_sha256="1" * 64, image_path="img/1.jpg")])
    store.set_label_mappings([LabelMapping(dataset="HAM10000", label="mel", diagnosis="mm")])
    rev = store.revision()
    kept = store.merge_diagnoses("melanoma", "mm", user="ann", reason="same disease")
    assert kept.id == "melanoma" and "mm" in kept.aliases
    assert {"Melanoma, malignant", "MM"} <= set(kept.synonyms)
    assert kept.codes["doid"] == "DOID:1909"
    assert store.get_diagnosis("mm") == kept
    assert store.resolve_name("MM").id == "melanoma"  # type: ignore[union-attr]
    assert "mm" not in [d.id for d in store.list_diagnoses()]
    assert store.find_assertion("ddx", "melanoma", "seb-k") is not None
    assert store.query_assertions(AssertionQuery(diagnosis="melanoma", kind="is_a")).total == 1
    merged_is_a = store.find_assertion("is_a", "melanoma", "melanocytic")
    assert merged_is_a is not None and [e.quote for e in merged_is_a.evidence] == ["mm is melanocytic"]
    assert store.find_assertion("ddx", "melanoma", "melanoma") is None
    assert store.query_assertions(AssertionQuery(diagnosis="mm")).total == 2  # alias id resolves
    assert store.case_counts() == {"melanoma": 1}
    assert store.get_label_map("HAM10000")[0].diagnosis == "melanoma"
    assert store.revision() == rev + 1
    event = store.list_events(EventQuery(action="merge")).items[0]
    assert event.user == "ann" and event.target == "melanoma" and event.reason == "same disease"
    with pytest.raises(InputError):  # merging again through the alias: already one diagnosis
        store.merge_diagnoses("melanoma", "mm", user="ann")


def test_merge_that_would_close_an_is_a_cycle_is_refused(store: GraphStore) -> None:
    store.upsert_diagnoses([dx("lentigo-maligna")])
    store.add_assertion(is_a("lentigo-maligna", "melanoma", status="accepted"))
    with pytest.raises(CycleError):
        store.merge_diagnoses("lentigo-maligna", "melanocytic", user="ann")
    assert store.get_diagnosis("melanocytic").id == "melanocytic"  # type: ignore[union-attr]


def test_chained_merges_keep_every_old_id_valid(store: GraphStore) -> None:
    store.upsert_diagnoses([dx("mole", "Common mole"), dx("naevus-nos", "Naevus NOS")])
    store.merge_diagnoses("naevus-nos", "mole", user="ann")
    store.merge_diagnoses("nevus", "naevus-nos", user="ann")
    for old in ("mole", "naevus-nos", "nevus"):
        assert store.get_diagnosis(old).id == "nevus"  # type: ignore[union-attr]
    assert set(store.get_diagnosis("nevus").aliases) == {"mole", "naevus-nos"}  # type: ignore[union-attr]


# -- cases -----------------------------------------------------------------------------------
def test_cases_insert_merge_count_and_update(store: GraphStore) -> None:
    c1 = Case(diagnosis="melanoma", image_sha256="1" * 64, image_path="a.jpg", caption="Figure 1")
    c2 = Case(diagnosis="nevus", image_sha256="2" * 64, image_path="b.jpg", status="proposed")
    assert store.add_cases([c1, c2]) == 2
    assert store.add_cases([c1.model_copy(update={"rationale": "asymmetry", "evidence": [ev("fig 1")]})]) == 0
    [stored] = store.list_cases(diagnosis="melanoma")
    assert stored.rationale == "asymmetry" and stored.caption == "Figure 1" and len(stored.evidence) == 1
    assert store.count_cases() == 2 and store.count_cases(status="proposed") == 1
    assert store.case_counts() == {"melanoma": 1}
    assert store.case_counts(status=None) == {"melanoma": 1, "nevus": 1}
    rev = store.revision()
    accepted = store.update_case(
        stored.id, {"diagnosis": "seb-k"}, user="ann", expected_version=stored.version
    )
    assert accepted.diagnosis == "seb-k" and store.revision() == rev + 1
    with pytest.raises(ConflictError):
        store.update_case(stored.id, {"status": "excluded"}, user="bob", expected_version=stored.version)
    [proposed] = store.list_cases(status="proposed")
    store.update_case(proposed.id, {"status": "accepted"}, user="ann")
    actions = {e.action for e in store.list_events(EventQuery(user="ann")).items}
    assert {"edit", "accept"} <= actions
    with pytest.raises(NotFoundError):
        store.add_cases([Case(diagnosis="nope", image_sha256="3" * 64, image_path="c.jpg")])
    assert store.get_case("c-missing") is None


# -- label maps ------------------------------------------------------------------------------
def test_label_maps_are_data_with_events(store: GraphStore) -> None:
    n = store.set_label_mappings(
        [
            LabelMapping(dataset="HAM10000", label="mel", diagnosis="melanoma"),
            LabelMapping(dataset="HAM10000", label="bkl", diagnosis=None, note="mixed class"),
            LabelMapping(dataset="PAD-UFES-20", label="SEK", diagnosis="seb-k"),
        ],
        user="ann",
    )
    assert n == 3
    assert (
        store.set_label_mappings([LabelMapping(dataset="HAM10000", label="mel", diagnosis="melanoma")]) == 0
    )
    assert [(m.label, m.diagnosis) for m in store.get_label_map("HAM10000")] == [
        ("bkl", None),
        ("mel", "melanoma"),
    ]
    assert len(store.get_label_map()) == 3
    store.set_label_mappings([LabelMapping(dataset="HAM10000", label="bkl", diagnosis="seb-k")], user="bob")
    event = store.list_events(EventQuery(user="bob")).items[0]
    assert event.target_type == "label_map" and event.before["diagnosis"] is None
    with pytest.raises(NotFoundError):
        store.set_label_mappings([LabelMapping(dataset="X", label="y", diagnosis="nope")])


# -- events and revert -----------------------------------------------------------------------
def test_events_are_listed_newest_first_with_filters(store: GraphStore) -> None:
    a = store.add_assertion(ddx("melanoma", "seb-k"))
    store.review(a.id, "accept", user="ann")
    store.comment("assertion", a.id, "good", user="bob")
    page = store.list_events(EventQuery(limit=2))
    assert [e.action for e in page.items] == ["comment", "accept"]
    assert page.total == store.list_events(EventQuery(limit=None)).total
    seqs = [e.seq for e in store.iter_events()]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert store.list_events(EventQuery(user="bob")).total == 1
    first = next(iter(store.iter_events()))
    assert store.list_events(EventQuery(since=first.at)).total == page.total
    assert store.list_events(EventQuery(until=first.at)).total >= 1


def test_revert_restores_the_before_snapshot_and_appends_an_event(store: GraphStore) -> None:
    a = store.add_assertion(ddx("melanoma", "seb-k"))
    store.review(a.id, "reject", user="ann", reason="no")
    reject = store.list_events(EventQuery(action="reject")).items[0]
    n_events = store.list_events().total
    revert = store.revert_event(reject.id, user="bob", reason="it is in table 3")
    assert revert.action == "revert" and revert.user == "bob"
    assert store.get_assertion(a.id).status == "proposed"  # type: ignore[union-attr]
    assert store.list_events().total == n_events + 1
    with pytest.raises(ConflictError):  # the target changed since that event
        store.revert_event(reject.id, user="bob")


def test_revert_of_a_diagnosis_edit_and_conflict_when_changed_since(store: GraphStore) -> None:
    store.update_diagnosis("bcc", {"malignancy": "benign"}, user="ann")
    edit = store.list_events(EventQuery(action="edit", target="bcc")).items[0]
    store.revert_event(edit.id, user="bob")
    assert store.get_diagnosis("bcc").malignancy == "malignant"  # type: ignore[union-attr]
    store.update_diagnosis("seb-k", {"synonyms": ["SK"]}, user="ann")
    edit = store.list_events(EventQuery(action="edit", target="seb-k")).items[0]
    store.update_diagnosis("seb-k", {"malignancy": "benign"}, user="carl")
    with pytest.raises(ConflictError):
        store.revert_event(edit.id, user="bob")
    with pytest.raises(NotFoundError):
        store.revert_event("ev-missing", user="bob")


# -- whole graph -----------------------------------------------------------------------------
def test_iter_assertions_is_ordered_by_id(store: GraphStore) -> None:
    store.add_assertions([ddx("melanoma", "seb-k"), ddx("bcc", "seb-k"), ddx("nevus", "bcc")])
    ids = [a.id for a in store.iter_assertions(batch_size=2)]
    assert ids == sorted(ids) and len(ids) == 5


def test_export_restores_exactly_into_an_empty_store(
    store: GraphStore, fresh_store: Callable[[], GraphStore]
) -> None:
    store.upsert_source(Source(sha256=SHA, title="Handbook"))
    a = store.add_assertion(ddx("melanoma", "seb-k", score=0.7, evidence=[ev("ddx table", page=12)]))
    store.review(a.id, "accept", user="ann", required_votes=1)
    store.add_cases([Case(diagnosis="melanoma", image_sha256="1" * 64, image_path="a.jpg", rationale="ABCD")])
    store.set_label_mappings([LabelMapping(dataset="HAM10000", label="mel", diagnosis="melanoma")])
    store.upsert_diagnoses([dx("mm", "MM")])
    store.merge_diagnoses("melanoma", "mm", user="ann")
    store.upsert_diagnoses([Diagnosis(id="x", name=CYPHER_INJECTION)])
    export = store.export_graph()
    assert export.revision == store.revision()
    target = fresh_store()
    target.restore(export)
    again = target.export_graph()
    assert again.model_dump(mode="json") == export.model_dump(mode="json")
    assert target.get_diagnosis("mm").id == "melanoma"  # type: ignore[union-attr]
    assert target.resolve_name("MM").id == "melanoma"  # type: ignore[union-attr]
    assert target.revision() == store.revision()
    with pytest.raises(InputError):
        target.restore(export)


def test_graph_view_follows_the_accepted_graph(store: GraphStore) -> None:
    from kg import algorithms as alg

    view = store.graph_view()
    assert view.revision == store.revision()
    assert alg.path(view, "melanoma") == ["melanocytic", "melanoma"]
    a = store.add_assertion(ddx("melanoma", "seb-k"))
    assert alg.ddx_neighbours(store.graph_view(), "melanoma") == []
    assert alg.ddx_neighbours(store.graph_view(include_proposed=True), "melanoma") == ["seb-k"]
    store.review(a.id, "accept", user="ann")
    assert alg.ddx_neighbours(store.graph_view(), "seb-k") == ["melanoma"]
    store.add_cases([Case(diagnosis="seb-k", image_sha256="1" * 64, image_path="a.jpg")])
    assert store.graph_view().case_counts == {"seb-k": 1}


def test_revert_of_case_and_label_map_changes(store: GraphStore) -> None:
    store.add_cases([Case(id="c1", diagnosis="melanoma", image_sha256="1" * 64, image_path="a.jpg")])
    store.update_case("c1", {"status": "excluded"}, user="ann", reason="blurry")
    [exclude] = store.list_events(EventQuery(target="c1", action="reject")).items
    store.revert_event(exclude.id, user="bob")
    assert store.get_case("c1").status == "accepted"  # type: ignore[union-attr]
    store.set_label_mappings([LabelMapping(dataset="D", label="x", diagnosis="melanoma")])
    store.set_label_mappings([LabelMapping(dataset="D", label="x", diagnosis="nevus")], user="ann")
    [edit] = store.list_events(EventQuery(user="ann", action="edit")).items
    store.revert_event(edit.id, user="bob")
    assert store.get_label_map("D")[0].diagnosis == "melanoma"
    [create] = store.list_events(EventQuery(target="D:x", action="create")).items
    with pytest.raises(InputError, match="label_map cannot be reverted"):  # no status to reject
        store.revert_event(create.id, user="bob")


def test_an_assertion_id_taken_by_another_pair_fails_the_whole_batch(store: GraphStore) -> None:
    taken = store.add_assertion(ddx("melanoma", "seb-k"))
    n_events = store.list_events().total
    with pytest.raises(InputError):
        store.add_assertions([ddx("nevus", "bcc"), ddx("bcc", "seb-k", id=taken.id)])
    assert store.find_assertion("ddx", "nevus", "bcc") is None
    assert store.list_events().total == n_events
    assert store.get_assertion(taken.id) == taken
