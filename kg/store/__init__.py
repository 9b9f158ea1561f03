"""Open a store by URL: ``sqlite:///path.db`` (embedded) or ``neo4j://`` / ``bolt://`` (Neo4j)."""

from __future__ import annotations

from pathlib import Path

from dermkg.errors import InputError
from dermkg.redact import mask_url
from kg.store.base import SYSTEM_USER, GraphStore

__all__ = ["GraphStore", "SYSTEM_USER", "embedded_path", "open_store", "make_store"]


def make_store(url: str) -> GraphStore:
    """Build (without connecting) the backend for ``url``."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme == "sqlite":
        from kg.store.sqlite import SQLiteGraphStore

        return SQLiteGraphStore(url)
    if scheme in {"neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc"}:
        from kg.store.neo4j import Neo4jGraphStore

        return Neo4jGraphStore(url)
    raise InputError(
        f"unknown store URL scheme {scheme!r} in {mask_url(url)!r}: use sqlite:///path.db or neo4j://user@host:7687"
    )


def embedded_path(url: str) -> Path | None:
    """The database file of a ``sqlite://`` URL; None for server stores."""
    if not url.lower().startswith("sqlite://"):
        return None
    from kg.store._sqlite_core import _path_of

    return Path(_path_of(url))


def open_store(url: str | None = None) -> GraphStore:
    """Connect to ``url`` (default: the configured ``DERMKG_STORE``)."""
    if url is None:
        from dermkg.settings import get_settings

        url = get_settings().store_url
    return make_store(url).open()
