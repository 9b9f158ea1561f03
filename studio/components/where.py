"""Where a quote is, the way a reader cites it: the book's title (never its hash) and the printed page
beside the PDF page ("BAD handbook, p. 60 (PDF page 61)")."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from kg.models import Evidence, Source
from kg.store.base import GraphStore
from studio.components.safe import md


def page_text(page: int | None, label: str | None) -> str:
    """Both numbers when they differ: the printed one is what the book's index and readers use."""
    if page is None:
        return f"p. {label}" if label else ""
    if label and label != str(page):
        return f"p. {label} (PDF page {page})"
    return f"p. {page}"


def source_title(sources: Mapping[str, Source | None], sha: str) -> str:
    s = sources.get(sha)
    return s.title if s is not None else "an unknown source"


def evidence_place(store: GraphStore, ev: Evidence, cache: dict[str, Source | None] | None = None) -> str:
    """ "BAD handbook (3rd ed.), p. 60 (PDF page 61)"; the printed label from the evidence, else the
    PDF's own label (read once per page)."""
    cache = {} if cache is None else cache
    if ev.source_sha256 not in cache:
        cache[ev.source_sha256] = store.get_source(ev.source_sha256)
    label = ev.page_label
    source = cache[ev.source_sha256]
    if label is None and ev.page is not None and source is not None and source.path:
        try:
            from studio.components.evidence import _pdf_path, printed_page

            pdf = _pdf_path(source)
            if pdf is not None:
                label = printed_page(str(pdf), pdf.stat().st_mtime, ev.page)
        except Exception:  # the PDF moved or is damaged: the PDF index is still shown
            label = None
    return ", ".join(x for x in (source_title(cache, ev.source_sha256), page_text(ev.page, label)) if x)


def show_quotes(store: GraphStore, evidence: list[Evidence], *, limit: int = 3) -> None:
    """The quotes with title and pages, no page images (a list view stays short)."""
    if not evidence:
        st.caption("No evidence recorded.")
        return
    cache: dict[str, Source | None] = {}
    for ev in evidence[:limit]:
        st.markdown("> " + md(ev.quote))
        context = f" — under “{ev.context}”" if ev.context else ""
        st.caption(md(evidence_place(store, ev, cache) + context))
    if len(evidence) > limit:
        st.caption(f"… and {len(evidence) - limit} more quotes.")
