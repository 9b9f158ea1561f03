"""Copy a whole graph between two stores of any backend (``dermkg kg migrate --from URL --to URL``).

The copy is the canonical export of the source restored verbatim into an empty target (ids,
statuses, versions, events and revision included, in one transaction), then verified: the target's
canonical export must equal the source's, section by section.

Example:
    >>> migrate("sqlite:///data/dermkg.db", "neo4j://neo4j@localhost:7687")  # doctest: +SKIP
    MigrateReport(src='sqlite:///data/dermkg.db', dst='neo4j://neo4j@localhost:7687', ...)
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from pydantic import BaseModel

from dermkg.errors import DermkgError, InputError
from kg.models import GraphExport
from kg.store import GraphStore, make_store

__all__ = ["MigrateReport", "MigrationError", "migrate", "redact_url"]

_SECTIONS = ("sources", "diagnoses", "findings", "assertions", "cases", "label_maps", "events")


class MigrationError(DermkgError):
    """The copy failed or the target's export differs from the source's after the copy."""


class MigrateReport(BaseModel):
    src: str  # URLs with any password masked
    dst: str
    revision: int
    counts: dict[str, int]  # records copied per section
    verified: bool  # the target's canonical export equals the source's
    seconds: float


def redact_url(url: str) -> str:
    """``url`` with the password (``scheme://user:password@host``) masked."""
    return re.sub(r"(://[^/:@]*):[^/@]*@", r"\1:***@", url)


def _first_difference(a: GraphExport, b: GraphExport) -> str | None:
    da, db = a.model_dump(mode="json"), b.model_dump(mode="json")
    if da["revision"] != db["revision"]:
        return f"revision {da['revision']} != {db['revision']}"
    for section in _SECTIONS:
        if da[section] != db[section]:
            return f"{section} ({len(da[section])} in the source, {len(db[section])} in the target)"
    return None


def _open_source(url: str) -> GraphStore:
    """The source store, unopened; a SQLite source must exist (opening would create an empty one)."""
    store = make_store(url)
    path = getattr(store, "path", None)  # SQLite stores only
    if isinstance(path, str) and path != ":memory:" and not Path(path).is_file():
        raise InputError(f"the source store {redact_url(url)} does not exist (no file {path})")
    return store


def _copy(src_url: str, dst_url: str) -> tuple[GraphExport, GraphExport]:
    """(source export, target export after the restore, which is one transaction)."""
    with _open_source(src_url) as src:
        export = src.export_graph()
    with make_store(dst_url) as dst:
        dst.restore(export)
        copied = dst.export_graph()
    return export, copied


def migrate(src_url: str, dst_url: str) -> MigrateReport:
    """Copy everything in ``src_url`` into the empty store ``dst_url`` and verify the copy.

    Raises InputError for a bad URL, a missing source or a target that is not empty,
    StoreUnavailableError if either store cannot be reached, MigrationError if the copy fails in
    any other way or does not export identically. Every failure is a DermkgError with a one-line
    message naming the URLs (never a password), so the CLI never shows a traceback.
    """
    started = time.perf_counter()
    try:
        export, copied = _copy(src_url, dst_url)
    except DermkgError:
        raise
    except Exception as exc:  # a driver or database error the backends do not translate
        detail = " ".join(str(exc).split()) or type(exc).__name__
        for url in (src_url, dst_url):
            password = re.search(r"://[^/:@]*:([^/@]*)@", url)
            if password and password.group(1):
                detail = detail.replace(password.group(1), "***")
        raise MigrationError(
            f"copying {redact_url(src_url)} to {redact_url(dst_url)} failed ({type(exc).__name__}: {detail})"
        ) from None
    diff = _first_difference(export, copied)
    if diff is not None:
        raise MigrationError(f"the copy in {redact_url(dst_url)} differs from {redact_url(src_url)}: {diff}")
    return MigrateReport(
        src=redact_url(src_url),
        dst=redact_url(dst_url),
        revision=export.revision,
        counts={section: len(getattr(export, section)) for section in _SECTIONS},
        verified=True,
        seconds=round(time.perf_counter() - started, 3),
    )
