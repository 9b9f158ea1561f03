"""The neighbourhood of a diagnosis as a Graphviz DOT drawing: taxonomy and DDx coloured by status.

Rendered by ``st.graphviz_chart`` in the browser (no system Graphviz and no new dependency).
"""

from __future__ import annotations

from pydantic import BaseModel

from kg.models import AssertionQuery, AssertionStatus
from kg.store.base import GraphStore

STATUS_STYLE: dict[str, tuple[str, str]] = {  # colour, line style
    "accepted": ("#2e7d32", "solid"),
    "proposed": ("#ef6c00", "dashed"),
    "rejected": ("#c62828", "dotted"),
    "superseded": ("#9e9e9e", "dotted"),
}
MALIGNANCY_FILL = {"malignant": "#ffcdd2", "premalignant": "#ffe0b2", "benign": "#c8e6c9", None: "#eceff1"}


class GraphEdge(BaseModel):
    kind: str
    subject: str
    object: str
    status: AssertionStatus
    score: float | None = None


class Neighbourhood(BaseModel):
    center: str
    nodes: list[str]
    edges: list[GraphEdge]
    truncated: bool = False


def neighbourhood(
    store: GraphStore,
    center: str,
    *,
    depth: int = 1,
    statuses: tuple[AssertionStatus, ...] = ("accepted", "proposed"),
    max_nodes: int = 60,
) -> Neighbourhood:
    """Diagnoses within ``depth`` is-a / DDx assertions of ``center``, plus its whole parent chain.
    Finding assertions link to finding concepts, not diagnoses: the Diagnosis page lists them."""
    seen, frontier, edges = {center}, [center], {}
    truncated = False
    for _ in range(depth):
        nxt: list[str] = []
        for node in frontier:
            for a in store.query_assertions(
                AssertionQuery(diagnosis=node, status=list(statuses), limit=None)
            ).items:
                if a.kind == "finding":  # diagnosis -> finding concept: not a diagnosis-graph edge
                    continue
                edges[a.id] = GraphEdge(
                    kind=a.kind, subject=a.subject, object=a.object, status=a.status, score=a.score
                )
                for other in (a.subject, a.object):
                    if other not in seen:
                        if len(seen) >= max_nodes:
                            truncated = True
                            continue
                        seen.add(other)
                        nxt.append(other)
        frontier = nxt
    node = center  # the parent chain up to the root, so the drawing shows where the centre sits
    for _ in range(20):
        ups = [
            e
            for e in store.query_assertions(
                AssertionQuery(kind="is_a", status="accepted", diagnosis=node)
            ).items
        ]
        parents = [a for a in ups if a.subject == node]
        if not parents:
            break
        a = parents[0]
        edges[a.id] = GraphEdge(
            kind=a.kind, subject=a.subject, object=a.object, status=a.status, score=a.score
        )
        seen.add(a.object)
        node = a.object
    kept = [e for e in edges.values() if e.subject in seen and e.object in seen]
    return Neighbourhood(center=center, nodes=sorted(seen), edges=kept, truncated=truncated)


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(nb: Neighbourhood, names: dict[str, str], malignancy: dict[str, str | None]) -> str:
    """DOT source: is_a arrows point from child to parent (left to right, so long sibling lists stack
    vertically and stay legible); DDx lines are undirected."""
    lines = [
        "digraph neighbourhood {",
        '  graph [rankdir=LR, bgcolor="transparent", fontname="Helvetica", nodesep=0.25, ranksep=0.6];',
        '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    for n in nb.nodes:
        fill = MALIGNANCY_FILL.get(malignancy.get(n), MALIGNANCY_FILL[None])
        extra = ", penwidth=3" if n == nb.center else ""
        lines.append(f"  {_q(n)} [label={_q(names.get(n, n))}, fillcolor={_q(fill)}{extra}];")
    for e in nb.edges:
        colour, style = STATUS_STYLE.get(e.status, ("#000000", "solid"))
        attrs = [f"color={_q(colour)}", f"style={style}", "penwidth=1.6"]
        if e.kind == "ddx":
            attrs += ["dir=none", "arrowhead=none", "arrowtail=none"]
            if e.score is not None and e.status == "proposed":
                attrs.append(f"label={_q(f'{e.score:.2f}')}")
        lines.append(f"  {_q(e.subject)} -> {_q(e.object)} [{', '.join(attrs)}];")
    # differentials of the centre sit beside it (same rank), away from its parents and children
    beside = sorted(
        {e.object if e.subject == nb.center else e.subject for e in nb.edges if e.kind == "ddx"}
        & set(nb.nodes)
        - {nb.center}
        - {e.object for e in nb.edges if e.kind == "is_a" and e.subject == nb.center}
        - {e.subject for e in nb.edges if e.kind == "is_a" and e.object == nb.center}
    )
    if beside:
        lines.append("  { rank=same; " + "; ".join(_q(n) for n in [nb.center, *beside]) + "; }")
    lines.append("}")
    return "\n".join(lines)
