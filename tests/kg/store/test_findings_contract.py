"""The finding kind (FINDINGS_API.md): finding concepts and diagnosis -> finding assertions, curated,
audited, reverted, exported and migrated like is_a and DDx, on every backend (``any_store``)."""

from __future__ import annotations

import csv
import sqlite3
from collections.abc import Callable
from pathlib import Path

import networkx as nx
import pytest

from dermkg.errors import ConflictError, InputError
from kg.export import write_export
from kg.ids import assertion_id, finding_id
from kg.migrate import migrate
from kg.models import Assertion, AssertionQuery, Diagnosis, EventQuery, Evidence, Finding
from kg.store import GraphStore, make_store

SHA = "d" * 64
APN = finding_id("Atypical pigment network")  # fnd-atypical-pigment-network
VEIL = finding_id("Blue-white veil")


def finding(dx: str, fnd: str, relation: str = "typical", **kw: object) -> Assertion:
    kw.setdefault("origin", "stats")
    return Assertion(kind="finding", subject=dx, object=fnd, relation=relation, **kw)  # type: ignore[arg-type]


def stats_evidence(
    quote: str = "atypical pigment network in 120 of 250 melanomas vs 40 of 761 others",
) -> Evidence:
    return Evidence(kind="statistics", source_sha256=SHA, quote=quote)


@pytest.fixture
def store(any_store: GraphStore) -> GraphStore:
    any_store.upsert_diagnoses(
        [
            Diagnosis(id="melanoma", name="Melanoma"),
            Diagnosis(id="nevus", name="Melanocytic nevus"),
            Diagnosis(id="seb-k", name="Seborrhoeic keratosis"),
        ]
    )
    any_store.upsert_findings(
        [
            Finding(name="Atypical pigment network", synonyms=["atypical network"], type="dermoscopy"),
            Finding(name="Blue-white veil", synonyms=["blue whitish veil"], type="dermoscopy"),
            Finding(name="Back", type="site", description="trunk, posterior"),
        ]
    )
    return any_store


# -- model ---------------------------------------------------------------------------------------
def test_a_finding_assertion_needs_a_relation_and_other_kinds_refuse_one() -> None:
    with pytest.raises(ValueError, match="needs a relation"):
        Assertion(kind="finding", subject="melanoma", object=APN, origin="stats")
    with pytest.raises(ValueError, match="has no relation"):
        Assertion(kind="ddx", subject="a", object="b", origin="llm", relation="typical")  # type: ignore[arg-type]
    assert finding_id("Blue-white veil") == "fnd-blue-white-veil"
    assert assertion_id("finding", "melanoma", APN) != assertion_id("finding", APN, "melanoma")  # directed


# -- concepts --------------------------------------------------------------------------------------
def test_findings_upsert_idempotently_and_resolve_by_name_and_synonym(store: GraphStore) -> None:
    seq = store.list_events(EventQuery(limit=None)).total
    assert store.upsert_findings([Finding(name="Atypical pigment network", type="dermoscopy")]) == 0
    assert store.list_events(EventQuery(limit=None)).total == seq  # nothing changed, nothing logged
    assert store.resolve_finding("ATYPICAL  networks").id == APN  # type: ignore[union-attr]
    assert store.resolve_finding("Blue whitish veil").id == VEIL  # type: ignore[union-attr]
    assert store.resolve_finding("melanoma") is None  # diagnoses are not findings
    assert store.resolve_name("Atypical pigment network") is None  # and findings are not diagnoses
    assert [f.id for f in store.list_findings(type="site")] == ["fnd-back"]
    assert [f.id for f in store.list_findings()] == sorted([APN, VEIL, "fnd-back"])
    created = store.list_events(EventQuery(action="create", target=VEIL)).items
    assert [(e.target_type, e.after["type"]) for e in created] == [("finding", "dermoscopy")]  # type: ignore[index]
    # a new synonym merges (edit event, version 2); the type stays
    store.upsert_findings([Finding(name="Blue-white veil", synonyms=["BWV"], type="colour")], user="ann")
    veil = store.get_finding(VEIL)
    assert veil is not None and veil.synonyms == ["blue whitish veil", "BWV"] and veil.type == "dermoscopy"
    assert veil.version == 2 and store.resolve_finding("bwv").id == VEIL  # type: ignore[union-attr]
    assert store.list_events(EventQuery(action="edit", target=VEIL)).items[0].user == "ann"


# -- assertions --------------------------------------------------------------------------------------
def test_propose_accept_edit_and_reject_a_finding_assertion(store: GraphStore) -> None:
    rev = store.revision()
    a = store.add_assertion(finding("melanoma", APN, evidence=[stats_evidence()], score=0.9))
    assert a.status == "proposed" and a.relation == "typical" and a.object == APN
    assert a.id == assertion_id("finding", "melanoma", APN)
    assert store.revision() == rev and store.finding_assertions() == []
    assert [x.id for x in store.finding_assertions(include_proposed=True)] == [a.id]
    assert store.find_assertion("finding", "melanoma", APN) == a
    assert store.find_assertion("finding", APN, "melanoma") is None  # directed, not symmetric
    # the same pair again merges (one assertion per diagnosis and finding); the relation stays
    again = store.add_assertion(
        finding("melanoma", APN, relation="possible", evidence=[stats_evidence("other")])
    )
    assert again.id == a.id and again.relation == "typical" and len(again.evidence) == 2
    page = store.query_assertions(AssertionQuery(kind="finding", diagnosis="melanoma"))
    assert page.total == 1 and page.items[0].kind == "finding"

    accepted = store.review(a.id, "accept", user="ann")
    assert accepted.status == "accepted" and store.revision() == rev + 1
    assert [x.id for x in store.finding_assertions()] == [a.id]

    edited = store.edit_assertion(a.id, user="bob", relation="possible", reason="not that specific")
    assert edited.relation == "possible" and store.revision() == rev + 2
    ev = store.list_events(EventQuery(action="edit", target=a.id)).items[0]
    assert (ev.before["relation"], ev.after["relation"], ev.user) == ("typical", "possible", "bob")  # type: ignore[index]
    with pytest.raises(InputError, match="from finding to ddx"):
        store.edit_assertion(a.id, user="bob", kind="ddx", object="nevus")  # ends of another kind
    with pytest.raises(InputError, match="unknown finding"):
        store.edit_assertion(a.id, user="bob", object="nevus")  # a diagnosis is not a finding
    moved = store.edit_assertion(a.id, user="bob", object=VEIL)
    assert moved.object == VEIL and store.get_assertion(a.id).object == VEIL  # type: ignore[union-attr]
    assert moved.status == "proposed" and store.revision() == rev + 3  # a new end: bob's own claim again

    rejected = store.review(a.id, "reject", user="cy", reason="contradicted by the textbook")
    assert rejected.status == "rejected" and store.finding_assertions(include_proposed=True) == []
    assert store.revision() == rev + 3


def test_reverting_finding_edits_and_creates(store: GraphStore) -> None:
    a = store.add_assertion(finding("seb-k", APN, relation="against"), user="stats")
    store.review(a.id, "accept", user="ann")
    store.edit_assertion(a.id, user="bob", relation="possible")
    edit = store.list_events(EventQuery(action="edit", target=a.id)).items[0]
    rev = store.revision()
    store.revert_event(edit.id, user="ann", reason="it is against")
    assert store.get_assertion(a.id).relation == "against"  # type: ignore[union-attr]
    assert store.revision() == rev + 1
    with pytest.raises(ConflictError):  # changed since the accept: the accept cannot be undone blindly
        store.revert_event(store.list_events(EventQuery(action="accept", target=a.id)).items[0].id, user="x")
    b = store.add_assertion(finding("nevus", VEIL, relation="against"), user="stats")
    create = store.list_events(EventQuery(action="create", target=b.id)).items[0]
    store.revert_event(create.id, user="ann", reason="bad proposal")
    assert store.get_assertion(b.id).status == "rejected"  # type: ignore[union-attr]
    # a created finding concept is rejected on revert, never deleted
    made = store.list_events(EventQuery(action="create", target="fnd-back")).items[0]
    store.revert_event(made.id, user="ann", reason="site is not a finding here")
    assert store.get_finding("fnd-back").status == "rejected"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "subject, object, match",
    [
        ("no-such-dx", APN, "unknown diagnosis|not a known diagnosis"),
        ("melanoma", "fnd-nothing", "unknown finding"),
        ("melanoma", "nevus", "unknown finding"),  # a diagnosis as the object
        (APN, "melanoma", "unknown diagnosis|not a known diagnosis"),  # reversed
    ],
)
def test_a_bad_end_is_an_input_error_and_nothing_is_written(
    store: GraphStore, subject: str, object: str, match: str
) -> None:
    before = store.export_graph()
    good = finding("nevus", VEIL, relation="against")
    with pytest.raises(InputError, match=match):
        store.add_assertions([good, finding(subject, object)])
    assert store.export_graph() == before  # the good one in the same batch is not written either


def test_is_a_and_ddx_still_refuse_a_finding_as_an_end(store: GraphStore) -> None:
    with pytest.raises(KeyError):  # NotFoundError, as before
        store.add_assertion(Assertion(kind="ddx", subject="melanoma", object=APN, origin="llm"))


# -- whole graph -------------------------------------------------------------------------------------
def _populated(store: GraphStore) -> GraphStore:
    a = store.add_assertion(finding("melanoma", APN, evidence=[stats_evidence()], score=0.7))
    store.review(a.id, "accept", user="ann")
    b = store.add_assertion(finding("seb-k", APN, relation="against"))
    store.edit_assertion(b.id, user="bob", note="checked")
    store.add_assertion(finding("melanoma", VEIL, relation="possible"))
    store.add_assertion(Assertion(kind="is_a", subject="melanoma", object="nevus", origin="import"))
    return store


def test_export_restore_round_trip_carries_findings(
    store: GraphStore, fresh_store: Callable[[], GraphStore]
) -> None:
    export = _populated(store).export_graph()
    assert [f.id for f in export.findings] == sorted([APN, VEIL, "fnd-back"])
    assert {a.relation for a in export.assertions if a.kind == "finding"} == {
        "typical",
        "against",
        "possible",
    }
    other = fresh_store()
    other.restore(export)
    assert other.export_graph() == export
    assert other.resolve_finding("atypical network").id == APN  # type: ignore[union-attr]
    assert [x.object for x in other.finding_assertions()] == [APN]
    a = other.find_assertion("finding", "melanoma", VEIL)
    assert a is not None and other.review(a.id, "accept", user="ann").status == "accepted"  # a working copy


def test_restore_refuses_a_finding_assertion_on_an_unknown_finding(
    store: GraphStore, fresh_store: Callable[[], GraphStore]
) -> None:
    export = _populated(store).export_graph()
    broken = export.model_copy(update={"findings": [f for f in export.findings if f.id != VEIL]})
    other = fresh_store()
    with pytest.raises(InputError, match="unknown finding"):
        other.restore(broken)
    assert other.list_findings() == [] and other.revision() == 0


def test_json_csv_and_graphml_exports_carry_findings(store: GraphStore, tmp_path: Path) -> None:
    export = _populated(store).export_graph()
    written = write_export(export, tmp_path / "csv", fmt="csv")
    by_name = {p.stem: p for p in written}
    with by_name["findings"].open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert {r["id"]: r["type"] for r in rows}[APN] == "dermoscopy"
    assert {r["id"]: r["synonyms"] for r in rows}[APN] == "atypical network"
    with by_name["assertions"].open(encoding="utf-8") as fh:
        relations = {
            (r["subject"], r["object"]): r["relation"] for r in csv.DictReader(fh) if r["kind"] == "finding"
        }
    assert relations == {
        ("melanoma", APN): "typical",
        ("seb-k", APN): "against",
        ("melanoma", VEIL): "possible",
    }
    g = nx.read_graphml(write_export(export, tmp_path / "g.graphml", fmt="graphml")[0])
    assert g.nodes[APN]["node_type"] == "finding" and g.nodes[APN]["finding_type"] == "dermoscopy"
    assert any(d["relation"] == "typical" for _, _, d in g.edges("melanoma", data=True))
    [path] = write_export(export, tmp_path / "g.json", fmt="json")
    from kg.export import read_graph_json

    assert read_graph_json(path) == export


def test_a_version_1_sqlite_file_is_upgraded_to_hold_finding_assertions(tmp_path: Path) -> None:
    """Files written before findings required an assertion's object to be a diagnosis."""
    path = tmp_path / "old.db"
    with make_store(f"sqlite:///{path}") as s:
        s.upsert_diagnoses([Diagnosis(id="melanoma", name="Melanoma"), Diagnosis(id="nevus", name="Nevus")])
        s.add_assertion(Assertion(kind="is_a", subject="melanoma", object="nevus", origin="import"))
    conn = sqlite3.connect(path)  # rewrite the table as version 1 had it
    conn.executescript(
        "PRAGMA foreign_keys = OFF; BEGIN;"
        "CREATE TABLE old AS SELECT * FROM assertions; DROP TABLE assertions;"
        "CREATE TABLE assertions (id TEXT PRIMARY KEY, kind TEXT NOT NULL, "
        "subject TEXT NOT NULL REFERENCES diagnoses(id), object TEXT NOT NULL REFERENCES diagnoses(id), "
        "status TEXT NOT NULL, origin TEXT NOT NULL, score REAL, created TEXT NOT NULL, "
        "version INTEGER NOT NULL, data TEXT NOT NULL, UNIQUE (kind, subject, object));"
        "INSERT INTO assertions SELECT * FROM old; DROP TABLE old;"
        "UPDATE meta SET value = 1 WHERE key = 'schema_version'; COMMIT;"
    )
    conn.close()
    with make_store(f"sqlite:///{path}") as s:
        s.upsert_findings([Finding(name="Atypical pigment network", type="dermoscopy")])
        a = s.add_assertion(finding("melanoma", APN))
        assert s.get_assertion(a.id) == a and len(list(s.iter_assertions())) == 2
        conn = s.conn  # type: ignore[attr-defined]
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == 2
        assert conn.execute("SELECT COUNT(*) FROM assertion_sources").fetchone()[0] == 0


@pytest.mark.neo4j
def test_migrate_sqlite_to_neo4j_and_back_carries_findings(tmp_path: Path, neo4j_url: str) -> None:
    from tests.fixtures.neo4j_server import wipe_neo4j

    wipe_neo4j(neo4j_url)
    first, last = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    with make_store(first) as s:
        s.upsert_diagnoses([Diagnosis(id=i, name=i.title()) for i in ("melanoma", "nevus", "seb-k")])
        s.upsert_findings([Finding(name="Atypical pigment network", type="dermoscopy")])
        s.upsert_findings([Finding(name="Blue-white veil", type="dermoscopy")])
        _populated_min(s)
        original = s.export_graph()
    there = migrate(first, neo4j_url)
    assert there.verified and there.counts["findings"] == 2
    with make_store(neo4j_url) as neo:
        assert neo.resolve_finding("atypical pigment networks").id == APN  # type: ignore[union-attr]
        assert [a.object for a in neo.finding_assertions()] == [APN]
        rows = neo.rows.q(  # type: ignore[attr-defined]
            "MATCH (:Diagnosis {id: 'melanoma'})-[r:HAS_FINDING]->(f:Finding) "
            "RETURN f.id AS f, r.relation AS rel"
        )
        assert rows == [{"f": APN, "rel": "typical"}]  # accepted findings are browsable as relationships
    back = migrate(neo4j_url, last)
    assert back.verified
    with make_store(last) as s:
        assert s.export_graph().model_dump(mode="json") == original.model_dump(mode="json")


def _populated_min(s: GraphStore) -> None:
    a = s.add_assertion(finding("melanoma", APN, evidence=[stats_evidence()]))
    s.review(a.id, "accept", user="ann")
    s.add_assertion(finding("nevus", VEIL, relation="against"))
