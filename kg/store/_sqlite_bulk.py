"""Bulk reads on SQLite for the review queue: assertion summaries from the indexed columns only,
never the JSON record (:meth:`kg.store.base.GraphStore.summarize_assertions`), and a page of
assertions in one query (:meth:`~kg.store.base.GraphStore.get_assertions`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kg.models import Assertion, AssertionQuery, AssertionSummary
from kg.store._sqlite_core import _SQLiteCore


class _BulkReadMixin(_SQLiteCore):
    if TYPE_CHECKING:  # provided by the diagnosis mixin; a stub here would shadow it at run time

        def _resolve_id(self, id: str) -> str | None: ...

    def _assertion_where(self, query: AssertionQuery) -> tuple[str, list[Any]]:
        """The WHERE clause of ``query`` over the ``assertions`` columns (as ``query_assertions``)."""
        where: list[str] = []
        params: list[Any] = []
        if query.kind is not None:
            where.append("kind = ?")
            params.append(query.kind)
        if query.status is not None:
            statuses = [query.status] if isinstance(query.status, str) else list(query.status)
            where.append(f"status IN ({','.join('?' * len(statuses))})")
            params.extend(statuses)
        if query.origin is not None:
            where.append("origin = ?")
            params.append(query.origin)
        if query.source_sha256 is not None:
            where.append("id IN (SELECT assertion FROM assertion_sources WHERE source = ?)")
            params.append(query.source_sha256)
        if query.diagnosis is not None:
            did = self._resolve_id(query.diagnosis) or query.diagnosis
            where.append("(subject = ? OR object = ?)")
            params.extend([did, did])
        if query.min_score is not None:
            where.append("score >= ?")
            params.append(query.min_score)
        if query.max_score is not None:
            where.append("score <= ?")
            params.append(query.max_score)
        return (f"WHERE {' AND '.join(where)}" if where else ""), params

    def count_assertions(self, query: AssertionQuery) -> int:
        clause, params = self._assertion_where(query)
        return int(self._q(f"SELECT COUNT(*) FROM assertions {clause}", params)[0][0])

    def summarize_assertions(self, query: AssertionQuery) -> list[AssertionSummary]:
        clause, params = self._assertion_where(query)
        rows = self._q(
            "SELECT id, kind, subject, object, status, origin, score, created FROM assertions "
            f"{clause} ORDER BY created, id LIMIT ? OFFSET ?",
            [*params, -1 if query.limit is None else query.limit, query.offset],
        )
        return AssertionSummary.from_rows(rows)

    def get_assertions(self, ids: Iterable[str]) -> list[Assertion]:
        wanted = list(ids)
        found: dict[str, Assertion] = {}
        for start in range(0, len(wanted), 500):  # under SQLite's bound-parameter limit
            part = wanted[start : start + 500]
            rows = self._q(f"SELECT data FROM assertions WHERE id IN ({','.join('?' * len(part))})", part)
            found.update((a.id, a) for a in (Assertion.model_validate_json(r[0]) for r in rows))
        return [found[i] for i in wanted if i in found]
