"""Generic CSV / JSON vocabularies: rows, parents by name, edges, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dermkg.errors import InputError
from kg.importers import run_import
from kg.store.base import GraphStore

CSV = """name,synonyms,malignancy,parents,code:icd10
skin tumour,,,,
keratinocyte carcinoma,nmsc|non-melanoma skin cancer,malignant,skin tumour,C44
basal cell carcinoma,BCC,,keratinocyte carcinoma,C44.91
"""


def test_csv_rows_become_diagnoses_and_edges(sqlite_store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "vocab.csv"
    path.write_text(CSV)
    report = run_import(sqlite_store, "csv", path)
    assert (report.diagnoses_created, report.assertions_created) == (3, 2)
    bcc = sqlite_store.resolve_name("BCC")
    assert bcc.name == "basal cell carcinoma" and bcc.codes == {"icd10": "C44.91"}
    kc = sqlite_store.resolve_name("non-melanoma skin cancer")
    assert kc.malignancy == "malignant" and kc.malignancy_source == "csv:vocab.csv"
    assert sqlite_store.find_assertion("is_a", bcc.id, kc.id).evidence[0].quote == (
        "basal cell carcinoma is_a keratinocyte carcinoma"
    )
    assert run_import(sqlite_store, "csv", path).diagnoses_created == 0


def test_json_with_ids_and_edges_to_names_already_in_the_graph(
    sqlite_store: GraphStore, tmp_path: Path
) -> None:
    first = tmp_path / "a.csv"
    first.write_text(CSV)
    run_import(sqlite_store, "csv", first)
    doc = {
        "diagnoses": [{"id": "sbcc", "name": "superficial basal cell carcinoma", "synonyms": ["sBCC"]}],
        "edges": [{"child": "superficial basal cell carcinoma", "parent": "BCC"}],
    }
    path = tmp_path / "b.json"
    path.write_text(json.dumps(doc))
    report = run_import(sqlite_store, "json", path, as_proposed=True)
    assert report.diagnoses_created == 1 and sqlite_store.get_diagnosis("sbcc").status == "proposed"
    edge = sqlite_store.find_assertion("is_a", "sbcc", sqlite_store.resolve_name("bcc").id)
    assert edge.status == "proposed"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,parents\nrash,\nrash,\n", r"v\.csv:3: duplicate"),  # duplicate name
        ("name,parents\nrash,eruption\n", "'eruption', which is neither in the file nor in the graph"),
        ("name,malignancy\nrash,sometimes\n", r"v\.csv:2: malignancy"),  # not a malignancy value
        ("label\nrash\n", "needs a 'name' column"),
        ("name,parents\na,b\nb,a\n", "cycle"),
    ],
)
def test_bad_rows_raise_and_change_nothing(
    sqlite_store: GraphStore, tmp_path: Path, content: str, message: str
) -> None:
    path = tmp_path / "v.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=message):
        run_import(sqlite_store, "csv", path)
    assert sqlite_store.count_diagnoses() == 0 and sqlite_store.revision() == 0


def test_unknown_format_and_missing_file(sqlite_store: GraphStore, tmp_path: Path) -> None:
    path = tmp_path / "v.csv"
    path.write_text(CSV)
    with pytest.raises(InputError, match="unknown import format"):
        run_import(sqlite_store, "xlsx", path)
    with pytest.raises(InputError, match="no such file"):
        run_import(sqlite_store, "csv", tmp_path / "absent.csv")
