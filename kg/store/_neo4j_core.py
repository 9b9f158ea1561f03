"""Transactions, reads, writes and the audit log of the Neo4j backend (see :mod:`kg.store.neo4j`).

Writers are serialised through one lock node (``:DermkgMeta``), taken first in every write
transaction: like SQLite's ``BEGIN IMMEDIATE``, a writer then reads the latest committed state,
so version checks cannot lose updates and events get gap-free sequence numbers. Public writes
retry on transient errors (deadlock, leader switch, dropped connection) with a fresh transaction;
a batch is one transaction, so it commits whole or not at all.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Self, TypeVar

from dermkg.errors import DermkgError, StoreUnavailableError
from kg.models import CurationEvent, utcnow
from kg.store import _semantics as sem
from kg.store._neo4j_conn import SCHEMA_VERSION, StoreTarget, connect, ensure_schema, parse_store_url, scrub
from kg.store.base import GraphStore

T = TypeVar("T")
CHUNK = 5000  # rows per UNWIND statement
RETRIES = 5
_BOOKKEEPING = {"version", "votes", "reviewed_by", "reviewed_at"}

LOCK_META = (  # takes the writer lock, then reads the state it guards (one round trip)
    "MERGE (m:DermkgMeta {key: 'graph'}) "
    "ON CREATE SET m.revision = 0, m.event_seq = 0, m.commits = 0, m.epoch = $epoch, m.schema_version = $v "
    "SET m.locked = true RETURN m.revision AS revision, m.event_seq AS seq"
)
SCHEMA_OF = "MATCH (m:DermkgMeta {key: 'graph'}) RETURN m.schema_version AS v"
COMMIT_META = (
    "MATCH (m:DermkgMeta {key: 'graph'}) "
    "SET m.revision = $revision, m.event_seq = $seq, m.commits = m.commits + 1"
)
CREATE_EVENTS = (
    "UNWIND $rows AS r CREATE (e:Event) SET e = r"  # r: seq, id, at, user, action, target_type, target, ...
)
UNPROJECT = [  # one statement per type, so each uses its relationship index
    "UNWIND $ids AS id MATCH ()-[r:IS_A {assertion: id}]->() DELETE r",
    "UNWIND $ids AS id MATCH ()-[r:DDX {assertion: id}]->() DELETE r",
    "UNWIND $ids AS id MATCH ()-[r:HAS_FINDING {assertion: id}]->() DELETE r",
]
PROJECT = (
    "UNWIND $ids AS id MATCH (a:Assertion {id: id}) WHERE a.status = 'accepted' "
    "MATCH (s:Diagnosis {id: a.subject}) MATCH (o:Diagnosis {id: a.object}) "
    "FOREACH (_ IN CASE WHEN a.kind = 'is_a' THEN [1] ELSE [] END "
    "| CREATE (s)-[:IS_A {assertion: a.id}]->(o)) "
    "FOREACH (_ IN CASE WHEN a.kind = 'ddx' THEN [1] ELSE [] END "
    "| CREATE (s)-[:DDX {assertion: a.id}]->(o))"
)
PROJECT_FINDINGS = (  # accepted finding assertions: (:Diagnosis)-[:HAS_FINDING]->(:Finding)
    "UNWIND $ids AS id MATCH (a:Assertion {id: id}) WHERE a.status = 'accepted' AND a.kind = 'finding' "
    "MATCH (s:Diagnosis {id: a.subject}) MATCH (f:Finding {id: a.object}) "
    "CREATE (s)-[:HAS_FINDING {assertion: a.id, relation: a.relation}]->(f)"
)


def ts(dt: datetime) -> str:
    """A sortable UTC timestamp (fixed width, so string order is time order; same as SQLite's)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def chunks(rows: list[T], size: int = CHUNK) -> Iterator[list[T]]:
    for i in range(0, len(rows), size):
        yield rows[i : i + size]


def _content(snap: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if snap is None else {k: v for k, v in snap.items() if k not in _BOOKKEEPING}


def graph_changed(before: Any, after: Any) -> bool:
    """True when a change touches the accepted graph (same rule as the embedded backend)."""
    if before is None or after is None:  # a create or a delete: no snapshots needed (bulk loads)
        return getattr(after if before is None else before, "status", None) == "accepted"
    b = None if before is None else sem.snapshot(before)
    a = None if after is None else sem.snapshot(after)
    statuses = [s.get("status") for s in (b, a) if s is not None]
    return "accepted" in statuses and _content(b) != _content(a)


def event_from(r: dict[str, Any]) -> CurationEvent:
    return CurationEvent(
        id=r["id"],
        seq=r["seq"],
        at=datetime.fromisoformat(r["at"]),
        user=r["user"],
        action=r["action"],
        target_type=r["target_type"],
        target=r["target"],
        before=None if r.get("before") is None else json.loads(r["before"]),
        after=None if r.get("after") is None else json.loads(r["after"]),
        reason=r.get("reason"),
    )


class _Tx:
    """State of the open outermost transaction."""

    def __init__(self, tx: Any, revision: int, seq: int) -> None:
        self.tx = tx
        self.base_revision = revision
        self.seq = seq
        self.graph_changed = False
        self.revision: int | None = None  # set by restore()
        self.writes = 0
        self.touched: set[str] = set()  # assertions whose IS_A / DDX projection must be re-synced
        self.fresh: set[str] = set()  # accepted assertions created here: projected, nothing to remove
        self.doomed = False  # a nested block failed after writing: only a full rollback is safe


class _TransientStoreError(StoreUnavailableError):
    """The transaction was rolled back by a transient failure; running it again may succeed."""


def _retryable(exc: Exception) -> bool:
    """Lost connections and the server's transient errors (deadlock, leader switch), as the driver's
    own managed transactions judge them."""
    check = getattr(exc, "is_retryable", None)
    return True if check is None else bool(check())


class Neo4jCore(GraphStore):
    """Connection, transactions and the audit log; the public methods live in the subclasses."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._target: StoreTarget | None = None
        self._driver: Any = None
        self._session: Any = None
        self._lock = threading.RLock()
        self._depth = 0
        self._tx: _Tx | None = None
        self._cache: dict[Any, tuple[Any, Any]] = {}

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def target(self) -> StoreTarget:
        if self._target is None:
            self._target = parse_store_url(self.url)
        return self._target

    def open(self) -> Self:
        if self._driver is not None:
            return self
        target = self.target
        driver = connect(target)
        try:
            meta = driver.execute_query(SCHEMA_OF, database_=target.database).records
            if not meta or meta[0]["v"] != SCHEMA_VERSION:  # first use of this database
                ensure_schema(driver, target)
            driver.execute_query(
                LOCK_META, epoch=uuid.uuid4().hex, v=SCHEMA_VERSION, database_=target.database
            )
        except Exception as exc:
            driver.close()
            raise StoreUnavailableError(
                f"cannot set up the dermkg schema on Neo4j at {target.display}: {scrub(str(exc), target)}"
            ) from None
        self._driver = driver
        return self

    def close(self) -> None:
        with self._lock:
            if self._session is not None:
                self._session.close()
                self._session = None
            if self._driver is not None:
                self._driver.close()
                self._driver = None
            self._cache.clear()

    @property
    def driver(self) -> Any:
        if self._driver is None:
            raise StoreUnavailableError(f"the store at {self.target.display} is not open (call open() first)")
        return self._driver

    # -- statements --------------------------------------------------------------------------
    def _records(self, cypher: str, params: dict[str, Any]) -> list[Any]:
        """The driver's records of a read: inside the open transaction (so it sees its own writes),
        else as a routed read; a lost server is StoreUnavailableError."""
        from neo4j import RoutingControl
        from neo4j import exceptions as nx

        with self._lock:
            if self._tx is not None:
                return list(self._tx.tx.run(cypher, params))
            try:
                return self.driver.execute_query(
                    cypher, params, database_=self.target.database, routing_=RoutingControl.READ
                ).records
            except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
                raise StoreUnavailableError(
                    f"lost Neo4j at {self.target.display}: {scrub(str(exc), self.target)}"
                ) from None

    def _q(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        """Run a read (inside the open transaction, so it sees its own writes)."""
        return [r.data() for r in self._records(cypher, params)]

    def _read_value(self, cypher: str, key: str, **params: Any) -> Any:
        """Column ``key`` of the one row a read returns, as the driver decoded it. (``_q`` copies
        every row through ``Record.data()``, which walks a 20,000-item list element by element.)"""
        records = self._records(cypher, params)
        return records[0][key] if records else None

    def _one(self, cypher: str, **params: Any) -> dict[str, Any] | None:
        rows = self._q(cypher, **params)
        return rows[0] if rows else None

    def _w(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        """Run a write inside the open transaction."""
        tx = self._tx
        assert tx is not None, "writes run inside transaction()"
        tx.writes += 1
        return tx.tx.run(cypher, params).data()

    def _w_rows(self, cypher: str, rows: list[dict[str, Any]]) -> None:
        for part in chunks(rows):
            self._w(cypher, rows=part)

    # -- transactions ------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            if self._depth > 0:
                yield from self._nested()
                return
            yield from self._outer()

    def _nested(self) -> Iterator[None]:
        tx = self._tx
        assert tx is not None
        saved = (tx.graph_changed, tx.writes, tx.seq, set(tx.touched), set(tx.fresh))
        self._depth += 1
        try:
            yield
        except BaseException:
            if tx.writes != saved[1]:
                tx.doomed = True  # Neo4j has no savepoints: the outer transaction cannot commit
            else:
                tx.graph_changed, _, tx.seq, tx.touched, tx.fresh = saved
            raise
        finally:
            self._depth -= 1

    def _outer(self) -> Iterator[None]:
        from neo4j import exceptions as nx

        target = self.target
        if self._session is None:
            # share the bookmarks of execute_query: reads after a write see it, on a cluster too
            self._session = self.driver.session(
                database=target.database, bookmark_manager=self.driver.execute_query_bookmark_manager
            )
        try:
            raw = self._session.begin_transaction()
            meta = raw.run(LOCK_META, epoch=uuid.uuid4().hex, v=SCHEMA_VERSION).single()
        except (nx.ServiceUnavailable, nx.SessionExpired, nx.TransientError) as exc:
            self._drop_session()
            raise _TransientStoreError(f"lost Neo4j at {target.display}: {scrub(str(exc), target)}") from None
        self._tx = _Tx(raw, int(meta["revision"]), int(meta["seq"]))
        self._depth = 1
        try:
            yield
            tx = self._tx
            if tx.doomed:
                raise DermkgError("a write inside this transaction failed after writing; all was rolled back")
            if tx.writes:
                for part in chunks(sorted(tx.touched)):
                    for stmt in UNPROJECT:
                        raw.run(stmt, ids=part).consume()
                for part in chunks(sorted(tx.touched | tx.fresh)):
                    raw.run(PROJECT, ids=part).consume()
                    raw.run(PROJECT_FINDINGS, ids=part).consume()
                revision = (
                    tx.revision if tx.revision is not None else tx.base_revision + int(tx.graph_changed)
                )
                raw.run(COMMIT_META, revision=revision, seq=tx.seq).consume()
                raw.commit()
            else:
                raw.rollback()
        except nx.IncompleteCommit:  # (a ServiceUnavailable) not retried: it may have committed
            self._drop_session()
            raise StoreUnavailableError(
                f"the connection to Neo4j at {target.display} dropped during commit: check whether it applied"
            ) from None
        except (nx.ServiceUnavailable, nx.SessionExpired, nx.TransientError) as exc:
            self._drop_session()
            error = _TransientStoreError if _retryable(exc) else StoreUnavailableError
            raise error(
                f"lost Neo4j at {target.display} mid-transaction (rolled back): {scrub(str(exc), target)}"
            ) from None
        except BaseException:
            try:
                if not raw.closed():
                    raw.rollback()
            except (nx.DriverError, nx.Neo4jError, OSError):
                self._drop_session()
            raise
        finally:
            self._depth = 0
            self._tx = None

    def _drop_session(self) -> None:
        if self._session is not None:
            with contextlib.suppress(Exception):  # the connection is already gone
                self._session.close()
            self._session = None

    def _atomic(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` in a transaction: joined when one is open, else retried on transient errors."""
        if self._depth > 0:
            with self.transaction():
                return fn()
        delay = 0.1
        for attempt in range(RETRIES):
            try:
                with self.transaction():
                    return fn()
            except _TransientStoreError:
                if attempt == RETRIES - 1:
                    raise
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")

    def _mark_changed(self, before: Any, after: Any) -> None:
        if self._tx is not None and not self._tx.graph_changed and graph_changed(before, after):
            self._tx.graph_changed = True

    def _touch(self, *ids: str, fresh: bool = False) -> None:
        """Re-sync the IS_A / DDX relationships of these assertions at commit."""
        if self._tx is not None:
            (self._tx.fresh if fresh else self._tx.touched).update(ids)

    def _state(self) -> Any:
        """Changes whenever any process commits a write (cache key); None inside a writing tx."""
        if self._tx is not None:
            return None
        row = self._one("MATCH (m:DermkgMeta {key: 'graph'}) RETURN m.epoch AS e, m.commits AS c")
        return None if row is None else (row["e"], row["c"])

    def _cached(self, key: Any, build: Callable[[], T]) -> T:
        state = self._state()
        hit = self._cache.get(key)
        if state is not None and hit is not None and hit[0] == state:
            return hit[1]
        value = build()
        if state is not None:
            self._cache[key] = (state, value)
        return value

    def revision(self) -> int:
        row = self._one("MATCH (m:DermkgMeta {key: 'graph'}) RETURN m.revision AS r")
        return 0 if row is None else int(row["r"])

    # -- events ----------------------------------------------------------------------------
    def _event_row(
        self,
        user: str,
        action: str,
        target_type: str,
        target: str,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        reason: str | None = None,
    ) -> dict[str, Any]:
        tx = self._tx
        assert tx is not None
        tx.seq += 1
        return {
            "seq": tx.seq,
            "id": f"ev-{uuid.uuid4().hex[:20]}",
            "at": ts(utcnow()),
            "user": user,
            "action": action,
            "target_type": target_type,
            "target": target,
            "before": None if before is None else json.dumps(before, ensure_ascii=False),
            "after": None if after is None else json.dumps(after, ensure_ascii=False),
            "reason": reason,
        }

    def _insert_events(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            self._w_rows(CREATE_EVENTS, rows)

    def _event(self, *args: Any) -> CurationEvent:
        row = self._event_row(*args)
        self._insert_events([row])
        return event_from(row)
