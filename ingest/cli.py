"""``dermkg ingest PDF...`` (issue 4)."""

from __future__ import annotations


def ingest() -> None:
    """Parse textbook PDFs into proposed assertions with evidence."""
    raise NotImplementedError("dermkg ingest is being built (issue 4)")
