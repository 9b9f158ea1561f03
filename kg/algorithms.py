"""Graph algorithms of the Skin-R1 paper (Appendix B) over a :class:`kg.view.GraphView`.

Taxonomy queries (path, ancestors, children, siblings, depth) serve hierarchical diagnosis
completion; malignancy resolves fine-to-coarse; ``resolve_ddx_neighbor`` is Algorithm 4.
The taxonomy may be a DAG (several parents); every function then answers deterministically.
A diagnosis's *primary* parent is, among its parents, (1) one whose resolved malignancy equals the
diagnosis's own resolved malignancy (so MPNST's path runs through "Malignant soft tissue
proliferations - Neural", not "Benign > Neurofibroma"), then (2) the one with the longest path to
a root (the finest classification), then (3) the smallest id. The primary path is therefore
consistent with the diagnosis's malignancy whenever some parent allows it; where none does
(a malignant subtype filed only under a benign group) ``kg lint`` reports it.

Example:
    >>> view = store.graph_view()  # doctest: +SKIP
    >>> path(view, "superficial-spreading-melanoma")  # doctest: +SKIP
    ['malignant', 'melanoma', 'superficial-spreading-melanoma']
"""

from __future__ import annotations

import random
import re
from collections import deque
from typing import Literal

import networkx as nx
from pydantic import BaseModel, Field

from kg.models import Malignancy
from kg.view import GraphView

__all__ = [
    "CONDITION_OF",
    "IN_SITU_POLICY",
    "MALIGNANT_NAME",
    "DdxNeighbor",
    "MalignancyConflict",
    "MalignancyResolution",
    "ancestors",
    "children",
    "ddx_neighbours",
    "depth",
    "disease_path",
    "is_condition_class",
    "name_malignancy",
    "descendants",
    "malignancy",
    "parents",
    "path",
    "paths",
    "primary_parent",
    "related",
    "resolve_ddx_neighbor",
    "roots",
    "siblings",
]

_SEVERITY = {"benign": 0, "premalignant": 1, "malignant": 2}


# -- taxonomy --------------------------------------------------------------------------------
def parents(view: GraphView, d: str) -> list[str]:
    """Direct is_a parents, primary first (see the module docstring), then by id."""
    d = view.resolve(d)
    memo = view._memo.setdefault("parents", {})
    if d not in memo:
        found = sorted(view.taxonomy.successors(d))
        own = malignancy(view, d).value if len(found) > 1 else None
        memo[d] = sorted(
            found, key=lambda p: (own is not None and malignancy(view, p).value != own, -_height(view, p), p)
        )
    return list(memo[d])


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


def disease_path(view: GraphView, d: str) -> list[str]:
    """The primary path without malignancy-class nodes ("Benign", "Malignant"): the levels an MCQ
    may offer and eq. 7 counts (the class is the lesion condition, graded by R_malignancy)."""
    memo = view._memo.setdefault("disease_path", {})
    d = view.resolve(d)
    if d not in memo:
        memo[d] = tuple(n for n in path(view, d) if not is_condition_class(view.nodes[n].name))
    return list(memo[d])


def related(view: GraphView, d: str) -> frozenset[str]:
    """``d``, its ancestors through every parent and its descendants: never a wrong answer for ``d``."""
    memo = view._memo.setdefault("related", {})
    d = view.resolve(d)
    if d not in memo:
        g = view.taxonomy
        memo[d] = frozenset({d} | nx.descendants(g, d) | nx.ancestors(g, d))
    return memo[d]


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
    return set(nx.ancestors(view.taxonomy, d))  # edges point child -> parent


def siblings(view: GraphView, d: str) -> list[str]:
    """Other children of ``d``'s parents (all parents of a DAG), sorted."""
    d = view.resolve(d)
    out = {c for p in view.taxonomy.successors(d) for c in view.taxonomy.predecessors(p)}
    out.discard(d)
    return sorted(out)


# -- malignancy ------------------------------------------------------------------------------
# The lesion condition has three classes (DESIGN.md). The graph stores benign | malignant |
# premalignant; "premalignant" is the class "precancerous in situ".
CONDITION_OF: dict[str, str] = {
    "benign": "benign",
    "malignant": "malignant",
    "premalignant": "precancerous in situ",
}
# Nodes that *are* a malignancy class (ISIC's roots "Benign", "Malignant", "Indeterminate"): they
# are the lesion condition, never a disease option nor a level of a disease path.
_CLASS_NODE = re.compile(
    r"^\W*(?:benign|malignant|indeterminate|pre-?malignant|pre-?cancerous(?: in situ)?|in situ"
    r"|benign or malignant|malignancy)(?:\W+other)?\W*$",
    re.I,
)
# In-situ / premalignant policy: these entities are "precancerous in situ", whatever an imported
# vocabulary says (ISIC files melanoma in situ and SCC in situ under Malignant; Skin-R1 files
# Bowen's disease premalignant) -- one class for every in-situ neoplasm and its precursors.
# Invasive variants ("lentigo maligna melanoma", "invasive ...") are not matched.
IN_SITU_POLICY = re.compile(
    r"\bin[\s-]situ\b|\bintra-?epidermal carcinoma\b|\bbowen(?:'s|s)?\b(?!oid)"
    r"|\b(?:actinic|solar|arsenical)\s+kerato(?:sis|ses)\b|\bactinic cheilitis\b"
    r"|\blentigo maligna\b(?!\s+melanoma)|\bhutchinson'?s? (?:melanotic )?freckle\b"
    r"|\berythroplasia\b|\bleukoplakia\b",
    re.I,
)
# A name that states malignancy; a node resolved otherwise is a lint error.
MALIGNANT_NAME = re.compile(
    r"(?<!pseudo)(?<!pseudo-)(?:sarcoma|carcinoma|lymphoma\b|melanoma|leuka?emia)|malignan"
    r"|\bmycosis fungoides\b|\bmerkel cell\b",
    re.I,
)
_SEVERITY = {"benign": 0, "premalignant": 1, "malignant": 2}
Rule = Literal["curator", "in_situ_policy", "own", "name", "nearest_ancestor", "none"]


def is_condition_class(name: str) -> bool:
    """True for a node that names a malignancy class ("Benign", "Malignant", "Benign - Other")."""
    return bool(_CLASS_NODE.match(name))


def name_malignancy(name: str) -> Malignancy | None:
    """What a name alone implies: in-situ policy first ("melanoma in situ"), then malignant words."""
    if IN_SITU_POLICY.search(name):
        return "premalignant"
    if MALIGNANT_NAME.search(name) and not is_condition_class(name):
        return "malignant"
    return None


class MalignancyConflict(BaseModel):
    diagnosis: str  # an ancestor whose own value differs from the resolved one
    value: Malignancy


class MalignancyResolution(BaseModel):
    """The malignancy of a diagnosis and the rule that decided it (see :func:`malignancy`)."""

    diagnosis: str
    value: Malignancy | None
    source: Literal["own", "inherited", "none"]
    rule: Rule = "none"
    inherited_from: str | None = None
    conflicts: list[MalignancyConflict] = Field(default_factory=list)

    @property
    def condition(self) -> str | None:
        """The lesion-condition class: benign | malignant | precancerous in situ."""
        return CONDITION_OF.get(self.value) if self.value else None


def _intrinsic(view: GraphView, d: str, *, by_name: bool = True) -> tuple[Malignancy | None, Rule]:
    """A node's value from itself alone: curator override > in-situ policy > imported value > name."""
    info = view.nodes[d]
    if info.malignancy is not None and info.malignancy_source == "curator":
        return info.malignancy, "curator"
    if IN_SITU_POLICY.search(info.name):
        return "premalignant", "in_situ_policy"
    if info.malignancy is not None:
        return info.malignancy, "own"
    if by_name and MALIGNANT_NAME.search(info.name) and not is_condition_class(info.name):
        return "malignant", "name"
    return None, "none"


def malignancy(view: GraphView, d: str) -> MalignancyResolution:
    """Resolve fine-to-coarse (the Skin-R1 vocabulary resolves coarse-first, which is wrong).

    Order: (1) a curated value (``malignancy_source="curator"``) wins; (2) the in-situ policy
    (:data:`IN_SITU_POLICY`) makes in-situ and premalignant entities "premalignant"; (3) the node's
    imported value; (4) otherwise the nearest ancestor's value by (1)-(3) and (5), over all
    parents; at equal distance the more severe wins, then the smaller id; (5) a name that states
    malignancy (sarcoma, carcinoma, melanoma, lymphoma, "malignant") makes the node malignant when
    (4) gives nothing or something else (cutaneous leiomyosarcoma under leiomyoma). Every ancestor whose
    value differs from the result is listed in ``conflicts``. Memoised per view.
    """
    d = view.resolve(d)
    memo = view._memo.setdefault("malignancy", {})
    if d in memo:
        return memo[d]
    value, rule = _intrinsic(view, d, by_name=False)
    ranked = _ancestors_by_distance(view, d)
    valued = [(a, dist, m) for a, dist in ranked if (m := _intrinsic(view, a)[0]) is not None]
    origin = None
    if value is None and valued:
        nearest = min(dist for _, dist, _ in valued)
        ties = [(a, m) for a, dist, m in valued if dist == nearest]
        origin, value = min(ties, key=lambda t: (-_SEVERITY[t[1]], t[0]))
        rule = "nearest_ancestor"
    if rule in ("nearest_ancestor", "none"):  # the name overrides an inheritance it contradicts
        named, _ = _intrinsic(view, d)
        if named is not None and named != value:
            value, rule, origin = named, "name", None
    source = "none" if value is None else ("inherited" if origin else "own")
    conflicts = [MalignancyConflict(diagnosis=a, value=m) for a, _, m in valued if m != value]
    memo[d] = MalignancyResolution(
        diagnosis=d,
        value=value,
        source=source,  # type: ignore[arg-type]
        rule=rule,
        inherited_from=origin,
        conflicts=conflicts if value is not None else [],
    )
    return memo[d]


def _ancestors_by_distance(view: GraphView, d: str) -> list[tuple[str, int]]:
    lengths = nx.single_source_shortest_path_length(view.taxonomy, d)  # edges point child -> parent
    return sorted(((a, n) for a, n in lengths.items() if a != d), key=lambda t: (t[1], t[0]))


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
