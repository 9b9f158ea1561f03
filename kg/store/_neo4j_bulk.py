"""Bulk reads on Neo4j for the review queue: assertion summaries from the indexed node properties
only, never the JSON record (:meth:`kg.store.base.GraphStore.summarize_assertions`), and a page of
assertions in one round trip (:meth:`~kg.store.base.GraphStore.get_assertions`).

The matches come back as one record holding one list, not one record per match: the Python driver
spends most of a 20,000-row read building record objects, and a single collected list avoids it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kg.models import Assertion, AssertionQuery, AssertionSummary
from kg.store._neo4j_core import Neo4jCore, chunks


class BulkReadMixin(Neo4jCore):
    """``summarize_assertions`` and ``get_assertions`` of :class:`kg.store.neo4j.Neo4jGraphStore`."""

    if TYPE_CHECKING:  # provided by the store class; a stub here would shadow it at run time

        def _resolve_id(self, id: str) -> str | None: ...

    def _assertion_where(self, query: AssertionQuery) -> tuple[str, dict[str, Any]]:
        """The WHERE clause of ``query`` over ``(a:Assertion)`` properties (as ``query_assertions``)."""
        where: list[str] = []
        params: dict[str, Any] = {}
        if query.kind is not None:
            where.append("a.kind = $kind")
            params["kind"] = query.kind
        if query.status is not None:
            where.append("a.status IN $statuses")
            params["statuses"] = [query.status] if isinstance(query.status, str) else list(query.status)
        if query.origin is not None:
            where.append("a.origin = $origin")
            params["origin"] = query.origin
        if query.source_sha256 is not None:
            where.append("$source IN a.sources")
            params["source"] = query.source_sha256
        if query.diagnosis is not None:
            where.append("(a.subject = $dx OR a.object = $dx)")
            params["dx"] = self._resolve_id(query.diagnosis) or query.diagnosis
        if query.min_score is not None:
            where.append("a.score >= $min_score")
            params["min_score"] = query.min_score
        if query.max_score is not None:
            where.append("a.score <= $max_score")
            params["max_score"] = query.max_score
        return (f"WHERE {' AND '.join(where)}" if where else ""), params

    def count_assertions(self, query: AssertionQuery) -> int:
        clause, params = self._assertion_where(query)
        return int(self._read_value(f"MATCH (a:Assertion) {clause} RETURN count(a) AS n", "n", **params))

    def summarize_assertions(self, query: AssertionQuery) -> list[AssertionSummary]:
        clause, params = self._assertion_where(query)
        page = "" if query.limit is None else " LIMIT $limit"
        rows = self._read_value(
            f"MATCH (a:Assertion) {clause} WITH a ORDER BY a.created, a.id SKIP $offset{page} "
            "RETURN collect([a.id, a.kind, a.subject, a.object, a.status, a.origin, a.score, a.created]) "
            "AS rows",
            "rows",
            **params,
            offset=query.offset,
            limit=query.limit,
        )
        return AssertionSummary.from_rows(rows or [])

    def get_assertions(self, ids: Iterable[str]) -> list[Assertion]:
        wanted = list(ids)
        found: dict[str, Assertion] = {}
        for part in chunks(sorted(set(wanted))):
            rows = self._q("UNWIND $ids AS id MATCH (a:Assertion {id: id}) RETURN a.data AS data", ids=part)
            found.update((a.id, a) for a in (Assertion.model_validate_json(r["data"]) for r in rows))
        return [found[i] for i in wanted if i in found]
