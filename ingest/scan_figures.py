"""The photos on a scanned page: regions of its one page-sized image that are picture, not paper or type.

A scan (archive.org's books: one picture per page, often under an OCR text layer) holds its plates
and text figures inside the page image, which the figure reader skips as page-sized. Here the page is
rendered at a low resolution and cut into blocks of ``_BLOCK_PT`` points: a block of printed type is
mostly paper (its median grey is paper's), a block of a photograph, a halftone or a wash drawing is
mostly tone. The tone blocks, joined where they touch, are the photo regions; what touches the page's
edge (a scanner's shadow, the book's fore-edge) or is thinner than an icon is not a photo. Each
region becomes an :class:`~ingest.types.ImageRef` with no xref: its pixels are rendered from its box
when it is stored as a case, and its key is a hash of those pixels.
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

from ingest.lazy_import import LazyModule
from ingest.scan_pixels import _component, page_pixels
from ingest.types import ImageRef, Line, PageLayout

if TYPE_CHECKING:
    import numpy as np
else:  # imported on first use: only scanned pages need it (a text-layer ingest never loads numpy)
    np = LazyModule("numpy")

_DPI = 36  # enough to tell a photo from type; a 432 x 648 pt page is 216 x 324 pixels
_BLOCK_PT = 6.0
_PAPER_MARGIN = 40  # a block whose median is this much darker than the paper is tone
_FILL = 0.55  # a region fills this share of its box (a photo is a filled rectangle)
_LINE_ART = 0.3  # share of a block's pixels that are ink in an engraving's hatching
_LINE_FILL = 0.25  # ... whose white gaps leave a quarter of its box's blocks inked
_MIN_SIDE_PT = 40.0
_SCAN_SHARE = 0.5  # an image over this share of the page is the page's scan


def is_scan(layout: PageLayout) -> tuple[int, int] | None:
    """(width, height) in pixels of the image covering most of the page (its scan), else None."""
    area = layout.width * layout.height
    for img in layout.images:
        x0, y0, x1, y1 = img.bbox
        if (x1 - x0) * (y1 - y0) >= _SCAN_SHARE * area:
            return img.width, img.height
    return None


def scan_photos(page: Any, scan_size: tuple[int, int], lines: list[Line]) -> list[ImageRef]:
    """The photo regions of a scanned page, in points; ``scan_size`` is the scan's pixel size (each
    region's ``width``/``height`` are its pixels in the scan, as for an embedded image). Type read on
    the page (``lines``: its text layer or OCR) is no photo: at this resolution a caption's small
    letters blur into tone and would join the photo above them."""
    import pymupdf

    pix = page.get_pixmap(dpi=_DPI, colorspace=pymupdf.csGRAY, alpha=False)
    grey = page_pixels(pix)
    scale = 72.0 / _DPI
    b = max(2, round(_BLOCK_PT / scale))
    h, w = grey.shape[0] // b, grey.shape[1] // b
    if h < 3 or w < 3:
        return []
    blocks = grey[: h * b, : w * b].reshape(h, b, w, b).swapaxes(1, 2).reshape(h, w, b * b)
    paper = float(np.percentile(grey, 90))
    dark = blocks < paper - _PAPER_MARGIN
    tone = np.median(blocks, axis=2) < paper - _PAPER_MARGIN
    step = b * scale
    for ln in lines:  # a block mostly inside a text line is type
        x0, y0, x1, y1 = ln.bbox
        cy0, cy1 = round(y0 / step), round(y1 / step)
        cx0, cx1 = round(x0 / step), round(x1 / step)
        if cy1 > cy0 and cx1 > cx0:
            tone[cy0:cy1, cx0:cx1] = False
    found = _regions(tone, (h, w), b, scale, grey, paper, refine=True)
    # An engraving or a line drawing is black hatching on white paper: mostly paper, but a third of
    # its blocks' pixels are ink, and what OCR reads in it is no text ("YY7", "ULM;UE,0WY"). Type also
    # leaves ink between the lines a text layer's boxes cover, so a region of ink counts only when
    # the lines inside it are mostly junk.
    ink = dark.mean(axis=2) >= _LINE_ART
    for ln in lines:
        if _words_share(ln.text) >= 0.5 and len(ln.text.split()) >= 3:  # not "LL mon oy" in hatching
            x0, y0, x1, y1 = ln.bbox
            cy0, cy1 = round(y0 / step), round(y1 / step)
            cx0, cx1 = round(x0 / step), round(x1 / step)
            ink[max(0, cy0 - 1) : cy1 + 1, max(0, cx0) : cx1] = False
    for box in _regions(ink, (h, w), b, scale, grey, paper, refine=False, fill=_LINE_FILL):
        inside = [ln for ln in lines if _centre_in(ln.bbox, box)]
        chars = sum(len(ln.text) for ln in inside)
        real = sum(len(ln.text) * _words_share(ln.text) for ln in inside)
        if real >= 0.5 * chars and inside:
            continue
        # a drawing's densest hatching may read as tone: the drawing's whole box wins
        within = [f for f in found if _centre_in(f, box)]
        if not any(_overlaps(box, f) for f in found if f not in within):
            found = [f for f in found if f not in within] + [box]
    sx = scan_size[0] / max(1.0, page.rect.width)
    sy = scan_size[1] / max(1.0, page.rect.height)
    out: list[ImageRef] = []
    for box in found:
        crop = grey[
            round(box[1] / scale) : round(box[3] / scale), round(box[0] / scale) : round(box[2] / scale)
        ]
        out.append(
            ImageRef(
                page=page.number + 1,
                bbox=tuple(round(v, 2) for v in box),  # type: ignore[arg-type]
                xref=0,
                digest="scan-" + hashlib.md5(crop.tobytes()).hexdigest(),
                width=round((box[2] - box[0]) * sx),
                height=round((box[3] - box[1]) * sy),
            )
        )
    return out


def _regions(
    mask: np.ndarray,
    shape: tuple[int, int],
    b: int,
    scale: float,
    grey: np.ndarray,
    paper: float,
    *,
    refine: bool,
    fill: float = _FILL,
) -> list[tuple[float, float, float, float]]:
    """Boxes (points) of the filled, large enough regions of ``mask`` (blocks) clear of the page edge."""
    h, w = shape
    seen = np.zeros_like(mask)
    out: list[tuple[float, float, float, float]] = []
    for y, x in zip(*np.nonzero(mask), strict=True):
        if seen[y, x]:
            continue
        y0, x0, y1, x1, count = (_component if refine else _touching)(mask, seen, int(y), int(x))
        bh, bw = y1 - y0 + 1, x1 - x0 + 1
        if y0 == 0 or x0 == 0 or y1 == h - 1 or x1 == w - 1:
            continue  # the scanner's shadow or the book's edge
        pixels = (x0 * b, y0 * b, (x1 + 1) * b, (y1 + 1) * b)
        box = tuple(v * scale for v in (_refine(grey, paper, pixels, b) if refine else pixels))
        if min(box[2] - box[0], box[3] - box[1]) < _MIN_SIDE_PT or count < fill * bh * bw:
            continue
        out.append(box)  # type: ignore[arg-type]
    return out


def _touching(mask: np.ndarray, seen: np.ndarray, y: int, x: int) -> tuple[int, int, int, int, int]:
    """Like :func:`ingest.scan_pixels._component` without bridging gaps: ink between type's lines
    would otherwise join a drawing to the paragraph above it."""
    stack, count = [(y, x)], 0
    seen[y, x] = True
    y0 = y1 = y
    x0 = x1 = x
    h, w = mask.shape
    while stack:
        cy, cx = stack.pop()
        count += 1
        y0, y1, x0, x1 = min(y0, cy), max(y1, cy), min(x0, cx), max(x1, cx)
        for ny, nx in ((cy + 1, cx), (cy - 1, cx), (cy, cx + 1), (cy, cx - 1)):
            if 0 <= ny < h and 0 <= nx < w and mask[ny, nx] and not seen[ny, nx]:
                seen[ny, nx] = True
                stack.append((ny, nx))
    return y0, x0, y1, x1, count


_WORD = re.compile(r"[A-Za-z][a-z]{2,}|[A-Z]{2,}|[a-z]{1,2}|\d{1,4}")


def _words_share(text: str) -> float:
    """The share of a line's letters in tokens shaped like words ("phil:" yes; "MMUpFs", "0WY" no)."""
    tokens = [t.strip(".,;:!?()'\"—–-") for t in text.split()]
    total = sum(len(t) for t in tokens)
    return sum(len(t) for t in tokens if _WORD.fullmatch(t)) / total if total else 0.0


def _centre_in(box: tuple[float, ...], region: tuple[float, ...]) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return region[0] <= cx <= region[2] and region[1] <= cy <= region[3]


def _overlaps(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return min(a[2], b[2]) > max(a[0], b[0]) and min(a[3], b[3]) > max(a[1], b[1])


def outside_photos(lines: list[Line], photos: list[ImageRef]) -> list[Line]:
    """The lines outside the photos cut from a scan: what OCR reads in a picture is no text."""
    boxes = [p.bbox for p in photos if p.digest.startswith("scan-")]
    return [ln for ln in lines if not any(_centre_in(ln.bbox, box) for box in boxes)]


def _refine(grey: np.ndarray, paper: float, box: tuple[int, int, int, int], pad: int) -> tuple[int, ...]:
    """A region's box to the pixel: the rows and columns (within a block of the blocks' box) that are
    mostly tone."""
    x0, y0 = max(0, box[0] - pad), max(0, box[1] - pad)
    x1, y1 = min(grey.shape[1], box[2] + pad), min(grey.shape[0], box[3] + pad)
    mask = grey[y0:y1, x0:x1] < paper - _PAPER_MARGIN
    rows = np.nonzero(mask.mean(axis=1) >= 0.5)[0]
    cols = np.nonzero(mask.mean(axis=0) >= 0.5)[0]
    if rows.size == 0 or cols.size == 0:
        return box
    return (x0 + int(cols[0]), y0 + int(rows[0]), x0 + int(cols[-1]) + 1, y0 + int(rows[-1]) + 1)
