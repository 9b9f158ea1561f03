"""Evidence quotes with the PDF page they come from, rendered by PyMuPDF with the quote highlighted."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from kg.models import Evidence, Source
from kg.store.base import GraphStore
from studio.components.safe import md

log = logging.getLogger(__name__)

HIGHLIGHT_FILL = (1.0, 0.85, 0.0)
HIGHLIGHT_STROKE = (0.9, 0.35, 0.0)
CROP_CONTEXT = 24.0  # PDF points around the highlight in the crop (about two lines)
CROP_ZOOM = 2.0  # rendered at 2 px per point, drawn at CROP_SCALE: sharp on high-density screens too
CROP_SCALE = 1.5
MIN_CROP_WIDTH = 300.0  # PDF points: a crop narrower than a text column loses the sentence


def render_page_png(
    pdf_path: str,
    page: int,
    bbox: tuple[float, float, float, float] | None,
    quote: str = "",
    zoom: float = 1.3,
    crop: float | None = None,
) -> bytes:
    """PNG of 1-based ``page`` with ``bbox`` (PDF points) highlighted; without a box, the quote's
    first words are searched on the page so the curator still sees where it is. With ``crop`` (PDF
    points of context), only the band of the page around the highlight is rendered, at ``zoom``:
    legible beside the decision without the whole page (the whole page when nothing is found)."""
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
        clip = None
        if crop is not None and rects:
            # the highlight plus ``crop`` points of context around it, at least a text column wide
            box = pymupdf.Rect(rects[0])
            for rect in rects[1:]:
                box |= rect
            grow = max(crop, (MIN_CROP_WIDTH - box.width) / 2)
            clip = pymupdf.Rect(box.x0 - grow, box.y0 - crop, box.x1 + grow, box.y1 + crop) & pg.rect
        matrix = pymupdf.Matrix(zoom, zoom)
        return pg.get_pixmap(matrix=matrix, clip=clip, alpha=False).tobytes("png")


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_page(
    pdf_path: str, mtime: float, page: int, bbox: tuple[float, float, float, float] | None, quote: str
) -> bytes:
    return render_page_png(pdf_path, page, bbox, quote)


@st.cache_data(max_entries=256, show_spinner=False)
def _cached_crop(
    pdf_path: str, mtime: float, page: int, bbox: tuple[float, float, float, float] | None, quote: str
) -> bytes:
    return render_page_png(pdf_path, page, bbox, quote, zoom=CROP_ZOOM, crop=CROP_CONTEXT)


def _pdf_path(source: Source | None) -> Path | None:
    if source is None or not source.path:
        return None
    path = Path(source.path)
    return path if path.suffix.lower() == ".pdf" and path.is_file() else None


def _printed_label(pdf_path: str, page: int) -> str | None:
    """The page number printed on the page (its PDF label, else a lone number in the header or
    footer), which books cite and which often differs from the PDF index."""
    import pymupdf

    with pymupdf.open(pdf_path) as doc:
        if not 1 <= page <= doc.page_count:
            return None
        pg = doc[page - 1]
        label = pg.get_label() if hasattr(pg, "get_label") else ""
        if label:
            return str(label)
        height = pg.rect.height
        for _x0, y0, _x1, y1, text, *_ in pg.get_text("blocks"):
            if y1 < 0.12 * height or y0 > 0.85 * height:
                for line in str(text).splitlines():
                    word = line.strip()
                    if word.isdigit() and len(word) <= 4:
                        return word
    return None


@st.cache_data(max_entries=1024, show_spinner=False)
def printed_page(pdf_path: str, mtime: float, page: int) -> str | None:
    try:
        return _printed_label(pdf_path, page)
    except Exception:  # a damaged PDF: the PDF index is still shown
        return None


def page_words(pdf: Path | None, page: int | None) -> str:
    """ "PDF page 61 (printed 60)": both numbers, so a curator finds the quote in the paper book."""
    if page is None:
        return ""
    printed = printed_page(str(pdf), pdf.stat().st_mtime, page) if pdf is not None else None
    return f"PDF page {page}" + (f" (printed {printed})" if printed and printed != str(page) else "")


KIND_WORDS = {
    "ddx": "differential list",
    "taxonomy": "classification",
    "caption": "figure caption",
    "rationale": "explanation",
    "definition": "definition",
    "other": "text",
}


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
        title = source.title if source else "an unknown source"
        pdf = _pdf_path(source)
        where = ", ".join(x for x in (title, page_words(pdf, ev.page)) if x)
        context = f" — under “{ev.context}”" if ev.context else ""
        st.markdown("> " + md(ev.quote))
        ocr = f" · read by OCR, confidence {ev.ocr_confidence:.2f}" if ev.ocr_confidence is not None else ""
        st.caption(md(f"{where}{context} · {KIND_WORDS.get(ev.kind, ev.kind)}{ocr}"))
        if not render_pages or ev.page is None:
            continue
        if pdf is None:
            st.caption(md(f"Page image unavailable: the PDF of {title} is not at its recorded place."))
            continue
        png = _rendered(_cached_page, pdf, ev, f"Cannot render page {ev.page} of {title}.")
        if png is None:
            continue
        st.image(png, caption=md(f"{title} — {page_words(pdf, ev.page)} (quote highlighted)"), width=760)


@st.cache_data(ttl=60, max_entries=256, show_spinner=False)
def _source(_store: GraphStore, url: str, sha256: str) -> Source | None:
    return _store.get_source(sha256)  # a minute at most out of date: titles and paths rarely change


def evidence_place(store: GraphStore, ev: Evidence) -> tuple[str, Path | None]:
    """("BAD handbook (3rd ed.), PDF page 63 (printed 62)", the PDF path when it is on disk)."""
    source = _source(store, store.url, ev.source_sha256)
    title = source.title if source else "an unknown source"
    pdf = _pdf_path(source)
    return ", ".join(x for x in (title, page_words(pdf, ev.page)) if x), pdf


def show_evidence_quote(store: GraphStore, ev: Evidence, *, more: int = 0) -> None:
    """The quote and where it is (source, PDF and printed page)."""
    where, _ = evidence_place(store, ev)
    st.markdown("> " + md(ev.quote))
    st.caption(md(where + (f" · {more} more quote(s) below" if more else "")))


def show_evidence_crop(store: GraphStore, ev: Evidence) -> None:
    """A legible crop of the quote's page around the highlighted box, for the one-screen review,
    drawn at a fixed 1.5 px per PDF point; the whole page is one key away (:func:`show_full_page`)."""
    _, pdf = evidence_place(store, ev)
    if ev.page is None or pdf is None:
        st.caption("No page image for this quote.")
        return
    png = _rendered(_cached_crop, pdf, ev, f"Cannot render page {ev.page}.")
    if png is None:
        return
    with st.container(key="evidence_crop"):
        st.image(png, width=int(_png_width(png) * CROP_SCALE / CROP_ZOOM))


def _rendered(render: Callable[..., bytes], pdf: Path, ev: Evidence, failure: str) -> bytes | None:
    """``render``'s image of the quote's page, or ``failure`` as a warning: a damaged PDF must not take
    the queue down."""
    try:
        return render(str(pdf), pdf.stat().st_mtime, ev.page, ev.bbox, ev.quote)
    except Exception:
        log.warning("cannot render %s page %s", pdf, ev.page, exc_info=True)
        st.warning(md(failure))
        return None


def _png_width(png: bytes) -> int:
    return int.from_bytes(png[16:20], "big")  # the IHDR width field of every PNG


def show_full_page(store: GraphStore, ev: Evidence) -> None:
    """The whole rendered page with the quote highlighted (inside the "open page" dialog)."""
    where, pdf = evidence_place(store, ev)
    st.caption(md(where))
    if ev.page is None or pdf is None:
        st.caption("No page image for this quote.")
        return
    png = _cached_page(str(pdf), pdf.stat().st_mtime, ev.page, ev.bbox, ev.quote)
    st.image(png, width="stretch")
