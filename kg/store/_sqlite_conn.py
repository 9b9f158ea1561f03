"""The SQLite connection of the embedded store: opening (WAL), transactions and the revision counter.

Every write runs in ``BEGIN IMMEDIATE`` (the write lock is taken up front and other processes wait
up to ``busy_timeout``); a nested ``transaction()`` is a savepoint. A full disk rolls the whole
transaction back and says so (:class:`StoreFullError`), never "no such savepoint". The record rows
are :mod:`kg.store.sqlite_rows`.
"""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from dermkg.errors import DermkgError, InputError, StoreUnavailableError
from kg.models import EventQuery, Source
from kg.store._rows import EventRow, Pending, RevisionMarks, ts
from kg.store._sqlite_schema import SCHEMA, SCHEMA_VERSION, upgrade

T = TypeVar("T")


def path_of(url: str) -> str:
    """The database file of a ``sqlite:///path.db`` URL."""
    if not url.startswith("sqlite://"):
        raise InputError(f"not a sqlite URL: {url!r} (use sqlite:///path/to/file.db)")
    rest = url[len("sqlite://") :]
    if rest.startswith("/"):
        rest = rest[1:]
    if not rest:
        raise InputError(f"sqlite URL without a path: {url!r} (use sqlite:///path/to/file.db)")
    return rest


_EVENT_COLS = "id, at, user, action, target_type, target, before, after, reason, seq"


def page(limit: int | None, offset: int) -> list[int]:
    return [-1 if limit is None else limit, offset]


def where(conds: Iterable[tuple[str, Any]]) -> tuple[str, list[Any]]:
    """``WHERE a = ? AND …`` of the (column condition, value) pairs whose value is not None."""
    parts = [(c, v) for c, v in conds if v is not None]
    return (f"WHERE {' AND '.join(c for c, _ in parts)}" if parts else ""), [v for _, v in parts]


class StoreFullError(DermkgError):
    """The disk (or the file's size limit) is full: the transaction was rolled back, nothing written."""


def _is_full(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.Error) and (
        getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL or "is full" in str(exc)
    )


def _no_space_left(path: str) -> bool:
    """True when the file system of ``path`` has (almost) no free space left."""
    try:
        return shutil.disk_usage(Path(path).resolve().parent).free < 64 * 1024
    except OSError:
        return False


class _Tx(Pending):
    def __init__(self) -> None:
        super().__init__()
        self.failed: BaseException | None = None  # a write failed after SQLite rolled the whole tx back


class SQLiteConnection(RevisionMarks):
    """One connection (shared by threads under a lock), its transactions and the ``meta`` counters."""

    def __init__(self, url: str, *, busy_timeout_s: float = 30.0) -> None:
        self.display = url
        self.path = path_of(url)
        self.busy_timeout_s = busy_timeout_s
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self._depth = 0
        self._tx: _Tx | None = None
        self._commits = 0  # local commits; PRAGMA data_version covers other connections

    def open(self) -> None:
        if self._conn is not None:
            return
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(
                self.path, timeout=self.busy_timeout_s, isolation_level=None, check_same_thread=False
            )
            conn.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_s * 1000)}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: big batches stay in memory until commit
            self._conn = conn
            upgrade(conn)
            with self.transaction():
                for stmt in SCHEMA.split(";"):
                    if stmt.strip():
                        conn.execute(stmt)
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('revision', 0)")
                conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))
                conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (SCHEMA_VERSION,))
        except (sqlite3.Error, OSError) as exc:
            self._conn = None
            if _is_full(exc) or _no_space_left(self.path):  # a full disk reads as "disk I/O error"
                raise StoreFullError(
                    f"disk full opening {self.path} ({exc}): free some space and retry"
                ) from None
            raise StoreUnavailableError(f"cannot open the store at {self.display}: {exc}") from None

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreUnavailableError(f"the store at {self.display} is not open (call open() first)")
        return self._conn

    def q(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self.conn.execute(sql, tuple(params)).fetchall()

    def one(self, sql: str, params: Iterable[Any] = ()) -> tuple[Any, ...] | None:
        with self._lock:
            return self.conn.execute(sql, tuple(params)).fetchone()  # type: ignore[no-any-return]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                yield from self._outer(self.conn)
            else:
                yield from self._nested(self.conn)

    def _outer(self, conn: sqlite3.Connection) -> Iterator[None]:
        conn.execute("BEGIN IMMEDIATE")
        self._tx = tx = _Tx()
        self._depth = 1
        try:
            yield
            if tx.revision is not None:
                conn.execute("UPDATE meta SET value = ? WHERE key = 'revision'", (tx.revision,))
            elif tx.graph_changed:
                conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'revision'")
            if tx.failed is not None:  # a caller swallowed the error of a rolled-back write
                raise self._full_error(tx.failed)
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if _is_full(exc):
                raise self._full_error(exc) from None
            raise
        finally:
            self._depth = 0
            self._tx = None
            self._commits += 1

    def _nested(self, conn: sqlite3.Connection) -> Iterator[None]:
        """Join the outer transaction; a failure undoes only this block (a savepoint)."""
        name = f"sp{self._depth}"
        tx = self._tx
        assert tx is not None
        saved = tx.graph_changed
        conn.execute(f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield
        except BaseException as exc:
            # on SQLITE_FULL (and a few other errors) SQLite has already rolled the whole
            # transaction back, savepoints included: say so, never "no such savepoint"
            if not conn.in_transaction:
                tx.failed = exc
                if _is_full(exc):
                    raise self._full_error(exc) from None
                raise
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
            tx.graph_changed = saved
            raise
        else:
            conn.execute(f"RELEASE {name}")
        finally:
            self._depth -= 1

    def _full_error(self, exc: BaseException) -> StoreFullError:
        return StoreFullError(
            f"disk full writing {self.path} ({exc}): the change was rolled back, the store is unchanged; "
            "free some space and retry"
        )

    def atomic(self, fn: Callable[[], T]) -> T:
        """``fn`` in one transaction, nested in an open one (SQLite has no transient errors)."""
        with self.transaction():
            return fn()

    def revision(self) -> int:
        row = self.one("SELECT value FROM meta WHERE key = 'revision'")
        return int(row[0]) if row else 0

    def state(self) -> object | None:
        """Changes when anything was committed, here or by another connection; None while writing."""
        if self._tx is not None:
            return None
        row = self.one("PRAGMA data_version")
        assert row is not None
        return self._commits, int(row[0])

    # -- sources and the audit log --------------------------------------------------------
    def source(self, sha256: str) -> Source | None:
        row = self.one("SELECT data FROM sources WHERE sha256 = ?", (sha256,))
        return None if row is None else Source.model_validate_json(row[0])

    def sources(self) -> list[Source]:
        return [Source.model_validate_json(r[0]) for r in self.q("SELECT data FROM sources ORDER BY sha256")]

    def put_source(self, source: Source) -> None:
        self.conn.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?)", (source.sha256, source.model_dump_json())
        )

    # -- events ----------------------------------------------------------------------------
    def add_events(self, rows: Iterable[EventRow]) -> int:
        # plain tuples: sqlite3 binds a tuple subclass (EventRow) through a Python-level
        # __getitem__ per column, a plain tuple directly
        cur = self.conn.executemany(
            f"INSERT INTO events ({_EVENT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", map(tuple, rows)
        )
        if cur.rowcount <= 0:  # no rows (a generator's emptiness shows only here)
            return 0
        return int(self.conn.execute("SELECT last_insert_rowid()").fetchone()[0])

    def event(self, id: str) -> EventRow | None:
        row = self.one(f"SELECT {_EVENT_COLS} FROM events WHERE id = ?", (id,))
        return None if row is None else EventRow(*row)

    def list_events(self, query: EventQuery) -> tuple[int, list[EventRow]]:
        since, until = (None if t is None else ts(t) for t in (query.since, query.until))
        clause, params = where(
            [("user = ?", query.user), ("action = ?", query.action), ("target = ?", query.target)]
            + [("at >= ?", since), ("at <= ?", until)]
        )
        with self._lock:
            total = int(self.q(f"SELECT COUNT(*) FROM events {clause}", params)[0][0])
            rows = self.q(
                f"SELECT {_EVENT_COLS} FROM events {clause} ORDER BY seq DESC LIMIT ? OFFSET ?",
                [*params, *page(query.limit, query.offset)],
            )
        return total, [EventRow(*r) for r in rows]

    def events_after(self, seq: int, limit: int) -> list[EventRow]:
        rows = self.q(f"SELECT {_EVENT_COLS} FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit))
        return [EventRow(*r) for r in rows]
