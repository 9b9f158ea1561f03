"""The ``--store`` option's other half: opening the store a command names."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from dermkg.errors import StoreUnavailableError
from dermkg.settings import store_settings
from kg.store import embedded_path, open_store
from kg.store.base import GraphStore


@contextmanager
def store_from(url: str | None, *, create: bool = False) -> Iterator[GraphStore]:
    """Open the store named by ``--store`` (or the settings) and close it afterwards.

    Only commands that fill a graph (``init``, imports, ingest, ``review add``) pass ``create``: a
    mistyped path given to any other command is an error, not a silently created empty store.
    """
    url = url or store_settings().store_url
    path = embedded_path(url)
    if path is not None and not create and not path.exists():
        raise StoreUnavailableError(f"no store at {path}: run `dermkg init` first, or pass --store")
    store = open_store(url)
    try:
        yield store
    finally:
        store.close()
