"""Open a store by URL: ``sqlite:///path.db`` (embedded) or ``neo4j://`` / ``bolt://`` (Neo4j).

Semantics every backend honours (:class:`kg.store.base.GraphStore`, tested by
``tests/kg/store/test_contract.py`` on both):

- Writes are transactional. Every public write method is atomic on its own; inside
  ``with store.transaction():`` all writes commit together or not at all.
- ``revision()`` increases by one for every committed transaction that changed the accepted graph
  (an assertion or diagnosis entering or leaving ``accepted``, an edit of an accepted item, a merge).
- Every curation write (review, edit, merge, case decision, label map change, revert) appends a
  :class:`CurationEvent` with the user and before / after snapshots. Events are never deleted.
- ``expected_version`` (when given) must equal the item's current ``version`` or the write raises
  :class:`dermkg.errors.ConflictError` and changes nothing; successful writes bump ``version``.
- DDx assertions are stored once in canonical direction (``kg.ids.canonical_pair``) and returned for
  either endpoint. Adding an assertion whose (kind, subject, object) exists merges its evidence (by
  evidence id) and keeps the better score instead of duplicating; status is never downgraded.
- Accepting an is_a assertion that would close a cycle raises :class:`dermkg.errors.CycleError`.
- Ids of merged diagnoses stay valid: ``get_diagnosis(old_id)`` returns the surviving diagnosis.
- A ``finding`` assertion links a diagnosis (subject) to a :class:`Finding` (object) with a relation
  (typical / possible / against); it is directed, one per (diagnosis, finding) pair, and otherwise
  curated exactly like is_a and DDx. An unknown end of a finding assertion is an InputError.
"""

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
    from kg.store._sqlite_conn import path_of

    return Path(path_of(url))


def open_store(url: str | None = None) -> GraphStore:
    """Connect to ``url`` (default: the configured ``DERMKG_STORE``)."""
    if url is None:
        from dermkg.settings import get_settings

        url = get_settings().store_url
    return make_store(url).open()
