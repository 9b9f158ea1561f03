"""Finding concepts of the embedded store: the ``findings`` rows and their name keys (the shared
upsert, resolution and assertion-end checks are in :mod:`kg.store._findings`)."""

from __future__ import annotations

from dermkg.errors import ConflictError
from kg.models import Finding, FindingType
from kg.names import name_keys
from kg.store._sqlite_core import _SQLiteCore


class _FindingMixin(_SQLiteCore):
    def _finding_row(self, id: str) -> Finding | None:
        row = self._one("SELECT data FROM findings WHERE id = ?", (id,))
        return None if row is None else Finding.model_validate_json(row[0])

    def _existing_findings(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), 500):
            part = ids[start : start + 500]
            marks = ",".join("?" * len(part))
            found.update(r[0] for r in self._q(f"SELECT id FROM findings WHERE id IN ({marks})", part))
        return found

    def _finding_ids_by_key(self, key: str) -> list[str]:
        rows = self._q(
            "SELECT n.finding FROM finding_names n JOIN findings f ON f.id = n.finding WHERE n.key = ? "
            "ORDER BY f.status = 'accepted' DESC, n.is_primary DESC, n.finding",
            (key,),
        )
        return [r[0] for r in rows]

    def _finding_rows(self, type: FindingType | None) -> list[Finding]:
        where, params = ("WHERE type = ?", [type]) if type else ("", [])
        rows = self._q(f"SELECT data FROM findings {where} ORDER BY id", params)
        return [Finding.model_validate_json(r[0]) for r in rows]

    def _insert_finding_rows(self, findings: list[Finding]) -> None:
        self.conn.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?, ?)",
            [(f.id, f.type, f.status, f.version, f.model_dump_json()) for f in findings],
        )
        self.conn.executemany(
            "INSERT INTO finding_names VALUES (?, ?, ?, ?)",
            [(k, f.id, s, int(p)) for f in findings for k, s, p in name_keys(f.name, f.synonyms)],
        )

    def _insert_findings(self, findings: list[Finding]) -> None:
        self._insert_finding_rows(findings)

    def _write_finding(self, f: Finding, *, prev_version: int) -> None:
        cur = self.conn.execute(
            "UPDATE findings SET type = ?, status = ?, version = ?, data = ? WHERE id = ? AND version = ?",
            (f.type, f.status, f.version, f.model_dump_json(), f.id, prev_version),
        )
        if cur.rowcount != 1:
            raise ConflictError(f"finding {f.id} was changed by someone else; reload and retry")
        self.conn.execute("DELETE FROM finding_names WHERE finding = ?", (f.id,))
        self.conn.executemany(
            "INSERT INTO finding_names VALUES (?, ?, ?, ?)",
            [(k, f.id, s, int(p)) for k, s, p in name_keys(f.name, f.synonyms)],
        )
