"""Taxonomy, malignancy and ResolveDDXNeighbor (Algorithm 4) on GraphViews: table cases + properties."""

from __future__ import annotations

import random

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dermkg.errors import NotFoundError
from kg import algorithms as alg
from kg.models import Assertion, Case, Diagnosis
from kg.store import GraphStore
from kg.view import GraphView, NodeInfo


def make_view(
    is_a: list[tuple[str, str]] = (),  # type: ignore[assignment]
    ddx: list[tuple[str, str]] = (),  # type: ignore[assignment]
    cases: dict[str, int] | None = None,
    malignancy: dict[str, str] | None = None,
    extra: tuple[str, ...] = (),
) -> GraphView:
    """An in-memory view (no store): nodes are every id mentioned."""
    ids = sorted(
        {x for e in [*is_a, *ddx] for x in e} | set(extra) | set(cases or {}) | set(malignancy or {})
    )
    nodes = {i: NodeInfo(i, i.title(), (malignancy or {}).get(i), "accepted") for i in ids}  # type: ignore[arg-type]
    tax, dd = nx.DiGraph(), nx.Graph()
    tax.add_nodes_from(ids)
    tax.add_edges_from(is_a)
    dd.add_nodes_from(ids)
    dd.add_edges_from(ddx)
    return GraphView(1, False, nodes, tax, dd, dict(cases or {}))


# A small melanocytic taxonomy (edges child -> parent).
TAXONOMY = [
    ("melanocytic", "skin-lesion"),
    ("keratinocytic", "skin-lesion"),
    ("melanoma", "melanocytic"),
    ("nevus", "melanocytic"),
    ("ssm", "melanoma"),
    ("lmm", "melanoma"),
    ("blue-nevus", "nevus"),
    ("seb-k", "keratinocytic"),
]


@pytest.fixture
def view() -> GraphView:
    return make_view(TAXONOMY, malignancy={"melanoma": "malignant", "nevus": "benign"})


# -- taxonomy --------------------------------------------------------------------------------
def test_path_runs_from_the_root_to_the_leaf(view: GraphView) -> None:
    assert alg.path(view, "ssm") == ["skin-lesion", "melanocytic", "melanoma", "ssm"]
    assert alg.path(view, "skin-lesion") == ["skin-lesion"]
    assert alg.depth(view, "ssm") == 3 and alg.depth(view, "skin-lesion") == 0


def test_ancestors_children_siblings(view: GraphView) -> None:
    assert alg.ancestors(view, "ssm") == ["melanoma", "melanocytic", "skin-lesion"]  # nearest first
    assert alg.children(view, "melanocytic") == ["melanoma", "nevus"]
    assert alg.siblings(view, "melanoma") == ["nevus"]
    assert alg.siblings(view, "skin-lesion") == []
    assert alg.roots(view) == ["skin-lesion"]
    assert alg.descendants(view, "melanoma") == ["lmm", "ssm"]


def test_unknown_diagnoses_raise_not_found(view: GraphView) -> None:
    with pytest.raises(NotFoundError, match="nope"):
        alg.path(view, "nope")


def test_a_dag_uses_the_finest_parent_deterministically() -> None:
    # collision: under both a coarse bucket (depth 0) and a fine class (depth 2)
    v = make_view([("b", "a"), ("c", "b"), ("x", "c"), ("x", "bucket")])
    assert alg.parents(v, "x") == ["c", "bucket"]
    assert alg.path(v, "x") == ["a", "b", "c", "x"]
    assert alg.paths(v, "x") == [["a", "b", "c", "x"], ["bucket", "x"]]
    assert alg.siblings(v, "c") == []
    v2 = make_view([("x", "p2"), ("x", "p1")])  # equal heights: by id
    assert alg.path(v2, "x") == ["p1", "x"]


# -- malignancy ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "labels, query, expected",
    [
        # own value wins over the parent's
        ({"melanoma": "malignant", "ssm": "premalignant"}, "ssm", ("premalignant", "own", None)),
        # nearest ancestor, fine to coarse (not the coarse root)
        ({"skin-lesion": "benign", "melanoma": "malignant"}, "ssm", ("malignant", "inherited", "melanoma")),
        # nothing anywhere (and a name that implies nothing)
        ({}, "nevus", (None, "none", None)),
        # nothing anywhere, but the ancestor's name says melanoma: the name rule, inherited
        ({}, "ssm", ("malignant", "inherited", "melanoma")),
    ],
)
def test_malignancy_resolves_fine_to_coarse(labels: dict, query: str, expected: tuple) -> None:
    got = alg.malignancy(make_view(TAXONOMY, malignancy=labels), query)
    assert (got.value, got.source, got.inherited_from) == expected


def test_malignancy_conflicts_are_reported() -> None:
    v = make_view(TAXONOMY, malignancy={"skin-lesion": "benign", "melanoma": "malignant"})
    got = alg.malignancy(v, "ssm")
    assert [(c.diagnosis, c.value) for c in got.conflicts] == [("skin-lesion", "benign")]
    # ancestors at the same distance disagree: the more severe wins, the other is a conflict
    dag = make_view([("x", "p"), ("x", "q")], malignancy={"p": "benign", "q": "malignant"})
    got = alg.malignancy(dag, "x")
    assert got.value == "malignant" and got.inherited_from == "q"
    assert [c.diagnosis for c in got.conflicts] == ["p"]


# -- ResolveDDXNeighbor: one test per branch of Algorithm 4 ----------------------------------
def test_direct_neighbour_with_cases() -> None:
    v = make_view(
        TAXONOMY, ddx=[("ssm", "seb-k"), ("ssm", "blue-nevus")], cases={"seb-k": 3, "blue-nevus": 5}
    )
    got = alg.resolve_ddx_neighbor(v, "ssm")
    assert (got.neighbor, got.branch, got.candidates_from) == ("blue-nevus", "direct", "diagnosis")
    assert got.candidates == ["blue-nevus", "seb-k"] and got.cases == 5


def test_parent_fallback_when_the_diagnosis_has_no_ddx() -> None:
    v = make_view(TAXONOMY, ddx=[("melanoma", "seb-k"), ("melanoma", "nevus")], cases={"seb-k": 2})
    got = alg.resolve_ddx_neighbor(v, "ssm")
    assert (got.neighbor, got.branch, got.candidates_from) == ("seb-k", "parent", "parent")


def test_child_of_a_candidate_when_no_candidate_has_cases() -> None:
    v = make_view(TAXONOMY, ddx=[("ssm", "nevus")], cases={"blue-nevus": 4})
    got = alg.resolve_ddx_neighbor(v, "ssm")
    assert (got.neighbor, got.branch, got.via) == ("blue-nevus", "child_of_candidate", "nevus")


def test_child_of_a_parent_candidate() -> None:
    v = make_view(TAXONOMY, ddx=[("melanoma", "nevus")], cases={"blue-nevus": 1})
    got = alg.resolve_ddx_neighbor(v, "lmm")
    assert (got.neighbor, got.branch, got.candidates_from, got.via) == (
        "blue-nevus",
        "child_of_candidate",
        "parent",
        "nevus",
    )


@pytest.mark.parametrize(
    "ddx, cases",
    [
        ([], {}),  # no DDx for the diagnosis nor its parent
        ([("ssm", "nevus")], {}),  # candidates, but neither they nor their children have cases
        ([("ssm", "nevus")], {"melanoma": 9}),  # cases elsewhere do not count
    ],
)
def test_none_when_nothing_has_cases(ddx: list, cases: dict) -> None:
    got = alg.resolve_ddx_neighbor(make_view(TAXONOMY, ddx=ddx, cases=cases), "ssm")
    assert got.neighbor is None and got.branch == "none"


def test_the_diagnosis_itself_is_never_its_own_negative() -> None:
    # b sits under p and q, which are each other's DDx: the only child with cases is b itself
    v = make_view([("b", "q"), ("b", "p")], ddx=[("p", "q")], cases={"b": 1})
    got = alg.resolve_ddx_neighbor(v, "b")
    assert got.candidates == ["p", "q"] and got.neighbor is None and got.branch == "none"


def test_a_seeded_rng_picks_uniformly_and_reproducibly() -> None:
    v = make_view(ddx=[("x", f"n{i}") for i in range(10)], cases={f"n{i}": 1 for i in range(10)})
    picks = {alg.resolve_ddx_neighbor(v, "x", rng=random.Random(seed)).neighbor for seed in range(50)}
    assert len(picks) > 3
    a = alg.resolve_ddx_neighbor(v, "x", rng=random.Random(7))
    b = alg.resolve_ddx_neighbor(v, "x", rng=random.Random(7))
    assert a == b


def test_proposed_ddx_count_only_on_request(sqlite_store: GraphStore) -> None:
    sqlite_store.upsert_diagnoses([Diagnosis(id="a", name="A"), Diagnosis(id="b", name="B")])
    sqlite_store.add_assertion(Assertion(kind="ddx", subject="a", object="b", origin="llm"))
    sqlite_store.add_cases([Case(diagnosis="b", image_sha256="1" * 64, image_path="b.jpg")])
    assert alg.resolve_ddx_neighbor(sqlite_store.graph_view(), "a").neighbor is None
    full = sqlite_store.graph_view(include_proposed=True)
    assert alg.resolve_ddx_neighbor(full, "a", include_proposed=True).neighbor == "b"
    with pytest.raises(ValueError):
        alg.resolve_ddx_neighbor(sqlite_store.graph_view(), "a", include_proposed=True)


# -- the store's cached view -----------------------------------------------------------------
def test_graph_view_is_cached_until_the_store_changes(sqlite_store: GraphStore) -> None:
    sqlite_store.upsert_diagnoses([Diagnosis(id="a", name="A"), Diagnosis(id="b", name="B")])
    first = sqlite_store.graph_view()
    assert sqlite_store.graph_view() is first
    sqlite_store.add_assertion(
        Assertion(kind="is_a", subject="a", object="b", origin="human", status="accepted")
    )
    second = sqlite_store.graph_view()
    assert second is not first and alg.path(second, "a") == ["b", "a"]
    assert second.revision == sqlite_store.revision()
    assert alg.ddx_neighbours(second, "a") == []


# -- properties ------------------------------------------------------------------------------
@st.composite
def random_graphs(draw: st.DrawFn) -> GraphView:
    n = draw(st.integers(min_value=1, max_value=12))
    ids = [f"d{i:02d}" for i in range(n)]
    pairs = [(i, j) for i in range(n) for j in range(i)]
    # child index > parent index keeps the taxonomy acyclic
    is_a = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=2 * n)) if pairs else []
    ddx = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=2 * n)) if pairs else []
    cases = draw(st.dictionaries(st.sampled_from(ids), st.integers(0, 3)))
    labels = draw(
        st.dictionaries(st.sampled_from(ids), st.sampled_from(["benign", "malignant", "premalignant"]))
    )
    return make_view(
        [(ids[i], ids[j]) for i, j in is_a],
        [(ids[i], ids[j]) for i, j in ddx],
        cases=cases,
        malignancy=labels,
        extra=tuple(ids),
    )


@settings(max_examples=150, deadline=None)
@given(random_graphs())
def test_taxonomy_properties(v: GraphView) -> None:
    for d in v.nodes:
        p = alg.path(v, d)
        assert p[-1] == d and not alg.parents(v, p[0])
        assert all(v.taxonomy.has_edge(c, up) for up, c in zip(p, p[1:], strict=False))
        assert alg.depth(v, d) == len(p) - 1
        assert set(alg.ancestors(v, d)) == nx.descendants(v.taxonomy, d)
        for s in alg.siblings(v, d):
            assert d in alg.siblings(v, s)
        for n in alg.ddx_neighbours(v, d):
            assert d in alg.ddx_neighbours(v, n)
        assert p in alg.paths(v, d)


@settings(max_examples=150, deadline=None)
@given(random_graphs())
def test_malignancy_properties(v: GraphView) -> None:
    for d in v.nodes:
        got = alg.malignancy(v, d)
        own = v.nodes[d].malignancy
        if own is not None:
            assert (got.value, got.source) == (own, "own")
        elif got.source == "inherited":
            assert got.inherited_from in alg.ancestors(v, got.diagnosis)
            assert v.nodes[got.inherited_from].malignancy == got.value
        else:
            assert all(v.nodes[a].malignancy is None for a in alg.ancestors(v, d))
        assert all(c.value != got.value for c in got.conflicts)


@settings(max_examples=150, deadline=None)
@given(random_graphs(), st.integers(0, 1000))
def test_resolve_ddx_neighbor_properties(v: GraphView, seed: int) -> None:
    for d in v.nodes:
        got = alg.resolve_ddx_neighbor(v, d)
        assert got == alg.resolve_ddx_neighbor(v, d)  # deterministic without an rng
        own = alg.ddx_neighbours(v, d)
        assert got.candidates_from == ("diagnosis" if own else ("parent" if got.candidates else "none"))
        if got.neighbor is None:
            assert got.branch == "none"
            assert all(v.cases(c) == 0 for c in got.candidates)
            assert all(v.cases(ch) == 0 or ch == d for c in got.candidates for ch in alg.children(v, c))
            continue
        assert got.neighbor != d and v.cases(got.neighbor) > 0
        if got.branch in ("direct", "parent"):
            assert got.neighbor in got.candidates
        else:
            assert got.via in got.candidates and got.neighbor in alg.children(v, got.via)
            assert all(v.cases(c) == 0 for c in got.candidates)
        seeded = alg.resolve_ddx_neighbor(v, d, rng=random.Random(seed))
        assert seeded.branch == got.branch and v.cases(seeded.neighbor) > 0  # type: ignore[arg-type]
