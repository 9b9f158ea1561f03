"""Vocabulary and case importers: real vocabularies in, accepted (or proposed) assertions out.

Every import runs in one transaction, resolves names against the graph (exact, never fuzzy),
attaches evidence quoting the source line, and is idempotent.

Example:
    >>> with open_store("sqlite:///kg.db") as store:  # doctest: +SKIP
    ...     run_import(store, "isic", Path("diagnosis_paths.txt"))
"""

from __future__ import annotations

from pathlib import Path

from dermkg.errors import InputError
from dermkg.inputs import require_file
from kg.importers.types import ImportReport, Vocabulary
from kg.store.base import GraphStore

__all__ = ["FORMATS", "ImportReport", "Vocabulary", "parse_vocabulary", "run_import", "import_cases"]

FORMATS = ("isic", "obo", "skinr1", "csv", "json")


def parse_vocabulary(fmt: str, path: Path, *, root: str | None = None) -> Vocabulary:
    """Parse a vocabulary file without touching any store (pure; used by tests and previews)."""
    if fmt == "isic":
        from kg.importers.isic import parse_isic

        return parse_isic(path)
    if fmt == "obo":
        from kg.importers.obo import parse_obo

        return parse_obo(path, root=root)
    if fmt == "skinr1":
        from kg.importers.skinr1 import parse_skinr1

        return parse_skinr1(path)
    if fmt in {"csv", "json", "tabular"}:
        from kg.importers.tabular import parse_tabular

        return parse_tabular(path)
    raise InputError(f"unknown import format {fmt!r}; use one of {', '.join(FORMATS)}")


def run_import(
    store: GraphStore,
    fmt: str,
    path: str | Path,
    *,
    root: str | None = None,
    as_proposed: bool = False,
    user: str = "system",
) -> ImportReport:
    """Import the vocabulary at ``path`` (``root`` cuts an OBO ontology to one subtree)."""
    path = require_file(path, f"{fmt} vocabulary file")
    if root and fmt != "obo":
        raise InputError("--root only applies to --format obo")
    if fmt == "graph-json":
        raise InputError("a graph export is restored, not imported: use kg.export.restore_graph_json")
    from kg.importers._apply import apply_vocabulary

    vocab = parse_vocabulary(fmt, path, root=root)
    if not vocab.terms:  # an empty or truncated file is a mistake, never a source with 0 terms
        raise InputError(f"no terms found: an empty or truncated {fmt} file", location=str(path))
    return apply_vocabulary(store, vocab, path, as_proposed=as_proposed, user=user)


def import_cases(store: GraphStore, fmt: str, path: str | Path, *, user: str = "system") -> ImportReport:
    """Labelled images as cases (``derm7pt`` or ``csv``); see :mod:`kg.importers.cases`."""
    from kg.importers.cases import import_cases as _import_cases

    return _import_cases(store, fmt, path, user=user)
