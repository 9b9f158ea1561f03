"""Skin-R1 vocabulary: synonyms, subtypes, own malignancy buckets; defects reported, not adopted."""

from __future__ import annotations

import json
from pathlib import Path

from kg.importers import parse_vocabulary, run_import
from kg.names import normalize
from kg.store.base import GraphStore


def test_every_synonym_pair_resolves_to_its_canonical(sqlite_store: GraphStore, skinr1_json: Path) -> None:
    data = json.loads(skinr1_json.read_text())
    assert len(data["synonym_map"]) == 169
    run_import(sqlite_store, "skinr1", skinr1_json)
    for variant, canonical in data["synonym_map"].items():
        assert sqlite_store.resolve_name(variant).id == sqlite_store.resolve_name(canonical).id, variant


def test_subtypes_become_is_a_edges(sqlite_store: GraphStore, skinr1_json: Path) -> None:
    data = json.loads(skinr1_json.read_text())
    assert len(data["subtype_map"]) == 29
    report = run_import(sqlite_store, "skinr1", skinr1_json)
    parents = {}
    for parent, children in data["subtype_map"].items():
        for child in children:
            c, p = sqlite_store.resolve_name(child).id, sqlite_store.resolve_name(parent).id
            if c != p:
                assert sqlite_store.find_assertion("is_a", c, p) is not None, (child, parent)
                parents.setdefault(c, set()).add(p)
    assert report.assertions == sum(len(v) for v in parents.values())
    assert len({p for v in parents.values() for p in v}) == 29


def test_buckets_are_own_malignancy_never_propagated(sqlite_store: GraphStore, skinr1_json: Path) -> None:
    run_import(sqlite_store, "skinr1", skinr1_json)
    neurofibroma = sqlite_store.resolve_name("neurofibroma")
    mpnst = sqlite_store.resolve_name("malignant peripheral nerve sheath tumor")
    assert (neurofibroma.malignancy, neurofibroma.malignancy_source) == ("benign", "skinr1")
    assert mpnst.malignancy is None  # Skin-R1 would file it benign (coarse-first); we do not
    assert sqlite_store.resolve_name("cutaneous leiomyosarcoma").malignancy is None
    assert sqlite_store.resolve_name("bowen disease").malignancy == "premalignant"
    # the bucket spells 'trichilemmal (pilar) cyst'; resolved through the synonym map to pilar cyst
    assert sqlite_store.resolve_name("pilar cyst").malignancy == "benign"


def test_known_defects_are_reported_as_warnings(sqlite_store: GraphStore, skinr1_json: Path) -> None:
    report = run_import(sqlite_store, "skinr1", skinr1_json)
    text = "\n".join(report.warnings)
    assert "'malignant peripheral nerve sheath tumor' has no bucket and Skin-R1 files it benign" in text
    assert "'cutaneous leiomyosarcoma' has no bucket and Skin-R1 files it benign" in text
    assert "no malignancy bucket: 'hidradenoma'" in text and "no malignancy bucket: 'cylindroma'" in text
    assert "bucket spelling: 'trichilemmal (pilar) cyst'" in text
    assert sum("several parents" in w for w in report.warnings) == 4


def test_import_is_idempotent(sqlite_store: GraphStore, skinr1_json: Path) -> None:
    first = run_import(sqlite_store, "skinr1", skinr1_json)
    n = sqlite_store.count_diagnoses()
    again = run_import(sqlite_store, "skinr1", skinr1_json)
    assert (again.diagnoses_created, again.assertions_created) == (0, 0)
    assert sqlite_store.count_diagnoses() == n == first.diagnoses_created
    names = {normalize(x) for d in sqlite_store.list_diagnoses() for x in (d.name, *d.synonyms)}
    vocab = parse_vocabulary("skinr1", skinr1_json)
    assert {normalize(t.name) for t in vocab.terms} <= names


def test_isic_then_doid_then_skinr1_merge_onto_the_same_diagnoses(
    sqlite_store: GraphStore, isic_paths: Path, doid_obo: Path, skinr1_json: Path
) -> None:
    run_import(sqlite_store, "isic", isic_paths)
    doid = run_import(sqlite_store, "obo", doid_obo, root="DOID:37")
    skin = run_import(sqlite_store, "skinr1", skinr1_json)
    assert doid.diagnoses_matched > 0 and skin.diagnoses_matched > 0
    mpnst = sqlite_store.resolve_name("malignant peripheral nerve sheath tumor")
    assert mpnst.codes["isic"].startswith("Malignant:")  # Skin-R1's node merged onto ISIC's
    assert mpnst.malignancy == "malignant"
    neurofibroma = sqlite_store.resolve_name("neurofibroma")
    assert sqlite_store.find_assertion("is_a", mpnst.id, neurofibroma.id) is not None
    skin_tag = sqlite_store.resolve_name("skin tag")
    assert "isic" in skin_tag.codes and "doid" in skin_tag.codes


def test_lint_shows_the_defects_instead_of_hiding_them(
    sqlite_store: GraphStore, skinr1_json: Path, isic_paths: Path
) -> None:
    from kg.lint import lint_store

    run_import(sqlite_store, "skinr1", skinr1_json)
    orphans = {d for i in lint_store(sqlite_store).issues if i.code == "orphan" for d in i.diagnoses}
    # canonical names the subtype and bucket lists spell differently end up outside the taxonomy
    assert {"hidradenoma", "cylindroma", "merkel-cell-carcinoma"} <= orphans
    run_import(sqlite_store, "isic", isic_paths)
    conflicts = [i for i in lint_store(sqlite_store).issues if i.code == "malignancy_conflict"]
    mpnst = next(i for i in conflicts if "malignant-peripheral-nerve-sheath-tumor" in i.diagnoses)
    assert "neurofibroma" in mpnst.diagnoses  # malignant subtype under Skin-R1's benign neurofibroma


def test_defects_name_the_coarsest_bucket_and_every_second_parent() -> None:
    from kg.importers.skinr1 import find_defects

    subtypes = {"benign": ["tumour"], "tumour": ["odd sarcoma"], "other": ["odd sarcoma"]}
    notes = find_defects({}, subtypes, {"benign": "benign", "tumour": "benign", "odd sarcoma": "malignant"})
    assert (
        "coarse-first malignancy: 'odd sarcoma' is malignant but Skin-R1 files it benign (from 'benign')"
        in notes
    )
    assert "several parents: 'odd sarcoma' is a subtype of ['other', 'tumour']" in notes
