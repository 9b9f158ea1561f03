"""Body lines regrouped into list items / paragraphs and sentences, each keeping its source lines."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cached_property, lru_cache

from ingest.types import Line

_BULLET = re.compile(r"^\s*(?:[●•▪◦‣∙·\-–—*]|\(?(?:\d{1,2}|[a-h]|[ivx]{1,4})[.)])(\s|$)")
# No break after an abbreviation's stop ("e.g. Henoch-Schönlein purpura", "Fig. 3", "Dr. Smith").
# The stop is checked first (lookarounds at one position are a conjunction: same matches, but most
# positions now fail at once instead of after twelve abbreviation checks).
_SENTENCE_END = re.compile(
    r"(?<=[.!?])(?<!\be\.g\.)(?<!\bi\.e\.)(?<!\bvs\.)(?<!\bcf\.)(?<!\bet al\.)(?<!\bp\.)(?<!\bpp\.)"
    r"(?<!\bFig\.)(?<!\bDr\.)(?<!\bDrs\.)(?<!\bMr\.)(?<!\bSt\.)\s+(?=[A-Z(‘'\"])"
)


@dataclass
class Unit:
    """A list item or paragraph."""

    lines: list[Line]
    bullet: bool

    @cached_property
    def text(self) -> str:  # read by every rule: joined once (a unit's lines are complete before)
        parts: list[str] = []
        for ln in self.lines:
            t = ln.text.strip()
            if parts and parts[-1].endswith("-") and not parts[-1].endswith(" -") and t[:1].isalpha():
                parts[-1] = join_hyphenated(parts[-1], t)  # 'erup-' + 'tion', 'Stevens-' + 'Johnson'
            else:
                parts.append(t)
        text = " ".join(parts)
        return _BULLET.sub("", text, count=1).strip() if self.bullet else text


# A line-end hyphen that belongs to a compound: 'Stevens-|Johnson', 'papulo-|squamous', 'pea-|sized'.
_COMPOUND_LEFT = re.compile(
    r"(?:^|[^a-z])(?:non|post|pre|anti|self|ill|well|semi|sub|super|multi|half|over|under|co|ex|inter|intra|"
    r"extra|flat|pin|pea|dime|mother|honey|straw|long|short|dark|bright|dull|pale|deep|first|second|"
    r"[a-z]*o)-$",
    re.I,
)
_COMPOUND_RIGHT = re.compile(
    r"^(?:like|sized|shaped|colou?red|topped|defined|headed|free|borne|looking|grained|walled|marked)\b", re.I
)


def join_hyphenated(left: str, right: str) -> str:
    """Two lines split at a hyphen: old books hyphenate words at the line end ('erup-' + 'tion',
    'psori-' + 'asis'), which read as one word; a compound keeps its hyphen ('Stevens-Johnson',
    'papulo-squamous', 'pea-sized')."""
    if right[:1].isupper() or _COMPOUND_LEFT.search(left) or _COMPOUND_RIGHT.match(right):
        return left + right
    return left[:-1] + right


def is_bullet(text: str) -> bool:
    return bool(_BULLET.match(text))


def units(lines: list[Line]) -> list[Unit]:
    """Split at bullets, at wide vertical gaps and where a column changes. Six rules read a section's
    units in turn: the last section's split is reused while its line list is unchanged (the same
    object, holding the same lines), and callers only read the units."""
    key = (len(lines), *map(id, lines[-1:]))
    last = getattr(_LAST, "split", None)  # (lines, key, units), per thread (ingest jobs may run in threads)
    if last is not None and last[0] is lines and last[1] == key:
        return list(last[2])
    out = _split(lines)
    _LAST.split = (lines, key, tuple(out))
    return out


_LAST = threading.local()


def _split(lines: list[Line]) -> list[Unit]:
    out: list[Unit] = []
    for line in lines:
        text = line.text.strip()
        if text in {"●", "•", "▪", "-", "–"}:  # bullet glyph on a line of its own
            out.append(Unit(lines=[], bullet=True))
            continue
        start = is_bullet(text)
        if out and out[-1].lines and not start:
            prev = out[-1].lines[-1]
            gap = line.bbox[1] - prev.bbox[3]
            height = max(4.0, prev.bbox[3] - prev.bbox[1])
            same_flow = line.page == prev.page and line.column == prev.column and -height < gap < 1.1 * height
            if same_flow or (line.page != prev.page and not prev.text.rstrip().endswith((".", ":"))):
                out[-1].lines.append(line)
                continue
        if out and not out[-1].lines:
            out[-1].lines.append(line)
            continue
        out.append(Unit(lines=[line], bullet=start))
    return [u for u in out if u.lines]


def sentences(unit: Unit) -> list[tuple[str, list[Line]]]:
    """Sentences of a unit, each with the lines it was read from (for the evidence box)."""
    text = unit.text
    pieces = _pieces(text)
    if len(pieces) <= 1:
        return [(text, unit.lines)]
    # Map sentences to lines by character offsets in the joined text.
    offsets: list[tuple[int, int, Line]] = []
    pos = 0
    for ln in unit.lines:
        t = ln.text.strip()
        found = text.find(t[: min(12, len(t))], pos)
        start = found if found >= 0 else pos
        offsets.append((start, start + len(t), ln))
        pos = start + 1
    out: list[tuple[str, list[Line]]] = []
    cursor = 0
    for piece in pieces:
        s = text.find(piece, cursor)
        e = s + len(piece)
        cursor = e
        lines = [ln for (a, b, ln) in offsets if a < e and b > s] or unit.lines[:1]
        out.append((piece.strip(), lines))
    return out


@lru_cache(maxsize=2048)
def _pieces(text: str) -> tuple[str, ...]:
    """The sentences of a paragraph's text (several rules split the same paragraphs)."""
    return tuple(p for p in _SENTENCE_END.split(text) if p.strip())
