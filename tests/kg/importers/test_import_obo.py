"""DOID OBO import, cut to the skin-disease subtree (DOID:37); counts checked against the TSVs."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from dermkg.errors import InputError
from kg.importers import parse_vocabulary, run_import
from kg.store.base import GraphStore


def _tsv(path: Path) -> list[dict[str, str]]:
    with path.open() as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_subtree_terms_and_edges_match_the_derived_tsvs(doid_obo: Path) -> None:
    vocab = parse_vocabulary("obo", doid_obo, root="DOID:37")
    rows = _tsv(doid_obo.parent / "doid37_skin_disease_subtree.tsv")
    assert {t.key for t in vocab.terms} == {r["doid"] for r in rows}
    assert len(vocab.terms) == 166  # DOID:37 and its 165 descendants
    # the TSV lists 193 is_a edges leaving subtree members; 169 of them stay inside the subtree
    published = {(r["child"], r["parent"]) for r in _tsv(doid_obo.parent / "doid37_isa_edges.tsv")}
    assert len(published) == 193
    inside = {e for e in published if e[1] in {r["doid"] for r in rows}}
    assert {(e.child, e.parent) for e in vocab.edges} == inside
    assert len(inside) == 169


def test_exact_synonyms_and_icd10_xrefs(doid_obo: Path) -> None:
    vocab = parse_vocabulary("obo", doid_obo, root="DOID:37")
    rows = {r["doid"]: r for r in _tsv(doid_obo.parent / "doid37_skin_disease_subtree.tsv")}
    for term in vocab.terms:
        # EXACT synonyms only: a subset of the TSV's synonyms (which include RELATED ones)
        assert set(term.synonyms) <= set(filter(None, rows[term.key]["synonyms"].split("|")))
        icd = rows[term.key]["icd10_xrefs"]
        assert term.codes.get("icd10cm", "") == "|".join(
            sorted(v.split(":", 1)[1] for v in icd.split("|") if v)
        )
    decubitus = next(t for t in vocab.terms if t.key == "DOID:8717")
    assert "pressure ulcer" in decubitus.synonyms and "bedsore" not in decubitus.synonyms  # RELATED


def test_import_and_reimport(sqlite_store: GraphStore, doid_obo: Path) -> None:
    report = run_import(sqlite_store, "obo", doid_obo, root="DOID:37")
    assert (report.diagnoses_created, report.assertions_created) == (166, 169)
    psoriasis = sqlite_store.resolve_name("psoriasis")
    assert psoriasis.codes["doid"] == "DOID:8893" and psoriasis.codes["icd10cm"].startswith("L40")
    again = run_import(sqlite_store, "obo", doid_obo, root="DOID:37")
    assert (again.diagnoses_created, again.assertions_created) == (0, 0)
    assert sqlite_store.count_diagnoses() == 166


def test_unknown_root_is_an_input_error(doid_obo: Path) -> None:
    with pytest.raises(InputError, match="DOID:0"):
        parse_vocabulary("obo", doid_obo, root="DOID:0")


GOOD = """format-version: 1.2

[Term]
id: X:1
name: skin disease

[Term]
id: X:2
name: rash
is_a: X:1 ! skin disease
"""


@pytest.mark.parametrize(
    ("broken", "line"),
    [
        (GOOD.replace("name: rash", "name rash"), 9),  # no 'tag: value'
        (GOOD.replace("[Term]\nid: X:2", "[Term\nid: X:2"), 7),  # bad stanza header
        (GOOD.replace("id: X:2", "id: X:1"), 8),  # duplicate id
        (GOOD.replace("name: rash", 'name: rash\nsynonym: "eruption EXACT []'), 10),  # unterminated quote
        (GOOD.replace("is_a: X:1", "is_a: X:9"), 10),  # parent not in the ontology
    ],
)
def test_malformed_obo_names_the_line_and_changes_nothing(
    sqlite_store: GraphStore, tmp_path: Path, broken: str, line: int
) -> None:
    bad = tmp_path / "bad.obo"
    bad.write_text(broken)
    with pytest.raises(InputError, match=rf"bad\.obo:{line}\b"):
        run_import(sqlite_store, "obo", bad)
    assert sqlite_store.count_diagnoses() == 0


def test_a_cycle_is_refused_and_nothing_is_written(sqlite_store: GraphStore, tmp_path: Path) -> None:
    cyclic = tmp_path / "cycle.obo"
    # X:1 is_a X:3 is_a X:2 is_a X:1
    text = GOOD.replace("name: skin disease", "name: skin disease\nis_a: X:3")
    cyclic.write_text(text + "\n[Term]\nid: X:3\nname: hive\nis_a: X:2\n")
    with pytest.raises(InputError, match="cycle"):
        run_import(sqlite_store, "obo", cyclic)
    assert sqlite_store.count_diagnoses() == 0 and sqlite_store.revision() == 0
