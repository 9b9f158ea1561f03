"""Ruled tables found in a scan's pixels: a table drawn with PyMuPDF, rendered to grey pixels, detected
and filled with words (taken from the drawn page's own text here, so no OCR is needed)."""

from __future__ import annotations

from typing import Any

import pymupdf
import pytest

from ingest.ddx_tables import table_members, table_relations
from ingest.scan_pixels import page_pixels
from ingest.scan_tables import (
    Word,
    erase_rulings,
    find_rulings,
    scan_tables,
    stamp_table_confidence,
    table_grids,
    table_keys,
)
from ingest.types import Extraction

DPI = 200
XS = (60.0, 150.0, 300.0, 450.0)  # column rulings of the drawn table (points)
YS = (100.0, 130.0, 175.0, 220.0, 265.0)  # row rulings
CELLS = [
    ["", "Eczema", "Scabies", "Urticaria"][: len(XS)],
    ["History", "Atopy in the family", "Contact itches too", "Food, drugs"],
    ["Sites", "Flexures", "Finger webs", "Anywhere"],
    ["Lesion", "Dry patches", "Burrows", "Wheals"],
]


def _page(*, verticals: bool = True, skew: float = 0.0) -> Any:
    """A page with a fully ruled 4 x 3 table (or one with horizontal rules only), a heading above it
    underlined (a lone rule is no table), a dark photo-like block and a paragraph below."""
    doc = pymupdf.open()
    page = doc.new_page(width=595, height=842)
    page.insert_text((60, 70), "Itchy eruption", fontname="hebo", fontsize=12)
    page.draw_line((60, 73), (140, 73), width=0.8)  # the heading's underline
    for y in YS:
        page.draw_line((XS[0], y), (XS[-1] + 120, y + skew), width=0.6)
    for x in (*XS, XS[-1] + 120) if verticals else ():
        page.draw_line((x, YS[0]), (x, YS[-1]), width=0.6)
    lefts = (*XS, XS[-1] + 120)
    for r, row in enumerate(CELLS):
        for c, text in enumerate(row):
            if text:
                page.insert_text((lefts[c] + 4, YS[r] + 15), text, fontname="helv", fontsize=10)
    page.draw_rect(pymupdf.Rect(60, 320, 300, 480), color=(0.1, 0.1, 0.1), fill=(0.2, 0.2, 0.2))
    page.insert_text((60, 520), "Scabies burrows are seen between the fingers.", fontname="tiro", fontsize=11)
    return page


def _grey(page: Any) -> Any:
    return page_pixels(page.get_pixmap(dpi=DPI, colorspace=pymupdf.csGRAY))


def _words(page: Any) -> list[Word]:
    return [Word(w[4], tuple(w[:4]), 0.9) for w in page.get_text("words")]


def test_the_cell_grid_of_a_ruled_table_is_found_in_its_pixels() -> None:
    (grid,) = table_grids(_grey(_page()), DPI)
    assert len(grid) == len(YS) - 1 and len(grid[0]) == len(XS)
    # each cell within a pixel or two (0.72 pt at 200 dpi) of the drawn rulings
    lefts = [cell[0] for cell in grid[0]]
    tops = [row[0][1] for row in grid]
    assert lefts == pytest.approx(list(XS), abs=1.5)
    assert tops == pytest.approx(list(YS[:-1]), abs=1.5)
    assert grid[-1][-1][2:] == pytest.approx((XS[-1] + 120, YS[-1]), abs=1.5)


def test_rulings_are_thin_long_runs_not_letters_photos_or_underlines() -> None:
    hs, vs = find_rulings(_grey(_page()), DPI)
    scale = 72 / DPI
    long_h = sorted(round(h.pos * scale) for h in hs if (h.end - h.start) * scale > 300)
    assert long_h == pytest.approx(list(YS), abs=1)  # the table's five rules, not the dark block
    assert all(not (320 <= h.pos * scale <= 480) for h in hs)  # a dark block is no ruling
    assert len([v for v in vs if (v.end - v.start) * scale > 150]) == len(XS) + 1


def test_the_table_comes_with_its_cells_words_and_their_confidence() -> None:
    page = _page()
    (table,) = scan_tables(_grey(page), DPI, _words(page), page=3)
    assert table.page == 3
    assert table.rows[0] == CELLS[0]
    assert table.rows[1] == CELLS[1]
    assert table_members(table) == ["Eczema", "Scabies", "Urticaria"]
    pairs = table_relations(table, "Itchy eruption", "0" * 64)
    assert {frozenset((r.subject, r.object)) for r in pairs} == {
        frozenset(p) for p in [("Eczema", "Scabies"), ("Eczema", "Urticaria"), ("Scabies", "Urticaria")]
    }
    # the table's evidence gets the confidence of the words it quotes (a text layer's table: none)
    chunk = Extraction(source_sha256="0" * 64, pages=1, relations=pairs)
    assert stamp_table_confidence(chunk, table_keys([table.model_copy(update={"ocr_words": None})]))
    assert all(r.evidence.ocr_confidence is None for r in pairs)
    words = {**table.ocr_words, "eczema": 0.5}
    stamp_table_confidence(chunk, table_keys([table.model_copy(update={"ocr_words": words})]))
    assert all(r.evidence.ocr_confidence == pytest.approx((0.5 + 0.9 + 0.9) / 3, abs=0.01) for r in pairs)
    # the paragraph below the table and the heading above it are not in any cell
    assert not any("burrows are seen" in c or "Itchy" in c for row in table.rows for c in row)


@pytest.mark.parametrize(
    "page, tables",
    [
        (_page(skew=1.0), 1),  # a scan a little askew (1 pt over 510 pt) still has its rules
        (_page(verticals=False), 0),  # horizontal rules only: left to the text flow, as a text layer does
    ],
)
def test_skew_and_horizontal_only_rules(page: Any, tables: int) -> None:
    assert len(scan_tables(_grey(page), DPI, _words(page), page=1)) == tables


def test_rulings_are_erased_before_ocr_and_letters_keep_their_tails() -> None:
    grey = _grey(_page())
    hs, vs = find_rulings(grey, DPI)
    erased = erase_rulings(grey, DPI, hs, vs)
    again_h, again_v = find_rulings(erased, DPI)
    assert len(hs) >= 6 and len(vs) >= 5
    assert not [r for r in again_h + again_v if (r.end - r.start) / DPI * 72 > 100]  # no rule is left
    # the heading's underline goes, but where the tails of "y" and "p" cross it, they stay
    line = erased[
        round(72.2 * DPI / 72) : round(73.8 * DPI / 72), round(60 * DPI / 72) : round(140 * DPI / 72)
    ]
    inked = (line < 170).any(axis=0).mean()
    assert 0 < inked < 0.2, inked
    # ... and a cell's words are untouched
    cell = (
        slice(round(135 * DPI / 72), round(150 * DPI / 72)),
        slice(round(152 * DPI / 72), round(290 * DPI / 72)),
    )
    assert (erased[cell] < 170).sum() == (grey[cell] < 170).sum() > 100
