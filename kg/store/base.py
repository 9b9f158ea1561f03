"""The store interface: one protocol, two backends (``sqlite.py``, ``neo4j.py``), one contract suite.

Semantics every backend must honour (tested by ``tests/kg/store/test_contract.py``):

- Writes are transactional. Every public write method is atomic on its own; inside
  ``with store.transaction():`` all writes commit together or not at all.
- ``revision()`` increases by one for every committed transaction that changed the accepted graph
  (an assertion or diagnosis entering or leaving ``accepted``, an edit of an accepted item, a merge).
- Every curation write (review, edit, merge, case decision, label map change, revert) appends a
  :class:`CurationEvent` with the user and before / after snapshots. Events are never deleted.
- ``expected_version`` (when given) must equal the item's current ``version`` or the write raises
  :class:`dermkg.errors.ConflictError` and changes nothing; successful writes bump ``version``.
- DDx assertions are stored once in canonical direction (``kg.ids.canonical_pair``) and returned for
  either endpoint. Adding an assertion whose (kind, subject, object) exists merges its evidence (by
  evidence id) and keeps the better score instead of duplicating; status is never downgraded.
- Accepting an is_a assertion that would close a cycle raises :class:`dermkg.errors.CycleError`.
- Ids of merged diagnoses stay valid: ``get_diagnosis(old_id)`` returns the surviving diagnosis.
- A ``finding`` assertion links a diagnosis (subject) to a :class:`Finding` (object) with a relation
  (typical / possible / against); it is directed, one per (diagnosis, finding) pair, and otherwise
  curated, audited, reverted, exported and migrated exactly like is_a and DDx. An unknown subject
  or object of a finding assertion is an InputError and nothing is written.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Self

from kg.models import (
    Assertion,
    AssertionKind,
    AssertionQuery,
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

SYSTEM_USER = "system"


class GraphStore(abc.ABC):
    """A dermkg knowledge graph. Constructors do no I/O; connections open in ``open()`` / ``__enter__``."""

    url: str

    # -- lifecycle -------------------------------------------------------------------------
    @abc.abstractmethod
    def open(self) -> Self:
        """Connect and set up the schema on first use. Raises StoreUnavailableError naming the URL."""

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> Self:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abc.abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """Group writes atomically; nested use joins the outer transaction."""

    @abc.abstractmethod
    def revision(self) -> int:
        """Revision number of the accepted graph (0 for an empty store)."""

    # -- sources ---------------------------------------------------------------------------
    @abc.abstractmethod
    def upsert_source(self, source: Source) -> Source: ...

    @abc.abstractmethod
    def get_source(self, sha256: str) -> Source | None: ...

    @abc.abstractmethod
    def list_sources(self) -> list[Source]: ...

    # -- diagnoses -------------------------------------------------------------------------
    @abc.abstractmethod
    def upsert_diagnoses(self, diagnoses: Iterable[Diagnosis], *, user: str = SYSTEM_USER) -> int:
        """Insert or update by id in one transaction (batched). Synonyms and codes are unioned,
        an existing own malignancy is kept unless the incoming one is set and the old one is None.
        Records a ``create`` event per new diagnosis. Returns the number of new diagnoses."""

    def upsert_diagnosis(self, diagnosis: Diagnosis, *, user: str = SYSTEM_USER) -> Diagnosis:
        self.upsert_diagnoses([diagnosis], user=user)
        got = self.get_diagnosis(diagnosis.id)
        assert got is not None
        return got

    @abc.abstractmethod
    def get_diagnosis(self, id: str) -> Diagnosis | None:
        """By id or by the id of a diagnosis merged into it."""

    @abc.abstractmethod
    def list_diagnoses(
        self, *, status: str | None = None, offset: int = 0, limit: int | None = None
    ) -> list[Diagnosis]:
        """Ordered by id. Merged diagnoses are not listed."""

    @abc.abstractmethod
    def count_diagnoses(self) -> int: ...

    @abc.abstractmethod
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

    @abc.abstractmethod
    def add_diagnosis_evidence(self, id: str, evidence: Iterable[Evidence]) -> int:
        """Attach evidence (e.g. textbook rationales) to a diagnosis; dedup by evidence id."""

    # -- findings --------------------------------------------------------------------------
    @abc.abstractmethod
    def upsert_findings(self, findings: Iterable[Finding], *, user: str = SYSTEM_USER) -> int:
        """Insert or merge by id (``kg.ids.finding_id`` of the name when empty) in one transaction:
        synonyms unioned, type and name kept. Idempotent; records a ``create`` event per new finding
        (``edit`` per changed one). Returns the number of new findings."""

    @abc.abstractmethod
    def get_finding(self, id: str) -> Finding | None: ...

    @abc.abstractmethod
    def list_findings(self, *, type: FindingType | None = None) -> list[Finding]:
        """Every finding (of ``type``), ordered by id."""

    @abc.abstractmethod
    def resolve_finding(self, name: str) -> Finding | None:
        """Exact resolution through names and synonyms (``kg.names.normalize``); never fuzzy."""

    @abc.abstractmethod
    def finding_assertions(self, *, include_proposed: bool = False) -> list[Assertion]:
        """Accepted (optionally also proposed) finding assertions."""

    # -- names -----------------------------------------------------------------------------
    @abc.abstractmethod
    def resolve_name(self, name: str) -> Diagnosis | None:
        """Exact resolution through names and synonyms, insensitive to case, diacritics,
        punctuation and singular/plural (see ``kg.names.normalize``). Never fuzzy."""

    @abc.abstractmethod
    def suggest_names(self, name: str, *, limit: int = 5, min_score: float = 70.0) -> list[NameMatch]:
        """Exact matches first (score 100), then fuzzy suggestions (rapidfuzz) best first.
        Suggestions are never applied automatically."""

    # -- assertions ------------------------------------------------------------------------
    @abc.abstractmethod
    def add_assertions(self, assertions: Iterable[Assertion], *, user: str = SYSTEM_USER) -> list[Assertion]:
        """Insert in one batched transaction, merging with existing (kind, subject, object).
        Subjects and objects must exist (NotFoundError names the missing id). Accepted is_a
        assertions are cycle-checked. Returns the stored assertions in input order."""

    def add_assertion(self, assertion: Assertion, *, user: str = SYSTEM_USER) -> Assertion:
        return self.add_assertions([assertion], user=user)[0]

    @abc.abstractmethod
    def get_assertion(self, id: str) -> Assertion | None: ...

    def get_assertions(self, ids: Iterable[str]) -> list[Assertion]:
        """The assertions with these ids in the order given, unknown ids left out: one page of a
        queue in one read. Backends override this with a single query."""
        return [a for a in map(self.get_assertion, ids) if a is not None]

    @abc.abstractmethod
    def find_assertion(self, kind: AssertionKind, subject: str, object: str) -> Assertion | None:
        """By (kind, subject, object); DDx in either direction."""

    @abc.abstractmethod
    def query_assertions(self, query: AssertionQuery) -> Page:
        """A page of assertions matching the filters, ordered by (created_at, id); ``total`` is the
        count of all matches."""

    def count_assertions(self, query: AssertionQuery) -> int:
        """How many assertions match ``query``'s filters (offset and limit ignored): the ``total`` of
        ``query_assertions`` without reading any record. Backends override this with one count."""
        return self.query_assertions(query.model_copy(update={"offset": 0, "limit": 0})).total

    def summarize_assertions(self, query: AssertionQuery) -> list[AssertionSummary]:
        """The items of ``query_assertions(query)`` (same filters, order, offset and limit) as light
        summaries, so a caller can order 20,000 matches without reading their evidence. Backends
        override this with a query that never loads the whole records."""
        return [AssertionSummary.of(a) for a in self.query_assertions(query).items]

    @abc.abstractmethod
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

    @abc.abstractmethod
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
        """Correct an assertion (e.g. the object a DDx points to, the relation of a finding).
        Evidence and history stay."""

    @abc.abstractmethod
    def comment(self, target_type: str, target: str, text: str, *, user: str) -> CurationEvent: ...

    # -- diagnoses: merge ------------------------------------------------------------------
    @abc.abstractmethod
    def merge_diagnoses(self, keep: str, drop: str, *, user: str, reason: str | None = None) -> Diagnosis:
        """Fold ``drop`` into ``keep``: names become synonyms, ``drop`` becomes an alias id,
        assertions and cases move (self-loops dropped, duplicates merged), ``merge`` event."""

    # -- cases -----------------------------------------------------------------------------
    @abc.abstractmethod
    def add_cases(self, cases: Iterable[Case], *, user: str = SYSTEM_USER) -> int:
        """Insert or merge by id in one transaction; returns the number of new cases."""

    @abc.abstractmethod
    def get_case(self, id: str) -> Case | None: ...

    @abc.abstractmethod
    def list_cases(
        self,
        *,
        diagnosis: str | None = None,
        status: CaseStatus | None = None,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[Case]: ...

    @abc.abstractmethod
    def count_cases(self, *, status: CaseStatus | None = None) -> int: ...

    @abc.abstractmethod
    def case_counts(self, *, status: CaseStatus | None = "accepted") -> dict[str, int]:
        """Number of cases per diagnosis id (for ResolveDDXNeighbor and impact ordering)."""

    @abc.abstractmethod
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

    # -- label maps ------------------------------------------------------------------------
    @abc.abstractmethod
    def set_label_mappings(self, mappings: Iterable[LabelMapping], *, user: str = SYSTEM_USER) -> int: ...

    @abc.abstractmethod
    def get_label_map(self, dataset: str | None = None) -> list[LabelMapping]: ...

    # -- events ----------------------------------------------------------------------------
    @abc.abstractmethod
    def list_events(self, query: EventQuery | None = None) -> Page:
        """Newest first."""

    @abc.abstractmethod
    def get_event(self, id: str) -> CurationEvent | None: ...

    @abc.abstractmethod
    def revert_event(self, id: str, *, user: str, reason: str | None = None) -> CurationEvent:
        """Restore the target's ``before`` snapshot (ConflictError if it changed since); appends a
        ``revert`` event. Never deletes history.

        A ``merge`` is undone whole: the dropped diagnosis returns with its names and aliases, and
        exactly the assertions, cases and label mappings the merge moved go back (ConflictError if
        any of them, or the kept diagnosis, changed since). A ``create`` of a diagnosis or assertion
        is undone by rejecting it (a case: excluding it), not by deleting it. Comments, label-map
        creates and reverts of merges are not revertible (InputError)."""

    # -- graph views -----------------------------------------------------------------------
    @abc.abstractmethod
    def edges(self, kind: AssertionKind, *, include_proposed: bool = False) -> list[tuple[str, str]]:
        """(subject, object) of accepted assertions (plus proposed on request), canonical order."""

    def graph_view(self, *, include_proposed: bool = False) -> Any:
        """A :class:`kg.view.GraphView` (networkx) of the graph, cached per revision by backends."""
        from kg.view import GraphView

        return GraphView.from_store(self, include_proposed=include_proposed)

    # -- whole-graph -----------------------------------------------------------------------
    def export_graph(self) -> GraphExport:
        """Canonical, backend-independent export (sorted), the basis of exact round trips."""
        from kg.export import export_store

        return export_store(self)

    @abc.abstractmethod
    def restore(self, export: GraphExport) -> None:
        """Write an export verbatim (ids, statuses, versions, events, revision) into an empty
        store, in one transaction. Raises InputError if the store is not empty."""

    @abc.abstractmethod
    def iter_assertions(self, *, batch_size: int = 5000) -> Iterator[Assertion]:
        """Every assertion, ordered by id (for export and lint)."""

    @abc.abstractmethod
    def iter_events(self) -> Iterator[CurationEvent]:
        """Every event, oldest first."""
