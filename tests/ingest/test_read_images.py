"""Placed images are keyed exactly as PyMuPDF's own (slow) ``get_image_info(xrefs=True)`` keys them,
while reading each stored image's compressed bytes instead of decoding and hashing its pixels."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ingest.pdf_loader import _placed_images, open_pdf, read_images


def _pymupdf_placements(page: Any) -> list[tuple[tuple[float, ...], int, int, int]]:
    return [(tuple(i["bbox"]), i["xref"], i["width"], i["height"]) for i in page.get_image_info(xrefs=True)]


def _fast_placements(page: Any) -> list[tuple[tuple[float, ...], int, int, int]] | None:
    infos = _placed_images(page)
    if infos is None:
        return None
    return [(tuple(i["bbox"]), i["xref"], i["width"], i["height"]) for i in infos]


def test_bad_handbook_images_match_pymupdf_on_every_page(bad_pdf: Path) -> None:
    fast_pages = 0
    with open_pdf(bad_pdf) as slow_doc, open_pdf(bad_pdf) as fast_doc:
        for slow, fast in zip(slow_doc, fast_doc, strict=True):
            placements = _fast_placements(fast)
            if placements is not None:
                fast_pages += 1
                assert placements == _pymupdf_placements(slow), f"page {slow.number + 1}"
    # pages 1 and 79 draw logos that no xref of the page's image list holds: only they go the slow way
    assert fast_pages == 77


def _book_with_repeats_and_inline_image(path: Path) -> Path:
    import pymupdf

    from tests.ingest.synthetic_book import _photo

    doc = pymupdf.open()
    page = doc.new_page()
    photo, other = _photo(1), _photo(2)
    page.insert_image(pymupdf.Rect(50, 50, 150, 125), stream=photo)
    page.insert_image(pymupdf.Rect(200, 50, 300, 125), stream=other)
    page.insert_image(pymupdf.Rect(50, 200, 150, 275), stream=photo)  # the same photo placed again
    second = doc.new_page()
    second.insert_image(pymupdf.Rect(50, 50, 150, 125), stream=photo)
    # a 2x2 grey inline image (BI ... ID ... EI): no xref, so keyed by the MD5 of its pixels
    contents = second.get_contents()[-1]
    inline = b"\nq 100 0 0 100 300 300 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x00\xff\xff\x00 EI Q\n"
    doc.update_stream(contents, doc.xref_stream(contents) + inline)
    doc.save(path)
    return path


@pytest.fixture
def repeats_pdf(tmp_path: Path) -> Path:
    return _book_with_repeats_and_inline_image(tmp_path / "repeats.pdf")


def test_repeated_photos_share_one_key_and_inline_images_get_a_pixel_key(repeats_pdf: Path) -> None:
    with open_pdf(repeats_pdf) as doc:
        first, second = read_images(doc[0]), read_images(doc[1])
        assert _fast_placements(doc[0]) == _pymupdf_placements(doc[0])  # no inline image: fast way
        assert _fast_placements(doc[1]) is None  # the inline image sends the page the slow way
        expected_second = _pymupdf_placements(doc[1])
    assert [img.digest for img in first][0] == first[2].digest != first[1].digest
    assert all(img.digest.startswith("xref-") for img in first)
    assert second[0].digest == first[0].digest  # the same stored photo on another page
    assert second[1].xref == 0 and len(second[1].digest) == 32  # MD5 hex of the inline pixels
    assert [(img.xref, img.width, img.height) for img in second] == [
        (xref, w, h) for _, xref, w, h in expected_second
    ]


def test_one_extraction_reads_the_same_lines_and_images_as_two(bad_pdf: Path, repeats_pdf: Path) -> None:
    """read_page shares one text page for lines and placements: the lines are those of a text-only
    extraction, the images (boxes, keys, sizes) those of an extraction for images alone, on every
    handbook page and on a page with an inline image (the slow, decoding way)."""
    from ingest.pdf_loader import read_lines, read_page

    for pdf in (bad_pdf, repeats_pdf):
        with open_pdf(pdf) as shared_doc, open_pdf(pdf) as apart_doc:
            for shared, apart in zip(shared_doc, apart_doc, strict=True):
                lines, images = read_page(shared)
                assert lines == read_lines(apart), f"{pdf.name} page {shared.number + 1}"
                assert images == read_images(apart), f"{pdf.name} page {shared.number + 1}"
