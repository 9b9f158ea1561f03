"""Diagnoses and name resolution of the embedded store."""

from __future__ import annotations

from collections.abc import Iterable

from dermkg.errors import ConflictError, InputError, NotFoundError
from kg.models import (
    Diagnosis,
)
from kg.names import name_keys, normalize
from kg.store import _semantics as sem
from kg.store._sqlite_core import _SQLiteCore
from kg.store.base import SYSTEM_USER


class _DiagnosisMixin(_SQLiteCore):
    # -- diagnoses -------------------------------------------------------------------------
    def _resolve_id(self, id: str) -> str | None:
        row = self._one("SELECT id FROM diagnoses WHERE id = ?", (id,))
        if row is not None:
            return id
        row = self._one("SELECT target FROM aliases WHERE alias = ?", (id,))
        return None if row is None else row[0]

    def _require_id(self, id: str, what: str = "diagnosis") -> str:
        got = self._resolve_id(id)
        if got is None:
            raise NotFoundError(f"unknown {what} id {id!r}")
        return got

    def _diagnosis_row(self, id: str) -> Diagnosis | None:
        row = self._one("SELECT data FROM diagnoses WHERE id = ?", (id,))
        return None if row is None else Diagnosis.model_validate_json(row[0])

    def get_diagnosis(self, id: str) -> Diagnosis | None:
        real = self._resolve_id(id)
        return None if real is None else self._diagnosis_row(real)

    def list_diagnoses(
        self, *, status: str | None = None, offset: int = 0, limit: int | None = None
    ) -> list[Diagnosis]:
        where, params = ("WHERE status = ?", [status]) if status else ("", [])
        rows = self._q(
            f"SELECT data FROM diagnoses {where} ORDER BY id LIMIT ? OFFSET ?",
            [*params, -1 if limit is None else limit, offset],
        )
        return [Diagnosis.model_validate_json(r[0]) for r in rows]

    def count_diagnoses(self) -> int:
        return int(self._one("SELECT COUNT(*) FROM diagnoses")[0])  # type: ignore[index]

    def _index_names(self, d: Diagnosis, *, replace: bool = True) -> None:
        if replace:
            self.conn.execute("DELETE FROM names WHERE diagnosis = ?", (d.id,))
        self.conn.executemany(
            "INSERT INTO names VALUES (?, ?, ?, ?)",
            [(k, d.id, s, int(p)) for k, s, p in name_keys(d.name, d.synonyms)],
        )

    def _check_name_collisions(self, before: Diagnosis, after: Diagnosis) -> None:
        old = {k for k, _, _ in name_keys(before.name, before.synonyms)}
        for key, surface, _ in name_keys(after.name, after.synonyms):
            if key in old:
                continue
            row = self._one(
                "SELECT diagnosis FROM names WHERE key = ? AND diagnosis != ? LIMIT 1", (key, after.id)
            )
            if row is not None:
                raise InputError(f"name {surface!r} of {after.id} collides with a name of diagnosis {row[0]}")

    def _write_diagnosis(self, d: Diagnosis, *, prev_version: int) -> None:
        cur = self.conn.execute(
            "UPDATE diagnoses SET status = ?, version = ?, data = ? WHERE id = ? AND version = ?",
            (d.status, d.version, d.model_dump_json(), d.id, prev_version),
        )
        if cur.rowcount != 1:
            raise ConflictError(f"diagnosis {d.id} was changed by someone else; reload and retry")

    def upsert_diagnoses(self, diagnoses: Iterable[Diagnosis], *, user: str = SYSTEM_USER) -> int:
        items = [sem.prepare_diagnosis(d) for d in diagnoses]
        with self.transaction():
            staged: dict[str, tuple[Diagnosis | None, Diagnosis]] = {}  # id -> (stored before, after)
            for d in items:
                real = self._resolve_id(d.id) or d.id
                if real in staged:
                    before, current = staged[real]
                else:
                    before = current = self._diagnosis_row(real)
                if current is None:
                    new = d.model_copy(update={"version": 1, "aliases": []})
                    staged[real] = (None, new)
                    continue
                merged = sem.merge_diagnosis(current, d.model_copy(update={"id": real}))
                if merged is not None:
                    version = 1 if before is None else before.version + 1
                    staged[real] = (before, merged.model_copy(update={"version": version}))
            inserts = [after for before, after in staged.values() if before is None]
            updates = [(b, a) for b, a in staged.values() if b is not None and b != a]
            self.conn.executemany(
                "INSERT INTO diagnoses VALUES (?, ?, ?, ?)",
                [(d.id, d.status, d.version, d.model_dump_json()) for d in inserts],
            )
            self.conn.executemany(
                "INSERT INTO names VALUES (?, ?, ?, ?)",
                [(k, d.id, s, int(p)) for d in inserts for k, s, p in name_keys(d.name, d.synonyms)],
            )
            events = [
                self._event_row(user, "create", "diagnosis", d.id, None, sem.snapshot(d)) for d in inserts
            ]
            for before, after in updates:
                self._write_diagnosis(after, prev_version=before.version)
                self._index_names(after, replace=True)
                events.append(
                    self._event_row(
                        user, "edit", "diagnosis", after.id, sem.snapshot(before), sem.snapshot(after)
                    )
                )
            self._insert_events(events)
            for before, after in [*((None, d) for d in inserts), *updates]:
                self._mark_changed(before, after)
                if self._tx is not None and self._tx.graph_changed:
                    break
        return len(inserts)

    # -- names -----------------------------------------------------------------------------
    def resolve_name(self, name: str) -> Diagnosis | None:
        key = normalize(name)
        if not key:
            return None
        row = self._one(
            "SELECT n.diagnosis FROM names n JOIN diagnoses d ON d.id = n.diagnosis WHERE n.key = ? "
            "ORDER BY d.status = 'accepted' DESC, n.is_primary DESC, d.status = 'proposed' DESC, n.diagnosis "
            "LIMIT 1",
            (key,),
        )
        return None if row is None else self._diagnosis_row(row[0])

    def _name_choices(self, key: str) -> tuple[list[str], list[str], list[str]]:
        """Every name (the key is not needed: the whole list is cached per revision)."""
        state = self._state()
        hit = self._cache.get("names")
        if hit is not None and hit[0] == state:
            return hit[1]
        rows = self._q("SELECT key, diagnosis, surface FROM names ORDER BY key, diagnosis")
        value = ([r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])
        self._cache["names"] = (state, value)
        return value

    def _exact_names(self, key: str) -> list[tuple[str, str]]:
        rows = self._q(
            "SELECT diagnosis, surface FROM names WHERE key = ? ORDER BY is_primary DESC, diagnosis", (key,)
        )
        return [(r[0], r[1]) for r in rows]
