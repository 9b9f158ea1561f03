"""The ``--store`` option's other half: opening the store a command names."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from dermkg.errors import StoreUnavailableError
from dermkg.settings import store_settings
from kg.store import embedded_path, open_store
from kg.store.base import GraphStore

log = logging.getLogger(__name__)


def redacted(url: str) -> str:
    """The store URL as logs may show it: a password in it becomes ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rpartition("@")[2]
    return parts._replace(netloc=f"{parts.username}:***@{host}").geturl()


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
    log.info("opening store %s", redacted(url))
    store = open_store(url)
    try:
        yield store
    finally:
        store.close()
