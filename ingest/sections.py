"""Headings and the sections they govern, streamed page by page (memory does not grow with the book).

A heading is a short line set larger than body text, or a short bold line starting at its column's
left edge. Prominence orders headings: larger type first, then a heading alone on its line before a
*side head* (a bold label with text beside it, e.g. "Presentation  ● Itchy wheals ..."), then
upright before italic. A new heading closes every open section that is not more prominent.
Sections are emitted when they close, children before parents, each with its ancestors' titles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from ingest.labels import is_clinical_label
from ingest.types import Line, PageLayout, Section, TableGrid

_BULLET = re.compile(r"^\s*([●•▪◦‣∙·\-–—*]|\(?[a-z0-9]{1,3}[.)])\s")
_NOT_HEADING = re.compile(r"^(table|figure|fig\.|plate|page|see|note|example)\b", re.IGNORECASE)
MAX_HEADING_WORDS = 12


_NUMBERING = re.compile(
    r"^(?:(?:chapter|section|part|case|card|question|vignette|scenario|station|art\.?|§+)\s*)?"
    r"(?:\d+(?:\.\d+)*|[IVXLC]+)\s*[.:)—–]?\s+(?=[A-Za-z])",
    re.I,
)


def clean_title(text: str) -> str:
    """'Chapter 3. Papulosquamous Eruptions' -> 'Papulosquamous Eruptions'; '2.1 Psoriasis' -> 'Psoriasis';
    '§ 112. Psoriasis.' -> 'Psoriasis'; 'Card 5: Scabies' -> 'Scabies' ('Case 1' alone stays)."""
    return _NUMBERING.sub("", " ".join(text.split())).rstrip(".:—– ").strip()


def prominence(line: Line, body_size: float) -> tuple[float, int, int] | None:
    """Heading rank of ``line`` (larger is more prominent), or None for body text."""
    text = line.text.strip()
    numbered = _NUMBERING.sub("", text)  # "§ 112. Psoriasis.": the number is no word of the title
    words = numbered.rstrip(":").split()
    if not words or len(words) > MAX_HEADING_WORDS or _BULLET.match(text) or _NOT_HEADING.match(text):
        return None
    if not any(c.isalpha() for c in text) or text[0].islower():
        return None
    # A run-in head ("Diagnosis." before its paragraph) is a label: lowest heading rank.
    if line.has_right_sibling and len(words) <= 3 and text.endswith((".", "—", "–")):
        return (round(line.size), 0, 0) if is_clinical_label(text.rstrip(".:—– ")) else None
    if text[-1] in ",;":
        return None
    # "PSORIASIS." / "Psoriasis." set large or in capitals: older books end their titles with a stop;
    # a numbered one ("§ 112. Psoriasis.") needs no larger type (a scan's type size is an estimate).
    titled = all(w[:1].isupper() or w in {"of", "the", "and", "in", "a"} for w in words)
    if text[-1] == "." and not (
        len(words) <= 6
        and text[:-1].rstrip(".")
        and (numbered.isupper() or ((line.size >= body_size + 1.0 or numbered != text) and titled))
    ):
        return None
    bigger = line.size >= body_size + 1.0
    if not (bigger or line.bold):
        # A clinical label in plain or italic type (OCR, run-in heads "Symptoms.—"): the lowest heading.
        run_in = text.endswith((".", ":", "—", "–"))
        if (
            len(words) <= 3
            and is_clinical_label(text.rstrip(".:—– "))
            and (run_in or not line.has_right_sibling)
        ):
            return (round(line.size), 0, 0)
        # A title in capitals ("IMPETIGO CONTAGIOSA"), the heading style of older books.
        if (
            text.isupper()
            and len(words) <= 8
            and not line.has_right_sibling
            and sum(c.isalpha() for c in text) > 3
        ):
            return (round(line.size), 1, 0)
        return None
    return (round(line.size), 0 if line.has_right_sibling else 1, 0 if line.italic else 1)


@dataclass
class _Open:
    title: str
    rank: tuple[float, int, int]
    page: int
    bbox: tuple[float, float, float, float]
    lines: list[Line] = field(default_factory=list)
    tables: list[TableGrid] = field(default_factory=list)
    child_titles: list[str] = field(default_factory=list)
    head: Line | None = None  # the heading's (last) line, for a title wrapped onto a lower-case line


class SectionBuilder:
    """Feed pages in order with :meth:`add_page`; closed sections come out as they close."""

    def __init__(self, body_size: float) -> None:
        self.body_size = body_size
        self._stack: list[_Open] = [_Open(title="", rank=(1e9, 9, 9), page=1, bbox=(0, 0, 0, 0))]

    def _close(self) -> Section:
        top = self._stack.pop()
        path = [s.title for s in self._stack if s.title]
        if self._stack:
            self._stack[-1].child_titles.append(top.title)
        return Section(
            title=top.title,
            level=len(self._stack),
            page=top.page,
            bbox=top.bbox,
            path=path,
            lines=top.lines,
            child_titles=top.child_titles,
            tables=top.tables,
        )

    def add_page(self, page: PageLayout) -> Iterator[Section]:
        left_edges = _column_left_edges(page.lines)
        pending_tables = sorted(page.tables, key=lambda t: t.bbox[1])
        for line in page.lines:
            while pending_tables and pending_tables[0].bbox[1] < line.bbox[1]:
                self._stack[-1].tables.append(pending_tables.pop(0))
            rank = prominence(line, self.body_size)
            if rank is None and self._wraps_title(line):  # "Subacute cutaneous lupus" / "erythematosus"
                self._stack[-1].title += " " + line.text.strip()
                self._stack[-1].head = line
                continue
            at_edge = line.bbox[0] <= left_edges.get(line.column, 0.0) + 4.0
            if rank is not None and (at_edge or line.size >= self.body_size + 1.0 or line.text.isupper()):
                if self._joins_previous(line, rank):
                    self._stack[-1].title += " " + line.text.strip()
                    continue
                while len(self._stack) > 1 and self._stack[-1].rank <= rank:
                    yield self._close()
                self._stack.append(
                    _Open(title=clean_title(line.text), rank=rank, page=line.page, bbox=line.bbox, head=line)
                )
            else:
                self._stack[-1].lines.append(line)
        self._stack[-1].tables.extend(pending_tables)

    def _wraps_title(self, line: Line) -> bool:
        """A heading's last words wrapped onto a line of their own: same type, directly below, a few
        lower-case words (prominence refuses a line that starts lower-case)."""
        top = self._stack[-1]
        head = top.head
        if head is None or top.lines or top.child_titles or head.page != line.page:
            return False
        words = line.text.split()
        return (
            0 < len(words) <= 3
            and line.text[:1].islower()
            and line.bold == head.bold
            and abs(line.size - head.size) < 0.5
            and 0 <= line.bbox[1] - head.bbox[3] <= 0.6 * (head.bbox[3] - head.bbox[1])
            and not line.text.rstrip().endswith((",", ";"))
        )

    def _joins_previous(self, line: Line, rank: tuple[float, int, int]) -> bool:
        """A heading wrapped over two lines: same rank, no body text yet, directly below."""
        top = self._stack[-1]
        if (
            len(self._stack) == 1
            or top.rank != rank
            or top.lines
            or top.child_titles
            or top.page != line.page
        ):
            return False
        return 0 <= line.bbox[1] - top.bbox[3] <= 0.6 * (line.bbox[3] - line.bbox[1]) and rank[1] == 1

    def finish(self) -> Iterator[Section]:
        while len(self._stack) > 1:
            yield self._close()
        root = self._stack[0]
        if root.lines or root.tables:
            yield Section(
                title="", level=0, page=root.page, bbox=root.bbox, lines=root.lines, tables=root.tables
            )


def _column_left_edges(lines: list[Line]) -> dict[int, float]:
    """Where each column's text starts; a bullet glyph hanging in the margin is not text."""
    edges: dict[int, float] = {}
    for line in lines:
        if not any(c.isalnum() for c in line.text):
            continue
        edges[line.column] = min(edges.get(line.column, 1e9), line.bbox[0])
    return edges
