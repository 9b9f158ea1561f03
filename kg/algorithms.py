"""Graph algorithms of the Skin-R1 paper (Appendix B) over a :class:`kg.view.GraphView`.

Taxonomy queries (path, ancestors, children, siblings, depth) serve hierarchical diagnosis
completion; malignancy resolves fine-to-coarse; ``resolve_ddx_neighbor`` is Algorithm 4.
The taxonomy may be a DAG (several parents); every function then answers deterministically:
a diagnosis's *primary* parent is the one with the longest path to a root (the finest
classification), ties broken by id.

Example:
    >>> view = store.graph_view()  # doctest: +SKIP
    >>> path(view, "superficial-spreading-melanoma")  # doctest: +SKIP
    ['malignant', 'melanoma', 'superficial-spreading-melanoma']
"""

from __future__ import annotations

import random
from collections import deque
from typing import Literal

from pydantic import BaseModel, Field

from kg.models import Malignancy
from kg.view import GraphView

__all__ = [
    "DdxNeighbor",
    "MalignancyConflict",
    "MalignancyResolution",
    "ancestors",
    "children",
    "ddx_neighbours",
    "depth",
    "descendants",
    "malignancy",
    "parents",
    "path",
    "paths",
    "primary_parent",
    "resolve_ddx_neighbor",
    "roots",
    "siblings",
]

_SEVERITY = {"benign": 0, "premalignant": 1, "malignant": 2}


# -- taxonomy --------------------------------------------------------------------------------
def parents(view: GraphView, d: str) -> list[str]:
    """Direct is_a parents, primary first, then by id."""
    d = view.resolve(d)
    found = sorted(view.taxonomy.successors(d))
    return sorted(found, key=lambda p: (-_height(view, p), p))


def children(view: GraphView, d: str) -> list[str]:
    return sorted(view.taxonomy.predecessors(view.resolve(d)))


def roots(view: GraphView) -> list[str]:
    """Diagnoses without a parent that have children (isolated diagnoses are not roots)."""
    g = view.taxonomy
    return sorted(n for n in g if g.out_degree(n) == 0 and g.in_degree(n) > 0)


def _height(view: GraphView, d: str) -> int:
    """Number of is_a edges on the longest path from ``d`` up to a root (memoised per view)."""
    memo = view._memo.setdefault("height", {})
    if d in memo:
        return memo[d]
    stack = [d]
    while stack:  # iterative post-order: deep taxonomies must not hit the recursion limit
        node = stack[-1]
        pending = [p for p in view.taxonomy.successors(node) if p not in memo]
        if pending:
            stack.extend(pending)
            continue
        stack.pop()
        memo[node] = 1 + max((memo[p] for p in view.taxonomy.successors(node)), default=-1)
    return memo[d]


def primary_parent(view: GraphView, d: str) -> str | None:
    found = parents(view, d)
    return found[0] if found else None


def path(view: GraphView, d: str) -> list[str]:
    """Root -> ``d`` along primary parents (``[d]`` for a diagnosis without parents)."""
    memo = view._memo.setdefault("path", {})
    d = view.resolve(d)
    if d not in memo:
        chain = [d]
        node = primary_parent(view, d)
        while node is not None:
            chain.append(node)
            node = primary_parent(view, node)
        memo[d] = tuple(reversed(chain))
    return list(memo[d])


def paths(view: GraphView, d: str) -> list[list[str]]:
    """Every root -> ``d`` path of a DAG, sorted."""
    d = view.resolve(d)
    ups = parents(view, d)
    if not ups:
        return [[d]]
    return sorted(p + [d] for up in ups for p in paths(view, up))


def depth(view: GraphView, d: str) -> int:
    """Number of is_a edges between a root and ``d`` on the primary path (a root has depth 0)."""
    return len(path(view, d)) - 1


def ancestors(view: GraphView, d: str) -> list[str]:
    """Every ancestor, nearest first (breadth-first over all parents, primary parents first)."""
    d = view.resolve(d)
    seen, out, queue = {d}, [], deque([d])
    while queue:
        node = queue.popleft()
        for up in parents(view, node):
            if up not in seen:
                seen.add(up)
                out.append(up)
                queue.append(up)
    return out


def descendants(view: GraphView, d: str) -> list[str]:
    return sorted(_descendant_set(view, view.resolve(d)))


def _descendant_set(view: GraphView, d: str) -> set[str]:
    import networkx as nx

    return set(nx.ancestors(view.taxonomy, d))  # edges point child -> parent


def siblings(view: GraphView, d: str) -> list[str]:
    """Other children of ``d``'s parents (all parents of a DAG), sorted."""
    d = view.resolve(d)
    out = {c for p in view.taxonomy.successors(d) for c in view.taxonomy.predecessors(p)}
    out.discard(d)
    return sorted(out)


# -- malignancy ------------------------------------------------------------------------------
class MalignancyConflict(BaseModel):
    diagnosis: str  # an ancestor whose own value differs from the resolved one
    value: Malignancy


class MalignancyResolution(BaseModel):
    """The malignancy of a diagnosis, fine-to-coarse: its own value wins, else the nearest ancestor's."""

    diagnosis: str
    value: Malignancy | None
    source: Literal["own", "inherited", "none"]
    inherited_from: str | None = None
    conflicts: list[MalignancyConflict] = Field(default_factory=list)


def malignancy(view: GraphView, d: str) -> MalignancyResolution:
    """Resolve fine-to-coarse (the Skin-R1 vocabulary resolves coarse-first, which is wrong).

    Among ancestors at the same distance with different values the more severe wins; every
    ancestor whose own value differs from the result is listed in ``conflicts``.
    """
    d = view.resolve(d)
    own = view.nodes[d].malignancy
    valued = [
        (a, dist, m)
        for a, dist in _ancestors_by_distance(view, d)
        if (m := view.nodes[a].malignancy) is not None
    ]
    if own is not None:
        value, source, origin = own, "own", None
    elif valued:
        nearest = min(dist for _, dist, _ in valued)
        ties = [(a, m) for a, dist, m in valued if dist == nearest]
        origin, value = min(ties, key=lambda t: (-_SEVERITY[t[1]], t[0]))
        source = "inherited"
    else:
        return MalignancyResolution(diagnosis=d, value=None, source="none")
    conflicts = [MalignancyConflict(diagnosis=a, value=m) for a, _, m in valued if m != value]
    return MalignancyResolution(
        diagnosis=d,
        value=value,
        source=source,  # type: ignore[arg-type]
        inherited_from=origin,
        conflicts=conflicts,
    )


def _ancestors_by_distance(view: GraphView, d: str) -> list[tuple[str, int]]:
    seen, out, queue = {d}, [], deque([(d, 0)])
    while queue:
        node, dist = queue.popleft()
        for up in sorted(view.taxonomy.successors(node)):
            if up not in seen:
                seen.add(up)
                out.append((up, dist + 1))
                queue.append((up, dist + 1))
    return out


# -- differential diagnosis ------------------------------------------------------------------
def ddx_neighbours(view: GraphView, d: str) -> list[str]:
    """DDx neighbours of ``d`` (symmetric: stored once, found from either end), sorted."""
    return sorted(view.ddx.neighbors(view.resolve(d)))


class DdxNeighbor(BaseModel):
    """The outcome of ResolveDDXNeighbor and which branch of Algorithm 4 produced it."""

    diagnosis: str  # the query, resolved
    neighbor: str | None  # the chosen DDx neighbour with cases; None: the caller samples at random
    branch: Literal["direct", "parent", "child_of_candidate", "none"]
    candidates_from: Literal["diagnosis", "parent", "none"]
    candidates: list[str] = Field(default_factory=list)  # the DDx candidates considered
    via: str | None = None  # the candidate whose child was chosen (child_of_candidate)
    cases: int = 0  # cases of the chosen neighbour


def resolve_ddx_neighbor(
    view: GraphView, d: str, rng: random.Random | None = None, include_proposed: bool = False
) -> DdxNeighbor:
    """Algorithm 4 (ResolveDDXNeighbor) of Skin-R1, Appendix B.

    1. Candidates are the DDx neighbours of ``d``; if it has none, those of its parent(s).
    2. Pick a candidate that has cases; else a child of a candidate that has cases; else None
       (the caller then samples a negative at random, seeded).
    Without ``rng`` the pick is the one with the most cases, ties by id; with ``rng`` it is a
    seeded uniform choice. ``include_proposed`` is checked against the view the caller built
    (``store.graph_view(include_proposed=True)``): only accepted assertions count otherwise.
    """
    if include_proposed and not view.include_proposed:
        raise ValueError("include_proposed=True needs a view built with include_proposed=True")
    d = view.resolve(d)
    candidates = ddx_neighbours(view, d)
    source: Literal["diagnosis", "parent", "none"] = "diagnosis"
    if not candidates:
        source = "parent"
        found: set[str] = set()
        for p in parents(view, d):
            found.update(view.ddx.neighbors(p))
        found.discard(d)
        candidates = sorted(found)
    if not candidates:
        return DdxNeighbor(diagnosis=d, neighbor=None, branch="none", candidates_from="none")
    with_cases = [c for c in candidates if view.cases(c) > 0]
    if with_cases:
        pick = _pick(view, with_cases, rng)
        branch = "direct" if source == "diagnosis" else "parent"
        return DdxNeighbor(
            diagnosis=d,
            neighbor=pick,
            branch=branch,
            candidates_from=source,
            candidates=candidates,
            cases=view.cases(pick),
        )
    child_of: dict[str, str] = {}
    for c in candidates:
        for child in sorted(view.taxonomy.predecessors(c)):
            if child != d and view.cases(child) > 0:
                child_of.setdefault(child, c)
    if child_of:
        pick = _pick(view, sorted(child_of), rng)
        return DdxNeighbor(
            diagnosis=d,
            neighbor=pick,
            branch="child_of_candidate",
            candidates_from=source,
            candidates=candidates,
            via=child_of[pick],
            cases=view.cases(pick),
        )
    return DdxNeighbor(
        diagnosis=d, neighbor=None, branch="none", candidates_from=source, candidates=candidates
    )


def _pick(view: GraphView, options: list[str], rng: random.Random | None) -> str:
    if rng is not None:
        return rng.choice(options)
    return min(options, key=lambda c: (-view.cases(c), c))
