"""A scanned page (an image, no text layer) is read through Tesseract and extracted like any other."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.hocr import hocr_lines
from ingest.ocr import ocr_confidence
from ingest.pdf_loader import open_pdf
from ingest.pipeline import IngestPipeline
from ingest.rules_extractor import RulesExtractor
from ingest.types import Line
from kg.export import export_store, read_graph_json, write_export


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


@pytest.mark.ocr  # runs the tesseract binary
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
    # the OCR word confidence rides along in the evidence: the mean over the quote's words
    ddx = next(r for r in ex.relations if r.kind == "ddx")
    assert ddx.evidence.ocr_confidence is not None and 0.6 <= ddx.evidence.ocr_confidence <= 1.0


@pytest.mark.ocr
def test_ocr_confidence_is_stored_and_survives_export_and_restore(any_store, fresh_store, tmp_path) -> None:
    pdf = _scanned_book(tmp_path / "scan.pdf")
    (doc,) = IngestPipeline(any_store, data_dir=tmp_path).run([pdf]).documents
    assert doc.status == "ingested" and doc.ocr_pages == 1, doc.error
    stored = [ev for a in any_store.iter_assertions() for ev in a.evidence]
    assert stored and all(ev.ocr_confidence is not None for ev in stored)
    scabies = any_store.resolve_name("scabies")
    assert scabies is not None
    assert any(ev.kind == "rationale" and ev.ocr_confidence for ev in scabies.evidence)
    (path,) = write_export(export_store(any_store), tmp_path / "graph.json")
    target = fresh_store()
    target.restore(read_graph_json(path))
    assert export_store(target).model_dump(mode="json") == export_store(any_store).model_dump(mode="json")
    again = [ev.ocr_confidence for a in target.iter_assertions() for ev in a.evidence]
    assert again == [ev.ocr_confidence for ev in stored]


_HOCR = """<div class='ocr_page' title='bbox 0 0 1000 1000'>
<div class='ocr_carea'><p class='ocr_par'>
 <span class='ocr_line' title="bbox 100 100 600 130; x_size 30; x_descenders 6">
  <span class='ocrx_word' title='bbox 100 100 200 130; x_wconf 96'>Scabies</span>
  <span class='ocrx_word' title='bbox 210 100 300 130; x_wconf 40'>rnay</span>
  <span class='ocrx_word' title='bbox 310 100 600 130; x_wconf 90'>mimic &amp; itch</span>
 </span></p></div>
<div class='ocr_photo' title="bbox 100 200 600 500"></div>
<div class='ocr_carea'><p class='ocr_par'>
 <span class='ocr_caption' title="bbox 100 520 600 545; x_size 25">
  <span class='ocrx_word' title='bbox 100 520 600 545; x_wconf 91'>Fig.</span></span></p></div>
</div>"""


def test_hocr_lines_keep_boxes_sizes_and_word_confidences() -> None:
    (line,) = hocr_lines(_HOCR, 3, 72 / 300)  # the caption under the photo is not body text
    assert line.page == 3 and line.text == "Scabies rnay mimic & itch"
    assert line.bbox == (24.0, 24.0, 144.0, 31.2) and line.size == pytest.approx(7.6, abs=0.1)
    # one confidence a word of the text ('mimic & itch' was one hOCR word)
    assert line.ocr_conf == (0.96, 0.40, 0.90, 0.90, 0.90)


@pytest.mark.parametrize(
    "quote, expected",
    [
        ("Scabies rnay mimic", 0.75),  # the quote's own words: (0.96 + 0.40 + 0.90) / 3
        ("Scabies", 0.96),  # one word
        ("nothing shared", 0.75),  # no word found: the lines' mean
    ],
)
def test_ocr_confidence_is_the_mean_over_the_quotes_words(quote: str, expected: float) -> None:
    line = Line(page=1, text="Scabies rnay mimic", bbox=(0, 0, 1, 1), size=10, ocr_conf=(0.96, 0.40, 0.90))
    assert ocr_confidence([line], quote) == pytest.approx(expected, abs=0.01)
    assert ocr_confidence([line.model_copy(update={"ocr_conf": None})], quote) is None  # a text layer


_SIDE_HEAD_HOCR = """<div class='ocr_page' title='bbox 0 0 1000 1000'>
<div class='ocr_carea'><p class='ocr_par'>
 <span class='ocr_line' title="bbox 100 100 900 130; x_size 30">
  <span class='ocrx_word' title='bbox 100 100 300 130; x_wconf 95'>Description</span>
  <span class='ocrx_word' title='bbox 400 100 420 130; x_wconf 60'>e</span>
  <span class='ocrx_word' title='bbox 430 100 600 130; x_wconf 93'>Pemphigus</span>
  <span class='ocrx_word' title='bbox 610 100 900 130; x_wconf 94'>blisters</span>
 </span></p></div></div>"""


def test_a_wide_gap_parts_a_side_head_from_its_text() -> None:
    # a gap of 100 px on a 30 px line: two lines, as a text layer has them; the bullet read as "e"
    # opens the second, so it is a bullet again
    head, text = hocr_lines(_SIDE_HEAD_HOCR, 1, 1.0)
    assert (head.text, head.bbox) == ("Description", (100.0, 100.0, 300.0, 130.0))
    assert (text.text, text.bbox[0]) == ("• Pemphigus blisters", 400.0)
    assert text.ocr_conf == (0.60, 0.93, 0.94)


def _scanned_table_page(path: Path) -> Path:
    """A scanned page as the handbook sets one: a chapter banner on grey, a side tab, a ruled
    comparison table, a bold side head with its text beside it."""
    import pymupdf

    from tests.ingest.test_scan_pixels import furnished_page
    from tests.ingest.test_scan_tables import _page as table_page

    scan = pymupdf.open()
    for page in (table_page(), furnished_page()):
        pix = page.get_pixmap(dpi=200, colorspace=pymupdf.csGRAY)
        out = scan.new_page(width=page.rect.width, height=page.rect.height)
        out.insert_image(out.rect, pixmap=pix)
    scan.save(path)
    return path


@pytest.mark.ocr
def test_a_scans_tables_banners_tabs_and_side_heads(tmp_path: Path) -> None:
    from ingest.ocr import ocr_page

    pdf = _scanned_table_page(tmp_path / "scan.pdf")
    with open_pdf(pdf) as doc:
        table_scan, furnished = ocr_page(doc[0]), ocr_page(doc[1])
        ex = RulesExtractor().extract(doc, "0" * 64)
    (table,) = table_scan.tables
    assert table.rows[0] == ["", "Eczema", "Scabies", "Urticaria"]
    assert [r[0] for r in table.rows[1:]] == ["History", "Sites", "Lesion"]
    assert not any("Eczema" in ln.text for ln in table_scan.lines)  # cells leave the text flow
    texts = [ln.text for ln in furnished.lines]
    assert "Blistering Disorders" in texts  # the banner, black on grey, is read
    assert not [ln for ln in furnished.lines if ln.bbox[2] < 40]  # nothing from the side tab
    head = next(ln for ln in furnished.lines if ln.text == "Description")
    assert head.bold and not any(ln.bold for ln in furnished.lines if ln.text.startswith("Pemphigus is"))
    # the table's pairs reach the extraction, with the OCR confidence of the words they quote
    table_pairs = [r for r in ex.relations if r.kind == "ddx" and r.rule == "table"]
    assert {frozenset((r.subject, r.object)) for r in table_pairs} == {
        frozenset(p) for p in [("Eczema", "Scabies"), ("Eczema", "Urticaria"), ("Scabies", "Urticaria")]
    }
    assert all(0.6 <= (r.evidence.ocr_confidence or 0) <= 1.0 for r in table_pairs)
