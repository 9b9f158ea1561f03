"""The Neo4j connection of the server store: driver, transactions, the revision and the projection.

Writers are serialised through one lock node (``:DermkgMeta``), taken first in every write
transaction: like SQLite's ``BEGIN IMMEDIATE``, a writer then reads the latest committed state, so
version checks cannot lose updates and events get gap-free sequence numbers. A public write runs as
the driver's managed transaction (``session.execute_write``), which retries transient failures
(deadlock, leader switch, dropped connection) with a fresh transaction for up to
``max_transaction_retry_time``; each retry is logged. A batch is one transaction, so it commits whole
or not at all. At commit, accepted assertions are mirrored as ``IS_A`` / ``DDX`` / ``HAS_FINDING``
relationships for browsing the graph in Neo4j tools. The record rows are :mod:`kg.store.neo4j_rows`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from dermkg.errors import DermkgError, StoreUnavailableError
from kg.models import EventQuery, Source
from kg.store import neo4j_queries as cy
from kg.store._neo4j_conn import SCHEMA_VERSION, StoreTarget, connect, ensure_schema, parse_store_url, scrub
from kg.store._rows import EventRow, Pending, RevisionMarks, chunks, ts

T = TypeVar("T")
log = logging.getLogger(__name__)


def where(conds: list[tuple[str, str, Any]]) -> tuple[str, dict[str, Any]]:
    """``WHERE …`` of the (condition, parameter, value) triples whose value is not None."""
    parts = [(c, p, v) for c, p, v in conds if v is not None]
    return (f"WHERE {' AND '.join(c for c, _, _ in parts)}" if parts else ""), {p: v for _, p, v in parts}


class _Tx(Pending):
    """State of the open outermost transaction."""

    def __init__(self, tx: Any, revision: int, seq: int) -> None:
        super().__init__()
        self.tx = tx
        self.base_revision = revision
        self.seq = seq
        self.writes = 0
        self.touched: set[str] = set()  # assertions whose relationship projection must be re-synced
        self.fresh: set[str] = set()  # accepted assertions created here: projected at commit
        self.doomed = False  # a nested block failed after writing: only a full rollback is safe


class Neo4jConnection(RevisionMarks):
    """One driver and session, its transactions and the ``:DermkgMeta`` counters."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._target: StoreTarget | None = None
        self._driver: Any = None
        self._session: Any = None
        self._lock = threading.RLock()
        self._depth = 0
        self._tx: _Tx | None = None

    @property
    def target(self) -> StoreTarget:
        if self._target is None:
            self._target = parse_store_url(self.url)
        return self._target

    @property
    def display(self) -> str:
        return self.target.display

    def open(self) -> None:
        if self._driver is not None:
            return
        target = self.target
        driver = connect(target)
        try:
            meta = driver.execute_query(cy.SCHEMA_OF, database_=target.database).records
            if not meta or meta[0]["v"] != SCHEMA_VERSION:  # first use of this database
                ensure_schema(driver, target)
            driver.execute_query(
                cy.LOCK_META, epoch=uuid.uuid4().hex, v=SCHEMA_VERSION, database_=target.database
            )
        except Exception as exc:
            driver.close()
            raise StoreUnavailableError(
                f"cannot set up the dermkg schema on Neo4j at {target.display}: {scrub(str(exc), target)}"
            ) from None
        self._driver = driver

    def close(self) -> None:
        with self._lock:
            self._drop_session()
            if self._driver is not None:
                self._driver.close()
                self._driver = None

    @property
    def driver(self) -> Any:
        if self._driver is None:
            raise StoreUnavailableError(f"the store at {self.display} is not open (call open() first)")
        return self._driver

    def _lost(self, exc: Exception, what: str = "") -> StoreUnavailableError:
        self._drop_session()
        return StoreUnavailableError(f"lost Neo4j at {self.display}{what}: {scrub(str(exc), self.target)}")

    def _incomplete(self) -> StoreUnavailableError:
        self._drop_session()
        return StoreUnavailableError(
            f"the connection to Neo4j at {self.display} dropped during commit: check whether it applied"
        )

    # -- statements ------------------------------------------------------------------------
    def records(self, cypher: str, params: dict[str, Any]) -> list[Any]:
        """The driver's records of a read: inside the open transaction (so it sees its own writes),
        else as a routed, managed read."""
        from neo4j import RoutingControl
        from neo4j import exceptions as nx

        with self._lock:
            if self._tx is not None:
                return list(self._tx.tx.run(cypher, params))
            try:
                return self.driver.execute_query(  # type: ignore[no-any-return]
                    cypher, params, database_=self.target.database, routing_=RoutingControl.READ
                ).records
            except (nx.ServiceUnavailable, nx.SessionExpired) as exc:
                raise self._lost(exc) from None

    def q(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        return [r.data() for r in self.records(cypher, params)]

    def one(self, cypher: str, **params: Any) -> dict[str, Any] | None:
        rows = self.q(cypher, **params)
        return rows[0] if rows else None

    def value(self, cypher: str, key: str, **params: Any) -> Any:
        """Column ``key`` of the first row as the driver decoded it (``Record.data()`` would copy a
        20,000-item list element by element)."""
        records = self.records(cypher, params)
        return records[0][key] if records else None

    def w(self, cypher: str, **params: Any) -> list[dict[str, Any]]:
        """Run a write inside the open transaction."""
        tx = self._tx
        assert tx is not None, "writes run inside transaction()"
        tx.writes += 1
        return tx.tx.run(cypher, params).data()  # type: ignore[no-any-return]

    def w_rows(self, cypher: str, rows: list[dict[str, Any]]) -> None:
        for part in chunks(rows):
            self.w(cypher, rows=part)

    def touch(self, ids: list[str], *, fresh: bool = False) -> None:
        """Re-sync the relationship projection of these assertions at commit."""
        if self._tx is not None:
            (self._tx.fresh if fresh else self._tx.touched).update(ids)

    def doom(self) -> None:
        """The server already rolled the transaction back (e.g. a constraint failed)."""
        if self._tx is not None:
            self._tx.doomed = True

    def next_seq(self) -> int:
        assert self._tx is not None
        self._tx.seq += 1
        return self._tx.seq

    def seen_seq(self, seq: int) -> None:
        assert self._tx is not None
        self._tx.seq = max(self._tx.seq, seq)

    # -- transactions ----------------------------------------------------------------------
    def _session_(self) -> Any:
        if self._session is None:
            # share the bookmarks of execute_query: reads after a write see it, on a cluster too
            self._session = self.driver.session(
                database=self.target.database, bookmark_manager=self.driver.execute_query_bookmark_manager
            )
        return self._session

    def _drop_session(self) -> None:
        if self._session is not None:
            with contextlib.suppress(Exception):  # the connection is already gone
                self._session.close()
            self._session = None

    def _begin(self, raw: Any) -> None:
        meta = raw.run(cy.LOCK_META, epoch=uuid.uuid4().hex, v=SCHEMA_VERSION).single()
        self._tx = _Tx(raw, int(meta["revision"]), int(meta["seq"]))
        self._depth = 1

    def _finish(self) -> bool:
        """Project, count the revision; True when the transaction wrote anything (commit it)."""
        tx = self._tx
        assert tx is not None
        if tx.doomed:
            raise DermkgError("a write inside this transaction failed after writing; all was rolled back")
        if not tx.writes:
            return False
        for part in chunks(sorted(tx.touched)):
            for stmt in cy.UNPROJECT:
                tx.tx.run(stmt, ids=part).consume()
        for part in chunks(sorted(tx.touched | tx.fresh)):
            tx.tx.run(cy.PROJECT, ids=part).consume()
            tx.tx.run(cy.PROJECT_FINDINGS, ids=part).consume()
        revision = tx.revision if tx.revision is not None else tx.base_revision + int(tx.graph_changed)
        tx.tx.run(cy.COMMIT_META, revision=revision, seq=tx.seq).consume()
        return True

    def atomic(self, fn: Callable[[], T]) -> T:
        """``fn`` in one managed write transaction (retried by the driver), or in the open one."""
        from neo4j import exceptions as nx

        with self._lock:
            if self._depth > 0:
                with self.transaction():
                    return fn()
            attempts = 0

            def work(raw: Any) -> T:
                nonlocal attempts
                attempts += 1
                if attempts > 1:
                    log.warning("retrying a write to Neo4j at %s (attempt %d)", self.display, attempts)
                self._begin(raw)
                try:
                    result = fn()
                    self._finish()
                    return result
                finally:
                    self._depth, self._tx = 0, None

            try:
                return self._session_().execute_write(work)  # type: ignore[no-any-return]
            except nx.IncompleteCommit:  # (a ServiceUnavailable) not retried: it may have committed
                raise self._incomplete() from None
            except (nx.ServiceUnavailable, nx.SessionExpired, nx.TransientError) as exc:
                log.warning("giving up a write to Neo4j at %s after %d attempts", self.display, attempts)
                raise self._lost(exc, " mid-transaction (rolled back)") from None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            if self._depth > 0:
                yield from self._nested()
            else:
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
        """An explicit transaction (``with store.transaction():``): not retried, the caller's block
        cannot be replayed."""
        from neo4j import exceptions as nx

        try:
            raw = self._session_().begin_transaction()
            self._begin(raw)
        except (nx.ServiceUnavailable, nx.SessionExpired, nx.TransientError) as exc:
            raise self._lost(exc) from None
        try:
            yield
            if self._finish():
                raw.commit()
            else:
                raw.rollback()
        except nx.IncompleteCommit:
            raise self._incomplete() from None
        except (nx.ServiceUnavailable, nx.SessionExpired, nx.TransientError) as exc:
            raise self._lost(exc, " mid-transaction (rolled back)") from None
        except BaseException:
            try:
                if not raw.closed():
                    raw.rollback()
            except (nx.DriverError, nx.Neo4jError, OSError):
                self._drop_session()
            raise
        finally:
            self._depth, self._tx = 0, None

    # -- revision and cache state ----------------------------------------------------------
    def revision(self) -> int:
        row = self.one("MATCH (m:DermkgMeta {key: 'graph'}) RETURN m.revision AS r")
        return 0 if row is None else int(row["r"])

    def state(self) -> object | None:
        """Changes whenever any process commits a write (a cache key); None inside a transaction."""
        if self._tx is not None:
            return None
        row = self.one("MATCH (m:DermkgMeta {key: 'graph'}) RETURN m.epoch AS e, m.commits AS c")
        return None if row is None else (row["e"], row["c"])

    # -- sources and the audit log --------------------------------------------------------
    def source(self, sha256: str) -> Source | None:
        row = self.one(cy.SOURCE, sha=sha256)
        return None if row is None else Source.model_validate_json(row["data"])

    def sources(self) -> list[Source]:
        return [Source.model_validate_json(r["data"]) for r in self.q(cy.SOURCES)]

    def put_source(self, source: Source) -> None:
        self.w(cy.PUT_SOURCE, sha=source.sha256, data=source.model_dump_json())

    # -- events ----------------------------------------------------------------------------
    def add_events(self, rows: Iterable[EventRow]) -> int:
        """Numbered here (the writer lock makes the sequence gap-free); a restored row keeps its own."""
        numbered = []
        for r in rows:
            if r.seq is None:
                r = r._replace(seq=self.next_seq())
            else:
                self.seen_seq(r.seq)
            numbered.append(r._asdict())
        self.w_rows(cy.CREATE_EVENTS, numbered)
        return int(numbered[-1]["seq"]) if numbered else 0

    def event(self, id: str) -> EventRow | None:
        row = self.one(cy.EVENT, id=id)
        return None if row is None else EventRow(**row)

    def list_events(self, query: EventQuery) -> tuple[int, list[EventRow]]:
        clause, params = where(
            [
                ("e.user = $user", "user", query.user),
                ("e.action = $action", "action", query.action),
                ("e.target = $target", "target", query.target),
                ("e.at >= $since", "since", None if query.since is None else ts(query.since)),
                ("e.at <= $until", "until", None if query.until is None else ts(query.until)),
            ]
        )
        page = (f"MATCH (e:Event) {clause}", cy.EVENT_COLS, "e.seq DESC")
        total, rows = self.counted(*page, params, query.offset, query.limit)
        return total, [EventRow(**r) for r in rows]

    def counted(
        self, match: str, columns: str, order: str, params: dict[str, Any], offset: int, limit: int | None
    ) -> tuple[int, list[dict[str, Any]]]:
        """(count of all matches, one page of them) read together."""
        page = "" if limit is None else " LIMIT $limit"
        with self._lock:
            total = int(self.q(f"{match} RETURN count(*) AS n", **params)[0]["n"])
            rows = self.q(
                f"{match} RETURN {columns} ORDER BY {order} SKIP $offset{page}",
                **params,
                offset=offset,
                limit=limit,
            )
        return total, rows

    def events_after(self, seq: int, limit: int) -> list[EventRow]:
        return [EventRow(**r) for r in self.q(cy.EVENTS_AFTER, last=seq, n=limit)]
