"""Page layout: running headers / footers / page numbers out, columns in reading order, tables found.

Running text is learned from an even sample of pages (so memory does not grow with the book):
a margin line that repeats on several pages, once digits are folded, is a running header or
footer; so is one whose "Chapter – Section" prefix repeats. Multi-column pages are read column by
column inside horizontal bands separated by full-width lines (chapter titles, wide tables).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from pydantic import BaseModel, Field, PrivateAttr

from ingest.labels import is_clinical_label, label_word
from ingest.pdf_loader import read_page
from ingest.prefilter import prefiltered
from ingest.types import ImageRef, Line, PageLayout, TableGrid

MARGIN = 0.085  # share of the page height at top and bottom where running text lives
_DIGITS = re.compile(r"\d+")
_PREFIX = re.compile(r"^(.{4,80}?)\s+[–—:|-]\s+")
_PAGE_NO = re.compile(r"^(page\s+)?[\divxlcIVXLC]{1,6}(\s*(/|of)\s*\d+)?$", re.IGNORECASE)


class RunningText(BaseModel):
    """Running headers and footers, and repeated decorative images, learned from sample pages."""

    patterns: set[str] = Field(default_factory=set)
    prefixes: set[str] = Field(default_factory=set)
    repeated_images: set[str] = Field(default_factory=set)
    body_size: float = 10.0
    # Lines and images of the sampled pages, each handed once to layout_page: reading a page twice
    # is a third of the sampling's cost. At most ``sample`` pages, so memory stays flat.
    _sampled: dict[int, tuple[list[Line], list[ImageRef]]] = PrivateAttr(default_factory=dict)

    def take_page(self, page: Any) -> tuple[list[Line], list[ImageRef]]:
        """The page's lines and placed images: kept from sampling (once), else read now."""
        kept = self._sampled.pop(page.number, None)
        return kept if kept is not None else read_page(page)

    def is_running(self, line: Line, height: float) -> bool:
        in_margin = line.bbox[1] < height * MARGIN or line.bbox[3] > height * (1 - MARGIN)
        if not in_margin:
            return False
        text = line.text.strip()
        if _PAGE_NO.match(text):
            return True
        key = _fold(text)
        if key in self.patterns and not is_clinical_label(text):  # "Management" atop many pages is no header
            return True
        m = _PREFIX.match(text)
        return bool(m and _fold(m.group(1)) in self.prefixes)


def _fold(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))


def learn_running_text(doc: Any, sample: int = 40) -> RunningText:
    """Sample up to ``sample`` pages evenly and keep margin lines / images that keep recurring."""
    n = doc.page_count
    k = min(n, sample)
    indices = sorted({round(i * (n - 1) / max(1, k - 1)) for i in range(k)})
    lines: Counter[str] = Counter()
    prefixes: Counter[str] = Counter()
    images: Counter[str] = Counter()
    sizes: Counter[float] = Counter()
    sampled: dict[int, tuple[list[Line], list[ImageRef]]] = {}
    for i in indices:
        page = doc[i]
        height = page.rect.height
        seen: set[str] = set()
        seen_prefix: set[str] = set()
        sampled[i] = read_page(page)
        for line in sampled[i][0]:
            sizes[line.size] += len(line.text)
            if line.bbox[1] < height * MARGIN or line.bbox[3] > height * (1 - MARGIN):
                seen.add(_fold(line.text))
                m = _PREFIX.match(line.text)
                if m:
                    seen_prefix.add(_fold(m.group(1)))
        lines.update(seen)
        prefixes.update(seen_prefix)
        # Resource lookup only (no rendering): the same xref on many pages is a logo or an ornament.
        images.update({f"xref-{img[0]}" for img in page.get_images() if img[0]})
    need = max(3, round(0.2 * len(indices))) if len(indices) >= 5 else 2
    running = RunningText(
        patterns={k for k, c in lines.items() if c >= need},
        prefixes={k for k, c in prefixes.items() if c >= min(need, 3)},  # "Chapter – Section" tabs
        repeated_images={k for k, c in images.items() if c >= need},
        body_size=sizes.most_common(1)[0][0] if sizes else 10.0,
    )
    running._sampled = sampled
    return running


def _rows(lines: list[Line], tol: float = 3.0, *, mark: bool = True) -> list[list[Line]]:
    """Group lines sharing a baseline (within ``tol`` points), top to bottom, each left to right;
    ``mark``: flag lines with text beside them (side heads) — never across a column gutter."""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda ln: ((ln.bbox[1] + ln.bbox[3]) / 2, ln.bbox[0])):
        mid = (line.bbox[1] + line.bbox[3]) / 2
        if rows and abs(mid - (rows[-1][0].bbox[1] + rows[-1][0].bbox[3]) / 2) <= tol:
            rows[-1].append(line)
        else:
            rows.append([line])
    for row in rows:
        row.sort(key=lambda ln: ln.bbox[0])
        for left in row[:-1] if mark else ():
            left.has_right_sibling = True
    return rows


def find_gutter(lines: list[Line], width: float) -> float | None:
    """The x of a vertical white gap splitting the page into two real text columns, if any."""
    if len(lines) < 8:
        return None
    # No trial position can succeed without enough lines wholly left of 70% and right of 30% of the
    # width (checked once, not at each of the 41 positions: most pages are single-column).
    need = max(2, 0.05 * len(lines))
    if (
        sum(1 for ln in lines if ln.bbox[2] <= 0.7 * width + 1) < need
        or sum(1 for ln in lines if ln.bbox[0] >= 0.3 * width - 1) < need
    ):
        return None
    best: tuple[int, float] | None = None
    spans = [(ln.bbox[0], ln.bbox[2]) for ln in lines]  # read once, not at each of the 41 positions
    for step in range(0, 41):
        x = width * (0.3 + 0.01 * step)
        crossing = sum(1 for x0, x1 in spans if x0 < x - 1 and x1 > x + 1)
        if crossing > max(1, 0.1 * len(lines)):
            continue
        left = [ln for ln in lines if ln.bbox[2] <= x + 1]
        right = [ln for ln in lines if ln.bbox[0] >= x - 1]
        if min(len(left), len(right)) < max(2, 0.05 * len(lines)):
            continue
        wide = 0.15 * width
        if _mean_width(left) < wide or _mean_width(right) < wide:
            continue  # a label column beside a text column is not two columns
        if best is None or crossing < best[0]:
            best = (crossing, x)
    return None if best is None else best[1]


def _mean_width(lines: list[Line]) -> float:
    return sum(ln.bbox[2] - ln.bbox[0] for ln in lines) / max(1, len(lines))


def reading_order(lines: list[Line], width: float) -> list[Line]:
    """Lines in reading order: bands split by full-width lines; left column before right."""
    gutter = find_gutter(lines, width)
    if gutter is None:
        return [ln for row in _rows(lines) for ln in row]
    out: list[Line] = []
    band: list[Line] = []

    def flush() -> None:
        for col, part in enumerate(
            ([ln for ln in band if ln.bbox[2] <= gutter + 1], [ln for ln in band if ln.bbox[2] > gutter + 1])
        ):
            for row in _rows(part):
                for ln in row:
                    ln.column = col
                    out.append(ln)
        band.clear()

    for row in _rows(lines, mark=False):
        spanning = [ln for ln in row if ln.bbox[0] < gutter - 1 and ln.bbox[2] > gutter + 1]
        if spanning:
            flush()
            out.extend(row)
        else:
            band.extend(row)
    flush()
    return out


# The header of a table listing a condition's differentials with what tells each apart.
DIFFERENTIAL_HEADER = re.compile(
    r"^(?:distinguishing|differentiating|discriminating)\s+(?:features?|points?|clues?)$",
    re.IGNORECASE,
)


# A column of a table that lists what each row's condition is to be told from.
DDX_COLUMN = re.compile(
    r"^(?:(?:distinguish|differentiate|tell\s+apart)\s+from|differentials?|differential\s+diagnos[ie]s|ddx|"
    r"(?:may\s+be\s+|often\s+)?confused\s+with|mimics|look-?alikes|consider\s+also)\s*:?$",
    re.IGNORECASE,
)


def _table_area(lines: list[Line], page: Any) -> tuple[Any, list[dict[str, Any]]]:
    """Cheap test before the costly ``find_tables``: clinical row/column labels and ruled drawings.
    Returns the box around the rulings (``find_tables`` reads only that), or None."""
    import pymupdf

    labels = {label_word(ln.text) for ln in lines if len(ln.text) < 40 and is_clinical_label(ln.text)}
    # a comparison names several attributes (history, sites, lesion, treatment ...), or its header
    # reads "Differential | Distinguishing features"
    if len(labels) < 3 and not any(
        DIFFERENTIAL_HEADER.match(ln.text.strip()) or DDX_COLUMN.match(ln.text.strip()) for ln in lines
    ):
        return None, []
    rect = page.rect  # once: each read builds a new Rect
    drawings = [d for d in page.get_cdrawings() if not _outside(d["rect"], rect, 0.03)]
    if len(drawings) < 6:
        return None, []
    boxes = [d["rect"] for d in drawings]  # rulings are zero-width boxes: Rect union would drop them
    area = pymupdf.Rect(
        min(b[0] for b in boxes) - 2,
        min(b[1] for b in boxes) - 2,
        max(b[2] for b in boxes) + 2,
        max(b[3] for b in boxes) + 2,
    )
    return area & rect, drawings


def _outside(rect: Any, page: Any, margin: float) -> bool:
    """A drawing hugging the page edge or spanning the whole page (a frame)."""
    x0, y0, x1, y1 = rect
    mx, my = page.width * margin, page.height * margin
    full = (x1 - x0) > 0.9 * page.width and (y1 - y0) > 0.9 * page.height
    return full or x1 < mx or y1 < my or x0 > page.width - mx or y0 > page.height - my


def _covered(segments: list[tuple[float, float, float]], need: float, tol: float) -> list[float]:
    """Positions where collinear segments (pos, start, end) together cover at least ``need``."""
    out: list[float] = []
    group: list[tuple[float, float, float]] = []
    for seg in [*sorted(segments), (float("inf"), 0.0, 0.0)]:
        if group and seg[0] - group[-1][0] > tol:
            if sum(e - s for _, s, e in group) >= need:
                out.append(sum(p for p, _, _ in group) / len(group))
            group = []
        group.append(seg)
    return out


def _cluster(values: list[float], tol: float) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > tol:
            out.append(v)
    return out


def ruled_grid(drawings: list[dict[str, Any]]) -> list[list[tuple[float, float, float, float]]] | None:
    """Cell boxes of a fully ruled table from its rulings (lines or hairline rectangles), or None.

    Much cheaper than ``find_tables`` and enough for the ruled comparison tables of text books; the
    caller falls back to ``find_tables`` when the rulings do not form a grid."""
    hs: list[tuple[float, float, float]] = []  # (y, x0, x1)
    vs: list[tuple[float, float, float]] = []  # (x, y0, y1)
    for d in drawings:
        for item in d.get("items", ()):
            if item[0] == "l":
                (x0, y0), (x1, y1) = item[1], item[2]
            elif item[0] == "re":
                x0, y0, x1, y1 = item[1]
            else:
                continue
            if abs(y1 - y0) <= 3 and abs(x1 - x0) > 3:
                hs.append(((y0 + y1) / 2, min(x0, x1), max(x0, x1)))
            elif abs(x1 - x0) <= 3 and abs(y1 - y0) > 3:
                vs.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
    if len(hs) < 3 or len(vs) < 3:
        return None
    left, right = min(h[1] for h in hs), max(h[2] for h in hs)
    top, bottom = min(v[1] for v in vs), max(v[2] for v in vs)
    # A rule drawn cell by cell is many short segments: add up the length covered at each position.
    ys = _covered(hs, 0.5 * (right - left), 6.0)
    xs = _covered(vs, 0.3 * (bottom - top), 8.0)
    if len(ys) < 3 or len(xs) < 3:
        return None
    return [[(xs[c], ys[r], xs[c + 1], ys[r + 1]) for c in range(len(xs) - 1)] for r in range(len(ys) - 1)]


def _may_hold_grid(drawings: list[dict[str, Any]], page_height: float) -> bool:
    """Whether the drawn edges can form a table of two rows: three horizontal edges crossing the
    span of two vertical ones, as ``find_tables`` (line strategy) needs. Underlines, rules between
    paragraphs, one boxed panel and page-high side tabs cannot, and skipping ``find_tables`` there
    saves its costly character pass (a third of a handbook's layout time)."""
    hs: list[float] = []
    vs: list[tuple[float, float, float]] = []  # (x, y0, y1)
    for d in drawings:
        for item in d.get("items", ()):
            if item[0] == "l":
                (x0, y0), (x1, y1) = item[1], item[2]
                if abs(y1 - y0) <= 3:
                    hs.append((y0 + y1) / 2)
                elif abs(x1 - x0) <= 3:
                    vs.append(((x0 + x1) / 2, min(y0, y1), max(y0, y1)))
            elif item[0] == "re":
                x0, y0, x1, y1 = item[1]
                if x1 - x0 > 3:
                    hs.extend((y0, y1))
                if 3 < y1 - y0 < 0.9 * page_height:
                    vs.extend(((x0, y0, y1), (x1, y0, y1)))
    if len(_cluster([v[0] for v in vs], 3.0)) < 2:
        return False
    top, bottom = min(v[1] for v in vs) - 3, max(v[2] for v in vs) + 3
    return len(_cluster([y for y in hs if top <= y <= bottom], 3.0)) >= 3


def read_tables(page: Any, lines: list[Line]) -> list[TableGrid]:
    """Ruled tables of the page; cell text rebuilt from words (PyMuPDF's own joins drop spaces)."""
    area, drawings = _table_area(lines, page)
    if area is None or area.is_empty:
        return []
    grid = ruled_grid(drawings)
    if grid is None and not _may_hold_grid(drawings, page.rect.height):
        return []
    words = page.get_text("words", clip=area)
    if grid is not None:
        boxes = [(grid[0][0][0], grid[0][0][1], grid[-1][-1][2], grid[-1][-1][3])]
        grids = [grid]
    else:
        # use_layout=False: PyMuPDF's ML layout model costs ~0.7 s a page, nothing for ruled tables.
        found = page.find_tables(clip=area, use_layout=False).tables
        grids = [[list(row.cells) for row in t.rows] for t in found]
        boxes = [tuple(t.bbox) for t in found]
    out: list[TableGrid] = []
    page_area = page.rect.width * page.rect.height
    for cells_grid, box in zip(grids, boxes, strict=True):
        if (box[2] - box[0]) * (box[3] - box[1]) > 0.8 * page_area:
            continue  # a frame around the page
        rows = [[_cell_text(cell, words) for cell in row] for row in cells_grid]
        if len(rows) >= 2:
            out.append(TableGrid(page=page.number + 1, bbox=box, rows=rows))
    return out


def _cell_text(cell: Any, words: list[Any]) -> str:
    if cell is None:
        return ""
    x0, y0, x1, y1 = cell
    inside = [w for w in words if x0 <= (w[0] + w[2]) / 2 <= x1 and y0 <= (w[1] + w[3]) / 2 <= y1]
    inside.sort(key=lambda w: (w[5], w[6], w[7]))  # block, line, word number
    return " ".join(w[4] for w in inside).replace("\u037e", ";")  # a font's ';' read as Greek '?'


def layout_page(page: Any, running: RunningText) -> PageLayout:
    """One page: running text removed, tables found (their lines leave the text flow), reading order."""
    height, width = page.rect.height, page.rect.width
    taken, placed = running.take_page(page)
    lines = [ln for ln in taken if not running.is_running(ln, height)]
    tables = read_tables(page, lines)
    if tables:
        lines = [ln for ln in lines if not any(_inside(ln, t.bbox) for t in tables)]
    images = [img for img in placed if img.digest not in running.repeated_images]
    return PageLayout(
        number=page.number + 1,
        width=width,
        height=height,
        lines=reading_order(lines, width),
        images=images,
        tables=tables,
        label=page_label(page, taken, height),
    )


_PRINTED_NUMBER = re.compile(r"^[\s—–\-]*(\d{1,4}|[ivxlcdm]{1,7})[\s—–\-]*$", re.IGNORECASE)
# Old books print the number in the running head's line: "18   DISEASES OF THE SKIN.", "ECZEMA.   19".
_HEAD_WORDS = r"[A-Z][A-Z'’.,&\-]*(?:\s+[A-Z][A-Z'’.,&\-]*){0,7}"
_NUMBERED_HEAD = re.compile(
    rf"^(\d{{1,4}})\s+{_HEAD_WORDS}$|"
    rf"^(?!(?:CHAPTER|SECTION|PART|PLATE|FIGS?|FIGURE|TABLE|LECTURE|BOOK|VOL(?:UME)?|CASE)\b){_HEAD_WORDS}\s+(\d{{1,4}})$"
)


def page_label(page: Any, lines: list[Line], height: float) -> str | None:
    """The page number a reader would cite: the PDF's page label, else a bare number printed in the
    top or bottom margin ("117", "— 117 —", "xii")."""
    label = page.get_label() if hasattr(page, "get_label") else ""
    if label:
        return label
    for ln in lines:
        mid = (ln.bbox[1] + ln.bbox[3]) / 2
        if (mid < 0.1 * height or mid > 0.9 * height) and (m := _PRINTED_NUMBER.match(ln.text)):
            return m.group(1)
    for ln in lines:
        if (ln.bbox[1] + ln.bbox[3]) / 2 < 0.1 * height and (m := _NUMBERED_HEAD.match(ln.text.strip())):
            return m.group(1) or m.group(2)
    return None


def _inside(line: Line, box: tuple[float, float, float, float]) -> bool:
    cx, cy = (line.bbox[0] + line.bbox[2]) / 2, (line.bbox[1] + line.bbox[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


# Speed only, same matches: the costly patterns behind a test for the words every match needs
# (ingest.prefilter); a sentence without them skips the pattern.
_PREFIX = prefiltered(_PREFIX)
