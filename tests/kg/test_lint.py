"""Each lint check on a real store, and a clean graph that passes."""

from __future__ import annotations

from kg.lint import lint_store
from kg.models import Assertion, Diagnosis, Evidence
from kg.store import GraphStore


def dx(id: str, **kw: object) -> Diagnosis:
    return Diagnosis(id=id, name=id.replace("-", " "), **kw)  # type: ignore[arg-type]


def edge(kind: str, s: str, o: str, **kw: object) -> Assertion:
    kw.setdefault("origin", "import")
    kw.setdefault("status", "accepted")
    return Assertion(kind=kind, subject=s, object=o, **kw)  # type: ignore[arg-type]


def codes(store: GraphStore) -> list[tuple[str, str, list[str]]]:
    return [(i.code, i.severity, i.diagnoses) for i in lint_store(store).issues]


def test_a_clean_tree_has_no_issues(sqlite_store: GraphStore) -> None:
    sqlite_store.upsert_diagnoses([dx("root", malignancy="malignant"), dx("a"), dx("b")])
    sqlite_store.add_assertions([edge("is_a", "a", "root"), edge("is_a", "b", "root"), edge("ddx", "a", "b")])
    report = lint_store(sqlite_store)
    assert report.issues == [] and report.ok and report.revision == sqlite_store.revision()


def test_orphans(sqlite_store: GraphStore) -> None:
    sqlite_store.upsert_diagnoses([dx("root"), dx("a"), dx("lonely")])
    sqlite_store.add_assertion(edge("is_a", "a", "root"))
    assert codes(sqlite_store) == [("orphan", "warning", ["lonely"])]


def test_malignancy_conflicts_warn_for_benign_under_malignant_and_inform_the_reverse(
    sqlite_store: GraphStore,
) -> None:
    sqlite_store.upsert_diagnoses(
        [
            dx("benign-group", malignancy="benign"),
            dx("malignant-child", malignancy="malignant"),
            dx("malignant-group", malignancy="malignant"),
            dx("benign-child", malignancy="benign"),
            dx("grandchild"),  # no own value: nothing to report
        ]
    )
    sqlite_store.add_assertions(
        [
            edge("is_a", "malignant-child", "benign-group"),
            edge("is_a", "benign-child", "malignant-group"),
            edge("is_a", "grandchild", "benign-child"),
        ]
    )
    assert codes(sqlite_store) == [
        ("malignancy_conflict", "warning", ["benign-child", "malignant-group"]),
        ("malignancy_conflict", "info", ["malignant-child", "benign-group"]),
    ]


def test_names_colliding_across_synonyms(sqlite_store: GraphStore) -> None:
    sqlite_store.upsert_diagnoses(
        [
            Diagnosis(id="sk", name="Seborrhoeic keratosis", synonyms=["Basal cell papilloma"]),
            Diagnosis(id="bcp", name="Basal cell papillomas"),
            Diagnosis(id="root", name="Root"),
        ]
    )
    sqlite_store.add_assertions([edge("is_a", "sk", "root"), edge("is_a", "bcp", "root")])
    [issue] = lint_store(sqlite_store).issues
    assert issue.code == "name_collision" and issue.diagnoses == ["bcp", "sk"]
    assert "basal cell papilloma" in issue.message


def test_ddx_between_ancestor_and_descendant(sqlite_store: GraphStore) -> None:
    sqlite_store.upsert_diagnoses([dx("root"), dx("mid"), dx("leaf")])
    sqlite_store.add_assertions(
        [edge("is_a", "mid", "root"), edge("is_a", "leaf", "mid"), edge("ddx", "root", "leaf")]
    )
    [issue] = lint_store(sqlite_store).issues
    assert (issue.code, issue.diagnoses) == ("ddx_ancestor", ["leaf", "root"]) and issue.assertions


def test_machine_assertions_without_evidence(sqlite_store: GraphStore) -> None:
    sqlite_store.upsert_diagnoses([dx("root"), dx("a"), dx("b")])
    ev = Evidence(source_sha256="f" * 64, page=3, quote="a vs b")
    sqlite_store.add_assertions(
        [
            edge("is_a", "a", "root"),  # import: fine without evidence
            edge("is_a", "b", "root", origin="human"),  # a curator's word: fine
            edge("ddx", "a", "b", origin="llm", status="proposed"),  # warning
        ]
    )
    assert codes(sqlite_store) == [("missing_evidence", "warning", ["a", "b"])]
    sqlite_store.add_assertion(edge("ddx", "a", "b", origin="llm", status="proposed", evidence=[ev]))
    assert codes(sqlite_store) == []


def test_cycles_among_proposed_edges_are_warnings(sqlite_store: GraphStore) -> None:
    sqlite_store.upsert_diagnoses([dx("a"), dx("b"), dx("c")])
    sqlite_store.add_assertions([edge("is_a", "a", "b"), edge("is_a", "b", "c", status="proposed")])
    sqlite_store.add_assertion(edge("is_a", "c", "a", status="proposed"))  # proposed cycles are allowed
    report = lint_store(sqlite_store)
    assert [(i.code, i.severity, i.diagnoses) for i in report.issues if i.code == "cycle"] == [
        ("cycle", "warning", ["a", "b", "c"])
    ]
    assert report.ok  # warnings only
