"""Build textbook-like PDFs with PyMuPDF, in a layout unlike the BAD handbook's.

Two text columns, headings on lines of their own (no side heads), a running header in capitals and
centred page numbers, "Fig. N." captions with courtesy lines, a ruled comparison table, and the older
wording of classic text books ("is to be distinguished from", "may be mistaken for"). The same
builder, repeated, makes the 1,000-page document of the benchmark.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from pathlib import Path

WIDTH, HEIGHT = 595.0, 842.0
MARGIN, GUTTER = 50.0, 24.0
COL_W = (WIDTH - 2 * MARGIN - GUTTER) / 2
HEADER = "DISEASES OF THE SKIN"

# (kind, text): chapter | section | sub | para | item | figure | table
CHAPTER: list[tuple[str, str]] = [
    ("chapter", "Chapter 4. Papulosquamous Eruptions"),
    (
        "para",
        "The papulosquamous eruptions are characterised by raised lesions bearing scale. They are among the "
        "commonest disorders seen in practice, and their recognition rests chiefly upon the morphology.",
    ),
    ("section", "Lichen Planus"),
    ("sub", "Clinical Features"),
    (
        "para",
        "The eruption consists of small, flat-topped, polygonal, violaceous papules with a shiny surface, "
        "crossed by fine white lines known as Wickham's striae. The flexor aspects of the wrists are a "
        "favourite site, and the buccal mucosa is frequently involved.",
    ),
    ("figure", "Fig. 12. Lichen planus: papules on the flexor aspect of the wrist."),
    ("credit", "(By courtesy of Dr. A. Smith.)"),
    ("sub", "Diagnosis"),
    (
        "para",
        "Lichen planus is to be distinguished from psoriasis, lichenoid drug eruption and secondary "
        "syphilis. Hypertrophic lichen planus may be mistaken for lichen simplex chronicus.",
    ),
    ("section", "Pityriasis Rosea"),
    ("sub", "Symptoms and Signs"),
    (
        "para",
        "A solitary herald patch precedes by some days a generalised eruption of oval, salmon-coloured "
        "macules arranged along the lines of cleavage of the trunk.",
    ),
    ("sub", "Differential Diagnosis"),
    ("item", "- Secondary syphilis"),
    ("item", "- Tinea corporis"),
    ("item", "- Guttate psoriasis"),
    ("item", "- Seborrhoeic dermatitis"),
    ("section", "Psoriasis"),
    ("sub", "Clinical Features"),
    (
        "para",
        "Sharply defined, red plaques covered by silvery scales affect chiefly the extensor surfaces, the "
        "scalp and the sacral region. Pitting of the nails is common.",
    ),
    ("sub", "Varieties"),
    ("item", "- Guttate psoriasis - small drop-like lesions following a streptococcal sore throat."),
    ("item", "- Pustular psoriasis - sterile pustules on the palms and soles."),
    ("item", "- Erythrodermic psoriasis - the whole skin red and scaling."),
    ("para", "Seborrhoeic dermatitis of the scalp often resembles psoriasis."),
    ("section", "The Scaly Plaque"),
    ("para", "A single scaly plaque raises a short differential, compared in the table below."),
    (
        "table",
        "Features|Psoriasis|Discoid eczema|Tinea corporis;"
        "Distribution|Extensor surfaces|Limbs|Anywhere;"
        "Morphology|Silvery scale|Crusted, weeping|Active scaly edge;"
        "Investigations|None needed|Patch tests|Skin scrapings;"
        "Course|Chronic|Relapsing|Cured by antifungals",
    ),
]

EXPECTED_DDX = {
    ("lichen planus", "psoriasis"),
    ("lichen planus", "lichenoid drug eruption"),
    ("lichen planus", "secondary syphilis"),
    ("hypertrophic lichen planus", "lichen simplex chronicus"),
    ("pityriasis rosea", "secondary syphilis"),
    ("pityriasis rosea", "tinea corporis"),
    ("pityriasis rosea", "guttate psoriasis"),
    ("pityriasis rosea", "seborrhoeic dermatitis"),
    ("psoriasis", "seborrhoeic dermatitis"),
    ("psoriasis", "discoid eczema"),
    ("psoriasis", "tinea corporis"),
    ("discoid eczema", "tinea corporis"),
}
EXPECTED_IS_A = {
    ("guttate psoriasis", "psoriasis"),
    ("pustular psoriasis", "psoriasis"),
    ("erythrodermic psoriasis", "psoriasis"),
    ("lichen planus", "papulosquamous eruptions"),
    ("pityriasis rosea", "papulosquamous eruptions"),
    ("psoriasis", "papulosquamous eruptions"),
}


def _photo(seed: int) -> bytes:
    """A small, unique, photo-like PNG (a colour gradient) so that images do not deduplicate."""
    import pymupdf

    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 96, 72), False)
    for y in range(0, 72, 8):
        for x in range(0, 96, 8):
            pix.set_rect(
                pymupdf.IRect(x, y, x + 8, y + 8), ((x * 2 + seed) % 256, (y * 3 + seed * 7) % 256, 120)
            )
    return pix.tobytes("png")


@dataclass
class PageCursor(ABC):
    """Where the next line goes in a multi-column layout; both test renderers (this module's and
    :mod:`tests.ingest.corpus_render`) fill columns the same way and differ in page geometry and in
    what a new page prints."""

    doc: object
    page: object = None
    col: int = 0
    y: float = 0.0
    top: float = 0.0  # where a column starts on this page (below a chapter heading); new_page sets it

    @abstractmethod
    def new_page(self) -> None: ...

    @abstractmethod
    def column_count(self) -> int: ...

    @abstractmethod
    def bottom(self) -> float: ...

    def need(self, h: float) -> None:
        """Room for ``h`` points below ``y``: else the next column, else a new page."""
        if self.page is None:
            self.new_page()
        if self.y + h > self.bottom():
            if self.col + 1 < self.column_count():
                self.col, self.y = self.col + 1, self.top
            else:
                self.new_page()


@dataclass
class _Cursor(PageCursor):
    pages: int = 0
    images: int = 0
    columns: int = 2

    def new_page(self) -> None:
        self.page = self.doc.new_page(width=WIDTH, height=HEIGHT)
        self.pages += 1
        self.page.insert_text((WIDTH / 2 - 70, 32), HEADER, fontname="helv", fontsize=8)
        self.page.insert_text((WIDTH / 2 - 4, HEIGHT - 24), str(self.pages), fontname="helv", fontsize=9)
        self.col, self.y, self.top = 0, 70.0, 70.0

    def x(self) -> float:
        return MARGIN + self.col * (COL_W + GUTTER) if self.columns == 2 else MARGIN

    def width(self) -> float:
        return COL_W if self.columns == 2 else WIDTH - 2 * MARGIN

    def column_count(self) -> int:
        return self.columns

    def bottom(self) -> float:
        return HEIGHT - 60


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    import pymupdf

    lines, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if pymupdf.get_text_length(trial, fontname=font, fontsize=size) > width and cur:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    return lines + ([cur] if cur else [])


def _write(c: _Cursor, text: str, font: str, size: float, gap: float) -> None:
    for line in _wrap(text, font, size, c.width()):
        c.need(size * 1.3)
        c.page.insert_text((c.x(), c.y + size), line, fontname=font, fontsize=size)
        c.y += size * 1.3
    c.y += gap


def _table(c: _Cursor, spec: str) -> None:
    rows = [r.split("|") for r in spec.split(";")]
    c.new_page() if c.y > 70 else None
    columns_before, c.columns = c.columns, 1
    x0, w = MARGIN, (WIDTH - 2 * MARGIN) / len(rows[0])
    for r, row in enumerate(rows):
        y = c.y
        for i, cell in enumerate(row):
            c.page.insert_text(
                (x0 + i * w + 4, y + 13), cell, fontname="hebo" if r == 0 or i == 0 else "helv", fontsize=9
            )
        c.y += 20
    for r in range(len(rows) + 1):
        c.page.draw_line((x0, 70 + r * 20), (WIDTH - MARGIN, 70 + r * 20))
    for i in range(len(rows[0]) + 1):
        c.page.draw_line((x0 + i * w, 70), (x0 + i * w, 70 + 20 * len(rows)))
    c.y += 10
    c.columns = columns_before


def render(c: _Cursor, chapter: list[tuple[str, str]], seed: int = 0) -> None:
    import pymupdf

    for kind, text in chapter:
        if kind == "chapter":
            c.new_page() if c.page is None or c.y > 70 else None
            c.columns, c.y = 1, 96.0  # chapter openings sit lower than the running head
            _write(c, text, "hebo", 16, 10)
            c.columns, c.top = 2, c.y
        elif kind == "section":
            c.need(40)
            _write(c, text, "hebo", 12, 4)
        elif kind == "sub":
            c.need(30)
            _write(c, text, "hebo", 9.5, 2)
        elif kind in {"para", "item"}:
            _write(c, text, "tiro", 9.5, 4 if kind == "para" else 1)
        elif kind == "figure":
            c.need(150)
            rect = pymupdf.Rect(c.x() + 20, c.y, c.x() + 200, c.y + 120)
            c.page.insert_image(rect, stream=_photo(seed + c.images))
            c.images += 1
            c.y += 126
            _write(c, text, "tiit", 8.5, 1)
        elif kind == "credit":
            _write(c, text, "tiro", 7.5, 8)
        elif kind == "table":
            _table(c, text)


def build_textbook(path: Path, *, repeat: int = 1) -> Path:
    """Write the synthetic chapter ``repeat`` times (numbered copies) to ``path``."""
    import pymupdf

    doc = pymupdf.open()
    c = _Cursor(doc=doc)
    for i in range(repeat):
        chapter = (
            CHAPTER if i == 0 else [(k, t.replace("Chapter 4.", f"Chapter {4 + i}.")) for k, t in CHAPTER]
        )
        render(c, chapter, seed=i * 13)
    doc.save(path)
    doc.close()
    return path


OLD_STYLE_EXPECTED_DDX = {
    ("scabies", "prurigo"),
    ("scabies", "pediculosis corporis"),
    ("impetigo contagiosa", "eczema"),
    ("impetigo contagiosa", "ecthyma"),
}


def build_old_style_book(path: Path) -> Path:
    """One column, centred capital headings, italic run-in heads ("Symptoms.—") and Victorian wording."""
    import pymupdf

    doc = pymupdf.open()
    page = doc.new_page(width=WIDTH, height=HEIGHT)
    page.insert_text((WIDTH / 2 - 60, 32), "DISEASES OF THE SKIN", fontname="tiro", fontsize=8)
    y = 80.0

    def heading(text: str) -> None:
        nonlocal y
        width = pymupdf.get_text_length(text, fontname="tiro", fontsize=11)
        page.insert_text(((WIDTH - width) / 2, y), text, fontname="tiro", fontsize=11)
        y += 22

    def run_in(label: str, text: str) -> None:
        nonlocal y
        lw = pymupdf.get_text_length(label + " ", fontname="tiit", fontsize=11)
        lines = _wrap(text, "tiro", 11, WIDTH - 2 * MARGIN - lw)
        page.insert_text((MARGIN, y), label, fontname="tiit", fontsize=11)
        page.insert_text((MARGIN + lw, y), lines[0], fontname="tiro", fontsize=11)
        for line in lines[1:]:
            y += 14
            page.insert_text((MARGIN, y), line, fontname="tiro", fontsize=11)
        y += 20

    heading("SCABIES")
    run_in(
        "Symptoms.",
        "The itching is worse at night, and burrows are found between the fingers and upon the wrists.",
    )
    run_in("Diagnosis.", "Scabies is apt to be confounded with prurigo and with pediculosis corporis.")
    heading("IMPETIGO CONTAGIOSA")
    run_in("Symptoms.", "Flat vesicles dry into honey-coloured crusts upon the face and hands of children.")
    run_in("Diagnosis.", "It must be distinguished from eczema and from ecthyma.")
    doc.save(path)
    doc.close()
    return path
