"""Broken PDFs for the error-handling tests, each built the way it happens in the wild."""

from __future__ import annotations

from pathlib import Path


def not_a_pdf(path: Path) -> Path:
    path.write_text("<html>this is a web page saved with a .pdf name</html>")
    return path


def truncated(source: Path, path: Path) -> Path:
    path.write_bytes(source.read_bytes()[:900])  # a download cut short: header, no xref, no pages
    return path


def encrypted(path: Path) -> Path:
    import pymupdf

    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret")
    doc.save(path, encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="user")
    return path


def zero_pages(path: Path) -> Path:
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    path.write_bytes(body)
    return path


def enormous_page(path: Path) -> Path:
    import pymupdf

    doc = pymupdf.open()
    doc.new_page(width=14_400, height=14_400)
    doc[0].set_mediabox(pymupdf.Rect(0, 0, 14_400, 14_400))
    doc.save(path)
    # PyMuPDF caps new pages at the spec limit; write a bigger MediaBox directly.
    data = path.read_bytes().replace(b"14400 14400", b"90000 90000")
    path.write_bytes(data)
    return path
