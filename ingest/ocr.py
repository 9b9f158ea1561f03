"""Pages without a text layer (scans) read by the Tesseract command (Debian ``tesseract-ocr``).

The page is rendered to grey pixels and handed to ``tesseract … hocr``: its own page segmentation
keeps the columns of a two-column page apart (PyMuPDF's OCR text page ran lines of neighbouring
columns together and garbled words where their baselines met), and hOCR gives what a text layer
would: each line's box and type size (``x_size``), and each word's confidence (``x_wconf``), which
the evidence keeps. Tesseract reports no weight, so a line is bold when its ink is much denser than
the page's body lines.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from functools import lru_cache
from statistics import median
from typing import Any, NamedTuple

from dermkg.errors import InputError
from ingest.hocr import hocr_lines, hocr_photos, hocr_words
from ingest.scan_pixels import clean_band, find_bands, in_band, page_pixels
from ingest.scan_tables import Word, centre_in, erase_rulings, find_rulings, scan_tables, word_key
from ingest.types import Line, TableGrid

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 20
OCR_DPI = 300
OCR_TIMEOUT_S = 120


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


def scan_dpi(page: Any) -> int:
    """The resolution of the page's scan (its largest image), clamped to 150-400 dpi; OCR reads the
    pixels at that resolution, as resampling them blurs strokes (measured: a 200 dpi scan read at
    300 dpi lost 'ab igne' and 'seborrhœic' that 200 dpi kept); ``OCR_DPI`` when unknown."""
    best = (0.0, OCR_DPI)
    for info in page.get_image_info():
        x0, y0, x1, y1 = info["bbox"]
        if x1 - x0 > 1 and info.get("width"):
            best = max(best, ((x1 - x0) * (y1 - y0), round(info["width"] * 72 / (x1 - x0))))
    return min(400, max(150, best[1]))


class OcrPage(NamedTuple):
    """What OCR read on a page: its text lines (out of its tables) and its ruled tables."""

    lines: list[Line]
    tables: list[TableGrid]


def ocr_lines(page: Any, *, language: str = "eng", dpi: int | None = None) -> list[Line]:
    """Text lines recognised on ``page`` (same shape as :func:`ingest.pdf_loader.read_lines`, plus
    each word's OCR confidence in ``Line.ocr_conf``); ``dpi`` defaults to the scan's own."""
    return ocr_page(page, language=language, dpi=dpi).lines


def ocr_page(page: Any, *, language: str = "eng", dpi: int | None = None) -> OcrPage:
    """The page's text lines and ruled tables read from its pixels: tables from the rulings in the
    image (their cells filled with the OCR words, their lines out of the text flow), banners on a
    tinted band read again once cleaned, side tabs dropped (:mod:`ingest.scan_pixels`)."""
    import pymupdf

    dpi = dpi or scan_dpi(page)
    tessdata = tessdata_dir()
    exe = shutil.which("tesseract")
    where = f"page {page.number + 1}"
    if tessdata is None or exe is None:
        raise InputError(
            "page has no text layer and Tesseract is not installed (apt install tesseract-ocr)", where
        )
    log.info("page %d has no text layer: OCR with Tesseract (%s, %d dpi)", page.number + 1, language, dpi)
    cmd = [exe, "--tessdata-dir", tessdata, "--dpi", str(dpi), "-l", language]
    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    grey = page_pixels(pix)
    rulings = find_rulings(grey, dpi)
    read = erase_rulings(grey, dpi, *rulings)
    hocr = _tesseract(cmd, _pixmap(read), where)
    scale, number = 72.0 / dpi, page.number + 1
    words = hocr_words(hocr, scale)
    # Tesseract's layout analysis sometimes takes a block of text (a table of contents, a boxed list)
    # for a picture and reads nothing in it: each such region is read again on its own, and what
    # reads as confident text (>= 3 words, mean confidence >= 0.6) is text, not a picture.
    text_regions: list[tuple[int, ...]] = []
    extra: list[Line] = []
    for box in hocr_photos(hocr):
        clip = pymupdf.Rect(*(v * scale for v in box))
        crop = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False, clip=clip)
        crop_hocr = _tesseract(cmd, crop, where)
        found = hocr_lines(crop_hocr, number, scale, page_pixels(crop), origin=(clip.x0, clip.y0))
        confs = [c for ln in found for c in ln.ocr_conf or ()]
        if len(confs) >= 3 and sum(confs) / len(confs) >= 0.6:
            text_regions.append(box)
            extra.extend(found)
            words.extend(hocr_words(crop_hocr, scale, origin=(clip.x0, clip.y0)))
    lines = hocr_lines(hocr, number, scale, read, not_photos=text_regions, keep_captions=True) + extra
    bands = find_bands(grey, dpi)
    if bands:
        boxes = [tuple(v * scale for v in band.box) for band in bands]
        lines = [ln for ln in lines if not in_band(ln.bbox, boxes)]
        words = [w for w in words if not in_band(w.bbox, boxes)]
        for band in bands:
            if band.wide:
                band_lines, band_words = _read_band(cmd, grey, band.box, scale, number, where)
                lines.extend(band_lines)
                words.extend(band_words)
    tables = scan_tables(grey, dpi, words, number, rulings)
    if tables:
        lines = [ln for ln in lines if not any(centre_in(ln.bbox, t.bbox) for t in tables)]
    return OcrPage(lines, tables)


def _pixmap(grey: Any) -> Any:
    """A grey image array as a PyMuPDF pixmap (what :func:`_tesseract` reads)."""
    import pymupdf

    return pymupdf.Pixmap(pymupdf.csGRAY, grey.shape[1], grey.shape[0], grey.tobytes(), False)


def _read_band(
    cmd: list[str], grey: Any, box: tuple[int, int, int, int], scale: float, number: int, where: str
) -> tuple[list[Line], list[Word]]:
    """A banner read on its own, cleaned to black text on white."""

    x0, y0, x1, y1 = box
    clean = clean_band(grey[y0:y1, x0:x1])
    hocr = _tesseract(cmd, _pixmap(clean), where)
    origin = (x0 * scale, y0 * scale)
    return hocr_lines(hocr, number, scale, clean, origin=origin), hocr_words(hocr, scale, origin=origin)


def _tesseract(cmd: list[str], pix: Any, where: str) -> str:
    """hOCR of the grey image ``pix`` (the command line up to the image and config)."""
    try:
        done = subprocess.run(
            [cmd[0], "stdin", "stdout", *cmd[1:], "hocr"],
            input=pix.tobytes("png"),
            capture_output=True,
            timeout=OCR_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise InputError(f"Tesseract took over {OCR_TIMEOUT_S} s on this page", where) from None
    if done.returncode != 0:
        err = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"Tesseract failed: {err[-1] if err else done.returncode}", where)
    return done.stdout.decode("utf-8", "replace")


def ocr_confidence(lines: list[Line], quote: str) -> float | None:
    """Mean OCR confidence of the quote's words (found in order in ``lines``); None for text-layer
    lines. Words the quote does not share with the lines count with their lines' mean."""
    pairs = [
        (word_key(w), c)
        for ln in lines
        if ln.ocr_conf is not None
        for w, c in zip(ln.text.split(), ln.ocr_conf, strict=False)
    ]
    if not pairs:
        return None
    found: list[float] = []
    i = 0
    for word in map(word_key, quote.split()):
        if not word:
            continue  # a mark ("|", "–") is no word OCR read
        j = next((j for j in range(i, len(pairs)) if pairs[j][0] == word), None)
        if j is not None:
            found.append(pairs[j][1])
            i = j + 1
    confs = found or [c for _, c in pairs]
    return round(sum(confs) / len(confs), 2)


def _noise(line: Line) -> bool:
    """A short line read with low confidence: marks of a side tab, a photo's texture, a dust spot."""
    conf = line.ocr_conf
    return bool(conf) and len(conf or ()) <= 2 and sum(conf or ()) / len(conf or (1,)) < 0.5


_SAME_SIZE = 0.15  # OCR sizes this close to the body's are the body's (headings run >= 1.25x body)
_MARGIN_SHARE = 0.07  # running heads and page numbers sit in the top and bottom 7% of a page


def tidy_ocr_lines(lines: list[Line], height: float, body_size: float | None = None) -> list[Line]:
    """OCR lines made comparable to a text layer's: short lines in the top and bottom margins (running
    heads, page numbers: a scan was never sampled for them) dropped, and specks (a lone mark read
    from a photo's edge or a dust spot) too. With ``body_size`` (the book's body type, as the
    headings are judged against it) the page's measured sizes are scaled so its body text has it:
    a size read from pixels is only right up to a factor. A size within ``_SAME_SIZE`` of the body's
    is the body's: a short line's size is read from few letters ("Types" read 12% large for its
    ascender and descenders) and would make a side head outrank its condition's heading."""
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
        and sum(c.isalnum() for c in ln.text) >= 2
        and not _noise(ln)
    ]
    body = [ln.size for ln in kept if len(ln.text.split()) >= 5]
    if body_size and len(body) >= 3:
        factor = body_size / median(body)
        for ln in kept:
            ln.size = round(ln.size * factor, 1)
            if abs(ln.size - body_size) <= _SAME_SIZE * body_size:
                ln.size = body_size
    return kept
