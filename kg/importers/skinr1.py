"""Skin-R1's released vocabulary (``synonym_and_subtype2.json``): synonyms, subtypes, malignancy.

Imported faithfully but not trusted: each bucket becomes the diagnosis's *own* malignancy
(``malignancy_source="skinr1"``), never copied down to subtypes — Skin-R1 resolves malignancy
coarse-first, which files malignant subtypes of benign parents as benign (see the data's
SOURCE.txt). The defects found in the file are returned as warnings, and the graph resolves
fine-to-coarse so that ``dermkg kg lint`` shows the conflicts instead of hiding them.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dermkg.errors import InputError
from dermkg.inputs import load_json
from kg.importers.types import VocabEdge, VocabTerm, Vocabulary
from kg.models import Malignancy
from kg.names import normalize

BUCKETS_KEY = "benign or precancerous_in_situ or malignant"
BUCKET_MALIGNANCY: dict[str, Malignancy] = {
    "benign": "benign",
    "precancerous_in_situ": "premalignant",
    "malignant": "malignant",
}
_SUSPICIOUS = re.compile(r"malignan|sarcoma|carcinoma|(?<!pseudo)lymphoma\b|melanoma", re.I)


class SkinR1File(BaseModel):
    """The file's schema, checked before anything is read from it: strict types, so an int is not a
    name and a bucket given as one string is refused (never iterated letter by letter)."""

    model_config = ConfigDict(extra="ignore", strict=True, populate_by_name=True)

    synonym_map: dict[str, str]
    subtype_map: dict[str, list[str]]
    buckets: dict[str, list[str]] = Field(alias=BUCKETS_KEY)


def _load(path: Path) -> dict[str, Any]:
    data = load_json(path, what="Skin-R1 vocabulary")
    if not isinstance(data, dict):
        raise InputError(f"expected a JSON object, found {type(data).__name__}", location=str(path))
    try:
        parsed = SkinR1File.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        found = type(first.get("input")).__name__
        raise InputError(f"key {key!r}: {first['msg']} (found {found})", location=str(path)) from None
    return {"synonym_map": parsed.synonym_map, "subtype_map": parsed.subtype_map, BUCKETS_KEY: parsed.buckets}


def _line_of(text: str, needle: str) -> int | None:
    pos = text.find(json.dumps(needle))
    return text.count("\n", 0, pos) + 1 if pos >= 0 else None


def parse_skinr1(path: Path) -> Vocabulary:
    """Canonical names carry their variants as synonyms; subtype lists become is_a edges."""
    data = _load(path)
    text = path.read_text(encoding="utf-8-sig")
    synonym_map: dict[str, str] = data["synonym_map"]
    subtype_map: dict[str, list[str]] = data["subtype_map"]
    buckets: dict[str, list[str]] = data[BUCKETS_KEY]
    unknown = set(buckets) - set(BUCKET_MALIGNANCY)
    if unknown:
        raise InputError(f"unknown malignancy bucket(s) {sorted(unknown)}", location=str(path))
    bucket_of: dict[str, Malignancy] = {}
    for bucket, names in buckets.items():
        for name in names:
            bucket_of[name] = BUCKET_MALIGNANCY[bucket]

    variants: dict[str, list[str]] = defaultdict(list)
    for variant, canonical in synonym_map.items():
        if not isinstance(canonical, str) or not canonical.strip():
            raise InputError(
                f"synonym {variant!r} maps to no name", location=f"{path}:{_line_of(text, variant)}"
            )
        variants[canonical].append(variant)
    names: dict[str, VocabTerm] = {}

    def add(name: str, synonyms: list[str] | None = None) -> None:
        if name not in names:
            names[name] = VocabTerm(
                key=name,
                name=name,
                synonyms=synonyms or [],
                malignancy=bucket_of.get(name),
                quote=name if not synonyms else f"{name} (synonyms: {', '.join(synonyms)})",
                line=_line_of(text, name),
            )

    for canonical, vs in variants.items():
        add(canonical, vs)
    edges: list[VocabEdge] = []
    for parent, children in subtype_map.items():
        if not isinstance(children, list):
            raise InputError(
                f"subtypes of {parent!r} must be a list", location=f"{path}:{_line_of(text, parent)}"
            )
        add(parent)
        for child in children:
            add(child)
            edges.append(
                VocabEdge(
                    child=child,
                    parent=parent,
                    quote=f'"{parent}": [... "{child}" ...]',
                    line=_line_of(text, parent),
                )
            )
    for name in bucket_of:
        add(name)
    return Vocabulary(
        format="skinr1",
        title="Skin-R1 synonym, subtype and malignancy vocabulary (synonym_and_subtype2.json)",
        licence="MIT",
        malignancy_source="skinr1",
        merge_within_file=True,
        terms=list(names.values()),
        edges=edges,
        notes=find_defects(synonym_map, subtype_map, bucket_of),
    )


def find_defects(
    synonym_map: dict[str, str], subtype_map: dict[str, list[str]], bucket_of: dict[str, Malignancy]
) -> list[str]:
    """The known defect classes of the file, stated per instance (reported, never adopted)."""
    notes: list[str] = []
    tree = nx.DiGraph((parent, child) for parent, children in subtype_map.items() for child in children)
    canonical_of = {normalize(v): c for v, c in synonym_map.items()}

    def ancestors(name: str) -> list[str]:
        """Nearest first, so the last one is the coarsest (the bucket Skin-R1 files it under)."""
        if name not in tree:
            return []
        depth = nx.single_source_shortest_path_length(tree.reverse(copy=False), name)
        return sorted((a for a in depth if a != name), key=lambda a: (depth[a], a))

    nodes = set(subtype_map) | {c for cs in subtype_map.values() for c in cs}
    for name in sorted(nodes | set(synonym_map.values())):
        bucketed = [a for a in ancestors(name) if a in bucket_of]
        own = bucket_of.get(name)
        coarse = bucketed[-1] if bucketed else None
        if own and coarse and bucket_of[coarse] != own:
            notes.append(
                f"coarse-first malignancy: {name!r} is {own} but Skin-R1 files it {bucket_of[coarse]} "
                f"(from {coarse!r})"
            )
        elif not own and coarse and bucket_of[coarse] != "malignant" and _SUSPICIOUS.search(name):
            notes.append(
                f"coarse-first malignancy: {name!r} has no bucket and Skin-R1 files it "
                f"{bucket_of[coarse]} (from {coarse!r}); its name says otherwise"
            )
        elif not own and not bucketed and name not in synonym_map:
            notes.append(f"no malignancy bucket: {name!r} (nor any of its ancestors)")
    for name in sorted(bucket_of):
        canonical = canonical_of.get(normalize(name))
        if canonical and canonical != name:
            notes.append(f"bucket spelling: {name!r} is a synonym of canonical {canonical!r}")
    for child in sorted(tree):
        if tree.in_degree(child) > 1:
            notes.append(f"several parents: {child!r} is a subtype of {sorted(tree.predecessors(child))}")
    return notes
