"""Finding concepts on Neo4j: ``:Finding`` nodes holding the record as JSON plus the normalised
keys of their names (``keys``), which name resolution matches; a vocabulary of findings is small
(hundreds), so the keys live on the node. Shared rules are in :mod:`kg.store._findings`; accepted
finding assertions are projected to ``(:Diagnosis)-[:HAS_FINDING]->(:Finding)`` at commit."""

from __future__ import annotations

from typing import Any

from dermkg.errors import ConflictError
from kg.models import Finding, FindingType
from kg.names import name_keys, normalize
from kg.store._neo4j_core import Neo4jCore, chunks

INSERT_FINDINGS = "UNWIND $rows AS r CREATE (f:Finding) SET f = r"
UPDATE_FINDINGS = (
    "UNWIND $rows AS r MATCH (f:Finding {id: r.id}) WHERE f.version = r.prev "
    "SET f += r.props RETURN count(f) AS n"
)


def finding_props(f: Finding) -> dict[str, Any]:
    return {
        "id": f.id,
        "type": f.type,
        "status": f.status,
        "version": f.version,
        "name": f.name,
        "key": normalize(f.name),
        "keys": [k for k, _, _ in name_keys(f.name, f.synonyms)],
        "data": f.model_dump_json(),
    }


class FindingsMixin(Neo4jCore):
    """Finding primitives of :class:`kg.store.neo4j.Neo4jGraphStore`."""

    def _finding_row(self, id: str) -> Finding | None:
        row = self._one("MATCH (f:Finding {id: $id}) RETURN f.data AS data", id=id)
        return None if row is None else Finding.model_validate_json(row["data"])

    def _existing_findings(self, ids: list[str]) -> set[str]:
        found: set[str] = set()
        for part in chunks(ids):
            rows = self._q("UNWIND $ids AS i MATCH (f:Finding {id: i}) RETURN f.id AS id", ids=part)
            found.update(r["id"] for r in rows)
        return found

    def _finding_ids_by_key(self, key: str) -> list[str]:
        rows = self._q(
            "MATCH (f:Finding) WHERE $key IN f.keys RETURN f.id AS id "
            "ORDER BY f.status = 'accepted' DESC, f.key = $key DESC, f.id",
            key=key,
        )
        return [r["id"] for r in rows]

    def _finding_rows(self, type: FindingType | None) -> list[Finding]:
        where = "WHERE f.type = $type " if type else ""
        rows = self._q(f"MATCH (f:Finding) {where}RETURN f.data AS data ORDER BY f.id", type=type)
        return [Finding.model_validate_json(r["data"]) for r in rows]

    def _insert_findings(self, findings: list[Finding]) -> None:
        self._w_rows(INSERT_FINDINGS, [finding_props(f) for f in findings])

    def _write_finding(self, f: Finding, *, prev_version: int) -> None:
        rows = [{"id": f.id, "prev": prev_version, "props": finding_props(f)}]
        if self._w(UPDATE_FINDINGS, rows=rows)[0]["n"] != 1:
            raise ConflictError(f"finding {f.id} was changed by someone else; reload and retry")
