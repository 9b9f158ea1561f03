"""``dermkg kg stats``: counts of the graph, per kind and status, at a revision."""

from __future__ import annotations

from typing import get_args

from pydantic import BaseModel

from kg.models import AssertionKind, AssertionQuery, AssertionStatus
from kg.store.base import GraphStore

__all__ = ["GraphStats", "graph_stats"]


class GraphStats(BaseModel):
    """The JSON of ``dermkg kg stats``: ``{"diagnoses": n, "findings": n, "assertions": {"is_a":
    {status: n}, "ddx": {status: n}, "finding": {status: n}}, "cases": n, "revision": n}``."""

    diagnoses: int
    findings: int
    assertions: dict[str, dict[str, int]]
    cases: int
    revision: int


def graph_stats(store: GraphStore) -> GraphStats:
    assertions = {
        kind: {
            status: store.query_assertions(AssertionQuery(kind=kind, status=status, limit=0)).total
            for status in get_args(AssertionStatus)
        }
        for kind in get_args(AssertionKind)
    }
    return GraphStats(
        diagnoses=store.count_diagnoses(),
        findings=len(store.list_findings()),
        assertions=assertions,
        cases=store.count_cases(),
        revision=store.revision(),
    )
