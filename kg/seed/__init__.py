"""The bundled seed vocabulary: canonical diagnoses and the label maps of the public datasets.

``vocabulary.json`` (written by this project, shipped in the package) holds a small taxonomy with
synonyms and malignancy, and the label sets of HAM10000, BCN20000, PAD-UFES-20 and Derm7pt mapped
onto it. ``dermkg init`` loads it; it needs nothing outside the package. DERM12345 and DermNet label
maps are built by their dataset adapters from the data itself, never invented here.

Example:
    >>> with open_store() as store:  # doctest: +SKIP
    ...     init_store(store).diagnoses_created
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from dermkg.errors import InputError
from kg.importers._apply import apply_vocabulary
from kg.importers.types import ImportReport, VocabEdge, VocabTerm, Vocabulary
from kg.models import LabelMapping
from kg.store.base import GraphStore

__all__ = ["SEED_PATH", "SEED_DATASETS", "init_store", "load_seed", "seed_vocabulary"]

SEED_PATH = Path(__file__).with_name("vocabulary.json")
SEED_DATASETS = ("ham10000", "bcn20000", "pad_ufes20", "derm7pt")


def load_seed(path: Path = SEED_PATH) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def seed_vocabulary(data: dict[str, Any]) -> Vocabulary:
    """The seed's diagnoses and is_a edges as a :class:`Vocabulary` (keys are the names)."""
    terms, edges = [], []
    for entry in data["diagnoses"]:
        quote = json.dumps(entry, ensure_ascii=False, sort_keys=True)
        terms.append(
            VocabTerm(
                key=entry["name"],
                name=entry["name"],
                synonyms=entry.get("synonyms", []),
                malignancy=entry.get("malignancy"),
                quote=quote,
            )
        )
        edges.extend(VocabEdge(child=entry["name"], parent=p, quote=quote) for p in entry.get("parents", []))
    return Vocabulary(
        format="seed",
        title=data["title"],
        licence=data.get("licence"),
        malignancy_source="seed",
        terms=terms,
        edges=edges,
    )


def init_store(store: GraphStore, *, user: str = "system") -> ImportReport:
    """Load the seed taxonomy and its label maps in one transaction (idempotent)."""
    data = load_seed()
    with store.transaction():
        report = apply_vocabulary(store, seed_vocabulary(data), SEED_PATH, user=user)
        mappings: list[LabelMapping] = []
        for dataset, labels in data["label_maps"].items():
            current = {(m.label, m.diagnosis, m.note) for m in store.get_label_map(dataset)}
            for label, target in labels.items():
                diagnosis = None
                if target["diagnosis"] is not None:
                    found = store.resolve_name(target["diagnosis"])
                    if found is None:
                        raise InputError(
                            f"seed label {dataset}:{label} maps to unknown {target['diagnosis']!r}"
                        )
                    diagnosis = found.id
                mapping = LabelMapping(
                    dataset=dataset, label=label, diagnosis=diagnosis, note=target.get("note")
                )
                if (label, diagnosis, mapping.note) not in current:
                    mappings.append(mapping)
        if mappings:
            store.set_label_mappings(mappings, user=user)
        from kg.findings import seed_concepts, seed_findings

        seed_findings(store, user=user)
        report.finding_concepts = len(seed_concepts())
    report.format = "seed"
    report.label_mappings = sum(len(v) for v in data["label_maps"].values())
    report.revision = store.revision()
    return report
