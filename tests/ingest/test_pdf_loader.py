"""What the loader reads before any extraction: the Source's title."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pdf_loader import document_title, open_pdf


def _pdf(tmp_path: Path, *, meta_title: str, heading: str | None) -> Path:
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 60), "Published by a society", fontsize=9)
    if heading:
        page.insert_text((72, 200), heading, fontsize=36)
    doc.set_metadata({"title": meta_title})
    path = tmp_path / "book.pdf"
    doc.save(path)
    return path


@pytest.mark.parametrize(
    ("meta_title", "heading", "expected"),
    [
        (
            "Clinical Dermatology, 6th edition",
            "Anything",
            "Clinical Dermatology, 6th edition",
        ),  # real metadata
        (" Introduction", "Dermatology Handbook", "Dermatology Handbook"),  # Word's first-paragraph title
        ("Microsoft Word - draft3.docx", "Skin Signs", "Skin Signs"),  # Word's file-name title
        ("", None, "Published by a society"),  # no metadata: the largest text on page 1
    ],
)
def test_title_skips_placeholder_metadata(
    tmp_path: Path, meta_title: str, heading: str | None, expected: str
) -> None:
    path = _pdf(tmp_path, meta_title=meta_title, heading=heading)
    doc = open_pdf(path)
    try:
        assert document_title(doc, path) == expected
    finally:
        doc.close()


def test_bad_handbook_title_is_not_its_word_placeholder(shared_data: Path) -> None:
    path = shared_data / "bad-handbook" / "bad-derm-handbook-3rd-ed.pdf"
    doc = open_pdf(path)
    try:
        assert document_title(doc, path) == "Dermatology"  # metadata says " Introduction"
    finally:
        doc.close()
