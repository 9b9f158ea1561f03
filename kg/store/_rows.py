"""The seam between the store's rules and its backends: a typed row-level protocol.

:class:`kg.store.base.GraphStore` holds every read-check-write operation once (validation, votes,
versions, events, merge, revert, restore) and talks to a backend only through :class:`Rows`: reads
and version-checked writes of whole records, the audit log, the revision and a transaction. A
backend implements the protocol in one place (:mod:`kg.store.sqlite_rows`, :mod:`kg.store.neo4j_rows`);
it never decides what a change means. The helpers below (timestamps, event rows, the accepted-graph
test) are used by both sides, so they live here, below both.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any, NamedTuple, Protocol, TypeVar, runtime_checkable

from dermkg.errors import InputError
from kg.models import (
    Assertion,
    AssertionKind,
    AssertionQuery,
    AssertionSummary,
    Case,
    CaseStatus,
    CurationEvent,
    Diagnosis,
    EventQuery,
    Finding,
    FindingType,
    LabelMapping,
    Source,
    utcnow,
)

T = TypeVar("T")
Key = tuple[str, str, str]  # (kind, subject, object): one assertion per key
Dumped = tuple[T, str]  # a record with its JSON (``model_dump_json``), dumped once for row and event
NameColumns = tuple[list[str], list[str], list[str]]  # (keys, diagnosis ids, surfaces)
_BOOKKEEPING = {"version", "votes", "reviewed_by", "reviewed_at"}  # not graph content


class EventRow(NamedTuple):
    """One audit-log row; ``before`` / ``after`` are JSON text. ``seq`` None: the backend numbers it."""

    id: str
    at: str
    user: str
    action: str
    target_type: str
    target: str
    before: str | None
    after: str | None
    reason: str | None
    seq: int | None = None


def ts(dt: datetime) -> str:
    """A sortable UTC timestamp (fixed width, so string order is time order)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def _text(snap: dict[str, Any] | str | None) -> str | None:
    return snap if snap is None or isinstance(snap, str) else json.dumps(snap, ensure_ascii=False)


def event_row(
    user: str,
    action: str,
    target_type: str,
    target: str,
    before: dict[str, Any] | str | None,
    after: dict[str, Any] | str | None,
    reason: str | None = None,
) -> EventRow:
    """A new event; a snapshot may come as the record's stored JSON, so bulk loads dump it once.
    Every write names who made it: a blank user is refused here, under every store operation."""
    if not user or not user.strip():
        raise InputError(
            f"{action} of {target_type} {target} needs a user: who acted is recorded in the audit log"
        )
    return EventRow(
        f"ev-{secrets.token_hex(10)}",  # 80 random bits; uuid4() cost 2.5 µs more a row of a bulk load
        ts(utcnow()),
        user,
        action,
        target_type,
        target,
        _text(before),
        _text(after),
        reason,
    )


def event_from(row: EventRow) -> CurationEvent:
    """The model of a stored event row."""
    return CurationEvent(
        id=row.id,
        seq=row.seq or 0,
        at=datetime.fromisoformat(row.at),
        user=row.user,
        action=row.action,  # type: ignore[arg-type]
        target_type=row.target_type,  # type: ignore[arg-type]
        target=row.target,
        before=None if row.before is None else json.loads(row.before),
        after=None if row.after is None else json.loads(row.after),
        reason=row.reason,
    )


def _content(snap: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in snap.items() if k not in _BOOKKEEPING}


def graph_changed(before: Any, after: Any) -> bool:
    """True when a change touches the accepted graph, i.e. moves ``revision()``: an accepted record
    created or removed, or one whose content (not its votes or version) changed on either side."""
    if before is None or after is None:  # a create or a delete: no snapshots needed (bulk loads)
        return getattr(after if before is None else before, "status", None) == "accepted"
    b, a = before.model_dump(mode="json"), after.model_dump(mode="json")
    return "accepted" in (b.get("status"), a.get("status")) and _content(b) != _content(a)


def chunks(rows: list[T], size: int = 5000) -> Iterator[list[T]]:
    """``rows`` in slices of ``size`` (one statement each)."""
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


class Pending:
    """What the open transaction will do to the revision at commit (one per backend transaction)."""

    def __init__(self) -> None:
        self.graph_changed = False  # the accepted graph changed: the revision moves by one
        self.revision: int | None = None  # set outright (restore)


class RevisionMarks:
    """The revision marks of :class:`Rows`, the same for every backend: the backend's transaction
    state is a :class:`Pending` in ``_tx`` while a transaction is open."""

    _tx: Pending | None

    def graph_changed(self) -> bool:
        return self._tx is not None and self._tx.graph_changed

    def mark_graph_changed(self) -> None:
        if self._tx is not None:
            self._tx.graph_changed = True

    def set_revision(self, revision: int) -> None:
        assert self._tx is not None
        self._tx.revision = revision


@runtime_checkable
class Rows(Protocol):
    """Row-level storage of one backend. Writes run inside :meth:`transaction`; ``write_*`` methods
    are version-checked (``prev`` is the stored version) and raise ConflictError when it moved."""

    display: str  # the store URL, password masked: safe in messages

    # -- connection, transactions, revision -----------------------------------------------
    def open(self) -> None: ...
    def close(self) -> None: ...
    def transaction(self) -> AbstractContextManager[None]: ...
    def atomic(self, fn: Callable[[], T]) -> T:
        """``fn`` in one transaction: joined when one is open, else retried on transient errors."""
        ...

    def revision(self) -> int: ...
    def graph_changed(self) -> bool:
        """Whether the open transaction already changed the accepted graph."""
        ...

    def mark_graph_changed(self) -> None: ...
    def set_revision(self, revision: int) -> None: ...
    def state(self) -> object | None:
        """Changes whenever anything commits (a cache key); None while writing."""
        ...

    def is_empty(self) -> bool: ...

    # -- sources, label maps ---------------------------------------------------------------
    def source(self, sha256: str) -> Source | None: ...
    def sources(self) -> list[Source]: ...
    def put_source(self, source: Source) -> None: ...
    def label_map(self, dataset: str, label: str) -> LabelMapping | None: ...
    def label_maps(
        self, *, dataset: str | None = None, diagnosis: str | None = None
    ) -> list[LabelMapping]: ...
    def put_label_maps(self, maps: list[LabelMapping]) -> None: ...

    # -- diagnoses, names, aliases ---------------------------------------------------------
    def resolve_ids(self, ids: list[str]) -> dict[str, str | None]:
        """Each id -> the live diagnosis id (itself, or the target of a merged alias), None if unknown."""
        ...

    def diagnoses(self, ids: list[str]) -> dict[str, Diagnosis]: ...
    def list_diagnoses(self, status: str | None, offset: int, limit: int | None) -> list[Diagnosis]: ...
    def count_diagnoses(self) -> int: ...
    def insert_diagnoses(self, items: list[Dumped[Diagnosis]]) -> None:
        """New rows with their name keys."""
        ...

    def write_diagnoses(self, pairs: list[tuple[int, Diagnosis]]) -> None:
        """Version-checked updates (prev, new); name keys re-indexed."""
        ...

    def delete_diagnosis(self, id: str) -> None: ...
    def name_owner(self, keys: list[str], exclude: list[str]) -> tuple[str, str] | None:
        """(key, diagnosis id) of a name among ``keys`` held by a diagnosis not in ``exclude``."""
        ...

    def best_by_name(self, key: str) -> Diagnosis | None:
        """The diagnosis a name key resolves to (one read): accepted first, primary names before synonyms."""
        ...

    def exact_names(self, key: str) -> list[tuple[str, str]]: ...
    def all_names(self) -> NameColumns | None:
        """Every name, or None when there are too many to score (then :meth:`name_shortlist`)."""
        ...

    def name_shortlist(self, key: str) -> NameColumns: ...
    def aliases_of(self, target: str) -> list[str]: ...
    def point_aliases(self, aliases: list[str], target: str) -> None: ...
    def delete_alias(self, alias: str) -> None: ...

    # -- findings --------------------------------------------------------------------------
    def findings(self, ids: list[str]) -> dict[str, Finding]: ...
    def list_findings(self, type: FindingType | None) -> list[Finding]: ...
    def finding_ids_by_key(self, key: str) -> list[str]: ...
    def insert_findings(self, items: list[Finding]) -> None: ...
    def write_findings(self, pairs: list[tuple[int, Finding]]) -> None: ...

    # -- assertions ------------------------------------------------------------------------
    def assertions(self, ids: list[str]) -> dict[str, Assertion]: ...
    def assertions_by_keys(self, keys: Iterable[Key]) -> dict[Key, Assertion]:
        """The stored assertion of each key that has one (keys may repeat)."""

    def assertions_touching(self, diagnosis: str) -> list[Assertion]: ...
    def insert_assertions(self, items: list[Dumped[Assertion]]) -> None:
        """New rows; an id taken by another key is InputError."""
        ...

    def write_assertions(self, pairs: list[tuple[int, Assertion]]) -> None: ...
    def delete_assertions(self, ids: list[str]) -> None: ...
    def accepted_is_a(self) -> list[tuple[str, str, str]]:
        """(assertion id, child, parent) of every accepted is_a."""
        ...

    def query_assertions(self, query: AssertionQuery) -> tuple[int, list[Assertion]]:
        """(total, page); ``query.diagnosis`` is already a live id."""
        ...

    def count_assertions(self, query: AssertionQuery) -> int: ...
    def summarize_assertions(self, query: AssertionQuery) -> list[AssertionSummary]: ...
    def edges(self, kind: AssertionKind, statuses: list[str]) -> list[tuple[str, str]]: ...
    def assertions_after(self, last: str, limit: int) -> list[Assertion]: ...

    # -- cases -----------------------------------------------------------------------------
    def cases(self, ids: list[str]) -> dict[str, Case]: ...
    def list_cases(
        self, diagnosis: str | None, status: CaseStatus | None, offset: int, limit: int | None
    ) -> list[Case]: ...
    def count_cases(self, status: CaseStatus | None) -> int: ...
    def case_counts(self, status: CaseStatus | None) -> dict[str, int]: ...
    def insert_cases(self, items: list[Case]) -> None: ...
    def write_cases(self, pairs: list[tuple[int, Case]]) -> None: ...

    # -- events ----------------------------------------------------------------------------
    def add_events(self, rows: Iterable[EventRow]) -> int:
        """Append; returns the seq of the last row (0 when there are none)."""
        ...

    def event(self, id: str) -> EventRow | None: ...
    def list_events(self, query: EventQuery) -> tuple[int, list[EventRow]]: ...
    def events_after(self, seq: int, limit: int) -> list[EventRow]: ...
