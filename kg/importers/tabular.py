"""Generic CSV / JSON vocabularies: one row per diagnosis, parents by name, or edge rows.

CSV columns (header required): ``name`` (required), ``id``, ``synonyms`` (``|``-separated),
``malignancy`` (benign | malignant | premalignant), ``parents`` (``|``-separated names or ids),
``codes`` (``key=value|key=value``) and any ``code:<key>`` column. A CSV with ``child,parent``
columns is a list of is_a edges between names already in the graph. JSON: ``{"diagnoses":
[{name, id?, synonyms?, malignancy?, parents?, codes?}], "edges": [{child, parent}]}`` or a bare
list of diagnosis objects.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dermkg.errors import InputError
from dermkg.inputs import load_json
from kg.importers.types import VocabEdge, VocabTerm, Vocabulary
from kg.models import Malignancy


class TabularRow(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    id: str | None = None
    synonyms: list[str] = Field(default_factory=list)
    malignancy: Malignancy | None = None
    parents: list[str] = Field(default_factory=list)
    codes: dict[str, str] = Field(default_factory=dict)


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split("|") if v.strip()]


def _csv_rows(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            fields = [f.strip() for f in (reader.fieldnames or [])]
            rows = [(reader.line_num, {k.strip(): (v or "") for k, v in r.items() if k}) for r in reader]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"cannot read CSV: {exc}", location=str(path)) from None
    if {"child", "parent"} <= set(fields) and "name" not in fields:
        return [], [(line, r["child"].strip(), r["parent"].strip()) for line, r in rows]
    if "name" not in fields:
        raise InputError("CSV needs a 'name' column (or 'child,parent' edge columns)", location=f"{path}:1")
    out = []
    for line, r in rows:
        codes = dict(kv.split("=", 1) for kv in _split(r.get("codes")) if "=" in kv)
        codes.update({k[5:]: v.strip() for k, v in r.items() if k.startswith("code:") and v.strip()})
        out.append(
            (
                line,
                {
                    "name": r["name"].strip(),
                    "id": r.get("id", "").strip() or None,
                    "synonyms": _split(r.get("synonyms")),
                    "malignancy": r.get("malignancy", "").strip().lower() or None,
                    "parents": _split(r.get("parents") or r.get("parent")),
                    "codes": codes,
                },
            )
        )
    return out, []


def _json_rows(path: Path) -> tuple[list[tuple[int, dict[str, Any]]], list[tuple[int, str, str]]]:
    data = load_json(path, what="vocabulary JSON")
    diagnoses = (
        data if isinstance(data, list) else data.get("diagnoses", []) if isinstance(data, dict) else None
    )
    edges = data.get("edges", []) if isinstance(data, dict) else []
    if not isinstance(diagnoses, list) or not isinstance(edges, list):
        raise InputError(
            "expected {'diagnoses': [...], 'edges': [...]} or a list of diagnoses", location=str(path)
        )
    edge_rows = []
    for i, e in enumerate(edges):
        if not isinstance(e, dict) or not e.get("child") or not e.get("parent"):
            raise InputError("an edge needs 'child' and 'parent'", location=f"{path}:edges[{i}]")
        edge_rows.append((i, str(e["child"]), str(e["parent"])))
    return [(i, d) for i, d in enumerate(diagnoses)], edge_rows


def parse_tabular(path: Path) -> Vocabulary:
    """Rows validated one by one; a bad row raises InputError naming the file and row."""
    is_json = path.suffix.lower() == ".json"
    rows, edge_rows = _json_rows(path) if is_json else _csv_rows(path)
    where = "row" if is_json else "line"
    terms: list[VocabTerm] = []
    edges: list[VocabEdge] = []
    seen: dict[str, int] = {}
    for line, raw in rows:
        loc = f"{path}:{where} {line}" if is_json else f"{path}:{line}"
        try:
            row = TabularRow.model_validate(raw)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            raise InputError(f"{field}: {first['msg']}", location=loc) from None
        key = row.id or row.name
        for k in {key, row.name}:
            if k.lower() in seen:
                raise InputError(f"duplicate id or name {k!r} (first at {seen[k.lower()]})", location=loc)
            seen[k.lower()] = line
        terms.append(
            VocabTerm(
                key=key,
                id=row.id,
                name=row.name,
                synonyms=row.synonyms,
                malignancy=row.malignancy,
                codes=row.codes,
                quote=json.dumps(raw, ensure_ascii=False, sort_keys=True)
                if is_json
                else ",".join(str(v) for v in raw.values() if v),
                line=line if not is_json else None,
            )
        )
        for parent in row.parents:
            edges.append(VocabEdge(child=key, parent=parent, quote=f"{row.name} is_a {parent}", line=line))
    names = {t.name: t.key for t in terms}
    for edge in edges:
        edge.parent = names.get(edge.parent, edge.parent)
    for line, child, parent in edge_rows:
        edges.append(
            VocabEdge(
                child=names.get(child, child),
                parent=names.get(parent, parent),
                quote=f"{child} is_a {parent}",
                line=line,
            )
        )
    if not terms and not edges:
        raise InputError("no diagnoses or edges found", location=str(path))
    return Vocabulary(
        format="csv",
        title=f"tabular vocabulary {path.name}",
        malignancy_source=f"csv:{path.name}",
        terms=terms,
        edges=edges,
    )
