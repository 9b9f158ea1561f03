"""The Neo4j backend: the same graph and semantics as the embedded store, on any Neo4j 5 server.

``DERMKG_STORE=neo4j://user:password@host:7687`` (or ``bolt://``; the password may come from
``NEO4J_PASSWORD``). :class:`Neo4jGraphStore` is the shared :class:`kg.store.base.GraphStore` over
:class:`kg.store.neo4j_rows.Neo4jRows`; the schema (uniqueness constraints on every id, indexes, a
full-text index over names) is set up on first use (:mod:`kg.store._neo4j_conn`), transactions and
retries are described in :mod:`kg.store._neo4j_tx`, the Cypher is :mod:`kg.store.neo4j_queries`.

Example:
    >>> with Neo4jGraphStore("neo4j://neo4j@localhost:7687") as store:  # doctest: +SKIP
    ...     store.resolve_name("Seborrhoeic keratoses")
"""

from __future__ import annotations

from kg.store.base import GraphStore
from kg.store.neo4j_rows import Neo4jRows

__all__ = ["Neo4jGraphStore"]


class Neo4jGraphStore(GraphStore):
    """A dermkg knowledge graph in a Neo4j 5 database. Above ``fulltext_threshold`` names, fuzzy
    suggestions score a full-text shortlist instead of every name."""

    rows: Neo4jRows

    def __init__(self, url: str, *, fulltext_threshold: int = 50_000) -> None:
        super().__init__(url, Neo4jRows(url, fulltext_threshold=fulltext_threshold))

    @property
    def fulltext_threshold(self) -> int:
        return self.rows.fulltext_threshold

    @fulltext_threshold.setter
    def fulltext_threshold(self, value: int) -> None:
        self.rows.fulltext_threshold = value
        self._cache.clear()  # the cached name list depends on it
