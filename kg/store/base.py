"""The store: one class, every operation written once, over a backend's rows (``sqlite.py``, ``neo4j.py``).

:class:`GraphStore` holds the read-check-write operations; it reaches the data only through the typed
row-level protocol :class:`kg.store._rows.Rows`, which :mod:`kg.store.sqlite_rows` (SQL) and
:mod:`kg.store.neo4j_rows` (Cypher) implement. Long operations live as functions over those rows in
:mod:`._curation`, :mod:`._loads` and :mod:`._history`. The semantics every backend honours are
listed in :mod:`kg.store` and tested by ``tests/kg/store/test_contract.py`` on both.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Self, TypeVar

from kg.ids import canonical_pair
from kg.models import (
    Assertion,
    AssertionKind,
    AssertionQuery,
    AssertionStatus,
    AssertionSummary,
    Case,
    CaseStatus,
    CurationEvent,
    Decision,
    Diagnosis,
    EventQuery,
    Evidence,
    Finding,
    FindingRelation,
    FindingType,
    GraphExport,
    LabelMapping,
    NameMatch,
    Page,
    Source,
)
from kg.names import normalize
from kg.store import _access as acc
from kg.store import _curation, _history, _loads
from kg.store import _semantics as sem
from kg.store._findings import prepare_finding
from kg.store._rows import Rows, event_from

SYSTEM_USER = "system"
T = TypeVar("T")


class GraphStore:
    """A dermkg knowledge graph over ``rows``. Constructors do no I/O; connections open in ``open()``."""

    def __init__(self, url: str, rows: Rows) -> None:
        self.url = url
        self.rows = rows
        self._cache: dict[Any, tuple[object, Any]] = {}

    # -- lifecycle -------------------------------------------------------------------------
    def open(self) -> Self:
        """Connect and set up the schema on first use. Raises StoreUnavailableError naming the URL."""
        self.rows.open()
        return self

    def close(self) -> None:
        self.rows.close()
        self._cache.clear()

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> AbstractContextManager[None]:
        """Group writes atomically; nested use joins the outer transaction."""
        return self.rows.transaction()

    def revision(self) -> int:
        """Revision number of the accepted graph (0 for an empty store)."""
        return self.rows.revision()

    def _atomic(self, fn: Callable[[Rows], T]) -> T:
        return self.rows.atomic(lambda: fn(self.rows))

    def _cached(self, key: Any, build: Callable[[], T]) -> T:
        """``build()``, kept until anything commits (here or in another process)."""
        state, hit = self.rows.state(), self._cache.get(key)
        if state is None or hit is None or hit[0] != state:
            hit = (state, build())
            if state is not None:
                self._cache[key] = hit
        return hit[1]  # type: ignore[no-any-return]

    # -- sources ---------------------------------------------------------------------------
    def upsert_source(self, source: Source) -> Source:
        """Insert, or fill the fields given (not None) into the stored source."""
        return self._atomic(lambda rows: _loads.upsert_source(rows, source))

    def get_source(self, sha256: str) -> Source | None:
        return self.rows.source(sha256)

    def list_sources(self) -> list[Source]:
        return self.rows.sources()

    # -- diagnoses -------------------------------------------------------------------------
    def upsert_diagnoses(self, diagnoses: Iterable[Diagnosis], *, user: str = SYSTEM_USER) -> int:
        """Insert or update by id in one transaction (batched). Synonyms and codes are unioned,
        an existing own malignancy is kept unless the incoming one is set and the old one is None.
        Records a ``create`` event per new diagnosis. Returns the number of new diagnoses."""
        items = [sem.prepare_diagnosis(d) for d in diagnoses]
        return self._atomic(lambda rows: _loads.upsert_diagnoses(rows, items, user))

    def upsert_diagnosis(self, diagnosis: Diagnosis, *, user: str = SYSTEM_USER) -> Diagnosis:
        self.upsert_diagnoses([diagnosis], user=user)
        got = self.get_diagnosis(diagnosis.id)
        assert got is not None
        return got

    def get_diagnosis(self, id: str) -> Diagnosis | None:
        """By id or by the id of a diagnosis merged into it."""
        real = acc.resolve_id(self.rows, id)
        return None if real is None else acc.diagnosis(self.rows, real)

    def list_diagnoses(
        self, *, status: str | None = None, offset: int = 0, limit: int | None = None
    ) -> list[Diagnosis]:
        """Ordered by id. Merged diagnoses are not listed."""
        return self.rows.list_diagnoses(status, offset, limit)

    def count_diagnoses(self) -> int:
        return self.rows.count_diagnoses()

    def update_diagnosis(
        self,
        id: str,
        changes: dict[str, Any],
        *,
        user: str,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> Diagnosis:
        """Change fields (name, synonyms, malignancy, malignancy_source, codes, status); records an
        ``edit`` event. Renames and new synonyms must not collide with another diagnosis's names."""
        return self._atomic(
            lambda rows: _curation.update_diagnosis(rows, id, changes, user, expected_version, reason)
        )

    def add_diagnosis_evidence(self, id: str, evidence: Iterable[Evidence]) -> int:
        """Attach evidence (e.g. textbook rationales) to a diagnosis; dedup by evidence id."""
        items = list(evidence)  # a retried transaction reads them again
        return self._atomic(lambda rows: _curation.add_diagnosis_evidence(rows, id, items))

    # -- findings --------------------------------------------------------------------------
    def upsert_findings(self, findings: Iterable[Finding], *, user: str = SYSTEM_USER) -> int:
        """Insert or merge by id (``kg.ids.finding_id`` of the name when empty) in one transaction:
        synonyms unioned, type and name kept. Idempotent; records a ``create`` event per new finding
        (``edit`` per changed one). Returns the number of new findings."""
        items = [prepare_finding(f) for f in findings]
        return self._atomic(lambda rows: _loads.upsert_findings(rows, items, user))

    def get_finding(self, id: str) -> Finding | None:
        return acc.finding(self.rows, id)

    def list_findings(self, *, type: FindingType | None = None) -> list[Finding]:
        """Every finding (of ``type``), ordered by id."""
        return self.rows.list_findings(type)

    def resolve_finding(self, name: str) -> Finding | None:
        """Exact resolution through names and synonyms (``kg.names.normalize``); never fuzzy."""
        key = normalize(name)
        ids = self.rows.finding_ids_by_key(key) if key else []
        return acc.finding(self.rows, ids[0]) if ids else None

    def finding_assertions(self, *, include_proposed: bool = False) -> list[Assertion]:
        """Accepted (optionally also proposed) finding assertions, ordered by (created_at, id)."""
        statuses: list[AssertionStatus] = ["accepted", "proposed"] if include_proposed else ["accepted"]
        return list(self.query_assertions(AssertionQuery(kind="finding", status=statuses, limit=None)).items)

    # -- names -----------------------------------------------------------------------------
    def resolve_name(self, name: str) -> Diagnosis | None:
        """Exact resolution through names and synonyms, insensitive to case, diacritics,
        punctuation and singular/plural (see ``kg.names.normalize``). Never fuzzy."""
        key = normalize(name)
        return self.rows.best_by_name(key) if key else None

    def suggest_names(self, name: str, *, limit: int = 5, min_score: float = 70.0) -> list[NameMatch]:
        """Exact matches first (score 100), then fuzzy suggestions (rapidfuzz) best first.
        Suggestions are never applied automatically."""
        key = normalize(name)
        names = self._cached("names", self.rows.all_names) or self.rows.name_shortlist(key)
        return acc.suggest_names(self.rows, name, names, limit=limit, min_score=min_score)

    # -- assertions ------------------------------------------------------------------------
    def add_assertions(self, assertions: Iterable[Assertion], *, user: str = SYSTEM_USER) -> list[Assertion]:
        """Insert in one batched transaction, merging with existing (kind, subject, object).
        Subjects and objects must exist (NotFoundError names the missing id). Accepted is_a
        assertions are cycle-checked. Returns the stored assertions in input order."""
        items = list(assertions)
        return self._atomic(lambda rows: _loads.add_assertions(rows, items, user))

    def add_assertion(self, assertion: Assertion, *, user: str = SYSTEM_USER) -> Assertion:
        return self.add_assertions([assertion], user=user)[0]

    def get_assertion(self, id: str) -> Assertion | None:
        return acc.assertion(self.rows, id)

    def get_assertions(self, ids: Iterable[str]) -> list[Assertion]:
        """The assertions with these ids in the order given, unknown ids left out: one read."""
        wanted = list(ids)
        found = self.rows.assertions(sorted(set(wanted)))
        return [found[i] for i in wanted if i in found]

    def find_assertion(self, kind: AssertionKind, subject: str, object: str) -> Assertion | None:
        """By (kind, subject, object); DDx in either direction."""
        s = acc.resolve_id(self.rows, subject)
        o = object if kind == "finding" else acc.resolve_id(self.rows, object)
        if s is None or o is None:
            return None
        return acc.by_key(self.rows, kind, *canonical_pair(kind, s, o))

    def _live(self, query: AssertionQuery) -> AssertionQuery:
        live = query.diagnosis and acc.resolve_id(self.rows, query.diagnosis)
        return query.model_copy(update={"diagnosis": live}) if live else query

    def query_assertions(self, query: AssertionQuery) -> Page:
        """A page of assertions matching the filters, ordered by (created_at, id); ``total`` is the
        count of all matches."""
        total, items = self.rows.query_assertions(self._live(query))
        return Page(items=items, total=total, offset=query.offset, limit=query.limit)

    def count_assertions(self, query: AssertionQuery) -> int:
        """How many assertions match ``query``'s filters (offset and limit ignored), in one count."""
        return self.rows.count_assertions(self._live(query))

    def summarize_assertions(self, query: AssertionQuery) -> list[AssertionSummary]:
        """The items of ``query_assertions(query)`` as light summaries from the indexed fields only,
        so a caller can order 20,000 matches without reading their evidence."""
        return self.rows.summarize_assertions(self._live(query))

    def review(
        self,
        id: str,
        decision: Decision,
        *,
        user: str,
        reason: str | None = None,
        expected_version: int | None = None,
        required_votes: int = 1,
    ) -> Assertion:
        """Record ``user``'s vote. When ``required_votes`` independent users agree, the decision
        becomes final (status, reviewed_by, reviewed_at set; ``accept``/``reject``/``supersede``
        event). Fewer votes: a ``vote`` event only. A user's second vote replaces their first.
        Rejecting requires a reason (InputError otherwise)."""
        return self._atomic(
            lambda rows: _curation.review(rows, id, decision, user, reason, expected_version, required_votes)
        )

    def review_finding(
        self,
        id: str,
        decision: Decision,
        *,
        user: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> Finding:
        """Accept or reject a finding concept itself (a presentation), apart from its members' assertions."""
        return self._atomic(
            lambda rows: _curation.review_finding(rows, id, decision, user, reason, expected_version)
        )

    def edit_assertion(
        self,
        id: str,
        *,
        user: str,
        kind: AssertionKind | None = None,
        subject: str | None = None,
        object: str | None = None,
        note: str | None = None,
        expected_version: int | None = None,
        reason: str | None = None,
        relation: FindingRelation | None = None,
    ) -> Assertion:
        """Correct an assertion (e.g. the object a DDx points to, the relation of a finding); history
        stays. Moving an end makes it the editor's own proposed claim (origin human, the editor's
        accept vote) and drops the evidence whose quote does not name the new end."""
        change = {"kind": kind, "subject": subject, "object": object, "note": note, "relation": relation}
        return self._atomic(
            lambda rows: _curation.edit_assertion(rows, id, user, change, expected_version, reason)
        )

    def comment(self, target_type: str, target: str, text: str, *, user: str) -> CurationEvent:
        return self._atomic(lambda rows: _curation.comment(rows, target_type, target, text, user))  # type: ignore[no-any-return]

    # -- diagnoses: merge ------------------------------------------------------------------
    def merge_diagnoses(self, keep: str, drop: str, *, user: str, reason: str | None = None) -> Diagnosis:
        """Fold ``drop`` into ``keep``: names become synonyms, ``drop`` becomes an alias id,
        assertions and cases move (self-loops dropped, duplicates merged), ``merge`` event."""
        return self._atomic(lambda rows: _history.merge_diagnoses(rows, keep, drop, user, reason))

    # -- cases -----------------------------------------------------------------------------
    def add_cases(self, cases: Iterable[Case], *, user: str = SYSTEM_USER) -> int:
        """Insert or merge by id in one transaction; returns the number of new cases."""
        items = list(cases)
        return self._atomic(lambda rows: _loads.add_cases(rows, items, user))

    def get_case(self, id: str) -> Case | None:
        return acc.case(self.rows, id)

    def list_cases(
        self,
        *,
        diagnosis: str | None = None,
        status: CaseStatus | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Case]:
        dx = None if diagnosis is None else acc.resolve_id(self.rows, diagnosis) or diagnosis
        return self.rows.list_cases(dx, status, offset, limit)

    def count_cases(self, *, status: CaseStatus | None = None) -> int:
        return self.rows.count_cases(status)

    def case_counts(self, *, status: CaseStatus | None = "accepted") -> dict[str, int]:
        """Number of cases per diagnosis id (for ResolveDDXNeighbor and impact ordering)."""
        return self.rows.case_counts(status)

    def update_case(
        self,
        id: str,
        changes: dict[str, Any],
        *,
        user: str,
        expected_version: int | None = None,
        reason: str | None = None,
    ) -> Case:
        """Accept / exclude (``status``) or relabel (``diagnosis``) a case; records an event."""
        return self._atomic(
            lambda rows: _curation.update_case(rows, id, changes, user, expected_version, reason)
        )

    # -- label maps ------------------------------------------------------------------------
    def set_label_mappings(self, mappings: Iterable[LabelMapping], *, user: str = SYSTEM_USER) -> int:
        items = list(mappings)
        return self._atomic(lambda rows: _curation.set_label_mappings(rows, items, user))

    def get_label_map(self, dataset: str | None = None) -> list[LabelMapping]:
        return self.rows.label_maps(dataset=dataset)

    # -- events ----------------------------------------------------------------------------
    def list_events(self, query: EventQuery | None = None) -> Page:
        """Newest first."""
        q = query or EventQuery()
        total, rows = self.rows.list_events(q)
        return Page(items=[event_from(r) for r in rows], total=total, offset=q.offset, limit=q.limit)

    def get_event(self, id: str) -> CurationEvent | None:
        row = self.rows.event(id)
        return None if row is None else event_from(row)

    def revert_event(self, id: str, *, user: str, reason: str | None = None) -> CurationEvent:
        """Restore the target's ``before`` snapshot (ConflictError if it changed since); appends a
        ``revert`` event and never deletes history. Merges and creates: see ``_history.revert_event``."""
        return self._atomic(lambda rows: _history.revert_event(rows, id, user, reason))

    def iter_events(self) -> Iterator[CurationEvent]:
        """Every event, oldest first."""
        return (event_from(r) for r in acc.paged(self.rows.events_after, 0, lambda r: r.seq or 0))

    # -- graph views and the whole graph ---------------------------------------------------
    def edges(self, kind: AssertionKind, *, include_proposed: bool = False) -> list[tuple[str, str]]:
        """(subject, object) of accepted assertions (plus proposed on request), canonical order."""
        return self.rows.edges(kind, ["accepted", "proposed"] if include_proposed else ["accepted"])

    def graph_view(self, *, include_proposed: bool = False) -> Any:
        """A :class:`kg.view.GraphView` (networkx) of the graph, rebuilt only after a commit."""
        from kg.view import GraphView

        return self._cached(
            ("view", include_proposed), lambda: GraphView.from_store(self, include_proposed=include_proposed)
        )

    def export_graph(self) -> GraphExport:
        """Canonical, backend-independent export (sorted), the basis of exact round trips."""
        from kg.export import export_store

        return export_store(self)

    def restore(self, export: GraphExport) -> None:
        """Write an export verbatim (ids, statuses, versions, events, revision) into an empty
        store, in one transaction. Raises InputError if the store is not empty."""
        self._atomic(lambda rows: _loads.restore(rows, export))

    def iter_assertions(self, *, batch_size: int = 5000) -> Iterator[Assertion]:
        """Every assertion, ordered by id (for export and lint)."""
        return acc.paged(self.rows.assertions_after, "", lambda a: a.id, batch_size)
