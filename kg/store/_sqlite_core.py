"""Connection, transactions, events and sources of the embedded store (see :mod:`kg.store.sqlite`)."""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self, TypeVar

from dermkg.errors import InputError, StoreUnavailableError
from kg.models import (
    CurationEvent,
    EventQuery,
    Page,
    Source,
    utcnow,
)
from kg.store import _semantics as sem
from kg.store._sqlite_schema import SCHEMA, SCHEMA_VERSION, upgrade
from kg.store.base import GraphStore

T = TypeVar("T")

_BOOKKEEPING = {"version", "votes", "reviewed_by", "reviewed_at"}  # not graph content


def _ts(dt: datetime) -> str:
    """A sortable UTC timestamp (fixed width, so string order is time order)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def _json(snap: dict[str, Any] | str | None) -> str | None:
    if snap is None or isinstance(snap, str):
        return snap
    return json.dumps(snap, ensure_ascii=False)


def _content(snap: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if snap is None else {k: v for k, v in snap.items() if k not in _BOOKKEEPING}


def _graph_changed(before: Any, after: Any) -> bool:
    """True when a change touches the accepted graph (see the module docstring)."""
    b = None if before is None else sem.snapshot(before)
    a = None if after is None else sem.snapshot(after)
    statuses = [s.get("status") for s in (b, a) if s is not None]
    return "accepted" in statuses and _content(b) != _content(a)


def _path_of(url: str) -> str:
    if not url.startswith("sqlite://"):
        raise InputError(f"not a sqlite URL: {url!r} (use sqlite:///path/to/file.db)")
    rest = url[len("sqlite://") :]
    if rest.startswith("/"):
        rest = rest[1:]
    if not rest:
        raise InputError(f"sqlite URL without a path: {url!r} (use sqlite:///path/to/file.db)")
    return rest


class _Tx:
    def __init__(self) -> None:
        self.graph_changed = False
        self.revision: int | None = None  # set by restore()


class _SQLiteCore(GraphStore):
    """Connection, transactions and the audit log, shared by the SQLite mixins."""

    def __init__(self, url: str, *, busy_timeout_s: float = 30.0) -> None:
        self.url = url
        self.path = _path_of(url)
        self.busy_timeout_s = busy_timeout_s
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.RLock()
        self._depth = 0
        self._tx: _Tx | None = None
        self._commits = 0  # local commits; PRAGMA data_version covers other connections
        self._cache: dict[Any, tuple[Any, Any]] = {}

    # -- lifecycle -------------------------------------------------------------------------
    def open(self) -> Self:
        if self._conn is not None:
            return self
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
            raise StoreUnavailableError(f"cannot open the store at {self.url}: {exc}") from None
        return self

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self._cache.clear()

    @property
    def conn(self) -> sqlite3.Connection:
        if self._conn is None:
            raise StoreUnavailableError(f"the store at {self.url} is not open (call open() first)")
        return self._conn

    def _q(self, sql: str, params: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return self.conn.execute(sql, tuple(params)).fetchall()

    def _one(self, sql: str, params: Iterable[Any] = ()) -> tuple[Any, ...] | None:
        with self._lock:
            return self.conn.execute(sql, tuple(params)).fetchone()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            conn = self.conn
            if self._depth == 0:
                conn.execute("BEGIN IMMEDIATE")
                self._tx = _Tx()
                self._depth = 1
                try:
                    yield
                    tx = self._tx
                    if tx.revision is not None:
                        conn.execute("UPDATE meta SET value = ? WHERE key = 'revision'", (tx.revision,))
                    elif tx.graph_changed:
                        conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'revision'")
                    conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                finally:
                    self._depth = 0
                    self._tx = None
                    self._commits += 1
                return
            # nested: join the outer transaction; a failure undoes only this block
            name = f"sp{self._depth}"
            assert self._tx is not None
            saved = self._tx.graph_changed
            conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield
            except BaseException:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
                self._tx.graph_changed = saved
                raise
            else:
                conn.execute(f"RELEASE {name}")
            finally:
                self._depth -= 1

    def _mark_changed(self, before: Any, after: Any) -> None:
        if self._tx is not None and _graph_changed(before, after):
            self._tx.graph_changed = True

    def _state(self) -> tuple[int, int]:
        """Changes when anything was committed, here or by another connection."""
        row = self._one("PRAGMA data_version")
        assert row is not None
        return self._commits, int(row[0])

    def revision(self) -> int:
        row = self._one("SELECT value FROM meta WHERE key = 'revision'")
        return int(row[0]) if row else 0

    # -- events ----------------------------------------------------------------------------
    def _event_row(
        self,
        user: str,
        action: str,
        target_type: str,
        target: str,
        before: dict[str, Any] | str | None,
        after: dict[str, Any] | str | None,
        reason: str | None = None,
        at: datetime | None = None,
    ) -> tuple[Any, ...]:
        """An events row; ``before`` / ``after`` are snapshots or their JSON (``model_dump_json``)."""
        return (
            f"ev-{uuid.uuid4().hex[:20]}",
            _ts(at or utcnow()),
            user,
            action,
            target_type,
            target,
            _json(before),
            _json(after),
            reason,
        )

    def _insert_events(self, rows: list[tuple[Any, ...]]) -> None:
        if rows:
            self.conn.executemany(
                "INSERT INTO events (id, at, user, action, target_type, target, before, after, reason) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )

    def _atomic(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` in one transaction, nested in an open one (SQLite has no transient errors)."""
        with self.transaction():
            return fn()

    def _event(self, *args: Any, **kwargs: Any) -> CurationEvent:
        row = self._event_row(*args, **kwargs)
        cur = self.conn.execute(
            "INSERT INTO events (id, at, user, action, target_type, target, before, after, reason) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            row,
        )
        return self._event_from((cur.lastrowid, *row))

    @staticmethod
    def _event_from(row: tuple[Any, ...]) -> CurationEvent:
        seq, id_, at, user, action, target_type, target, before, after, reason = row
        return CurationEvent(
            id=id_,
            seq=seq,
            at=datetime.fromisoformat(at),
            user=user,
            action=action,
            target_type=target_type,
            target=target,
            before=None if before is None else json.loads(before),
            after=None if after is None else json.loads(after),
            reason=reason,
        )

    _EVENT_COLS = "seq, id, at, user, action, target_type, target, before, after, reason"

    def list_events(self, query: EventQuery | None = None) -> Page:
        q = query or EventQuery()
        where, params = [], []
        for col, val in (("user", q.user), ("action", q.action), ("target", q.target)):
            if val is not None:
                where.append(f"{col} = ?")
                params.append(val)
        if q.since is not None:
            where.append("at >= ?")
            params.append(_ts(q.since))
        if q.until is not None:
            where.append("at <= ?")
            params.append(_ts(q.until))
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        with self._lock:
            total = self._one(f"SELECT COUNT(*) FROM events {clause}", params)[0]  # type: ignore[index]
            rows = self._q(
                f"SELECT {self._EVENT_COLS} FROM events {clause} ORDER BY seq DESC LIMIT ? OFFSET ?",
                [*params, -1 if q.limit is None else q.limit, q.offset],
            )
        return Page(items=[self._event_from(r) for r in rows], total=total, offset=q.offset, limit=q.limit)

    def get_event(self, id: str) -> CurationEvent | None:
        row = self._one(f"SELECT {self._EVENT_COLS} FROM events WHERE id = ?", (id,))
        return None if row is None else self._event_from(row)

    def iter_events(self) -> Iterator[CurationEvent]:
        last = 0
        while True:
            rows = self._q(
                f"SELECT {self._EVENT_COLS} FROM events WHERE seq > ? ORDER BY seq LIMIT 5000", (last,)
            )
            if not rows:
                return
            for r in rows:
                yield self._event_from(r)
            last = rows[-1][0]

    # -- sources ---------------------------------------------------------------------------
    def upsert_source(self, source: Source) -> Source:
        with self.transaction():
            current = self.get_source(source.sha256)
            if current is not None:
                source = current.model_copy(
                    update={k: v for k, v in source.model_dump().items() if v is not None}
                )
            self.conn.execute(
                "INSERT OR REPLACE INTO sources VALUES (?, ?)", (source.sha256, source.model_dump_json())
            )
        return source

    def get_source(self, sha256: str) -> Source | None:
        row = self._one("SELECT data FROM sources WHERE sha256 = ?", (sha256,))
        return None if row is None else Source.model_validate_json(row[0])

    def list_sources(self) -> list[Source]:
        return [Source.model_validate_json(r[0]) for r in self._q("SELECT data FROM sources ORDER BY sha256")]
