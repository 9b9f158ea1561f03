"""Pages without a text layer (scans) read by the Tesseract command (Debian ``tesseract-ocr``).

The page is rendered to grey pixels and handed to ``tesseract … hocr``: its own page segmentation
keeps the columns of a two-column page apart (PyMuPDF's OCR text page ran lines of neighbouring
columns together and garbled words where their baselines met), and hOCR gives what a text layer
would: each line's box and type size (``x_size``), and each word's confidence (``x_wconf``), which
the evidence keeps. Tesseract reports no weight, so a line is bold when its ink is much denser than
the page's body lines.
"""

from __future__ import annotations

import html
import logging
import os
import re
import shutil
import subprocess
from functools import lru_cache
from html.parser import HTMLParser
from statistics import median
from typing import Any, NamedTuple

from dermkg.errors import InputError
from ingest.pdf_loader import TYPOGRAPHY
from ingest.scan_tables import Word, centre_in, page_pixels, scan_tables, word_key
from ingest.types import Line, TableGrid

log = logging.getLogger(__name__)

MIN_TEXT_CHARS = 20
OCR_DPI = 300
OCR_TIMEOUT_S = 120
_SIZE_PER_XSIZE = 1.06  # hOCR x_size (ascender to descender, points) per point of type size
_BOLD_INK = 1.3  # a line whose ink density is this many times the body's is set in bold


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
    """The page's text lines and ruled tables read from its pixels (tables from the rulings in the
    image, their cells filled with the OCR words; the lines inside a table leave the text flow)."""
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
    hocr = _tesseract(cmd, pix, where)
    scale = 72.0 / dpi
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
        found = hocr_lines(crop_hocr, page.number + 1, scale, crop, origin=(clip.x0, clip.y0))
        confs = [c for ln in found for c in ln.ocr_conf or ()]
        if len(confs) >= 3 and sum(confs) / len(confs) >= 0.6:
            text_regions.append(box)
            extra.extend(found)
            words.extend(hocr_words(crop_hocr, scale, origin=(clip.x0, clip.y0)))
    lines = hocr_lines(hocr, page.number + 1, scale, pix, not_photos=text_regions) + extra
    tables = scan_tables(page_pixels(pix), dpi, words, page.number + 1)
    if tables:
        lines = [ln for ln in lines if not any(centre_in(ln.bbox, t.bbox) for t in tables)]
    return OcrPage(lines, tables)


def hocr_words(hocr: str, scale: float, *, origin: tuple[float, float] = (0.0, 0.0)) -> list[Word]:
    """Every word of the hOCR with its box (points) and confidence (0-1)."""
    parser = _Hocr()
    parser.feed(hocr)
    out: list[Word] = []
    for _, words in parser.lines:
        for text, title in words:
            m, c = _BBOX.search(title), _WCONF.search(title)
            text = html.unescape(text).translate(TYPOGRAPHY).strip()
            if m is None or not text:
                continue
            x0, y0, x1, y1 = (origin[i % 2] + int(v) * scale for i, v in enumerate(m.groups()))
            out.append(Word(text, (x0, y0, x1, y1), int(c.group(1)) / 100 if c else 0.0))
    return out


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


def hocr_photos(hocr: str) -> list[tuple[int, ...]]:
    """Pixel boxes of the regions Tesseract took for pictures."""
    parser = _Hocr()
    parser.feed(hocr)
    return [tuple(int(v) for v in m.groups()) for t in parser.photos if (m := _BBOX.search(t))]


class _Hocr(HTMLParser):
    """hOCR lines as (line title, [(word, word title)])."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[str, list[tuple[str, str]]]] = []
        self.pars: list[int] = []  # the paragraph of each line
        self.photos: list[str] = []  # titles (boxes) of the regions Tesseract took for pictures
        self._par = 0
        self._word: list[str] | None = None
        self._title = ""
        self._depth = 0  # span nesting inside the current word

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        cls, title = a.get("class") or "", a.get("title") or ""
        if self._word is not None:
            self._depth += tag == "span"
        elif cls == "ocrx_word":
            self._word, self._title, self._depth = [], title, 0
        elif cls.startswith("ocr_") and "x_size" in title:  # ocr_line, ocr_header, ocr_caption ...
            self.lines.append((title, []))
            self.pars.append(self._par)
        elif cls == "ocr_par":
            self._par += 1
        elif cls == "ocr_photo":
            self.photos.append(title)

    def handle_endtag(self, tag: str) -> None:
        if self._word is None or tag != "span":
            return
        if self._depth:
            self._depth -= 1
            return
        text = "".join(self._word).strip()
        if text and self.lines:
            self.lines[-1][1].append((text, self._title))
        self._word = None

    def handle_data(self, data: str) -> None:
        if self._word is not None:
            self._word.append(data)


# A bullet glyph read as a letter or a mark ("e In general, ...", "« Itchy wheals"): a lone character
# opening a line before a capital is no word of English prose.
_BULLET_MISREAD = re.compile(r"^[eo«»*°©¢@■□▪·]\s(?=[A-Z(])")
_BBOX = re.compile(r"bbox (\d+) (\d+) (\d+) (\d+)")
_XSIZE = re.compile(r"x_size ([\d.]+)")
_WCONF = re.compile(r"x_wconf (\d+)")


def hocr_lines(
    hocr: str,
    number: int,
    scale: float,
    pix: Any = None,
    *,
    origin: tuple[float, float] = (0.0, 0.0),
    not_photos: list[tuple[int, ...]] | tuple[()] = (),
) -> list[Line]:
    """Lines of one page from Tesseract's hOCR; ``scale`` turns pixels into points, ``origin`` (points)
    places a cropped region on the page; ``pix`` (the grey image OCR read) lets bold lines be told by
    their ink; ``not_photos``: regions Tesseract called pictures that hold text."""
    parser = _Hocr()
    parser.feed(hocr)
    out: list[Line] = []
    inks: list[float] = []
    photos = [
        box
        for t in parser.photos
        if (m := _BBOX.search(t)) and (box := tuple(int(v) for v in m.groups())) not in not_photos
    ]
    captions = _caption_pars(parser, photos)
    for (title, words), par in zip(parser.lines, parser.pars, strict=True):
        words = [(html.unescape(w), t) for w, t in words if w.strip()]
        m, xs = _BBOX.search(title), _XSIZE.search(title)
        if not words or m is None or par in captions:
            continue
        x0, y0, x1, y1 = (int(v) for v in m.groups())
        text = _BULLET_MISREAD.sub("• ", " ".join(w for w, _ in words).translate(TYPOGRAPHY))
        confs = tuple(
            round(int(c.group(1)) / 100, 2) if (c := _WCONF.search(t)) else 0.0
            for w, t in words
            for _ in w.translate(TYPOGRAPHY).split()  # one confidence per word of ``text``
        )
        size = float(xs.group(1)) * scale * _SIZE_PER_XSIZE if xs else (y1 - y0) * scale
        out.append(
            Line(
                page=number,
                text=text,
                bbox=(
                    round(origin[0] + x0 * scale, 2),
                    round(origin[1] + y0 * scale, 2),
                    round(origin[0] + x1 * scale, 2),
                    round(origin[1] + y1 * scale, 2),
                ),
                size=round(size, 1),
                ocr_conf=confs if len(confs) == len(text.split()) else None,
            )
        )
        inks.append(_ink(pix, [_BBOX.search(t) for _, t in words]) if pix is not None else 0.0)
    return _mark_bold(out, inks)


def _caption_pars(parser: _Hocr, photos: list[tuple[int, ...]]) -> set[int]:
    """Paragraphs that start just under a picture and overlap it: its caption (and credit line),
    which a text layer's figure pairing keeps out of the text flow, as this does."""
    out: set[int] = set()
    seen: set[int] = set()
    for (title, _), par in zip(parser.lines, parser.pars, strict=True):
        if par in seen or (m := _BBOX.search(title)) is None:
            continue
        seen.add(par)
        x0, y0, x1, y1 = (int(v) for v in m.groups())
        gap = 2.5 * (y1 - y0)
        if any(0 <= y0 - p[3] <= gap and x0 < p[2] and x1 > p[0] for p in photos):
            out.add(par)
    return out


def _ink(pix: Any, boxes: list[re.Match[str] | None]) -> float:
    """Share of dark pixels inside the line's word boxes, per pixel of line height (stroke weight)."""
    dark = area = 0
    data, stride = pix.samples_mv, pix.stride
    for m in boxes:
        if m is None:
            continue
        x0, y0, x1, y1 = (int(v) for v in m.groups())
        for y in range(y0, min(y1, pix.height)):
            row = bytes(data[y * stride + x0 : y * stride + min(x1, pix.width)])
            dark += len(row) - len(row.translate(None, _DARK))
            area += len(row)
    return dark / area if area else 0.0


_DARK = bytes(range(128))  # grey levels counted as ink


def _mark_bold(lines: list[Line], inks: list[float]) -> list[Line]:
    body = [ink for ln, ink in zip(lines, inks, strict=True) if len(ln.text.split()) >= 5 and ink > 0]
    if len(body) < 3:
        return lines
    ref = median(body)
    for ln, ink in zip(lines, inks, strict=True):
        ln.bold = ink >= _BOLD_INK * ref
    return lines


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


_MARGIN_SHARE = 0.07  # running heads and page numbers sit in the top and bottom 7% of a page


def tidy_ocr_lines(lines: list[Line], height: float, body_size: float | None = None) -> list[Line]:
    """OCR lines made comparable to a text layer's: short lines in the top and bottom margins (running
    heads, page numbers: a scan was never sampled for them) dropped, and specks (a lone mark read
    from a photo's edge or a dust spot) too. With ``body_size`` (the book's body type, as the
    headings are judged against it) the page's measured sizes are scaled so its body text has it:
    a size read from pixels is only right up to a factor."""
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
    return kept
