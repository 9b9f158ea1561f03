"""``dermkg kg lint``: what a curator should look at before trusting the graph.

Checks (codes): ``cycle`` (is_a cycles among accepted edges: error; closed only with proposed
edges: warning), ``orphan`` (a diagnosis outside the taxonomy), ``malignancy_conflict`` (a benign
child of a malignant parent: warning; a malignant child of a benign parent is legal: info),
``sibling_malignancy`` (children of one classified parent resolving to different lesion-condition
classes: error, unless a curator set the values; class-neutral groupings are not checked),
``name_malignancy`` (a resolved class that contradicts the name -- "sarcoma", "carcinoma",
"melanoma", "lymphoma", "malignant", or an in-situ entity per ``kg.algorithms.IN_SITU_POLICY``:
error),
``name_collision`` (one normalised name or synonym on several diagnoses), ``ddx_ancestor``
(a DDx edge between an ancestor and its descendant) and ``missing_evidence`` (a machine
assertion — origin rules or llm — without evidence).

Example:
    >>> report = lint_store(store)  # doctest: +SKIP
    >>> [i.code for i in report.issues if i.severity == "error"]  # doctest: +SKIP
"""

from __future__ import annotations

from collections import defaultdict
from typing import Literal

import networkx as nx
from pydantic import BaseModel, Field

from kg import algorithms as alg
from kg.names import name_keys
from kg.store.base import GraphStore
from kg.view import GraphView

Severity = Literal["error", "warning", "info"]
_SEVERITY_RANK = {"benign": 0, "premalignant": 1, "malignant": 2}

__all__ = ["LintIssue", "LintReport", "lint_store"]


class LintIssue(BaseModel):
    code: Literal[
        "cycle",
        "orphan",
        "malignancy_conflict",
        "sibling_malignancy",
        "name_malignancy",
        "name_collision",
        "ddx_ancestor",
        "missing_evidence",
    ]
    severity: Severity
    message: str
    diagnoses: list[str] = Field(default_factory=list)
    assertions: list[str] = Field(default_factory=list)


class LintReport(BaseModel):
    revision: int
    issues: list[LintIssue]
    counts: dict[str, int]  # issues per severity
    by_code: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.counts.get("error", 0) == 0


def lint_store(store: GraphStore) -> LintReport:
    """Run every check on ``store`` (accepted graph; proposed edges only for cycles and evidence)."""
    view = store.graph_view()
    issues: list[LintIssue] = []
    issues += _cycles(store)
    issues += _orphans(view)
    issues += _malignancy_conflicts(view)
    issues += _sibling_malignancy(view)
    issues += _name_malignancy(view)
    issues += _name_collisions(store)
    issues += _ddx_between_ancestors(store, view)
    issues += _missing_evidence(store)
    issues.sort(
        key=lambda i: (["error", "warning", "info"].index(i.severity), i.code, i.diagnoses, i.assertions)
    )
    counts = {s: sum(1 for i in issues if i.severity == s) for s in ("error", "warning", "info")}
    by_code: dict[str, int] = defaultdict(int)
    for i in issues:
        by_code[i.code] += 1
    return LintReport(
        revision=view.revision, issues=issues, counts=counts, by_code=dict(sorted(by_code.items()))
    )


def _cycles(store: GraphStore) -> list[LintIssue]:
    out: list[LintIssue] = []
    for edges, severity, what in (
        (store.edges("is_a"), "error", "accepted"),
        (store.edges("is_a", include_proposed=True), "warning", "accepted + proposed"),
    ):
        g = nx.DiGraph(edges)
        for component in nx.strongly_connected_components(g):
            if len(component) > 1:
                members = sorted(component)
                out.append(
                    LintIssue(
                        code="cycle",
                        severity=severity,  # type: ignore[arg-type]
                        message=f"is_a cycle among {what} edges: {', '.join(members)}",
                        diagnoses=members,
                    )
                )
        if out:  # an accepted cycle is also in the wider graph: report it once
            break
    return out


def _orphans(view: GraphView) -> list[LintIssue]:
    g = view.taxonomy
    lonely = sorted(n for n in g if g.degree(n) == 0)
    return [
        LintIssue(
            code="orphan",
            severity="warning",
            message=f"{view.nodes[n].name!r} ({n}) has no is_a parent and no children",
            diagnoses=[n],
        )
        for n in lonely
    ]


def _malignancy_conflicts(view: GraphView) -> list[LintIssue]:
    out: list[LintIssue] = []
    for d, info in sorted(view.nodes.items()):
        own = info.malignancy
        if own is None:
            continue
        # the nearest ancestors with a value (there may be several in a DAG)
        for up in _nearest_valued_ancestors(view, d):
            theirs = view.nodes[up].malignancy
            if theirs == own:
                continue
            milder = _SEVERITY_RANK[own] < _SEVERITY_RANK[theirs]
            out.append(
                LintIssue(
                    code="malignancy_conflict",
                    severity="warning" if milder else "info",
                    message=f"{d} is {own} but its ancestor {up} is {theirs}"
                    + ("" if milder else " (legal: a malignant subtype of a benign group)"),
                    diagnoses=[d, up],
                )
            )
    return out


def _sibling_malignancy(view: GraphView) -> list[LintIssue]:
    """Children of one parent in different classes: one rule should classify siblings alike."""
    out: list[LintIssue] = []
    for parent in sorted(view.taxonomy):
        if alg.malignancy(view, parent).value is None:
            continue  # a class-neutral grouping ("melanocytic lesion") holds benign and malignant alike
        kids = sorted(view.taxonomy.predecessors(parent))
        by_class: dict[str, list[str]] = defaultdict(list)
        for k in kids:
            res = alg.malignancy(view, k)
            if res.value is not None:
                by_class[res.value].append(k)
        if len(by_class) < 2:
            continue
        groups = sorted(by_class.items())
        uncurated = [
            (cls, [k for k in ks if view.nodes[k].malignancy_source != "curator"]) for cls, ks in groups
        ]
        if sum(1 for _, ks in uncurated if ks) < 2:
            continue  # every difference was set by a curator
        listed = "; ".join(f"{cls}: {', '.join(ks)}" for cls, ks in groups)
        out.append(
            LintIssue(
                code="sibling_malignancy",
                severity="error",
                message=f"children of {view.nodes[parent].name!r} ({parent}) resolve to different "
                f"classes ({listed}); set a curated malignancy or move them",
                diagnoses=[parent, *sorted(k for _, ks in groups for k in ks)],
            )
        )
    return out


def _name_malignancy(view: GraphView) -> list[LintIssue]:
    out: list[LintIssue] = []
    for d, info in sorted(view.nodes.items()):
        implied = alg.name_malignancy(info.name)
        res = alg.malignancy(view, d)
        if implied is None or res.value is None or res.value == implied or res.rule == "curator":
            continue
        out.append(
            LintIssue(
                code="name_malignancy",
                severity="error",
                message=f"{info.name!r} ({d}) resolves {res.value} ({res.rule}"
                + (f" from {res.inherited_from}" if res.inherited_from else "")
                + f") but its name says {implied}",
                diagnoses=[d],
            )
        )
    return out


def _nearest_valued_ancestors(view: GraphView, d: str) -> list[str]:
    frontier, seen = [d], {d}
    while frontier:
        nxt = sorted({p for n in frontier for p in view.taxonomy.successors(n)} - seen)
        valued = [p for p in nxt if view.nodes[p].malignancy is not None]
        if valued:
            return valued
        seen.update(nxt)
        frontier = nxt
    return []


def _name_collisions(store: GraphStore) -> list[LintIssue]:
    owners: dict[str, dict[str, str]] = defaultdict(dict)  # key -> {diagnosis: surface}
    for d in store.list_diagnoses():
        if d.status == "rejected":
            continue
        for key, surface, _ in name_keys(d.name, d.synonyms):
            owners[key][d.id] = surface
    out = []
    for key, ids in sorted(owners.items()):
        if len(ids) > 1:
            listed = "; ".join(f"{i} ({s!r})" for i, s in sorted(ids.items()))
            out.append(
                LintIssue(
                    code="name_collision",
                    severity="warning",
                    message=f"the name {key!r} belongs to {len(ids)} diagnoses: {listed}",
                    diagnoses=sorted(ids),
                )
            )
    return out


def _ddx_between_ancestors(store: GraphStore, view: GraphView) -> list[LintIssue]:
    out = []
    above: dict[str, set[str]] = {}

    def ancestors(d: str) -> set[str]:
        if d not in above:
            above[d] = nx.descendants(view.taxonomy, d)  # edges point child -> parent
        return above[d]

    for s, o in store.edges("ddx"):
        if s not in view or o not in view:
            continue
        if o in ancestors(s) or s in ancestors(o):
            a = store.find_assertion("ddx", s, o)
            out.append(
                LintIssue(
                    code="ddx_ancestor",
                    severity="warning",
                    message=f"DDx between {s} and {o}, one of which is an ancestor of the other",
                    diagnoses=[s, o],
                    assertions=[a.id] if a else [],
                )
            )
    return out


def _missing_evidence(store: GraphStore) -> list[LintIssue]:
    return [
        LintIssue(
            code="missing_evidence",
            severity="error" if a.status == "accepted" else "warning",
            message=f"{a.origin} assertion {a.kind} {a.subject} -> {a.object} ({a.status}) has no evidence",
            diagnoses=[a.subject, a.object],
            assertions=[a.id],
        )
        for a in store.iter_assertions()
        if a.origin in ("rules", "llm") and not a.evidence and a.status != "rejected"
    ]
