"""The embedded backend: one SQLite file (WAL), one transaction per public write or batch.

:class:`SQLiteGraphStore` is the shared :class:`kg.store.base.GraphStore` over
:class:`kg.store.sqlite_rows.SQLiteRows`. "Accepted graph" (what ``revision()`` counts) means accepted
diagnoses, assertions, cases and label mappings: a committed transaction that adds, removes or edits
any of them bumps the revision once; votes alone do not. A process killed in the middle of a batch
leaves the file as it was before the batch (WAL rollback).

Example:
    >>> with SQLiteGraphStore("sqlite:///data/dermkg.db") as store:  # doctest: +SKIP
    ...     store.resolve_name("Seborrhoeic keratoses")
"""

from __future__ import annotations

import sqlite3

from kg.store._sqlite_conn import StoreFullError
from kg.store.base import GraphStore
from kg.store.sqlite_rows import SQLiteRows

__all__ = ["SQLiteGraphStore", "StoreFullError"]


class SQLiteGraphStore(GraphStore):
    """A dermkg knowledge graph in one SQLite file; writers in other processes wait up to
    ``busy_timeout_s`` for the write lock."""

    rows: SQLiteRows

    def __init__(self, url: str, *, busy_timeout_s: float = 30.0) -> None:
        rows = SQLiteRows(url, busy_timeout_s=busy_timeout_s)
        super().__init__(url, rows)
        self.path = rows.path  # the database file (``:memory:`` for an in-memory store)

    @property
    def conn(self) -> sqlite3.Connection:
        """The open connection (for maintenance and tests: PRAGMAs, backups)."""
        return self.rows.conn
