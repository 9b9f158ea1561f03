"""What a scan's pixels tell beyond OCR: banners and side tabs on tinted bands, and bold words."""

from __future__ import annotations

from typing import Any

import numpy as np
import pymupdf
import pytest

from ingest.scan_pixels import clean_band, find_bands, mark_bold, page_pixels, stroke_width
from ingest.types import Line

DPI = 200
PX = DPI / 72


def furnished_page() -> Any:
    """A page with a chapter banner (black type on mid grey), a side tab (white type turned 90 degrees
    on dark grey, bleeding off the left edge), a table header row on light grey (no band), a noisy
    photo (no band) and body text with a bold side head."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.draw_rect(pymupdf.Rect(90, 80, 500, 104), color=None, fill=(0.6, 0.6, 0.6))
    page.insert_text((98, 98), "Blistering Disorders", fontname="hebo", fontsize=14)
    page.draw_rect(pymupdf.Rect(0, 0, 32, 842), color=None, fill=(0.35, 0.35, 0.35))
    page.insert_text((22, 600), "Blistering Disorders - Pemphigus", fontsize=12, color=(1, 1, 1), rotate=90)
    page.draw_rect(pymupdf.Rect(90, 140, 500, 158), color=None, fill=(0.9, 0.9, 0.9))
    page.insert_text((96, 153), "Pemphigus    Pemphigoid", fontname="hebo", fontsize=10)
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, size=(300, 400), dtype=np.uint8)
    photo = pymupdf.Pixmap(pymupdf.csGRAY, 400, 300, noise.tobytes(), False)
    page.insert_image(pymupdf.Rect(300, 500, 500, 650), pixmap=photo)
    page.insert_text((90, 200), "Description", fontname="hebo", fontsize=11)
    for i, text in enumerate(
        [
            "Pemphigus is a rare blistering disease of the skin and mucosa",
            "which presents with flaccid blisters and erosions in adults",
            "and may be confused with bullous pemphigoid in older patients",
        ]
    ):
        page.insert_text((200, 200 + 20 * i), text, fontname="helv", fontsize=11)
    return page


def _grey(page: Any) -> np.ndarray:
    return page_pixels(page.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY))


def test_banners_and_side_tabs_are_found_and_nothing_else() -> None:
    bands = find_bands(_grey(furnished_page()), DPI)
    boxes = sorted((tuple(round(v / PX) for v in b.box), b.wide) for b in bands)
    assert len(boxes) == 2, boxes  # not the light table header, not the noisy photo
    (tab, tab_wide), (banner, banner_wide) = boxes
    assert not tab_wide and tab[0] <= 2 and tab[2] == pytest.approx(32, abs=6) and tab[3] >= 800
    assert banner_wide and banner == pytest.approx((90, 80, 500, 104), abs=6)


@pytest.mark.parametrize(
    "fill, ink",
    [
        (0.6, (0, 0, 0)),  # black type on mid grey (a chapter banner)
        (0.3, (1, 1, 1)),  # white type on dark grey (a running banner)
    ],
)
def test_a_band_is_cleaned_to_black_type_on_white(fill: float, ink: tuple[int, int, int]) -> None:
    doc = pymupdf.open()
    page = doc.new_page(width=300, height=60)
    page.draw_rect(page.rect, color=None, fill=(fill, fill, fill))
    page.insert_text((20, 38), "Pigmentary Disorders", fontname="hebo", fontsize=16, color=ink)
    clean = clean_band(_grey(page))
    assert set(np.unique(clean)) == {0, 255}
    assert 0.03 < (clean == 0).mean() < 0.3  # the letters, not the fill, are black
    assert (clean[:10] == 255).all()  # the band's fill above the type is white


def test_bold_words_are_told_by_their_strokes() -> None:
    page = furnished_page()
    grey = _grey(page)
    words = page.get_text("words")
    lines: list[Line] = []
    strokes: list[list[float]] = []
    for y in sorted({round(w[3]) for w in words if 190 < w[3] < 250}):
        row = sorted((w for w in words if round(w[3]) == y), key=lambda w: w[0])
        for part in ([w for w in row if w[0] < 190], [w for w in row if w[0] >= 190]):
            if not part:
                continue
            box = (part[0][0], part[0][1], part[-1][2], part[-1][3])
            lines.append(Line(page=1, text=" ".join(w[4] for w in part), bbox=box, size=11))
            strokes.append([stroke_width(grey, tuple(round(v * PX) for v in w[:4])) for w in part])
    # too few body words to know the body's strokes: nothing is marked
    assert not any(ln.bold for ln in mark_bold([ln.model_copy() for ln in lines[:2]], strokes[:2]))
    marked = {ln.text: ln.bold for ln in mark_bold(lines, strokes)}
    assert marked.pop("Description") is True
    assert not any(marked.values()), marked
