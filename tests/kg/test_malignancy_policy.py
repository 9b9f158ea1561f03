"""The one malignancy resolver on the real ISIC + Skin-R1 vocabularies: in-situ policy, curated
override, class-consistent primary paths, and the lint checks that catch what is left."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import algorithms as alg
from kg.importers import run_import
from kg.lint import lint_store
from kg.store import GraphStore
from kg.view import GraphView


@pytest.fixture
def real_store(any_store: GraphStore, shared_data: Path) -> GraphStore:
    run_import(any_store, "isic", shared_data / "isic-taxonomy" / "diagnosis_paths.txt")
    run_import(any_store, "skinr1", shared_data / "skinr1-vocabulary" / "synonym_and_subtype2.json")
    return any_store


def _id(store: GraphStore, name: str) -> str:
    found = store.resolve_name(name)
    assert found is not None, name
    return found.id


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("cutaneous leiomyosarcoma", "malignant"),  # Skin-R1 files it under leiomyoma (benign)
        ("Leiomyosarcoma, Cutaneous", "malignant"),  # ISIC's unmerged node
        ("malignant peripheral nerve sheath tumor", "malignant"),
        ("melanoma in situ", "premalignant"),  # ISIC: Malignant; policy: precancerous in situ
        ("squamous cell carcinoma in situ", "premalignant"),  # ditto
        ("bowen disease", "premalignant"),  # Skin-R1: premalignant (now consistent with SCC in situ)
        ("actinic keratosis", "premalignant"),
        ("melanoma, invasive", "malignant"),
        ("kaposi sarcoma", "malignant"),
        ("neurofibroma", "benign"),
        ("cutaneous pseudolymphoma", "benign"),  # "pseudo" is no lymphoma
    ],
)
def test_policy_on_the_real_vocabularies(real_store: GraphStore, name: str, expected: str) -> None:
    view = real_store.graph_view()
    res = alg.malignancy(view, _id(real_store, name))
    assert res.value == expected, (name, res)
    assert res.condition == alg.CONDITION_OF[expected]


def test_every_primary_path_agrees_with_its_malignancy_where_a_parent_allows(real_store: GraphStore) -> None:
    view = real_store.graph_view()
    multi = [d for d in view.nodes if view.taxonomy.out_degree(d) > 1]
    assert len(multi) >= 4  # the real DAG has several multi-parent diagnoses
    for d in view.nodes:
        own = alg.malignancy(view, d).value
        ups = alg.parents(view, d)
        if own and any(alg.malignancy(view, p).value == own for p in ups):
            assert alg.malignancy(view, ups[0]).value == own, (d, ups)
    mpnst = _id(real_store, "malignant peripheral nerve sheath tumor")
    names = [view.name(x) for x in alg.path(view, mpnst)]
    assert names[0] == "Malignant" and "Neurofibroma" not in names and "Benign" not in names
    assert alg.disease_path(view, mpnst)[-1] == mpnst
    assert view.name(alg.disease_path(view, mpnst)[0]) != "Malignant"  # the class is no path level


def test_a_curated_value_overrides_the_policy(real_store: GraphStore) -> None:
    mis = _id(real_store, "melanoma in situ")
    real_store.update_diagnosis(
        mis, {"malignancy": "malignant", "malignancy_source": "curator"}, user="dr", reason="WHO 2018"
    )
    view = real_store.graph_view()
    res = alg.malignancy(view, mis)
    assert (res.value, res.rule) == ("malignant", "curator")


def test_lint_flags_siblings_and_names_on_the_real_graph(real_store: GraphStore) -> None:
    report = lint_store(real_store)
    siblings = [i for i in report.issues if i.code == "sibling_malignancy"]
    assert all(i.severity == "error" for i in siblings) and not report.ok
    melanoma_group = _id(real_store, "Malignant melanocytic proliferations (Melanoma)")
    assert any(i.diagnoses[0] == melanoma_group for i in siblings)  # in situ vs invasive siblings
    # a curator confirming the in-situ node's class silences that sibling error
    real_store.update_diagnosis(
        _id(real_store, "melanoma in situ"),
        {"malignancy": "premalignant", "malignancy_source": "curator"},
        user="dr",
    )
    again = lint_store(real_store)
    assert not any(i.code == "sibling_malignancy" and i.diagnoses[0] == melanoma_group for i in again.issues)
    # every resolved class agrees with its name on the real graph (none resolves against its name)
    assert [i.message for i in again.issues if i.code == "name_malignancy"] == []


def test_lint_flags_a_name_that_contradicts_its_class(sqlite_store: GraphStore) -> None:
    from kg.models import Assertion, Diagnosis

    sqlite_store.upsert_diagnoses(
        [
            Diagnosis(id="tumours", name="Benign tumours", malignancy="benign"),
            Diagnosis(
                id="x", name="Angiosarcoma of the scalp", malignancy="benign", malignancy_source="isic"
            ),
            Diagnosis(id="y", name="Spindle cell lipoma"),
        ]
    )
    sqlite_store.add_assertions(
        [
            Assertion(kind="is_a", subject=c, object="tumours", origin="import", status="accepted")
            for c in ("x", "y")
        ]
    )
    issues = [(i.code, i.diagnoses) for i in lint_store(sqlite_store).issues if i.severity == "error"]
    assert ("name_malignancy", ["x"]) in issues


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Lentigo maligna", "premalignant"),
        ("Lentigo maligna melanoma", "malignant"),  # invasive
        ("Bowenoid papulosis", None),  # not Bowen's disease
        ("Erythroplasia of Queyrat", "premalignant"),
        ("Basal cell carcinoma", "malignant"),
        ("Pseudolymphoma", None),
        ("Benign", None),  # a class node states no disease
        ("Mycosis fungoides", "malignant"),
    ],
)
def test_name_policy_table(name: str, expected: str | None) -> None:
    assert alg.name_malignancy(name) == expected


def test_one_resolver_for_synthesis_and_datasets(real_store: GraphStore) -> None:
    from synth.datasets.options import OptionSpace
    from synth.snapshot import SynthGraph  # synthesis reads malignancy through kg.algorithms

    view: GraphView = real_store.graph_view()
    snap = SynthGraph.from_store(real_store)
    space = OptionSpace(view)
    for d in view.nodes:
        assert snap.malignancy(d)[0] == alg.malignancy(space.view, d).value
        assert snap.path(d)[0] == list(reversed(alg.path(view, d)))


def test_siblings_under_a_class_neutral_grouping_are_not_flagged(sqlite_store: GraphStore) -> None:
    from kg.models import Assertion, Diagnosis

    sqlite_store.upsert_diagnoses(
        [
            Diagnosis(id="group", name="Melanocytic lesion"),  # no class: holds both kinds
            Diagnosis(id="nevus", name="Nevus", malignancy="benign"),
            Diagnosis(id="mel", name="Melanoma", malignancy="malignant"),
            Diagnosis(id="mel-a", name="Acral melanoma"),
            Diagnosis(id="mis", name="Melanoma in situ"),  # policy: premalignant, under malignant melanoma
        ]
    )
    edges = [("nevus", "group"), ("mel", "group"), ("mel-a", "mel"), ("mis", "mel")]
    sqlite_store.add_assertions(
        [Assertion(kind="is_a", subject=c, object=p, origin="import", status="accepted") for c, p in edges]
    )
    errors = [(i.code, i.diagnoses) for i in lint_store(sqlite_store).issues if i.severity == "error"]
    assert errors == [("sibling_malignancy", ["mel", "mel-a", "mis"])]
