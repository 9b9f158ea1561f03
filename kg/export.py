"""Canonical export of a store (``dermkg kg export``) and its writers: JSON, GraphML, CSV.

The export is backend-independent and sorted (sources by sha256, diagnoses / assertions / cases by
id, label maps by dataset and label, events by sequence number), so two stores holding the same
graph export byte-identical JSON and ``store.restore(export)`` round-trips exactly.

Example:
    >>> export = export_store(store)  # doctest: +SKIP
    >>> write_export(export, Path("graph.json"), fmt="json")  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel

from dermkg.errors import InputError
from dermkg.files import atomic_file, atomic_files, atomic_write_text
from kg.models import Diagnosis, Finding, GraphExport

if TYPE_CHECKING:  # the store imports this module; at run time a store is passed in
    from kg.store.base import GraphStore

log = logging.getLogger(__name__)

ExportFormat = Literal["json", "graphml", "csv"]

__all__ = [
    "ExportFormat",
    "RestoreReport",
    "export_json",
    "export_store",
    "read_graph_json",
    "restore_graph_json",
    "write_export",
]


def export_store(store: GraphStore) -> GraphExport:
    """Everything in ``store`` as one sorted :class:`GraphExport`."""
    return GraphExport(
        revision=store.revision(),
        sources=sorted(store.list_sources(), key=lambda s: s.sha256),
        diagnoses=sorted(store.list_diagnoses(), key=lambda d: d.id),
        findings=sorted(store.list_findings(), key=lambda f: f.id),
        assertions=sorted(store.iter_assertions(), key=lambda a: a.id),
        cases=sorted(store.list_cases(), key=lambda c: c.id),
        label_maps=sorted(store.get_label_map(), key=lambda m: (m.dataset, m.label)),
        events=sorted(store.iter_events(), key=lambda e: (e.seq, e.id)),
    )


def export_json(export: GraphExport, *, names: bool = False) -> dict[str, Any]:
    """The JSON document; ``names=True`` writes diagnosis names instead of ids in subject / object /
    diagnosis (a readable variant that does not round-trip)."""
    data = export.model_dump(mode="json")
    if names:
        by_id = {f.id: f.name for f in export.findings}
        by_id.update({d.id: d.name for d in export.diagnoses})
        for d in export.diagnoses:
            by_id.update({alias: d.name for alias in d.aliases})
        for a in data["assertions"]:
            a["subject"] = by_id.get(a["subject"], a["subject"])
            a["object"] = by_id.get(a["object"], a["object"])
        for c in data["cases"]:
            c["diagnosis"] = by_id.get(c["diagnosis"], c["diagnosis"])
        for m in data["label_maps"]:
            if m["diagnosis"] is not None:
                m["diagnosis"] = by_id.get(m["diagnosis"], m["diagnosis"])
    return data


def read_graph_json(path: Path) -> GraphExport:
    """Read a ``dermkg kg export --format json`` file (InputError names the file on bad input)."""
    try:
        return GraphExport.model_validate_json(Path(path).read_bytes())
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc}") from None
    except ValueError as exc:
        raise InputError(f"not a dermkg graph export: {exc}", location=str(path)) from None


def write_export(
    export: GraphExport, out: Path, *, fmt: ExportFormat = "json", names: bool = False
) -> list[Path]:
    """Write ``export`` as ``fmt``; returns the files written (CSV writes one file per table)."""
    out = Path(out)
    log.info(
        "exporting %d diagnoses, %d assertions as %s to %s",
        len(export.diagnoses),
        len(export.assertions),
        fmt,
        out,
    )
    if fmt == "json":
        text = json.dumps(export_json(export, names=names), ensure_ascii=False, indent=1, sort_keys=True)
        return [atomic_write_text(out, text + "\n")]
    if fmt == "graphml":
        return [_write_graphml(export, out, names=names)]
    if fmt == "csv":
        return _write_csv(export, out, names=names)
    raise InputError(f"unknown export format {fmt!r}: use json, graphml or csv")


def _concept_attrs(node_type: str, concept: Diagnosis | Finding) -> dict[str, str]:
    """The GraphML attributes diagnoses and findings share (synonyms joined by '|')."""
    return {
        "id": concept.id,
        "node_type": node_type,
        "name": concept.name,
        "synonyms": "|".join(concept.synonyms),
        "status": concept.status,
    }


def _write_graphml(export: GraphExport, out: Path, *, names: bool) -> Path:
    import networkx as nx

    g = nx.MultiDiGraph()
    label = {f.id: f.name for f in export.findings}
    label.update({d.id: d.name for d in export.diagnoses})
    node = (lambda i: label.get(i, i)) if names else (lambda i: i)
    for f in export.findings:
        g.add_node(node(f.id), **_concept_attrs("finding", f), finding_type=f.type)
    for d in export.diagnoses:
        codes = json.dumps(d.codes, sort_keys=True)
        g.add_node(node(d.id), **_concept_attrs("diagnosis", d), malignancy=d.malignancy or "", codes=codes)
    for a in export.assertions:
        g.add_edge(
            node(a.subject),
            node(a.object),
            key=a.id,
            id=a.id,
            kind=a.kind,
            relation=a.relation or "",
            status=a.status,
            origin=a.origin,
            score=-1.0 if a.score is None else a.score,
            evidence=len(a.evidence),
        )
    with atomic_file(out, "wb") as fh:  # a full disk leaves the previous file, never a truncated one
        nx.write_graphml(g, fh)
    return out


def _write_csv(export: GraphExport, out: Path, *, names: bool) -> list[Path]:
    """``out`` is a folder, or a ``.csv`` path whose stem prefixes the table files."""
    data = export_json(export, names=names)
    folder, prefix = (out.parent, out.stem + "_") if out.suffix == ".csv" else (out, "")
    tables = {
        "diagnoses": [
            "id",
            "name",
            "synonyms",
            "malignancy",
            "malignancy_source",
            "codes",
            "status",
            "aliases",
        ],
        "findings": ["id", "name", "synonyms", "type", "description", "status", "origin"],
        "assertions": [
            "id",
            "kind",
            "subject",
            "object",
            "relation",
            "status",
            "origin",
            "score",
            "reviewed_by",
            "note",
        ],
        "cases": ["id", "diagnosis", "image_sha256", "image_path", "status", "rationale"],
        "evidence": ["owner", "id", "source_sha256", "page", "bbox", "quote"],
    }
    rows: dict[str, list[dict[str, Any]]] = {
        name: data[name] for name in ("diagnoses", "findings", "assertions", "cases")
    }
    rows["evidence"] = [
        {"owner": owner["id"], **ev}
        for table in ("diagnoses", "assertions", "cases")
        for owner in data[table]
        for ev in owner["evidence"]
    ]
    written = [folder / f"{prefix}{name}.csv" for name in tables]
    with atomic_files(written) as handles:  # all four tables replace the old ones, or none does
        for fh, (name, cols) in zip(handles, tables.items(), strict=True):
            writer = csv.DictWriter(fh, fieldnames=cols, extrasaction="ignore")
            writer.writeheader()
            for row in rows[name]:
                writer.writerow({k: _cell(row.get(k)) for k in cols})
    return written


_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A CSV cell; text that a spreadsheet would run as a formula (``=HYPERLINK(...)``) is prefixed
    with ``'`` (OWASP CSV injection), so opening the export in Excel runs nothing."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = "|".join(value)
    elif isinstance(value, dict | list):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return "" if value is None else value


class RestoreReport(BaseModel):
    """What ``dermkg kg import --format graph-json`` restored."""

    format: Literal["graph-json"] = "graph-json"
    path: str
    diagnoses: int
    findings: int
    assertions: int
    cases: int
    label_maps: int
    events: int
    revision: int


def restore_graph_json(store: GraphStore, path: Path) -> RestoreReport:
    """Restore a canonical export into an empty ``store`` (one transaction; InputError if not empty)."""
    export = read_graph_json(path)
    log.info("restoring %s: %d diagnoses, %d assertions", path, len(export.diagnoses), len(export.assertions))
    store.restore(export)
    return RestoreReport(
        path=str(path),
        diagnoses=len(export.diagnoses),
        findings=len(export.findings),
        assertions=len(export.assertions),
        cases=len(export.cases),
        label_maps=len(export.label_maps),
        events=len(export.events),
        revision=store.revision(),
    )
