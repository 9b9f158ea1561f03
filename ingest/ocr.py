"""Pages without a text layer (scans) read through PyMuPDF's Tesseract OCR (Debian ``tesseract-ocr``)."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from functools import lru_cache
from typing import Any

from dermkg.errors import InputError
from ingest.pdf_loader import read_lines
from ingest.types import Line

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 20


def needs_ocr(page: Any, lines: list[Line]) -> bool:
    """No usable text but an image covering most of the page: a scanned page."""
    if sum(len(ln.text) for ln in lines) >= MIN_TEXT_CHARS:
        return False
    area = page.rect.width * page.rect.height
    for info in page.get_image_info():
        x0, y0, x1, y1 = info["bbox"]
        if (x1 - x0) * (y1 - y0) >= 0.5 * area:
            return True
    return False


@lru_cache(maxsize=1)
def tessdata_dir() -> str | None:
    """Where Tesseract's language files are (TESSDATA_PREFIX wins), or None when it is not installed."""
    from dermkg.settings import path_settings

    if path_settings().tessdata_prefix:
        return str(path_settings().tessdata_prefix)
    exe = shutil.which("tesseract")
    if exe is None:
        return None
    out = subprocess.run([exe, "--list-langs"], capture_output=True, text=True, check=False)
    for line in (out.stdout + out.stderr).splitlines():
        if "available languages in" in line.lower():
            return line.split('"')[1] if '"' in line else line.rsplit(" ", 1)[-1].rstrip(":")
    for guess in ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata"):
        if os.path.isdir(guess):
            return guess
    return None


def ocr_lines(page: Any, *, language: str = "eng", dpi: int = 200) -> list[Line]:
    """Text lines recognised on ``page`` (same shape as :func:`ingest.pdf_loader.read_lines`)."""
    tessdata = tessdata_dir()
    if tessdata is None:
        raise InputError(
            "page has no text layer and Tesseract is not installed (apt install tesseract-ocr)",
            location=f"page {page.number + 1}",
        )
    log.info("page %d has no text layer: OCR with Tesseract (%s, %d dpi)", page.number + 1, language, dpi)
    textpage = page.get_textpage_ocr(language=language, dpi=dpi, full=True, tessdata=tessdata)
    return read_lines(page, textpage=textpage)


_MARGIN_SHARE = 0.07  # running heads and page numbers sit in the top and bottom 7% of a page


def tidy_ocr_lines(lines: list[Line], height: float) -> list[Line]:
    """OCR lines made comparable to a text layer's: short lines in the top and bottom margins (running
    heads, page numbers: a scan was never sampled for them) dropped."""
    kept = [
        ln
        for ln in lines
        if not (
            len(ln.text.split()) <= 8
            and (
                (ln.bbox[1] + ln.bbox[3]) / 2 < _MARGIN_SHARE * height
                or ln.bbox[1] > (1 - _MARGIN_SHARE) * height
            )
        )
    ]
    return kept
