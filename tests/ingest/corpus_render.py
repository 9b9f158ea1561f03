"""Render the development corpus (:mod:`tests.ingest.corpus_texts`) to real PDFs with PyMuPDF.

Blocks are laid out with ``insert_textbox`` in one or two columns; figures are real embedded PNGs
with captions set in smaller italic type below them. The renderer records where it put each photo
(page, box, caption as printed) so the gold figure list is the construction's truth, not the
extractor's output.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from tests.ingest.synthetic_book import PageCursor, _photo, _wrap

Block = tuple  # (kind, *args): chapter | head | sub | para | fig | figpair | figtwo | table
_KINDS = ("chapter", "head", "sub", "fig", "figtwo", "figpair", "table")


def book(text: str) -> list[Block]:
    """A book written as text, one block a line, so its prose reads as prose: ``head: Psoriasis``,
    ``fig: caption | credit``, ``figtwo: left caption | right caption``, ``table: title`` followed by
    its ``| cell | cell |`` rows (the header row first); any other line is a paragraph. Lines starting
    with ``#`` are notes about the book, blank lines only spacing."""
    blocks: list[Block] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("|"):
            blocks[-1][2].append([cell.strip() for cell in line.strip("|").split("|")])
            continue
        kind, colon, rest = line.partition(": ")
        if colon and kind in _KINDS:
            args = rest.split(" | ")
            blocks.append(("table", *args, []) if kind == "table" else (kind, *args))
        else:
            blocks.append(("para", line))
    return blocks


@dataclass
class Style:
    width: float = 420.0
    height: float = 595.0
    columns: int = 1
    margin: float = 40.0
    gutter: float = 18.0
    body_font: str = "tiro"
    head_font: str = "tibo"
    body_size: float = 10.0
    header: str = ""
    first_label: int = 1  # the printed number of the first page (a chapter from the middle of a book)
    centre_heads: bool = False


@dataclass(kw_only=True)
class _Pen(PageCursor):
    style: Style
    seed: int = 0
    placed: list[dict] = field(default_factory=list)

    @property
    def col_w(self) -> float:
        s = self.style
        return (s.width - 2 * s.margin - (s.columns - 1) * s.gutter) / s.columns

    def x(self) -> float:
        return self.style.margin + self.col * (self.col_w + self.style.gutter)

    def new_page(self) -> None:
        s = self.style
        self.page = self.doc.new_page(width=s.width, height=s.height)
        number = s.first_label + self.page.number
        if s.header:
            self.page.insert_text((s.width / 2 - 60, 30), s.header, **_font(s.body_font), fontsize=7.5)
        self.page.insert_text((s.width / 2 - 6, s.height - 22), str(number), **_font(s.body_font), fontsize=8)
        self.col, self.y, self.top = 0, 50.0, 50.0

    def column_count(self) -> int:
        return self.style.columns

    def bottom(self) -> float:
        return self.style.height - 45

    def text(self, text: str, font: str, size: float, gap: float, *, centre: bool = False) -> None:
        import pymupdf

        lead = size * 1.25
        for chunk in _chunks(_wrap(text, font, size, self.col_w - 12), int((self.style.height - 100) / lead)):
            self.need(lead * len(chunk) + 2)
            rect = pymupdf.Rect(
                self.x(), self.y, self.x() + self.col_w, self.y + 1.3 * lead * len(chunk) + size
            )
            align = pymupdf.TEXT_ALIGN_CENTER if centre else pymupdf.TEXT_ALIGN_LEFT
            for shrink in (0, 12, 24):  # the wrap is measured with a Base-14 font: rewrap narrower
                lines = chunk if not shrink else _wrap(" ".join(chunk), font, size, self.col_w - 12 - shrink)
                rect.y1 = self.y + 1.3 * lead * len(lines) + size
                left = self.page.insert_textbox(
                    rect, "\n".join(lines), **_font(font), fontsize=size, lineheight=1.25, align=align
                )
                if left >= 0:
                    break
            assert left >= 0, f"text box overflow: {chunk[0]!r}"
            self.y += rect.height - left
        self.y += gap

    def photos(self, captions: list[str], shared: str | None, credit: str | None) -> None:
        """One photo per caption side by side (or two photos over one ``shared`` caption)."""
        import pymupdf

        n = len(captions) if shared is None else 2
        w = min(150.0, (self.col_w - 8 * (n - 1)) / n)
        self.need(110 + 40)
        x, y0 = self.x(), self.y
        boxes = []
        for i in range(n):
            rect = pymupdf.Rect(x + i * (w + 8), y0, x + i * (w + 8) + w, y0 + w * 0.72)
            self.page.insert_image(rect, stream=_photo(self.seed))
            self.seed += 1
            boxes.append(rect)
        self.y = boxes[0].y1 + 4
        size = self.style.body_size - 1.5
        if shared is not None:
            self._caption(shared, x, self.col_w, size)
            for r in boxes:
                self._record(r, shared)
        else:
            bottom = self.y
            for r, cap in zip(boxes, captions, strict=True):
                self.y = boxes[0].y1 + 4
                self._caption(cap, r.x0, r.width, size)
                bottom = max(bottom, self.y)
                self._record(r, cap)
            self.y = bottom
        if credit:
            self._caption(credit, x, self.col_w, size - 1, font=self.style.body_font)
        self.y += 8

    def _caption(self, text: str, x: float, w: float, size: float, font: str = "tiit") -> None:
        """Set a caption; the wrap is measured with a Base-14 font, so a line the real TrueType font sets
        wider ('—') is wrapped again narrower rather than silently dropped."""
        import pymupdf

        for shrink in (10, 20, 30, 40):
            lines = _wrap(text, font, size, w - shrink)
            rect = pymupdf.Rect(x, self.y, x + w, self.y + 1.6 * size * len(lines) + size)
            left = self.page.insert_textbox(
                rect, "\n".join(lines), **_font(font), fontsize=size, lineheight=1.25
            )
            if left >= 0:
                self.y += rect.height - left
                return
        raise AssertionError(f"caption overflow: {text!r}")

    def table(self, title: str, rows: list[list[str]]) -> None:
        """A ruled table (title above, header row first): rules drawn as lines, cells as text boxes."""
        import pymupdf

        size = self.style.body_size - 1.0
        self.text(title, self.style.head_font, size, 2)
        n = len(rows[0])
        widths = [0.38 * self.col_w, 0.62 * self.col_w] if n == 2 else [self.col_w / n] * n
        heights = [
            max(len(_wrap(c, "helv", size, w - 8)) for c, w in zip(r, widths, strict=True)) for r in rows
        ]
        total = sum(1.25 * size * h + 6 for h in heights)
        self.need(total + 4)
        x0, y = self.x(), self.y
        self.page.draw_line((x0, y), (x0 + self.col_w, y), width=0.6)
        for row, h in zip(rows, heights, strict=True):
            rh = 1.25 * size * h + 6
            x = x0
            for cell, w in zip(row, widths, strict=True):
                font = self.style.head_font if row is rows[0] else self.style.body_font
                lines = _wrap(cell, font, size, w - 8)
                rect = pymupdf.Rect(x + 3, y + 2, x + w - 3, y + rh + size)
                left = self.page.insert_textbox(
                    rect, "\n".join(lines), **_font(font), fontsize=size, lineheight=1.2
                )
                assert left >= 0, f"table cell overflow: {cell!r}"
                x += w
            y += rh
            self.page.draw_line((x0, y), (x0 + self.col_w, y), width=0.6)
        top = self.y
        for i in range(n + 1):
            x = x0 + sum(widths[:i])
            self.page.draw_line((x, top), (x, y), width=0.6)
        self.y = y + 10

    def _record(self, rect: object, caption: str) -> None:
        self.placed.append(
            {"page": self.page.number + 1, "bbox": [round(v) for v in rect], "caption": caption}  # type: ignore[attr-defined]
        )


_TTF = Path("/usr/share/fonts/truetype/liberation")
_FILES = {
    "tiro": "LiberationSerif-Regular.ttf",
    "tibo": "LiberationSerif-Bold.ttf",
    "tiit": "LiberationSerif-Italic.ttf",
    "helv": "LiberationSans-Regular.ttf",
    "hebo": "LiberationSans-Bold.ttf",
}


def _font(name: str) -> dict[str, str]:
    """A metric-compatible TrueType font when the machine has one: Base-14 fonts cannot encode
    'œ', '—' or '†', which old books print."""
    path = _TTF / _FILES.get(name, "")
    return {"fontname": f"L{name}", "fontfile": str(path)} if path.is_file() else {"fontname": name}


def _chunks(lines: list[str], size: int) -> list[list[str]]:
    return [lines[i : i + size] for i in range(0, len(lines), max(1, size))]


def render_book(path: Path, blocks: list[Block], style: Style) -> tuple[Path, list[dict]]:
    """Write ``blocks`` to ``path``; returns the path and the photos placed (page, bbox, caption)."""
    import pymupdf

    doc = pymupdf.open()
    pen = _Pen(doc=doc, style=style)
    s = style
    for kind, *args in blocks:
        if kind == "chapter":
            if pen.page is not None:
                pen.new_page()
            pen.need(60)
            keep, s.columns = s.columns, 1
            pen.col = 0
            saved = pen.col_w
            pen.text(args[0], s.head_font, s.body_size + 5, 12, centre=True)
            s.columns = keep
            pen.top = pen.y
            del saved
        elif kind == "head":
            pen.need(50)
            pen.text(args[0], s.head_font, s.body_size + 2, 4, centre=s.centre_heads)
        elif kind == "sub":
            pen.need(40)
            pen.text(args[0], s.head_font, s.body_size, 2)
        elif kind == "para":
            pen.text(args[0], s.body_font, s.body_size, 5)
        elif kind == "fig":
            pen.photos([args[0]], None, args[1] if len(args) > 1 else None)
        elif kind == "figtwo":  # two photos, each with its own caption
            pen.photos([args[0], args[1]], None, args[2] if len(args) > 2 else None)
        elif kind == "table":  # title, rows (the first row is the header)
            pen.table(args[0], args[1])
        elif kind == "figpair":  # two photos, one caption
            pen.photos([], args[0], args[1] if len(args) > 1 else None)
        else:
            raise ValueError(kind)
    if s.first_label != 1:
        doc.set_page_labels([{"startpage": 0, "prefix": "", "style": "D", "firstpagenum": s.first_label}])
    doc.save(path)
    doc.close()
    return path, pen.placed
