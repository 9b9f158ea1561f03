"""Tesseract's hOCR read into what a text layer gives: lines with boxes, type sizes and weights,
words with boxes and confidences, and the regions Tesseract took for pictures."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from ingest.lazy_import import LazyModule
from ingest.pdf_loader import TYPOGRAPHY
from ingest.scan_pixels import mark_bold, stroke_width
from ingest.scan_tables import Word
from ingest.types import Line

if TYPE_CHECKING:
    import numpy as np
else:  # imported on first use: only scanned pages need it
    np = LazyModule("numpy")

_SIZE_PER_XSIZE = 1.06  # hOCR x_size (ascender to descender, points) per point of type size
_SPLIT_GAP = 2.5  # a gap between two words this many line heights wide parts a side head from its text


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
    grey: np.ndarray | None = None,
    *,
    origin: tuple[float, float] = (0.0, 0.0),
    not_photos: list[tuple[int, ...]] | tuple[()] = (),
    keep_captions: bool = False,
) -> list[Line]:
    """Lines of one page from Tesseract's hOCR; ``scale`` turns pixels into points, ``origin`` (points)
    places a cropped region on the page; ``grey`` (the image OCR read) lets bold words be told by
    their strokes; ``not_photos``: regions Tesseract called pictures that hold text. A line with a
    wide gap between two words is two lines, as a text layer has them: a side head ("Description")
    and the text beside it. ``keep_captions``: the caption paragraphs under Tesseract's pictures are
    kept (the page's photos are paired with them, :mod:`ingest.scan_figures`), else dropped."""
    parser = _Hocr()
    parser.feed(hocr)
    out: list[Line] = []
    strokes: list[list[float]] = []
    photos = [
        box
        for t in parser.photos
        if (m := _BBOX.search(t)) and (box := tuple(int(v) for v in m.groups())) not in not_photos
    ]
    captions = set() if keep_captions else _caption_pars(parser, photos)
    for (title, words), par in zip(parser.lines, parser.pars, strict=True):
        m, xs = _BBOX.search(title), _XSIZE.search(title)
        if m is None or par in captions:
            continue
        y0, y1 = int(m.group(2)), int(m.group(4))
        size = float(xs.group(1)) * scale * _SIZE_PER_XSIZE if xs else (y1 - y0) * scale
        for part in _parts(words, y1 - y0):
            line, weights = _line(part, number, scale, origin, (y0, y1), round(size, 1), grey)
            if line is not None:
                out.append(line)
                strokes.append(weights)
    return mark_bold(out, strokes)


def _parts(words: list[tuple[str, str]], height: int) -> list[list[tuple[str, str, tuple[int, ...]]]]:
    """The line's words (text, title, box) split where the gap between two words is wider than
    ``_SPLIT_GAP`` line heights."""
    parts: list[list[tuple[str, str, tuple[int, ...]]]] = []
    last = None
    for text, title in words:
        text = html.unescape(text)
        m = _BBOX.search(title)
        if not text.strip() or m is None:
            continue
        box = tuple(int(v) for v in m.groups())
        if last is None or box[0] - last > _SPLIT_GAP * height:
            parts.append([])
        parts[-1].append((text, title, box))
        last = box[2]
    return parts


def _line(
    part: list[tuple[str, str, tuple[int, ...]]],
    number: int,
    scale: float,
    origin: tuple[float, float],
    rows: tuple[int, int],
    size: float,
    grey: np.ndarray | None,
) -> tuple[Line | None, list[float]]:
    """One Line from a run of hOCR words, and each of its words' stroke widths."""
    text = _BULLET_MISREAD.sub("• ", " ".join(w for w, _, _ in part).translate(TYPOGRAPHY))
    confs: list[float] = []
    weights: list[float] = []
    for w, t, box in part:
        c = _WCONF.search(t)
        weight = stroke_width(grey, box) if grey is not None else 0.0
        for _ in w.translate(TYPOGRAPHY).split():  # one value per word of ``text``
            confs.append(round(int(c.group(1)) / 100, 2) if c else 0.0)
            weights.append(weight)
    if not text.strip():
        return None, []
    x0, x1 = part[0][2][0], max(box[2] for _, _, box in part)
    line = Line(
        page=number,
        text=text,
        bbox=(
            round(origin[0] + x0 * scale, 2),
            round(origin[1] + rows[0] * scale, 2),
            round(origin[0] + x1 * scale, 2),
            round(origin[1] + rows[1] * scale, 2),
        ),
        size=size,
        ocr_conf=tuple(confs) if len(confs) == len(text.split()) else None,
    )
    return line, weights if len(weights) == len(text.split()) else []


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
