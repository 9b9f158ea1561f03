"""An old dermatology book's plates and figures (c. 1880-1920 layouts), self-written, with its gold.

What the held-out public-domain books look like: plates on their own unnumbered page behind a tissue
guard ("PLATE XII." over the picture, the name in capitals under it, "From a photograph by Dr. …"),
text figures numbered "Fig. 23.—Lupus vulgaris of the face. (After Hebra.)", captions above as well as
below, two figures side by side each with its caption, panel letters ("a, elbow; b, knee"), small
capitals, old names (seborrhœa, syphilide), a caption naming a sign, running heads with the page
number beside them, roman numbers in the front matter. ``GOLD`` was written with the pages, before
any run of the pipeline on them; the renderer only fills in where each photo landed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from tests.ingest.corpus_render import _font

W, H = 432.0, 648.0  # a crown octavo page, points
LEFT, RIGHT = 54.0, 378.0
BODY = 10.5

# Question-and-answer prose, self-written in the manner of the period.
_PROSE = [
    "Q. What is meant by eczema? A. An inflammation of the skin, catarrhal in nature, attended with "
    "itching, and showing in its course papules, vesicles, weeping, crusts and scales in varying "
    "combination; it is the commonest of all diseases of the skin.",
    "Q. How is psoriasis to be recognised? A. By its dry, sharply defined, reddish patches covered "
    "with silvery, imbricated scales, seated by preference upon the extensor surfaces, the elbows and "
    "knees, and upon the scalp; the general health is commonly undisturbed.",
    "Q. What are the characters of lupus vulgaris? A. It begins in early life as small, soft, "
    "apple-jelly nodules set in the corium, which slowly spread, ulcerate and heal with scarring; the "
    "face is the usual seat, and the course is reckoned in years.",
    "Q. Describe seborrhœa of the scalp. A. A functional disorder of the sebaceous glands, with "
    "greasy or dry branny scales upon a scalp not otherwise inflamed; it precedes and accompanies "
    "premature baldness, and is often mistaken for a dry eczema.",
    "Q. What is lichen planus? A. An inflammatory disease marked by flat, angular, shining papules "
    "of a violaceous hue, with a central depression, grouped upon the flexor aspect of the wrists, and "
    "attended with considerable itching.",
    "Q. What is understood by the term syphilide? A. Any eruption of the skin due to syphilis; the "
    "papular syphilide is the most frequent, its lesions coppery, firm, without itching, and arranged "
    "in groups or segments of circles.",
    "Q. What is favus? A. A contagious disease of the scalp caused by a vegetable parasite, showing "
    "sulphur-yellow cup-shaped crusts pierced by hairs, with a mousy odour, and leaving permanent "
    "bald scars.",
    "Q. What is pemphigus? A. A disease characterised by the successive appearance of bullae upon "
    "skin apparently healthy, the bullae arising without a red areola and drying into thin crusts.",
]


@dataclass
class Fig:
    """One photo and its caption as printed; ``credit`` is a line apart (or None)."""

    caption: list[str]  # the caption's printed lines
    credit: str | None = None
    above: bool = False  # caption printed above the photo
    size: tuple[float, float] = (200.0, 140.0)
    caps: bool = False  # the name in small capitals (a larger first letter)
    engraving: bool = False  # a line drawing (wood engraving): black hatching on white paper


@dataclass
class Page:
    label: str | None  # the number printed on the page (None: unnumbered, e.g. a plate)
    head: str | None = None  # the running head
    # where the number is printed: "top" (at the outer corner, apart from the head), "inline" (in the
    # running head's line: "18     DISEASES OF THE SKIN.") or "bottom"
    number_at: str = "top"
    prose: int = 0  # paragraphs of prose (from _PROSE, cycling)
    figures: list[Fig] = field(default_factory=list)
    side_by_side: bool = False
    plate: str | None = None  # "PLATE XII." printed above a plate
    tissue: bool = False  # a tissue guard: a nearly blank page


PAGES: list[Page] = [
    Page(label=None, head=None),  # title page
    Page(label="vii", head="PREFACE.", number_at="bottom", prose=3),
    Page(
        label="12",
        head="DISEASES OF THE SKIN.",
        prose=2,
        figures=[Fig(["Fig. 7. Psoriasis: a, elbow; b, knee."])],
    ),
    Page(
        label="13",
        head="LUPUS VULGARIS.",
        prose=1,
        figures=[Fig(["Fig. 8.—Lupus vulgaris of the face."], credit="(After Hebra.)")],
    ),
    Page(label=None, tissue=True),
    Page(
        label=None,
        plate="PLATE XII.",
        figures=[Fig(["ECZEMA RUBRUM."], credit="From a photograph by Dr. L. A. Duhring.", size=(290, 380))],
    ),
    Page(
        label="14",
        head="SEBORRHŒA.",
        prose=2,
        figures=[Fig(["Fig. 9.—Seborrhœa of the scalp."], above=True)],
    ),
    Page(
        label="15",
        head="DISEASES OF THE SKIN.",
        prose=1,
        side_by_side=True,
        figures=[
            Fig(["Fig. 10.—Lichen planus."], credit="(Kaposi.)", size=(150, 120)),
            Fig(["Fig. 11.—Papular syphilide."], size=(150, 120)),
        ],
    ),
    Page(
        label="16",
        head="PSORIASIS.",
        prose=1,
        figures=[
            Fig(["Fig. 12.—The Koebner phenomenon."], size=(180, 110)),
            Fig(["Fig. 13.—Pemphigus vulgaris."], caps=True, size=(180, 110)),
        ],
    ),
    Page(label=None, tissue=True),
    Page(
        label=None,
        plate="PLATE XIII.",
        figures=[
            Fig(
                ["LUPUS ERYTHEMATOSUS OF THE FACE."],
                above=True,
                credit="(From Hebra's Atlas.)",
                size=(290, 360),
            )
        ],
    ),
    Page(
        label="17",
        head="FAVUS.",
        prose=2,
        figures=[
            Fig(
                [
                    "Fig. 14.—Favus of the scalp, showing the sulphur-yellow",
                    "cups; from a boy aged nine years.",
                ]
            )
        ],
    ),
    Page(
        label="18",
        head="DISEASES OF THE SKIN.",
        number_at="inline",
        prose=1,
        figures=[Fig(["Fig. 15.—Erythema multiforme, the iris form."], size=(200, 130))],
    ),
    Page(
        label="19",
        head="SCABIES.",
        prose=2,
        figures=[Fig(["Fig. 16.—Scabies: the burrow, magnified."], size=(180, 130), engraving=True)],
    ),
]

# Gold, written from the pages above before the pipeline ran on them: for each photo (in page
# order) its PDF page (1-based), the printed page label, the caption (as printed, without its
# credit line) and the diagnosis a curator would label the photo with (None: a sign, no diagnosis).
# ``also``: other names the diagnosis may fairly be given.
GOLD: list[dict] = [
    {"page": 3, "label": "12", "caption": "Fig. 7. Psoriasis: a, elbow; b, knee.", "dx": "psoriasis"},
    {"page": 4, "label": "13", "caption": "Fig. 8.—Lupus vulgaris of the face.", "dx": "lupus vulgaris"},
    {
        "page": 6,
        "label": None,
        "caption": "PLATE XII. ECZEMA RUBRUM.",
        "dx": "eczema rubrum",
        "also": ["eczema"],
    },
    {"page": 7, "label": "14", "caption": "Fig. 9.—Seborrhœa of the scalp.", "dx": "seborrhœa"},
    {"page": 8, "label": "15", "caption": "Fig. 10.—Lichen planus.", "dx": "lichen planus"},
    {
        "page": 8,
        "label": "15",
        "caption": "Fig. 11.—Papular syphilide.",
        "dx": "papular syphilide",
        "also": ["syphilide"],
    },
    {"page": 9, "label": "16", "caption": "Fig. 12.—The Koebner phenomenon.", "dx": None},
    {"page": 9, "label": "16", "caption": "Fig. 13.—Pemphigus vulgaris.", "dx": "pemphigus vulgaris"},
    {
        "page": 11,
        "label": None,
        "caption": "PLATE XIII. LUPUS ERYTHEMATOSUS OF THE FACE.",
        "dx": "lupus erythematosus",
    },
    {
        "page": 12,
        "label": "17",
        "caption": (
            "Fig. 14.—Favus of the scalp, showing the sulphur-yellow cups; from a boy aged nine years."
        ),
        "dx": "favus",
    },
    # added with the last page, after the first run on the others (its gold written before its run)
    {
        "page": 13,
        "label": "18",
        "caption": "Fig. 15.—Erythema multiforme, the iris form.",
        "dx": "erythema multiforme",
    },
    # added after the scans' fixes, its gold written before its first run: a wood engraving
    {"page": 14, "label": "19", "caption": "Fig. 16.—Scabies: the burrow, magnified.", "dx": "scabies"},
]


def _photo(seed: int, w: int = 240, h: int = 180) -> bytes:
    """A photo-like grey-brown picture: soft blotches over a mottled ground (no text-like strokes)."""
    import pymupdf

    rng = random.Random(seed)
    pix = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, w, h), False)
    base = rng.randint(120, 170)
    blobs = [(rng.uniform(0, w), rng.uniform(0, h), rng.uniform(15, 50)) for _ in range(12)]
    step = 6
    for y in range(0, h, step):
        for x in range(0, w, step):
            v = base + rng.randint(-12, 12)
            for bx, by, r in blobs:
                if (x - bx) ** 2 + (y - by) ** 2 < r * r:
                    v -= 35
            v = max(30, min(220, v))
            pix.set_rect(pymupdf.IRect(x, y, x + step, y + step), (v, int(v * 0.85), int(v * 0.7)))
    return pix.tobytes("png")


def _len(text: str, font: str, size: float) -> float:
    import pymupdf

    spec = _font(font)
    face = pymupdf.Font(fontfile=spec["fontfile"]) if "fontfile" in spec else pymupdf.Font(font)
    return face.text_length(text, fontsize=size)


def _put(page: object, xy: tuple[float, float], text: str, font: str, size: float) -> None:
    page.insert_text(xy, text, fontsize=size, **_font(font))  # type: ignore[attr-defined]


def _engraving(seed: int, w: int, h: int) -> bytes:
    """A wood engraving's look: black hatching and outlines on white paper, mostly paper."""
    import pymupdf

    rng = random.Random(seed)
    doc = pymupdf.open()
    page = doc.new_page(width=w, height=h)
    page.draw_rect(pymupdf.Rect(1, 1, w - 1, h - 1), color=(0, 0, 0), width=1)
    for _ in range(6):  # shaded ovals: outline and diagonal hatching
        cx, cy, r = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h, rng.uniform(0.08, 0.2) * w
        page.draw_oval(pymupdf.Rect(cx - r, cy - r * 0.6, cx + r, cy + r * 0.6), color=(0, 0, 0), width=1.2)
        for k in range(-int(r), int(r), 4):
            page.draw_line((cx + k - r * 0.3, cy + r * 0.5), (cx + k + r * 0.3, cy - r * 0.5), width=0.6)
    for y in range(8, h - 8, 7):  # the skin's surface lines
        page.draw_line((6, y), (w * rng.uniform(0.3, 0.9), y + rng.uniform(-3, 3)), width=0.4)
    png = page.get_pixmap(dpi=144).tobytes("png")
    doc.close()
    return png


def _wrap(text: str, size: float, width: float, font: str = "tiro") -> list[str]:
    out, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if _len(trial, font, size) > width and cur:
            out.append(cur)
            cur = word
        else:
            cur = trial
    return out + ([cur] if cur else [])


def _centre(
    page: object, y: float, text: str, font: str, size: float, x0: float = LEFT, x1: float = RIGHT
) -> None:
    _put(page, ((x0 + x1 - _len(text, font, size)) / 2, y), text, font, size)


def _caps(page: object, y: float, text: str, size: float, x0: float, x1: float) -> None:
    """A caption in small capitals: each word's first letter full size, the rest smaller capitals."""
    parts: list[tuple[str, float]] = []
    for word in text.split():
        parts += [(word[0].upper(), size), (word[1:].upper() + " ", size * 0.78)]
    x = (x0 + x1 - sum(_len(t, "tiro", s) for t, s in parts)) / 2
    for t, s in parts:
        _put(page, (x, y), t, "tiro", s)
        x += _len(t, "tiro", s)


def _figure(page: object, fig: Fig, x0: float, x1: float, y: float, seed: int) -> tuple[float, tuple]:
    """Place a figure centred in [x0, x1] from ``y``; returns (the y below it, the photo's box)."""
    import pymupdf

    fw, fh = fig.size
    cap_lines = fig.caption
    small = 8.5

    def caption(y: float) -> float:
        for text in cap_lines:
            if fig.caps:
                head, _, rest = text.partition("—")
                _caps(page, y + small, rest.rstrip("."), small, x0, x1)
            else:
                _centre(page, y + small, text, "tiro", small, x0, x1)
            y += small * 1.3
        return y

    if fig.above:
        y = caption(y) + 4
    px0 = (x0 + x1 - fw) / 2
    box = (px0, y, px0 + fw, y + fh)
    if fig.engraving:
        picture = _engraving(seed, round(fw), round(fh))
    else:
        picture = _photo(seed, round(fw * 1.2), round(fh * 1.2))
    page.insert_image(pymupdf.Rect(*box), stream=picture)  # type: ignore[attr-defined]
    y += fh + 4
    if not fig.above:
        y = caption(y)
    if fig.credit:
        _centre(page, y + 7.5, fig.credit, "tiit", 7.5, x0, x1)
        y += 7.5 * 1.3
    return y + 10, tuple(round(v, 1) for v in box)


def render_plates_book(path: Path) -> tuple[Path, list[dict]]:
    """The book as a PDF, and ``GOLD`` with each photo's box (points) filled in."""
    import pymupdf

    doc = pymupdf.open()
    boxes: list[tuple[int, tuple]] = []
    para = 0
    for index, spec in enumerate(PAGES, start=1):
        page = doc.new_page(width=W, height=H)
        if index == 1:
            _centre(page, 200, "DISEASES OF THE SKIN", "tibo", 20)
            _centre(page, 230, "IN QUESTIONS AND ANSWERS", "tiro", 12)
            _centre(page, 300, "WITH TWENTY-FOUR PLATES AND FIGURES", "tiro", 9)
            continue
        if spec.tissue:
            continue
        if spec.head and spec.number_at == "inline":
            _put(page, (LEFT, 40), f"{spec.label}          {spec.head}", "tiro", 8)
        elif spec.head:
            _centre(page, 40, spec.head, "tiro", 8)
            if spec.label and spec.number_at == "top":
                x = LEFT if int(spec.label) % 2 == 0 else RIGHT - 12
                _put(page, (x, 40), spec.label, "tiro", 8)
        if spec.label and spec.number_at == "bottom":
            _centre(page, H - 30, spec.label, "tiro", 8)
        y = 62.0
        if spec.plate:
            _centre(page, y + 10, spec.plate, "tibo", 10)
            y += 24
        paras = [_PROSE[(para + i) % len(_PROSE)] for i in range(spec.prose)]
        para += spec.prose
        first = paras[:1] if spec.figures else paras
        for text in first:
            for line in _wrap(text, BODY, RIGHT - LEFT):
                _put(page, (LEFT, y + BODY), line, "tiro", BODY)
                y += BODY * 1.35
            y += 6
        if spec.figures:
            y += 6
            if spec.side_by_side:
                mid = (LEFT + RIGHT) / 2
                bottoms = []
                for i, fig in enumerate(spec.figures):
                    x0, x1 = (LEFT, mid - 6) if i == 0 else (mid + 6, RIGHT)
                    bottom, box = _figure(page, fig, x0, x1, y, seed=index * 10 + i)
                    bottoms.append(bottom)
                    boxes.append((index, box))
                y = max(bottoms)
            else:
                for i, fig in enumerate(spec.figures):
                    y, box = _figure(page, fig, LEFT, RIGHT, y, seed=index * 10 + i)
                    boxes.append((index, box))
            for text in paras[1:]:
                for line in _wrap(text, BODY, RIGHT - LEFT):
                    if y + BODY > H - 50:
                        break
                    _put(page, (LEFT, y + BODY), line, "tiro", BODY)
                    y += BODY * 1.35
                y += 6
    doc.save(path)
    doc.close()
    assert [b[0] for b in boxes] == [g["page"] for g in GOLD], "gold and pages disagree"
    gold = [g | {"bbox": box} for g, (_, box) in zip(GOLD, boxes, strict=True)]
    return path, gold


def _age(pix: object, seed: int) -> object:
    """An old page as scanned: yellowed paper, uneven light, grain, and the ink a little faded."""
    import numpy as np
    import pymupdf

    rng = np.random.default_rng(seed)
    arr = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)  # type: ignore[attr-defined]
    img = arr.astype(np.float32)
    img = 40 + img * (200 / 255)  # faded ink, darker paper
    light = np.linspace(0.92, 1.0, pix.width, dtype=np.float32)[None, :, None]  # type: ignore[attr-defined]
    img = img * light * np.array([1.0, 0.94, 0.80], dtype=np.float32)  # yellowed
    img += rng.normal(0, 6, img.shape)
    out = np.clip(img, 0, 255).astype(np.uint8)
    return pymupdf.Pixmap(pymupdf.csRGB, pix.width, pix.height, out.tobytes(), False)  # type: ignore[attr-defined]


def scan_with_text_layer(src: Path, out: Path, dpi: int = 200, *, aged: bool = False) -> Path:
    """What archive.org serves: every page a scan, with an invisible OCR text layer over it (made
    here by MuPDF's own Tesseract, as the scanning services run it); ``aged``: yellowed, grainy paper."""
    import pymupdf

    from ingest.ocr import tessdata_dir

    with pymupdf.open(src) as doc, pymupdf.open() as new:
        for page in doc:
            pix = page.get_pixmap(dpi=dpi)  # MuPDF's OCR reads nothing from a grey pixmap
            if aged:
                pix = _age(pix, page.number)
            pix.set_dpi(dpi, dpi)
            with pymupdf.open("pdf", pix.pdfocr_tobytes(language="eng", tessdata=tessdata_dir())) as ocred:
                new.insert_pdf(ocred)
        new.save(out)
    return out
