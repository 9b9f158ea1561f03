"""Read-side facts the pages show, from the ``kg`` / ``synth`` libraries, cached per store state.

Caches are keyed by the store's token (revision + newest event), so a curation is visible on the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from kg import algorithms
from kg.algorithms import MalignancyResolution
from kg.lint import LintReport, lint_store
from kg.models import Assertion, AssertionQuery, Finding
from kg.store.base import GraphStore
from kg.view import GraphView
from studio.consensus import PairAgreement, pairwise_agreement
from studio.queue import QueueEntry, QueueFilters, build_queue, queue_key, store_token
from synth.regeneration import read_rows

Token = tuple[str, int, int]


def _token(store: GraphStore) -> Token:
    return (store.url, *store_token(store))


def store_state(store: GraphStore) -> Token:
    """The store's state token, read once per page run and passed to the functions below: each
    read is a round trip (two on Neo4j), and a run makes no writes (actions run in callbacks)."""
    return _token(store)


@st.cache_data(max_entries=8, show_spinner=False)
def _names(_store: GraphStore, token: tuple[str, int, int]) -> dict[str, str]:
    return {d.id: d.name for d in _store.list_diagnoses()}


def diagnosis_names(store: GraphStore, token: Token | None = None) -> dict[str, str]:
    """id -> name of every (unmerged) diagnosis."""
    return _names(store, token or _token(store))


@st.cache_data(max_entries=8, show_spinner=False)
def _findings(_store: GraphStore, token: tuple[str, int, int]) -> list[Finding]:
    return _store.list_findings()


def findings(store: GraphStore, token: Token | None = None) -> dict[str, Finding]:
    """id -> finding concept (what a ``finding`` assertion's object names)."""
    return {f.id: f for f in _findings(store, token or _token(store))}


def finding_names(store: GraphStore) -> dict[str, str]:
    """id -> name of every finding concept."""
    return {i: f.name for i, f in findings(store).items()}


def accepted_findings(store: GraphStore, diagnosis_id: str) -> dict[str, list[Assertion]]:
    """The accepted finding assertions of a diagnosis, by relation (typical, possible, against)."""
    grouped: dict[str, list[Assertion]] = {"typical": [], "possible": [], "against": []}
    query = AssertionQuery(kind="finding", status="accepted", diagnosis=diagnosis_id, limit=None)
    for a in store.query_assertions(query).items:
        if a.subject == diagnosis_id:
            grouped.setdefault(a.relation or "possible", []).append(a)
    return grouped


# cache_resource, not cache_data: the ordered list is shared read-only, and unpickling a copy of
# 20,000 entries on every run would cost more than the page itself.
@st.cache_resource(max_entries=16, show_spinner="Ordering the queue…")
def _queue(
    _store: GraphStore, token: tuple[object, ...], filters: QueueFilters, export_root: Path, exports: Any
) -> list[QueueEntry]:
    counted_at = _token(_store)

    def rows() -> Mapping[str, int]:
        return exported_rows_by_diagnosis(export_root)

    entries = build_queue(_store, filters, exported_rows=rows)
    if filters.mode == "proposed":  # a fresh ordering has just counted the matches
        _COUNTED[(_store.url, filters)] = (counted_at, len(entries))
    return entries


def queue_entries(store: GraphStore, filters: QueueFilters, export_root: Path) -> list[QueueEntry]:
    """The ordered queue; rebuilt when the shape of the store (:func:`studio.queue.queue_key`) or an
    export under ``export_root`` changes."""
    key = (store.url, *queue_key(store, filters))
    return _queue(store, key, filters, export_root, _export_files(export_root))


# Matches per (store, filters) as of a store token: every curation changes the token, so a count
# taken under the current token is exact, and a page turn or a fresh ordering costs no second scan.
_COUNTED: dict[tuple[str, QueueFilters], tuple[tuple[str, int, int], int]] = {}


def queue_total(store: GraphStore, filters: QueueFilters, token: Token | None = None) -> int:
    """How many assertions match ``filters`` now (the cached ordering may hold items decided since)."""
    token, key = token or _token(store), (store.url, filters)
    hit = _COUNTED.get(key)
    if hit is not None and hit[0] == token:
        return hit[1]
    total = store.count_assertions(filters.query())
    _COUNTED[key] = (token, total)
    return total


def _in_accepted_graph(
    store: GraphStore, diagnosis_id: str, algorithm: Callable[[GraphView, str], list[str]]
) -> list[str]:
    """``algorithm(view, id)`` on the accepted graph; [] for a diagnosis outside it (e.g. proposed)."""
    view = store.graph_view()
    return list(algorithm(view, diagnosis_id)) if diagnosis_id in view else []


def taxonomy_path(store: GraphStore, diagnosis_id: str) -> list[str]:
    """Ids from the root down to ``diagnosis_id`` (accepted is_a only)."""
    return _in_accepted_graph(store, diagnosis_id, algorithms.path)


def children(store: GraphStore, diagnosis_id: str) -> list[str]:
    return _in_accepted_graph(store, diagnosis_id, algorithms.children)


def ddx_neighbours(store: GraphStore, diagnosis_id: str) -> list[str]:
    """Accepted DDx neighbours (both directions)."""
    return _in_accepted_graph(store, diagnosis_id, algorithms.ddx_neighbours)


def malignancy(store: GraphStore, diagnosis_id: str) -> MalignancyResolution | None:
    """The resolved malignancy with where it comes from (own value or nearest ancestor); None for a
    diagnosis outside the accepted graph."""
    view = store.graph_view()
    return algorithms.malignancy(view, diagnosis_id) if diagnosis_id in view else None


@st.cache_data(max_entries=4, show_spinner="Linting the graph…")
def _lint(_store: GraphStore, token: tuple[str, int, int]) -> LintReport:
    return lint_store(_store)


def lint_warnings(store: GraphStore) -> LintReport:
    return _lint(store, _token(store))


def _export_files(export_root: Path) -> tuple[tuple[str, float], ...]:
    return tuple(sorted((str(p), p.stat().st_mtime) for p in export_root.glob("*/trajectories.jsonl")))


@st.cache_data(max_entries=4, show_spinner=False)
def _rows_by_diagnosis(files: tuple[tuple[str, float], ...]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path, _ in files:
        for row in read_rows(Path(path)):
            for d in {row.primary_diagnosis, row.partner_diagnosis, row.diagnosis} - {None}:
                counts[d] = counts.get(d, 0) + 1
    return counts


def exported_rows_by_diagnosis(export_root: Path) -> Mapping[str, int]:
    """How many exported rows each diagnosis appears in (for impact ordering)."""
    return _rows_by_diagnosis(_export_files(export_root))


def lint_rows(report: LintReport) -> list[dict[str, Any]]:
    """A ``kg.lint.LintReport`` as table rows, errors first."""
    return [
        {"severity": i.severity, "check": i.code, "message": i.message, "diagnoses": ", ".join(i.diagnoses)}
        for i in report.issues
    ]


@st.cache_data(max_entries=4, show_spinner=False)
def _agreement(_store: GraphStore, token: tuple[str, int, int]) -> list[PairAgreement]:
    return pairwise_agreement(a for a in _store.iter_assertions() if len(a.votes) > 1)


def agreement(store: GraphStore) -> list[PairAgreement]:
    """Cohen's kappa per curator pair over the assertions both voted on."""
    return _agreement(store, _token(store))


def describe_malignancy(store: GraphStore, resolved: MalignancyResolution, names: Mapping[str, str]) -> str:
    """'malignant — inherited from Melanoma (source: isic)' from a ``MalignancyResolution``."""
    if resolved is None or resolved.value is None:
        return "unknown (no value on the diagnosis or any ancestor)"
    holder = resolved.inherited_from or resolved.diagnosis
    d = store.get_diagnosis(holder)
    where = "own value" if resolved.source == "own" else f"inherited from {names.get(holder, holder)}"
    text = f"{resolved.value} — {where}"
    if d is not None and d.malignancy_source:
        text += f" (source: {d.malignancy_source})"
    if resolved.conflicts:
        text += " · conflicts with " + ", ".join(
            f"{names.get(c.diagnosis, c.diagnosis)} ({c.value})" for c in resolved.conflicts
        )
    return text
