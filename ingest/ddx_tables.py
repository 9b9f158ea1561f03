"""Comparison tables: the conditions a table compares are mutual differentials.

A table whose first column holds clinical attributes (History, Sites, Lesion, ...) compares the
conditions named across its top; one whose header row holds the attributes compares the conditions
down its side.
"""

from __future__ import annotations

import re

from ingest.ddx_names import _names, _pairs
from ingest.labels import is_clinical_label, label_word
from ingest.layout import DDX_COLUMN, DIFFERENTIAL_HEADER
from ingest.types import Line, RelationCandidate, TableGrid


def table_relations(
    table: TableGrid, context: str | None, source: str, subject: str | None = None
) -> list[RelationCandidate]:
    """A comparison table: condition names across the top (or down the side) are mutual differentials;
    a table of one condition's differentials ("Differential | Distinguishing features") pairs each
    row's condition with ``subject`` (the section's condition) only."""
    if (cells := differential_cells(table)) is not None:  # "Condition | Clues | Distinguish from"
        out: list[RelationCandidate] = []
        for name, others in cells:
            line = Line(page=table.page, text=f"{name} | {' ; '.join(others)}", bbox=table.bbox, size=0)
            quote = f"{name}: {'; '.join(others)}"
            out.extend(
                _pairs(others, "table:distinguish", [line], source, quote, context=context, anchor=name)
            )
        return out
    if (listed := differential_rows(table)) is not None:
        if not subject or not listed:
            return []
        line = Line(page=table.page, text=" | ".join(listed), bbox=table.bbox, size=0)
        quote = " | ".join(listed)
        return _pairs(listed, "table:differentials", [line], source, quote, context=context, anchor=subject)
    members = table_members(table)
    if len(members) < 2:
        return []
    line = Line(page=table.page, text=" | ".join(members), bbox=table.bbox, size=0)
    return _pairs(members, "table", [line], source, " | ".join(members), context=context, score=0.7)


_ROW_HEAD = re.compile(
    r"^(?:differentials?|differential\s+diagnos[ie]s|diagnosis|condition|disorder|disease)$", re.I
)


def differential_cells(table: TableGrid) -> list[tuple[str, list[str]]] | None:
    """(row condition, the names its "Distinguish from" / "Differential diagnosis" cell lists) for a
    table with such a column after the first, or None when ``table`` has none. The rows are not
    differentials of one another unless a cell names them."""
    rows = [[c.strip() for c in r] for r in table.rows if any(c.strip() for c in r)]
    if len(rows) < 2 or len(rows[0]) < 2:
        return None
    column = next((i for i, c in enumerate(rows[0]) if i > 0 and DDX_COLUMN.match(c)), None)
    if column is None:
        return None
    out = []
    for r in rows[1:]:
        names = _names(r[0])[:1] if r and r[0] else []
        if names and column < len(r) and (others := _names(r[column])):
            out.append((names[0], others))
    return out


def differential_rows(table: TableGrid) -> list[str] | None:
    """The conditions down the first column of a "Differential | Distinguishing features" table, or
    None when ``table`` is not one."""
    rows = [[c.strip() for c in r] for r in table.rows if any(c.strip() for c in r)]
    if len(rows) < 2 or len(rows[0]) < 2 or not _ROW_HEAD.match(rows[0][0]):
        return None
    if not any(DIFFERENTIAL_HEADER.match(c) for c in rows[0][1:]):
        return None
    return [n for r in rows[1:] if r and r[0] for n in _names(r[0])]


def table_members(table: TableGrid) -> list[str]:
    """Names of the compared conditions, or [] when the table is not a comparison of conditions."""
    rows = [[c.strip() for c in r] for r in table.rows if any(c.strip() for c in r)]
    if len(rows) < 2 or differential_rows(table) is not None or differential_cells(table) is not None:
        return []
    first_col = [r[0] for r in rows if r and r[0]]
    if _distinct_labels(first_col) >= 3:
        header_rows = []
        for i, r in enumerate(rows):
            if i > 0 and r[0] and is_clinical_label(r[0]):
                break
            header_rows.append(r)
        return _header_names(header_rows)
    header = rows[0]
    if _distinct_labels([c for c in header[1:] if c]) >= 2:
        return [n for r in rows[1:] if r[0] for n in _names(r[0])][:12]
    return []


def _distinct_labels(cells: list[str]) -> int:
    """How many different clinical attributes label these cells (History, Sites, Lesion, ...)."""
    heads = {label_word(c) for c in cells if is_clinical_label(c)}
    return len(heads - {None})


def _header_names(header_rows: list[list[str]]) -> list[str]:
    if not header_rows:
        return []
    counts = [sum(1 for c in r if c) for r in header_rows]
    main = counts.index(max(counts))
    cells = list(header_rows[main])
    for r in header_rows[main + 1 :]:  # a name wrapped onto the next grid row
        for i, c in enumerate(r):
            if c and i < len(cells):
                cells[i] = (cells[i] + " " + c).strip()
    names: list[str] = []
    for cell in cells:
        if cell and not is_clinical_label(cell):
            names.extend(_names(cell))
    return names
