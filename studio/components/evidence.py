"""Evidence quotes with the PDF page they come from, rendered by PyMuPDF with the quote highlighted."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from kg.models import Evidence, Source
from kg.store.base import GraphStore

HIGHLIGHT_FILL = (1.0, 0.85, 0.0)
HIGHLIGHT_STROKE = (0.9, 0.35, 0.0)


def render_page_png(
    pdf_path: str,
    page: int,
    bbox: tuple[float, float, float, float] | None,
    quote: str = "",
    zoom: float = 1.3,
) -> bytes:
    """PNG of 1-based ``page`` with ``bbox`` (PDF points) highlighted; without a box, the quote's
    first words are searched on the page so the curator still sees where it is."""
    import pymupdf

    with pymupdf.open(pdf_path) as doc:
        if not 1 <= page <= doc.page_count:
            raise ValueError(f"{Path(pdf_path).name} has {doc.page_count} pages, evidence cites page {page}")
        pg = doc[page - 1]
        rects = [pymupdf.Rect(bbox)] if bbox else []
        if not rects and quote.strip():
            rects = pg.search_for(" ".join(quote.split()[:8]))[:4]
        for rect in rects:
            pg.draw_rect(
                rect + (-2, -2, 2, 2),
                color=HIGHLIGHT_STROKE,
                fill=HIGHLIGHT_FILL,
                fill_opacity=0.3,
                width=1.5,
                overlay=True,
            )
        return pg.get_pixmap(matrix=pymupdf.Matrix(zoom, zoom), alpha=False).tobytes("png")


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_page(
    pdf_path: str, mtime: float, page: int, bbox: tuple[float, float, float, float] | None, quote: str
) -> bytes:
    return render_page_png(pdf_path, page, bbox, quote)


def _pdf_path(source: Source | None) -> Path | None:
    if source is None or not source.path:
        return None
    path = Path(source.path)
    return path if path.suffix.lower() == ".pdf" and path.is_file() else None


def show_evidence(store: GraphStore, evidence: list[Evidence], *, render_pages: bool = True) -> None:
    """Every quote with its source and page; page images for PDF evidence (cached per page + box)."""
    if not evidence:
        st.caption("No evidence recorded (curated or imported by hand).")
        return
    sources: dict[str, Source | None] = {}
    for ev in evidence:
        if ev.source_sha256 not in sources:
            sources[ev.source_sha256] = store.get_source(ev.source_sha256)
        source = sources[ev.source_sha256]
        title = source.title if source else ev.source_sha256[:12]
        where = f"{title}, p. {ev.page}" if ev.page else title
        context = f" — under *{ev.context}*" if ev.context else ""
        st.markdown(f"> {ev.quote}\n\n<small>{where}{context} · {ev.kind}</small>", unsafe_allow_html=True)
        pdf = _pdf_path(source)
        if not render_pages or ev.page is None:
            continue
        if pdf is None:
            st.caption(f"Page image unavailable: the source PDF of {title!r} is not at its recorded path.")
            continue
        try:
            png = _cached_page(str(pdf), pdf.stat().st_mtime, ev.page, ev.bbox, ev.quote)
        except Exception as exc:  # a damaged PDF must not take the queue down
            st.warning(f"Cannot render {pdf.name} p. {ev.page}: {exc}")
            continue
        st.image(png, caption=f"{pdf.name} — page {ev.page} (quote highlighted)", width=760)
