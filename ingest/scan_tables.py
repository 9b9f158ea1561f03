"""Ruled tables found in a scan's pixels, handed on in the shape a text layer's tables have.

A scan has no drawings for :func:`ingest.layout.ruled_grid` to read, so the rulings are found in the
page image: thin runs of dark pixels, long enough not to be a letter's stroke (a photo or a dark
band is thick and is not a ruling). Rulings that touch form one table; each table's rulings become
the drawing records ``ruled_grid`` reads, and the OCR words are placed in its cells by their centre.
Tables with only horizontal rules are left to the text flow, as the text layer's table finder does.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from ingest.layout import ruled_grid
from ingest.lazy_import import LazyModule
from ingest.types import Extraction, TableGrid

if TYPE_CHECKING:
    import numpy as np
else:  # imported on first use: only scanned pages need it
    np = LazyModule("numpy")

_DARK = 170  # grey level under which a pixel is ink (a hairline rule is anti-aliased to 40-130)
_MIN_RULE_PT = 14.0  # shorter dark runs are letters' strokes
_MAX_THICK_PT = 2.5  # thicker dark runs are photos, bands or bold type, not rulings
_GAP_PX = 1  # a ruling broken by a one-pixel gap (scan noise) is still one ruling; wider gaps part letters
_FREE_RULE_PT = 24.0  # a rule outside a table this long is a rule (letters' runs measured up to 19 pt)
_FILLED = 0.6  # a row this much inked along a rule's span is part of the rule
_TOUCH_PT = 3.0  # rulings this close meet


_RULE_GLYPH = re.compile(r"^[|¦]+$")  # OCR reads a ruling as a bar


class Word(NamedTuple):
    """One OCR word on the page (points) with its confidence (0-1)."""

    text: str
    bbox: tuple[float, float, float, float]
    conf: float


class Rule(NamedTuple):
    """A ruling in pixels: its position across, where it starts and ends along, its thickness."""

    pos: float
    start: int
    end: int
    thick: int


def _runs(mask: np.ndarray, min_len: int, gap: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Runs of True along each row (row, start, end), runs split by at most ``gap`` joined."""
    pad = np.zeros((mask.shape[0], 1), dtype=np.int8)
    edges = np.diff(np.hstack([pad, mask.astype(np.int8), pad]), axis=1)
    rows, starts = np.nonzero(edges == 1)
    _, ends = np.nonzero(edges == -1)  # row-major order: each row's starts and ends alternate
    if rows.size == 0:
        return rows, starts, ends
    new = np.ones(rows.size, dtype=bool)
    new[1:] = (rows[1:] != rows[:-1]) | (starts[1:] - ends[:-1] > gap)
    first = np.nonzero(new)[0]
    r, s = rows[first], starts[first]
    e = np.maximum.reduceat(ends, first)
    keep = e - s >= min_len
    return r[keep], s[keep], e[keep]


def _rules(mask: np.ndarray, min_len: int, max_thick: int, gap: int) -> list[Rule]:
    """Thin rulings along the rows of ``mask``: long runs on consecutive rows that overlap are one
    ruling, kept when no thicker than ``max_thick`` rows."""
    rows, starts, ends = _runs(mask, min_len, gap)
    open_: list[list[int]] = []  # [first row, last row, start, end]
    done: list[list[int]] = []
    for r, s, e in zip(rows.tolist(), starts.tolist(), ends.tolist(), strict=True):
        still = []
        for seg in open_:
            (still if seg[1] >= r - 1 else done).append(seg)
        open_ = still
        for seg in open_:
            if seg[1] < r and min(e, seg[3]) - max(s, seg[2]) >= 0.5 * min(e - s, seg[3] - seg[2]):
                seg[1], seg[2], seg[3] = r, min(s, seg[2]), max(e, seg[3])
                break
        else:
            open_.append([r, r, s, e])
    done.extend(open_)
    return [Rule((a + b) / 2, s, e, b - a + 1) for a, b, s, e in done if b - a + 1 <= max_thick]


def find_rulings(grey: np.ndarray, dpi: int) -> tuple[list[Rule], list[Rule]]:
    """Horizontal and vertical rulings of the page image (pixels)."""
    px = dpi / 72.0
    ink = grey < _DARK
    # one row of tolerance across the rule: a slightly skewed or anti-aliased rule stays one run
    across = ink.copy()
    across[1:] |= ink[:-1]
    down = ink.copy()
    down[:, 1:] |= ink[:, :-1]
    args = (round(_MIN_RULE_PT * px), round(_MAX_THICK_PT * px) + 1, _GAP_PX)
    return _rules(across, *args), _rules(np.ascontiguousarray(down.T), *args)


def _tables(hs: list[Rule], vs: list[Rule], tol: float) -> list[tuple[list[Rule], list[Rule]]]:
    """Rulings grouped into tables: a horizontal and a vertical ruling that meet are one table."""
    parent = list(range(len(hs) + len(vs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, h in enumerate(hs):
        for j, v in enumerate(vs):
            if h.start - tol <= v.pos <= h.end + tol and v.start - tol <= h.pos <= v.end + tol:
                parent[root(i)] = root(len(hs) + j)
    groups: dict[int, tuple[list[Rule], list[Rule]]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(root(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(root(len(hs) + j), ([], []))[1].append(v)
    return [g for g in groups.values() if len(g[0]) >= 3 and len(g[1]) >= 3]


def erase_rulings(grey: np.ndarray, dpi: int, hs: list[Rule], vs: list[Rule]) -> np.ndarray:
    """The page image with its rulings painted white: Tesseract drops a word underlined ("Vitiligo"
    over its rule was not read at all) and reads a table's rules as bars. Only a table's rulings and
    rules longer than a letters' run can be are erased (the touching serifs atop a bold capital
    heading ran 19 pt). Where a stroke crosses or touches the rule (a "y" through its underline) the
    rule is kept, or the letter would lose its tail."""
    out = grey.copy()
    ink = grey < _DARK
    tabled = {id(r) for h_rules, v_rules in _tables(hs, vs, _TOUCH_PT * dpi / 72) for r in h_rules + v_rules}
    free = _FREE_RULE_PT * dpi / 72
    for rules, flat, dark in ((hs, out, ink), (vs, out.T, ink.T)):
        for r in rules:
            if id(r) not in tabled and r.end - r.start < free:
                continue
            # the rule's own rows: those around its middle that its span fills
            top = bottom = min(int(r.pos), dark.shape[0] - 1)
            reach = r.thick + 2  # no further: a rule is thin (a dark photo beside it is filled too)
            while top > max(0, int(r.pos) - reach) and dark[top - 1, r.start : r.end].mean() >= _FILLED:
                top -= 1
            while (
                bottom < min(dark.shape[0] - 1, int(r.pos) + reach)
                and dark[bottom + 1, r.start : r.end].mean() >= _FILLED
            ):
                bottom += 1
            lo, hi = max(0, top - 1), min(dark.shape[0] - 1, bottom + 2)  # and its anti-aliased edges
            crossed = dark[max(0, lo - 1), r.start : r.end] | dark[hi, r.start : r.end]
            flat[lo:hi, r.start : r.end][:, ~crossed] = 255
    return out


def table_grids(
    grey: np.ndarray, dpi: int, rulings: tuple[list[Rule], list[Rule]] | None = None
) -> list[list[list[tuple[float, float, float, float]]]]:
    """Cell boxes (points) of each ruled table of the page image, as :func:`ruled_grid` gives them."""
    scale = 72.0 / dpi
    hs, vs = rulings or find_rulings(grey, dpi)
    out = []
    for h_rules, v_rules in _tables(hs, vs, _TOUCH_PT / scale):
        items = [("l", (h.start * scale, h.pos * scale), (h.end * scale, h.pos * scale)) for h in h_rules]
        items += [("l", (v.pos * scale, v.start * scale), (v.pos * scale, v.end * scale)) for v in v_rules]
        grid = ruled_grid([{"items": items}])
        if grid is not None:
            out.append(grid)
    return out


def scan_tables(
    grey: np.ndarray,
    dpi: int,
    words: list[Word],
    page: int,
    rulings: tuple[list[Rule], list[Rule]] | None = None,
) -> list[TableGrid]:
    """The page's ruled tables with their cells' text rebuilt from the OCR words."""
    out: list[TableGrid] = []
    for grid in table_grids(grey, dpi, rulings):
        rows: list[list[str]] = []
        confs: dict[str, float] = {}
        for row in grid:
            rows.append([])
            for cell in row:
                inside = [w for w in words if centre_in(w.bbox, cell) and not _RULE_GLYPH.match(w.text)]
                rows[-1].append(" ".join(w.text for w in _reading(inside)))
                for w in inside:
                    confs.setdefault(word_key(w.text), w.conf)
        if len(rows) >= 2 and any(c for r in rows for c in r):
            box = (grid[0][0][0], grid[0][0][1], grid[-1][-1][2], grid[-1][-1][3])
            out.append(TableGrid(page=page, bbox=box, rows=rows, ocr_words=confs))
    return out


def centre_in(box: tuple[float, ...], cell: tuple[float, ...]) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return cell[0] <= cx <= cell[2] and cell[1] <= cy <= cell[3]


def _reading(words: list[Word]) -> list[Word]:
    """Words of a cell line by line (a word whose middle is below the line's bottom starts a new
    line), each line left to right."""
    lines: list[list[Word]] = []
    for w in sorted(words, key=lambda w: (w.bbox[1] + w.bbox[3]) / 2):
        mid = (w.bbox[1] + w.bbox[3]) / 2
        if lines and mid <= max(x.bbox[3] for x in lines[-1]):
            lines[-1].append(w)
        else:
            lines.append([w])
    return [w for line in lines for w in sorted(line, key=lambda w: w.bbox[0])]


def word_key(word: str) -> str:
    """A word as OCR confidences are looked up: lower case, letters and digits only."""
    return "".join(c for c in word.lower() if c.isalnum())


def table_keys(tables: list[TableGrid]) -> dict[tuple[int, tuple[float, ...]], TableGrid]:
    """Scanned tables by (page, box rounded as evidence rounds it): what table evidence points to."""
    return {(t.page, tuple(round(v, 2) for v in t.bbox)): t for t in tables if t.ocr_words is not None}


def stamp_table_confidence(
    chunk: Extraction, tables: dict[tuple[int, tuple[float, ...]], TableGrid]
) -> Extraction:
    """Evidence quoting a scanned table (its box is the table's: table pairs, members, cell findings)
    gets the mean OCR confidence of the words it quotes; a text layer's tables are not in ``tables``."""
    if not tables:
        return chunk
    for item in (*chunk.diagnoses, *chunk.relations, *chunk.presentations, *chunk.findings):
        ev = item.evidence
        table = tables.get((ev.page, tuple(ev.bbox or ()))) if ev.ocr_confidence is None else None
        if table is not None and table.ocr_words:
            confs = [table.ocr_words[k] for w in ev.quote.split() if (k := word_key(w)) in table.ocr_words]
            ev.ocr_confidence = round(sum(confs) / len(confs), 2) if confs else None
    return chunk
