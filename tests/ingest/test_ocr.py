"""A scanned page (an image, no text layer) is read through Tesseract and extracted like any other."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pdf_loader import open_pdf
from ingest.rules_extractor import RulesExtractor

pytestmark = pytest.mark.ocr  # runs the tesseract binary


def _scanned_book(path: Path) -> Path:
    """Typeset a page, photograph it (render to pixels) and keep only the picture."""
    import pymupdf

    src = pymupdf.open()
    page = src.new_page(width=595, height=842)
    page.insert_text((72, 100), "Scabies", fontname="hebo", fontsize=18)
    page.insert_text((72, 140), "Clinical features", fontname="hebo", fontsize=13)
    page.insert_text((72, 170), "Burrows are seen between the fingers.", fontname="tiro", fontsize=13)
    page.insert_text((72, 210), "Differential diagnosis", fontname="hebo", fontsize=13)
    page.insert_text((72, 240), "Scabies may be confused with atopic eczema.", fontname="tiro", fontsize=13)
    pix = page.get_pixmap(dpi=200)
    scan = pymupdf.open()
    out = scan.new_page(width=595, height=842)
    out.insert_image(out.rect, pixmap=pix)
    scan.save(path)
    return path


def test_scanned_page_is_ocred_and_extracted(tmp_path: Path) -> None:
    pdf = _scanned_book(tmp_path / "scan.pdf")
    with open_pdf(pdf) as doc:
        assert doc[0].get_text().strip() == ""  # no text layer at all
        ex = RulesExtractor().extract(doc, "0" * 64)
    assert ex.ocr_pages == 1
    assert ex.figures == []  # the scan itself is not a figure
    pairs = {(r.subject.lower(), r.object.lower()) for r in ex.relations if r.kind == "ddx"}
    assert ("scabies", "atopic eczema") in pairs
    assert any(r.evidence.page == 1 and "Burrows" in r.evidence.quote for r in ex.rationales)
