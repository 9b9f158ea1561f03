"""``dermkg studio`` (issue 5)."""

from __future__ import annotations


def studio() -> None:
    """Start the Streamlit curation studio on the configured store."""
    raise NotImplementedError("dermkg studio is being built (issue 5)")
