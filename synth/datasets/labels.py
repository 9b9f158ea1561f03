"""Dataset labels mapped onto canonical diagnoses through label maps stored in the graph.

Labels already in the dataset's map resolve as curated (accepted mappings only; a deliberately
unmapped label stays out). A new label that names a diagnosis exactly is mapped (origin
``rules``); one that does not is stored as a *proposed*, empty mapping so curators see it in the
studio, and every such row is reported with counts — never silently dropped.
"""

from __future__ import annotations

from collections import Counter

from pydantic import BaseModel, Field

from kg.models import LabelMapping
from kg.store.base import GraphStore


class LabelReport(BaseModel):
    dataset: str
    mapped: dict[str, int] = Field(default_factory=dict)  # label -> rows
    unmapped: dict[str, int] = Field(default_factory=dict)  # deliberately unmapped by a curator
    unknown: dict[str, int] = Field(default_factory=dict)  # no mapping and no exact name match
    new_mappings: int = 0

    @property
    def coverage(self) -> float:
        total = sum(self.mapped.values()) + sum(self.unmapped.values()) + sum(self.unknown.values())
        return sum(self.mapped.values()) / total if total else 0.0


def map_labels(
    store: GraphStore, dataset: str, labels: Counter[str], *, user: str = "system", update: bool = True
) -> tuple[dict[str, str], LabelReport]:
    """``label -> diagnosis id`` for every usable label, and the report of the others."""
    current = {m.label: m for m in store.get_label_map(dataset)}
    out: dict[str, str] = {}
    report = LabelReport(dataset=dataset)
    new: list[LabelMapping] = []
    for label, count in sorted(labels.items()):
        mapping = current.get(label)
        if mapping is not None and mapping.status == "accepted":
            target = store.get_diagnosis(mapping.diagnosis) if mapping.diagnosis else None
            if mapping.diagnosis is None:
                report.unmapped[label] = count
            elif target is None:
                report.unknown[label] = count
            else:
                out[label] = target.id  # follows merges: an old id resolves to the survivor
                report.mapped[label] = count
            continue
        if mapping is not None and mapping.status == "rejected":
            report.unmapped[label] = count
            continue
        found = store.resolve_name(label)
        if found is not None:
            out[label] = found.id
            report.mapped[label] = count
            if mapping is None:
                new.append(
                    LabelMapping(
                        dataset=dataset,
                        label=label,
                        diagnosis=found.id,
                        origin="rules",
                        note="exact name match",
                    )
                )
            continue
        report.unknown[label] = count
        if mapping is None:
            hints = store.suggest_names(label, limit=1)
            note = (
                f"no exact match; closest: {hints[0].diagnosis.name} ({hints[0].score:.0f})"
                if hints
                else None
            )
            new.append(
                LabelMapping(
                    dataset=dataset, label=label, diagnosis=None, status="proposed", origin="rules", note=note
                )
            )
    if update and new:
        store.set_label_mappings(new, user=user)
        report.new_mappings = len(new)
    return out, report
