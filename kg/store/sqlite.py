"""The embedded backend: one SQLite file (WAL), one transaction per public write or batch.

Concurrency: every write runs in ``BEGIN IMMEDIATE`` (the write lock is taken up front and other
processes wait up to ``busy_timeout``); version checks are ``UPDATE … WHERE id = ? AND version = ?``,
so of two processes updating one item exactly one wins and the other gets ConflictError.
A process killed in the middle of a batch leaves the file as it was before the batch (WAL rollback).

"Accepted graph" (what ``revision()`` counts) here means accepted diagnoses, assertions, cases and
label mappings: a committed transaction that adds, removes or edits any of them bumps the revision
once. Votes alone do not.

Example:
    >>> with SQLiteGraphStore("sqlite:///data/dermkg.db") as store:  # doctest: +SKIP
    ...     store.resolve_name("Seborrhoeic keratoses")
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from typing import Any

from dermkg.errors import InputError
from kg.models import (
    Assertion,
    AssertionKind,
    GraphExport,
)
from kg.names import name_keys
from kg.store import _semantics as sem
from kg.store._findings import FindingWorkflows
from kg.store._sqlite_assertions import _AssertionMixin
from kg.store._sqlite_bulk import _BulkReadMixin
from kg.store._sqlite_core import _SQLiteCore, _ts
from kg.store._sqlite_curation import _CurationMixin
from kg.store._sqlite_diagnoses import _DiagnosisMixin
from kg.store._sqlite_findings import _FindingMixin
from kg.store._sqlite_revert import _RevertMixin
from kg.store._workflows import CurationWorkflows


class SQLiteGraphStore(
    _AssertionMixin,
    _CurationMixin,
    _DiagnosisMixin,
    _FindingMixin,
    _RevertMixin,
    _BulkReadMixin,
    _SQLiteCore,
    FindingWorkflows,
    CurationWorkflows,
):
    """A dermkg knowledge graph in one SQLite file."""

    # -- graph views -----------------------------------------------------------------------
    def edges(self, kind: AssertionKind, *, include_proposed: bool = False) -> list[tuple[str, str]]:
        statuses = ("accepted", "proposed") if include_proposed else ("accepted",)
        marks = ",".join("?" * len(statuses))
        rows = self._q(
            f"SELECT subject, object FROM assertions WHERE kind = ? AND status IN ({marks}) "
            "ORDER BY subject, object",
            (kind, *statuses),
        )
        return [(r[0], r[1]) for r in rows]

    def graph_view(self, *, include_proposed: bool = False) -> Any:
        """The networkx view, rebuilt only after a commit (here or by another process)."""
        from kg.view import GraphView

        key = ("view", include_proposed)
        state = self._state()
        hit = self._cache.get(key)
        if hit is not None and hit[0] == state:
            return hit[1]
        view = GraphView.from_store(self, include_proposed=include_proposed)
        self._cache[key] = (state, view)
        return view

    # -- whole graph -----------------------------------------------------------------------
    def _is_empty(self) -> bool:
        for table in ("diagnoses", "findings", "assertions", "cases", "events", "sources", "label_maps"):
            if self._one(f"SELECT 1 FROM {table} LIMIT 1") is not None:
                return False
        return True

    def restore(self, export: GraphExport) -> None:
        with self.transaction():
            if not self._is_empty():
                raise InputError(f"cannot restore into {self.url}: the store is not empty")
            c = self.conn
            c.executemany(
                "INSERT INTO sources VALUES (?, ?)", [(s.sha256, s.model_dump_json()) for s in export.sources]
            )
            try:
                c.executemany(
                    "INSERT INTO diagnoses VALUES (?, ?, ?, ?)",
                    [(d.id, d.status, d.version, d.model_dump_json()) for d in export.diagnoses],
                )
                c.executemany(
                    "INSERT INTO names VALUES (?, ?, ?, ?)",
                    [
                        (k, d.id, s, int(p))
                        for d in export.diagnoses
                        for k, s, p in name_keys(d.name, d.synonyms)
                    ],
                )
                c.executemany(
                    "INSERT INTO aliases VALUES (?, ?)",
                    [(a, d.id) for d in export.diagnoses for a in d.aliases],
                )
                self._insert_finding_rows(export.findings)
                c.executemany(
                    "INSERT INTO assertions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [self._assertion_params(a) for a in export.assertions],
                )
                c.executemany(
                    "INSERT OR IGNORE INTO assertion_sources VALUES (?, ?)",
                    [(ev.source_sha256, a.id) for a in export.assertions for ev in a.evidence],
                )
                c.executemany(
                    "INSERT INTO cases VALUES (?, ?, ?, ?, ?)",
                    [(x.id, x.diagnosis, x.status, x.version, x.model_dump_json()) for x in export.cases],
                )
                for m in export.label_maps:
                    self._write_label_mapping(m)
                c.executemany(
                    f"INSERT INTO events ({self._EVENT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        (
                            e.seq or None,
                            e.id or f"ev-{uuid.uuid4().hex[:20]}",
                            _ts(e.at),
                            e.user,
                            e.action,
                            e.target_type,
                            e.target,
                            None if e.before is None else json.dumps(e.before, ensure_ascii=False),
                            None if e.after is None else json.dumps(e.after, ensure_ascii=False),
                            e.reason,
                        )
                        for e in export.events
                    ],
                )
            except sqlite3.IntegrityError as exc:
                raise InputError(
                    f"the export is inconsistent (duplicate id or unknown diagnosis): {exc}"
                ) from None
            sem.check_export_acyclic(export)
            sem.check_export_objects(export)
            assert self._tx is not None
            self._tx.revision = export.revision

    def iter_assertions(self, *, batch_size: int = 5000) -> Iterator[Assertion]:
        last = ""
        while True:
            rows = self._q(
                "SELECT id, data FROM assertions WHERE id > ? ORDER BY id LIMIT ?", (last, batch_size)
            )
            if not rows:
                return
            for r in rows:
                yield Assertion.model_validate_json(r[1])
            last = rows[-1][0]
