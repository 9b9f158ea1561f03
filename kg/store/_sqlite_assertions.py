"""Assertions, reviews and edits of the embedded store."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dermkg.errors import ConflictError, InputError
from kg.models import (
    Assertion,
    AssertionQuery,
    Page,
)
from kg.store import _semantics as sem
from kg.store._batch import AssertionBatch
from kg.store._sqlite_core import _SQLiteCore, _ts
from kg.store.base import SYSTEM_USER


class _AssertionMixin(_SQLiteCore):
    if TYPE_CHECKING:  # provided by the bulk-read mixin; a stub here would shadow it at run time

        def _assertion_where(self, query: AssertionQuery) -> tuple[str, list[Any]]: ...
        def _require_ends(self, kind: str, subject: str, object: str) -> tuple[str, str]: ...

    # -- assertions ------------------------------------------------------------------------
    def _assertion_by_key(self, kind: str, subject: str, object: str) -> Assertion | None:
        row = self._one(
            "SELECT data FROM assertions WHERE kind = ? AND subject = ? AND object = ?",
            (kind, subject, object),
        )
        return None if row is None else Assertion.model_validate_json(row[0])

    def _accepted_parents(self, *, without: str | None = None) -> dict[str, set[str]]:
        parents: dict[str, set[str]] = {}
        for aid, s, o in self._q(
            "SELECT id, subject, object FROM assertions WHERE kind = 'is_a' AND status = 'accepted'"
        ):
            if aid != without:
                parents.setdefault(s, set()).add(o)
        return parents

    def add_assertions(self, assertions: Iterable[Assertion], *, user: str = SYSTEM_USER) -> list[Assertion]:
        items = list(assertions)
        with self.transaction():
            ids: dict[str, str] = {}

            def resolve(i: str) -> str:
                if i not in ids:
                    ids[i] = self._require_id(i)
                return ids[i]

            batch = AssertionBatch(self._assertion_by_key, self._accepted_parents)
            for a in items:
                if a.kind == "finding":
                    batch.add(sem.prepare_assertion(a, *self._require_ends(a.kind, a.subject, a.object)))
                else:
                    batch.add(sem.prepare_assertion(a, resolve(a.subject), resolve(a.object)))
            inserts = [self._assertion_params(a) for a in batch.inserts()]
            updates = batch.updates()
            try:
                self.conn.executemany("INSERT INTO assertions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", inserts)
            except sqlite3.IntegrityError as exc:
                raise InputError(f"assertion ids collide with stored assertions: {exc}") from None
            for before, after in updates:
                self._write_assertion(after, prev_version=before.version)
            written = [*batch.inserts(), *(a for _, a in updates)]
            self.conn.executemany(
                "INSERT OR IGNORE INTO assertion_sources VALUES (?, ?)",
                [(ev.source_sha256, a.id) for a in written for ev in a.evidence],
            )
            # the create event's snapshot is the stored JSON itself (row[-1])
            events = [self._event_row(user, "create", "assertion", row[0], None, row[-1]) for row in inserts]
            events += [
                self._event_row(user, action, "assertion", a.id, sem.snapshot(b), sem.snapshot(a))
                for action, b, a in batch.status_changes()
            ]
            self._insert_events(events)
            if self._tx is not None and (
                any(row[4] == "accepted" for row in inserts)  # row[4]: status
                or any("accepted" in (b.status, a.status) for b, a in updates)
            ):
                self._tx.graph_changed = True
            return batch.results()

    @staticmethod
    def _assertion_params(a: Assertion) -> tuple[Any, ...]:
        return (
            a.id,
            a.kind,
            a.subject,
            a.object,
            a.status,
            a.origin,
            a.score,
            _ts(a.created_at),
            a.version,
            a.model_dump_json(),
        )

    def _write_assertion(self, a: Assertion, *, prev_version: int) -> None:
        cur = self.conn.execute(
            "UPDATE assertions SET kind = ?, subject = ?, object = ?, status = ?, origin = ?, score = ?, "
            "version = ?, data = ? WHERE id = ? AND version = ?",
            (
                a.kind,
                a.subject,
                a.object,
                a.status,
                a.origin,
                a.score,
                a.version,
                a.model_dump_json(),
                a.id,
                prev_version,
            ),
        )
        if cur.rowcount != 1:
            raise ConflictError(f"assertion {a.id} was changed by someone else; reload and retry")

    def get_assertion(self, id: str) -> Assertion | None:
        row = self._one("SELECT data FROM assertions WHERE id = ?", (id,))
        return None if row is None else Assertion.model_validate_json(row[0])

    def query_assertions(self, query: AssertionQuery) -> Page:
        clause, params = self._assertion_where(query)
        with self._lock:
            total = int(self._one(f"SELECT COUNT(*) FROM assertions {clause}", params)[0])  # type: ignore[index]
            rows = self._q(
                f"SELECT data FROM assertions {clause} ORDER BY created, id LIMIT ? OFFSET ?",
                [*params, -1 if query.limit is None else query.limit, query.offset],
            )
        return Page(
            items=[Assertion.model_validate_json(r[0]) for r in rows],
            total=total,
            offset=query.offset,
            limit=query.limit,
        )
