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
