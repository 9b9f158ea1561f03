"""Evidence pages: the real PDF page is rendered and the quote's box is highlighted."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageStat

from studio.components.evidence import HIGHLIGHT_FILL, render_page_png
from tests.studio.conftest import PDF, QUOTE, QUOTE_PAGE, quote_bbox

ZOOM = 1.3


def mean_colour(png: bytes, box: tuple[float, float, float, float]) -> tuple[float, float, float]:
    img = Image.open(io.BytesIO(png)).convert("RGB")
    x0, y0, x1, y1 = (int(v * ZOOM) for v in box)
    return tuple(ImageStat.Stat(img.crop((x0, y0, x1, y1))).mean)


def test_the_quote_box_is_tinted_and_the_rest_of_the_page_is_not(shared_data, artifacts_dir):
    pdf = shared_data / PDF
    box = quote_bbox(pdf, QUOTE_PAGE, QUOTE)
    plain = render_page_png(str(pdf), QUOTE_PAGE, None, "", zoom=ZOOM)
    marked = render_page_png(str(pdf), QUOTE_PAGE, box, QUOTE, zoom=ZOOM)
    (artifacts_dir / "studio-evidence-highlight.png").write_bytes(marked)
    r, g, b = mean_colour(marked, box)
    pr, pg, pb = mean_colour(plain, box)
    assert HIGHLIGHT_FILL[2] == 0.0  # a yellow fill: blue drops under it, red stays
    assert b < pb - 20 and r >= pr - 5
    corner = (10, 10, 60, 60)
    assert mean_colour(marked, corner) == pytest.approx(mean_colour(plain, corner), abs=1)


def test_without_a_box_the_quote_is_found_on_the_page(shared_data):
    pdf = shared_data / PDF
    plain = render_page_png(str(pdf), QUOTE_PAGE, None, "", zoom=ZOOM)
    found = render_page_png(str(pdf), QUOTE_PAGE, None, QUOTE, zoom=ZOOM)
    assert found != plain


def test_a_page_outside_the_pdf_is_named(shared_data):
    with pytest.raises(ValueError, match="has 79 pages, evidence cites page 500"):
        render_page_png(str(shared_data / PDF), 500, None)


def _one_ocr_quote(url: str) -> None:
    from kg.models import Evidence
    from kg.store import make_store
    from studio.components.evidence import show_evidence

    with make_store(url).open() as store:
        quote = "Scabies may be confused with atopic eczema."
        scanned = Evidence(source_sha256="a" * 64, quote=quote, kind="ddx", ocr_confidence=0.87)
        typeset = Evidence(source_sha256="a" * 64, quote=quote + " (text layer)", kind="ddx")
        show_evidence(store, [scanned, typeset], render_pages=False)


def test_a_quote_read_by_ocr_says_so_with_its_confidence(tmp_path):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_function(_one_ocr_quote, args=(f"sqlite:///{tmp_path / 'kg.db'}",)).run()
    captions = [c.value for c in at.caption]
    assert sum("read by OCR, confidence 0.87" in c for c in captions) == 1, captions
