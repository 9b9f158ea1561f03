"""Malformed inputs are one ``error:`` line naming the file and row / key, exit 2, store unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dermkg.inputs import json_depth
from kg.importers.skinr1 import BUCKETS_KEY
from synth.datasets.adapters import read_derm7pt
from tests.fixtures.images import write_image
from tests.hostile.conftest import assert_error, invoke, snapshot


def skinr1(**override: object) -> dict:
    data: dict = {
        "synonym_map": {"malignant melanoma": "melanoma"},
        "subtype_map": {"melanoma": ["nodular melanoma"]},
        BUCKETS_KEY: {"malignant": ["melanoma"], "benign": [], "precancerous_in_situ": []},
    }
    data.update(override)
    return data


SKINR1_ATTACKS = {
    "int_for_list": (skinr1(subtype_map={"melanoma": 5}), "subtype_map.melanoma"),
    "dict_for_str": (skinr1(synonym_map={"mm": {"x": 1}}), "synonym_map.mm"),
    "int_for_str": (skinr1(synonym_map={"mm": 7}), "synonym_map.mm"),
    "bucket_as_string": (skinr1(**{BUCKETS_KEY: {"malignant": "melanoma"}}), "malignant"),
    "list_top_level": ([1, 2, 3], "expected a JSON object"),
    "missing_key": ({"synonym_map": {}}, "subtype_map"),
    "null_map": (skinr1(subtype_map=None), "subtype_map"),
    "int_in_list": (skinr1(subtype_map={"melanoma": ["a", 3]}), "subtype_map.melanoma.1"),
}


@pytest.mark.parametrize("attack", sorted(SKINR1_ATTACKS))
def test_skinr1_wrong_types(attack: str, store_url: str, tmp_path: Path) -> None:
    data, key = SKINR1_ATTACKS[attack]
    path = tmp_path / "synonym_and_subtype2.json"
    path.write_text(json.dumps(data))
    before = snapshot(store_url)
    assert_error(invoke("kg", "import", "--format", "skinr1", str(path), store=store_url), str(path), key)
    assert snapshot(store_url) == before


def test_a_bucket_given_as_a_string_is_never_iterated_letter_by_letter(
    store_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "v.json"
    path.write_text(json.dumps(skinr1(**{BUCKETS_KEY: {"malignant": "melano"}})))
    before = snapshot(store_url)
    assert_error(invoke("kg", "import", "--format", "skinr1", str(path), store=store_url), "valid list")
    assert snapshot(store_url) == before  # no diagnoses named m, e, l, a, n, o


@pytest.mark.parametrize("fmt", ["skinr1", "json"])
@pytest.mark.parametrize("opener", ["[", '{"a":'])
def test_json_nested_100000_deep(fmt: str, opener: str, store_url: str, tmp_path: Path) -> None:
    closer = "]" if opener == "[" else "}"
    path = tmp_path / "deep.json"
    path.write_text(opener * 100_000 + "1" + closer * 100_000)
    before = snapshot(store_url)
    assert_error(
        invoke("kg", "import", "--format", fmt, str(path), store=store_url), str(path), "nested 100000 deep"
    )
    assert snapshot(store_url) == before


def test_depth_ignores_brackets_inside_strings() -> None:
    assert json_depth(json.dumps({"a": "[[[[{{{{", "b": ['\\"]]']})) == 2
    assert json_depth("[" * 50 + "]" * 50) == 50


@pytest.mark.parametrize(
    ("rows", "needle"),
    [
        ([{"name": 5}], "name"),
        ([{"name": "Acne", "synonyms": "spots"}], "synonyms"),
        ([{"name": "Acne", "malignancy": "very"}], "malignancy"),
        ({"diagnoses": "Acne"}, "expected"),
        ([{"name": "Acne", "unknown": 1}], "unknown"),
        ([{"name": "x" * 300}], "longer than 200"),
        ([{"name": "Acne\x1b[31m"}], "control character"),
    ],
)
def test_tabular_json_wrong_types(rows: object, needle: str, store_url: str, tmp_path: Path) -> None:
    path = tmp_path / "vocab.json"
    path.write_text(json.dumps(rows))
    before = snapshot(store_url)
    assert_error(invoke("kg", "import", "--format", "json", str(path), store=store_url), str(path), needle)
    assert snapshot(store_url) == before


def _derm7pt(root: Path, split_text: str) -> Path:
    (root / "meta").mkdir(parents=True)
    write_image(root / "images" / "a.jpg", "a")
    (root / "meta" / "meta.csv").write_text("case_num,diagnosis,derm\n0,melanoma,a.jpg\n")
    (root / "meta" / "train_indexes.csv").write_text(split_text)
    return root


@pytest.mark.parametrize(
    ("split_text", "needle"),
    [
        ("indexes\n0\nabc\n", "train_indexes.csv:3"),
        ("indexes\n-1\n", "train_indexes.csv:2"),
        ("indexes\n1e9\n", "train_indexes.csv:2"),
        ("rows\n0\n", "no 'indexes' column"),
        ("indexes\n99999999999999999999\n", "not a row number"),
    ],
)
def test_derm7pt_split_file_malformed(split_text: str, needle: str, store_url: str, tmp_path: Path) -> None:
    root = _derm7pt(tmp_path / "derm7pt", split_text)
    before = snapshot(store_url)
    assert_error(invoke("kg", "import-cases", "--format", "derm7pt", str(root), store=store_url), needle)
    assert snapshot(store_url) == before
    from dermkg.errors import InputError

    with pytest.raises(InputError, match="train_indexes.csv"):
        read_derm7pt(root)


@pytest.mark.parametrize("fmt", ["obo", "skinr1", "isic", "csv", "json"])
def test_empty_vocabulary_file_is_an_error(fmt: str, store_url: str, tmp_path: Path) -> None:
    path = tmp_path / f"empty.{'json' if fmt in {'skinr1', 'json'} else fmt}"
    path.write_text("" if fmt != "json" else "[]")
    before = snapshot(store_url)
    result = invoke("kg", "import", "--format", fmt, str(path), store=store_url)
    assert_error(result, str(path))
    assert snapshot(store_url) == before


@pytest.mark.parametrize("fmt", ["obo", "skinr1", "csv"])
def test_directory_and_device_arguments(fmt: str, store_url: str, tmp_path: Path) -> None:
    before = snapshot(store_url)
    assert_error(invoke("kg", "import", "--format", fmt, str(tmp_path), store=store_url), "is a directory")
    assert_error(invoke("kg", "import", "--format", fmt, "/dev/zero", store=store_url), "not a regular file")
    assert_error(invoke("kg", "import", "--format", fmt, str(tmp_path / "nope"), store=store_url), "no such")
    assert snapshot(store_url) == before


def test_binary_and_non_utf8_files(store_url: str, tmp_path: Path) -> None:
    before = snapshot(store_url)
    path = tmp_path / "latin1.obo"
    path.write_bytes("[Term]\nid: X:1\nname: Ecz\xe9ma\n".encode("latin-1"))
    assert_error(invoke("kg", "import", "--format", "obo", str(path), store=store_url), str(path))
    png = write_image(tmp_path / "v.json.png", "x")
    assert_error(invoke("kg", "import", "--format", "skinr1", str(png), store=store_url), str(png))
    assert snapshot(store_url) == before
