"""What a scan's pixels say that OCR does not: banners on a tinted band, and bold type.

*Banners.* Chapter titles and running tabs are often set on a grey or dark band ("Inflammatory Skin
Conditions" in black on grey, a white side tab on dark grey). Tesseract binarises the page as a
whole, so such a band reads as nothing or as specks ("is}", "oa"), and the specks land between body
lines (a speck between "Stevens-Johnson" and "syndrome" broke a name). A band is a rectangle of
tinted, uniform blocks; a wide one (a banner) is cleaned (its text black, its tint white) and read
again on its own; a tall narrow one (a side tab, its text turned 90 degrees) is page furniture,
like a running head, and what OCR read inside it is dropped.

*Bold.* Tesseract reports no weight. A bold word's strokes are thicker: the mean width of its
horizontal ink runs, measured per word, sets bold words apart (measured on the handbook at 200 dpi:
bold 4.7-5.2 px, body 3.2-3.6 px), where the share of ink in the box overlapped for short words.
"""

from __future__ import annotations

from statistics import median
from typing import TYPE_CHECKING, Any, NamedTuple

from ingest.lazy_import import LazyModule
from ingest.types import Line

if TYPE_CHECKING:
    import numpy as np
else:  # imported on first use: only scanned pages need it
    np = LazyModule("numpy")

_INK = 128  # grey level under which a pixel is ink
_BLOCK_PT = 4.0  # side of the blocks a band is found in
_TINT = (40, 215)  # a band's fill: darker than paper (a table header's light grey is 230) ...
_UNIFORM = 0.5  # ... and flat: this share of a block's pixels within _SPREAD of its median
_SPREAD = 16
_TEXT_CONTRAST = 48  # a band's text differs from its fill by this many grey levels
_MIN_BAND_PT = (60.0, 10.0)  # a band is at least this long and this thick
_BOLD_STROKE = 1.2  # strokes this many times the body's are bold (body words' 99th percentile: 1.21)
_HEAVIER = 1.1  # ... or every word this much heavier and the line's mean bold (body words: 95th pct 1.12)
_BOLD_SHARE = 0.8  # a line is bold when this share of its letters is (as for a text layer's spans)


class Band(NamedTuple):
    """A tinted band (pixels); ``wide`` when longer across than down (a banner), else a side tab."""

    box: tuple[int, int, int, int]
    wide: bool


def page_pixels(pix: Any) -> np.ndarray:
    """The grey pixmap as a 2-D array (rows, columns)."""
    arr = np.frombuffer(pix.samples, dtype=np.uint8)
    return arr.reshape(pix.height, pix.stride)[:, : pix.width * pix.n : pix.n]


def find_bands(grey: np.ndarray, dpi: int) -> list[Band]:
    """Tinted, uniformly filled rectangles of the page: banners and side tabs."""
    b = max(4, round(_BLOCK_PT * dpi / 72))
    h, w = grey.shape[0] // b, grey.shape[1] // b
    if h == 0 or w == 0:
        return []
    blocks = grey[: h * b, : w * b].reshape(h, b, w, b).swapaxes(1, 2).reshape(h, w, b * b)
    med = np.median(blocks, axis=2)
    flat = (np.abs(blocks.astype(np.int16) - med[..., None]) <= _SPREAD).mean(axis=2) >= _UNIFORM
    tinted = flat & (med >= _TINT[0]) & (med <= _TINT[1])
    out: list[Band] = []
    seen = np.zeros_like(tinted)
    min_long, min_thick = (v * dpi / 72 / b for v in _MIN_BAND_PT)
    for y, x in zip(*np.nonzero(tinted), strict=True):
        if seen[y, x]:
            continue
        y0, x0, y1, x1, count = _component(tinted, seen, int(y), int(x))
        bh, bw = y1 - y0 + 1, x1 - x0 + 1
        long_, thick = max(bh, bw), min(bh, bw)
        # a band fills its box (text makes holes, tolerated); a photo's flat patches do not
        if long_ >= min_long and thick >= min_thick and count >= 0.6 * bh * bw and long_ >= 3 * thick:
            out.append(Band((x0 * b, y0 * b, (x1 + 1) * b, (y1 + 1) * b), wide=bw > bh))
    return out


def _component(mask: np.ndarray, seen: np.ndarray, y: int, x: int) -> tuple[int, int, int, int, int]:
    """Bounding box and size of the 4-connected blocks of ``mask`` around (y, x); text inside a band
    breaks its blocks' flatness, so holes of one block are bridged."""
    stack = [(y, x)]
    seen[y, x] = True
    y0 = y1 = y
    x0 = x1 = x
    count = 0
    h, w = mask.shape
    while stack:
        cy, cx = stack.pop()
        count += 1
        y0, y1, x0, x1 = min(y0, cy), max(y1, cy), min(x0, cx), max(x1, cx)
        for dy, dx in ((1, 0), (-1, 0), (0, 1), (0, -1), (2, 0), (-2, 0), (0, 2), (0, -2)):
            ny, nx = cy + dy, cx + dx
            if 0 <= ny < h and 0 <= nx < w and mask[ny, nx] and not seen[ny, nx]:
                seen[ny, nx] = True
                stack.append((ny, nx))
    return y0, x0, y1, x1, count


def clean_band(crop: np.ndarray) -> np.ndarray:
    """A banner's pixels as black text on white: the text is the pixels far from the fill on one side
    (dark type on grey, or white type on dark), the side most of the band's middle shows; paper at
    the band's edges is not text."""
    fill = float(np.median(crop))
    h, w = crop.shape
    middle = crop[h // 5 : h - h // 5, w // 5 : w - w // 5].astype(np.int16)
    darker = int((middle < fill - _TEXT_CONTRAST).sum()) >= int((middle > fill + _TEXT_CONTRAST).sum())
    grey = crop.astype(np.int16)
    text = grey < fill - _TEXT_CONTRAST if darker else grey > fill + _TEXT_CONTRAST
    # a row or column that is nearly all "text" is paper beyond the band's edge, not type
    text[text.mean(axis=1) >= 0.9] = False
    text[:, text.mean(axis=0) >= 0.9] = False
    return np.where(text, 0, 255).astype(np.uint8)


def in_band(box: tuple[float, ...], bands: list[tuple[float, float, float, float]]) -> bool:
    """Whether the middle of ``box`` (points) lies in one of ``bands`` (points)."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return any(b[0] <= cx <= b[2] and b[1] <= cy <= b[3] for b in bands)


def stroke_width(grey: np.ndarray, box: tuple[int, int, int, int]) -> float:
    """Mean width (pixels) of the horizontal ink runs inside ``box``: a bold word's is larger."""
    x0, y0, x1, y1 = box
    ink = grey[max(0, y0) : max(0, y1), max(0, x0) : max(0, x1)] < _INK
    if ink.size == 0:
        return 0.0
    pad = np.zeros((ink.shape[0], 1), dtype=np.int8)
    edges = np.diff(np.hstack([pad, ink.astype(np.int8), pad]), axis=1)
    runs = np.nonzero(edges == -1)[1] - np.nonzero(edges == 1)[1]
    runs = runs[runs <= max(2, (y1 - y0) // 2)]  # an underline or a rule is no stroke
    return float(runs.mean()) if runs.size else 0.0


def mark_bold(lines: list[Line], strokes: list[list[float]]) -> list[Line]:
    """Bold lines: most of their letters in words whose strokes are thicker than the page body's
    (``strokes``: each line's words' stroke widths, one per word of its text; empty when unknown)."""
    body = [s for ln, ws in zip(lines, strokes, strict=True) if len(ln.text.split()) >= 5 for s in ws if s]
    if len(body) < 15:
        return lines
    ref = median(body)
    for ln, ws in zip(lines, strokes, strict=True):
        words = ln.text.split()
        if not ws or len(ws) != len(words):
            continue
        letters = sum(len(w) for w in words)
        bold = sum(len(w) for w, s in zip(words, ws, strict=True) if s >= _BOLD_STROKE * ref)
        # round letters show less of their weight ("eczema" in bold: 1.18): a line set wholly in a
        # heavier type is bold on its letters' mean
        mean = sum(len(w) * s for w, s in zip(words, ws, strict=True)) / max(1, letters)
        heavy = min(ws) >= _HEAVIER * ref and mean >= _BOLD_STROKE * ref
        ln.bold = bold >= _BOLD_SHARE * letters or heavy
    return lines
