"""Every row the embedded store reads or writes, in SQL: the :class:`kg.store._rows.Rows` protocol.

Each record is kept whole as JSON in ``data``; the other columns (:mod:`._sqlite_schema`) are the
indexed projections queries filter on. Version checks are ``UPDATE … WHERE id = ? AND version = ?``,
so of two processes updating one item exactly one wins and the other gets ConflictError. Nothing
here decides what a change means: that is :class:`kg.store.base.GraphStore`'s.
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterable
from typing import Any, TypeVar

from dermkg.errors import ConflictError, InputError
from kg import models as km
from kg.names import name_keys
from kg.store._rows import Dumped, Key, NameColumns, chunks, ts
from kg.store._sqlite_conn import SQLiteConnection, page, where

M = TypeVar("M", km.Assertion, km.Case, km.Diagnosis, km.Finding)
_WHAT = {"diagnoses": "diagnosis", "findings": "finding", "assertions": "assertion", "cases": "case"}
_RECORDS = ("diagnoses", "findings", "assertions", "cases", "events", "sources", "label_maps")


def _tail(item: km.Assertion | km.Case | km.Diagnosis | km.Finding, prev: int) -> tuple[Any, ...]:
    """The last parameters of every versioned update: version, data, id, the stored version."""
    return item.version, item.model_dump_json(), item.id, prev


class SQLiteRows(SQLiteConnection):
    """The rows of one SQLite file."""

    def _by_ids(self, table: str, model: type[M], ids: list[str]) -> dict[str, M]:
        out: dict[str, M] = {}
        if len(ids) == 1:  # the common case (one record by id): no IN list to build
            row = self.one(f"SELECT data FROM {table} WHERE id = ?", ids)
            return {} if row is None else {ids[0]: model.model_validate_json(row[0])}
        for part in chunks(ids, 500):  # under SQLite's bound-parameter limit
            marks = ",".join("?" * len(part))
            for r in self.q(f"SELECT data FROM {table} WHERE id IN ({marks})", part):
                item = model.model_validate_json(r[0])
                out[item.id] = item
        return out

    def _update(self, table: str, columns: str, rows: list[tuple[Any, ...]]) -> None:
        """Version-checked updates; a row is (the ``columns``' values, version, data, id, stored version)."""
        sets = ", ".join(f"{c} = ?" for c in [*columns.split(), "version", "data"])
        for row in rows:
            cur = self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ? AND version = ?", row)
            if cur.rowcount != 1:
                raise ConflictError(f"{_WHAT[table]} {row[-2]} was changed by someone else; reload and retry")

    def is_empty(self) -> bool:
        return all(self.one(f"SELECT 1 FROM {table} LIMIT 1") is None for table in _RECORDS)

    # -- label maps ------------------------------------------------------------------------
    def label_map(self, dataset: str, label: str) -> km.LabelMapping | None:
        row = self.one("SELECT data FROM label_maps WHERE dataset = ? AND label = ?", (dataset, label))
        return None if row is None else km.LabelMapping.model_validate_json(row[0])

    def label_maps(
        self, *, dataset: str | None = None, diagnosis: str | None = None
    ) -> list[km.LabelMapping]:
        clause, params = where([("dataset = ?", dataset), ("diagnosis = ?", diagnosis)])
        rows = self.q(f"SELECT data FROM label_maps {clause} ORDER BY dataset, label", params)
        return [km.LabelMapping.model_validate_json(r[0]) for r in rows]

    def put_label_maps(self, maps: list[km.LabelMapping]) -> None:
        self.conn.executemany(
            "INSERT OR REPLACE INTO label_maps VALUES (?, ?, ?, ?)",
            [(m.dataset, m.label, m.diagnosis, m.model_dump_json()) for m in maps],
        )

    # -- diagnoses, names, aliases ---------------------------------------------------------
    def resolve_ids(self, ids: list[str]) -> dict[str, str | None]:
        out: dict[str, str | None] = dict.fromkeys(ids)
        for part in chunks(sorted(set(ids)), 500):
            marks = ",".join("?" * len(part))
            out.update((r[0], r[0]) for r in self.q(f"SELECT id FROM diagnoses WHERE id IN ({marks})", part))
            out.update(
                (r[0], r[1])
                for r in self.q(f"SELECT alias, target FROM aliases WHERE alias IN ({marks})", part)
            )
        return out

    def diagnoses(self, ids: list[str]) -> dict[str, km.Diagnosis]:
        return self._by_ids("diagnoses", km.Diagnosis, ids)

    def list_diagnoses(self, status: str | None, offset: int, limit: int | None) -> list[km.Diagnosis]:
        clause, params = where([("status = ?", status)])
        rows = self.q(
            f"SELECT data FROM diagnoses {clause} ORDER BY id LIMIT ? OFFSET ?",
            [*params, *page(limit, offset)],
        )
        return [km.Diagnosis.model_validate_json(r[0]) for r in rows]

    def count_diagnoses(self) -> int:
        return int(self.q("SELECT COUNT(*) FROM diagnoses")[0][0])

    def _index_names(self, items: list[km.Diagnosis]) -> None:
        self.conn.executemany(
            "INSERT INTO names VALUES (?, ?, ?, ?)",
            ((k, d.id, s, int(p)) for d in items for k, s, p in name_keys(d.name, d.synonyms)),
        )

    def insert_diagnoses(self, items: list[Dumped[km.Diagnosis]]) -> None:
        self.conn.executemany(
            "INSERT INTO diagnoses VALUES (?, ?, ?, ?)",
            ((d.id, d.status, d.version, data) for d, data in items),
        )
        self._index_names([d for d, _ in items])

    def write_diagnoses(self, pairs: list[tuple[int, km.Diagnosis]]) -> None:
        self._update("diagnoses", "status", [(d.status, *_tail(d, prev)) for prev, d in pairs])
        self.conn.executemany("DELETE FROM names WHERE diagnosis = ?", [(d.id,) for _, d in pairs])
        self._index_names([d for _, d in pairs])

    def delete_diagnosis(self, id: str) -> None:
        self.conn.execute("DELETE FROM names WHERE diagnosis = ?", (id,))
        self.conn.execute("DELETE FROM diagnoses WHERE id = ?", (id,))

    def name_owner(self, keys: list[str], exclude: list[str]) -> tuple[str, str] | None:
        for key in keys:
            marks = ",".join("?" * len(exclude))
            row = self.one(
                f"SELECT key, diagnosis FROM names WHERE key = ? AND diagnosis NOT IN ({marks}) LIMIT 1",
                [key, *exclude],
            )
            if row is not None:
                return row[0], row[1]
        return None

    def best_by_name(self, key: str) -> km.Diagnosis | None:
        row = self.one(
            "SELECT d.data FROM names n JOIN diagnoses d ON d.id = n.diagnosis WHERE n.key = ? "
            "ORDER BY d.status = 'accepted' DESC, n.is_primary DESC, d.status = 'proposed' DESC, n.diagnosis "
            "LIMIT 1",
            (key,),
        )
        return None if row is None else km.Diagnosis.model_validate_json(row[0])

    def exact_names(self, key: str) -> list[tuple[str, str]]:
        rows = self.q(
            "SELECT diagnosis, surface FROM names WHERE key = ? ORDER BY is_primary DESC, diagnosis", (key,)
        )
        return [(r[0], r[1]) for r in rows]

    def all_names(self) -> NameColumns | None:
        rows = self.q("SELECT key, diagnosis, surface FROM names ORDER BY key, diagnosis")
        return [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]

    def name_shortlist(self, key: str) -> NameColumns:
        return self.all_names() or ([], [], [])

    def aliases_of(self, target: str) -> list[str]:
        return [r[0] for r in self.q("SELECT alias FROM aliases WHERE target = ? ORDER BY alias", (target,))]

    def point_aliases(self, aliases: list[str], target: str) -> None:
        self.conn.executemany("INSERT OR REPLACE INTO aliases VALUES (?, ?)", [(a, target) for a in aliases])

    def delete_alias(self, alias: str) -> None:
        self.conn.execute("DELETE FROM aliases WHERE alias = ?", (alias,))

    # -- findings --------------------------------------------------------------------------
    def findings(self, ids: list[str]) -> dict[str, km.Finding]:
        return self._by_ids("findings", km.Finding, ids)

    def list_findings(self, type: km.FindingType | None) -> list[km.Finding]:
        clause, params = where([("type = ?", type)])
        return [
            km.Finding.model_validate_json(r[0])
            for r in self.q(f"SELECT data FROM findings {clause} ORDER BY id", params)
        ]

    def finding_ids_by_key(self, key: str) -> list[str]:
        rows = self.q(
            "SELECT n.finding FROM finding_names n JOIN findings f ON f.id = n.finding WHERE n.key = ? "
            "ORDER BY f.status = 'accepted' DESC, n.is_primary DESC, n.finding",
            (key,),
        )
        return [r[0] for r in rows]

    def _index_finding_names(self, items: list[km.Finding]) -> None:
        self.conn.executemany(
            "INSERT INTO finding_names VALUES (?, ?, ?, ?)",
            [(k, f.id, s, int(p)) for f in items for k, s, p in name_keys(f.name, f.synonyms)],
        )

    def insert_findings(self, items: list[km.Finding]) -> None:
        self.conn.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?, ?)",
            [(f.id, f.type, f.status, f.version, f.model_dump_json()) for f in items],
        )
        self._index_finding_names(items)

    def write_findings(self, pairs: list[tuple[int, km.Finding]]) -> None:
        self._update("findings", "type status", [(f.type, f.status, *_tail(f, prev)) for prev, f in pairs])
        self.conn.executemany("DELETE FROM finding_names WHERE finding = ?", [(f.id,) for _, f in pairs])
        self._index_finding_names([f for _, f in pairs])

    # -- assertions ------------------------------------------------------------------------
    def assertions(self, ids: list[str]) -> dict[str, km.Assertion]:
        return self._by_ids("assertions", km.Assertion, ids)

    def assertions_by_keys(self, keys: Iterable[Key]) -> dict[Key, km.Assertion]:
        """300 keys a query, joined on the (kind, subject, object) unique index: a bulk load's
        100,000 keys in 334 reads instead of one each."""
        out: dict[Key, km.Assertion] = {}
        it = iter(keys)
        while part := list(itertools.islice(it, 300)):
            values = ",".join(["(?, ?, ?)"] * len(part))
            rows = self.q(
                f"SELECT a.data FROM (VALUES {values}) AS k JOIN assertions AS a "
                "ON a.kind = k.column1 AND a.subject = k.column2 AND a.object = k.column3",
                list(itertools.chain.from_iterable(part)),
            )
            for (data,) in rows:
                a = km.Assertion.model_validate_json(data)
                out[(a.kind, a.subject, a.object)] = a
        return out

    def assertions_touching(self, diagnosis: str) -> list[km.Assertion]:
        rows = self.q("SELECT data FROM assertions WHERE subject = ? OR object = ?", (diagnosis, diagnosis))
        return [km.Assertion.model_validate_json(r[0]) for r in rows]

    def _index_sources(self, items: Iterable[km.Assertion]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO assertion_sources VALUES (?, ?)",
            ((ev.source_sha256, a.id) for a in items for ev in a.evidence),
        )

    def insert_assertions(self, items: list[Dumped[km.Assertion]]) -> None:
        try:
            self.conn.executemany(
                "INSERT INTO assertions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (  # a generator: no second list of 100,000 rows beside ``items``
                    (
                        a.id,
                        a.kind,
                        a.subject,
                        a.object,
                        a.status,
                        a.origin,
                        a.score,
                        ts(a.created_at),
                        a.version,
                        data,
                    )
                    for a, data in items
                ),
            )
        except sqlite3.IntegrityError as exc:
            raise InputError(f"assertion ids collide with stored assertions: {exc}") from None
        self._index_sources(a for a, _ in items)

    def write_assertions(self, pairs: list[tuple[int, km.Assertion]]) -> None:
        self._update(
            "assertions",
            "kind subject object status origin score",
            [
                (a.kind, a.subject, a.object, a.status, a.origin, a.score, *_tail(a, prev))
                for prev, a in pairs
            ],
        )
        self.conn.executemany(
            "DELETE FROM assertion_sources WHERE assertion = ?", [(a.id,) for _, a in pairs]
        )
        self._index_sources(a for _, a in pairs)

    def delete_assertions(self, ids: list[str]) -> None:
        self.conn.executemany("DELETE FROM assertions WHERE id = ?", [(i,) for i in ids])

    def accepted_is_a(self) -> list[tuple[str, str, str]]:
        rows = self.q(
            "SELECT id, subject, object FROM assertions WHERE kind = 'is_a' AND status = 'accepted'"
        )
        return [(r[0], r[1], r[2]) for r in rows]

    def _assertion_where(self, query: km.AssertionQuery) -> tuple[str, list[Any]]:
        """The WHERE clause of ``query`` over the ``assertions`` columns."""
        clause, params = where(
            [
                ("kind = ?", query.kind),
                ("origin = ?", query.origin),
                ("id IN (SELECT assertion FROM assertion_sources WHERE source = ?)", query.source_sha256),
                ("score >= ?", query.min_score),
                ("score <= ?", query.max_score),
            ]
        )
        more: list[tuple[str, list[Any]]] = []
        if query.status is not None:
            statuses = [query.status] if isinstance(query.status, str) else list(query.status)
            more.append((f"status IN ({','.join('?' * len(statuses))})", statuses))
        if query.diagnosis is not None:
            more.append(("(subject = ? OR object = ?)", [query.diagnosis, query.diagnosis]))
        for cond, values in more:
            clause = f"{clause} AND {cond}" if clause else f"WHERE {cond}"
            params += values
        return clause, params

    def query_assertions(self, query: km.AssertionQuery) -> tuple[int, list[km.Assertion]]:
        clause, params = self._assertion_where(query)
        with self._lock:
            total = int(self.q(f"SELECT COUNT(*) FROM assertions {clause}", params)[0][0])
            rows = self.q(
                f"SELECT data FROM assertions {clause} ORDER BY created, id LIMIT ? OFFSET ?",
                [*params, *page(query.limit, query.offset)],
            )
        return total, [km.Assertion.model_validate_json(r[0]) for r in rows]

    def count_assertions(self, query: km.AssertionQuery) -> int:
        clause, params = self._assertion_where(query)
        return int(self.q(f"SELECT COUNT(*) FROM assertions {clause}", params)[0][0])

    def summarize_assertions(self, query: km.AssertionQuery) -> list[km.AssertionSummary]:
        clause, params = self._assertion_where(query)
        rows = self.q(
            "SELECT id, kind, subject, object, status, origin, score, created FROM assertions "
            f"{clause} ORDER BY created, id LIMIT ? OFFSET ?",
            [*params, *page(query.limit, query.offset)],
        )
        return km.AssertionSummary.from_rows(rows)

    def edges(self, kind: km.AssertionKind, statuses: list[str]) -> list[tuple[str, str]]:
        marks = ",".join("?" * len(statuses))
        rows = self.q(
            f"SELECT subject, object FROM assertions WHERE kind = ? AND status IN ({marks}) "
            "ORDER BY subject, object",
            (kind, *statuses),
        )
        return [(r[0], r[1]) for r in rows]

    def assertions_after(self, last: str, limit: int) -> list[km.Assertion]:
        rows = self.q("SELECT data FROM assertions WHERE id > ? ORDER BY id LIMIT ?", (last, limit))
        return [km.Assertion.model_validate_json(r[0]) for r in rows]

    # -- cases -----------------------------------------------------------------------------
    def cases(self, ids: list[str]) -> dict[str, km.Case]:
        return self._by_ids("cases", km.Case, ids)

    def list_cases(
        self, diagnosis: str | None, status: km.CaseStatus | None, offset: int, limit: int | None
    ) -> list[km.Case]:
        clause, params = where([("diagnosis = ?", diagnosis), ("status = ?", status)])
        rows = self.q(
            f"SELECT data FROM cases {clause} ORDER BY id LIMIT ? OFFSET ?", [*params, *page(limit, offset)]
        )
        return [km.Case.model_validate_json(r[0]) for r in rows]

    def count_cases(self, status: km.CaseStatus | None) -> int:
        clause, params = where([("status = ?", status)])
        return int(self.q(f"SELECT COUNT(*) FROM cases {clause}", params)[0][0])

    def case_counts(self, status: km.CaseStatus | None) -> dict[str, int]:
        clause, params = where([("status = ?", status)])
        rows = self.q(
            f"SELECT diagnosis, COUNT(*) FROM cases {clause} GROUP BY diagnosis ORDER BY diagnosis", params
        )
        return {r[0]: int(r[1]) for r in rows}

    def insert_cases(self, items: list[km.Case]) -> None:
        self.conn.executemany(
            "INSERT INTO cases VALUES (?, ?, ?, ?, ?)",
            [(c.id, c.diagnosis, c.status, c.version, c.model_dump_json()) for c in items],
        )

    def write_cases(self, pairs: list[tuple[int, km.Case]]) -> None:
        self._update(
            "cases", "diagnosis status", [(c.diagnosis, c.status, *_tail(c, prev)) for prev, c in pairs]
        )
