"""Open a PDF safely and read each page's text lines and placed images (PyMuPDF).

Bad files are refused with an :class:`~dermkg.errors.InputError` naming the file (and page): not a
PDF, damaged, encrypted, without pages, or with pages too large to be a book page. ``pymupdf`` is
imported inside functions so that ``dermkg --help`` stays fast.
"""

from __future__ import annotations

import logging
import re
import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

from dermkg.errors import InputError
from dermkg.inputs import require_file
from ingest.labels import is_clinical_label
from ingest.types import ImageRef, Line
from kg.ids import sha256_file

log = logging.getLogger(__name__)

MAX_PAGE_SIDE_PT = 14_400.0  # the PDF specification's largest page (200 inches)
MAX_PAGES = 20_000
_BOLD, _ITALIC = 16, 2


_OPTIONAL = ("pymupdf.layout", "pymupdf4llm")  # what ``import pymupdf`` loads when installed


def import_pymupdf() -> Any:
    """``pymupdf``, first imported without its optional layout package and its markdown helper:
    when installed, ``import pymupdf`` loads ``pymupdf.layout`` and its ONNX model (~0.5 s of CPU in
    every process, as much as ingesting a 79-page book), and ``pymupdf4llm`` with numpy and
    onnxruntime (~0.15 s); ingest uses neither (``find_tables(use_layout=False)``, no markdown).
    A process that imported pymupdf before keeps what it loaded; both can still be imported later
    by whoever wants them."""
    if "pymupdf" not in sys.modules and not any(name in sys.modules for name in _OPTIONAL):
        for name in _OPTIONAL:
            sys.modules[name] = None  # type: ignore[assignment]  # pymupdf skips an ImportError
        try:
            import pymupdf
        finally:
            for name in _OPTIONAL:
                if sys.modules.get(name, 0) is None:
                    del sys.modules[name]
        pymupdf.no_recommend_layout()  # find_tables would print an advert for the layout package
    import pymupdf

    return pymupdf


def open_pdf(path: str | Path) -> Any:
    """Open ``path`` as a ``pymupdf.Document``; raise InputError saying why it cannot be ingested."""
    pymupdf = import_pymupdf()

    path = require_file(path, "PDF file")  # "is a directory", "no such PDF file", not a device
    with path.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        raise InputError("not a PDF (no %PDF- header)", location=str(path))
    with path.open("rb") as fh:
        fh.seek(max(0, path.stat().st_size - 2048))
        tail = fh.read()
    if b"%%EOF" not in tail:
        raise InputError("truncated PDF (no %%EOF marker at the end): download it again", location=str(path))
    try:
        doc = pymupdf.open(path, filetype="pdf")
    except Exception as exc:  # pymupdf raises its own FileDataError / RuntimeError kinds
        raise InputError(f"damaged PDF: {exc}", location=str(path)) from None
    try:
        if doc.needs_pass or doc.is_encrypted:
            raise InputError("encrypted PDF: decrypt it first (qpdf --decrypt)", location=str(path))
        if doc.page_count == 0:
            raise InputError("PDF has no pages (truncated or damaged)", location=str(path))
        if doc.page_count > MAX_PAGES:
            raise InputError(f"{doc.page_count} pages is more than {MAX_PAGES}", location=str(path))
        for page in doc:
            rect = page.rect
            if max(rect.width, rect.height) > MAX_PAGE_SIDE_PT or rect.width <= 0 or rect.height <= 0:
                raise InputError(
                    f"page size {rect.width:.0f}x{rect.height:.0f} pt is not a book page",
                    location=f"{path}, page {page.number + 1}",
                )
        from dermkg.images import max_pixels
        from ingest.pdf_guard import defuse_inline_images

        # before any page is interpreted: inline image bombs are cut out (in memory), warnings kept
        doc.dermkg_warnings = defuse_inline_images(doc, str(path), max_pixels())
    except InputError:
        doc.close()
        raise
    except Exception as exc:
        doc.close()
        raise InputError(f"damaged PDF: {exc}", location=str(path)) from None
    return doc


def file_sha256(path: str | Path) -> str:
    return sha256_file(str(path))


def _text_flags() -> int:
    import pymupdf

    # No TEXT_PRESERVE_IMAGES: image bytes are read only for the photos that become cases.
    return pymupdf.TEXT_PRESERVE_WHITESPACE | pymupdf.TEXT_PRESERVE_LIGATURES | pymupdf.TEXT_MEDIABOX_CLIP


TYPOGRAPHY = str.maketrans(
    {"\u00ad": "-", "ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "\u2011": "-", "\u037e": ";"}
)


def read_lines(page: Any, textpage: Any = None) -> list[Line]:
    """Horizontal text lines of ``page`` with dominant font size and weight (rotated text skipped)."""
    out: list[Line] = []
    number = page.number + 1
    for block in page.get_text("dict", flags=_text_flags(), textpage=textpage)["blocks"]:
        for raw in block.get("lines", ()):
            dx, dy = raw["dir"]
            if abs(dy) > 0.05 or dx < 0:  # vertical side tabs and upside-down text are decoration
                continue
            spans = raw["spans"]
            if not any(s["text"].strip() for s in spans):
                continue
            head, rest = _run_in_head(spans)
            if not head:  # the common case: the line whole, already known to hold text
                out.append(_line(number, spans))
                continue
            out.extend(_line(number, part) for part in (head, rest) if any(s["text"].strip() for s in part))
    return out


def _line(number: int, all_spans: list[dict[str, Any]]) -> Line:
    # A soft hyphen inside a line is printed as a hyphen ('post\xadinflammatory'); ligature glyphs
    # ('ﬁ', 'ﬂ') are two letters. Old letters (œ, æ) and diacritics stay as printed.
    text = " ".join("".join(s["text"] for s in all_spans).split())
    if not text.isascii():  # every TYPOGRAPHY character is non-ASCII; a dict translate costs ~10 µs
        text = text.translate(TYPOGRAPHY)
    # one pass over the spans (this runs for every line of a book: a pass per statistic cost 2x)
    weight = size = bold_chars = italic_chars = 0.0
    x0 = y0 = float("inf")
    x1 = y1 = float("-inf")
    for s in all_spans:
        n = len(s["text"].strip())
        if not n:
            continue
        weight += n
        size += s["size"] * n
        if _is_bold(s):
            bold_chars += n
        if s["flags"] & _ITALIC:
            italic_chars += n
        bx0, by0, bx1, by1 = s["bbox"]
        if bx0 < x0:  # comparisons, not min()/max() calls: this runs for every span of a book
            x0 = bx0
        if by0 < y0:
            y0 = by0
        if bx1 > x1:
            x1 = bx1
        if by1 > y1:
            y1 = by1
    size /= weight or 1
    weight = weight or 1
    return Line(
        page=number,
        text=text,
        bbox=(round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2)),
        size=round(size, 1),
        bold=bold_chars >= 0.8 * weight,
        italic=italic_chars >= 0.8 * weight,
    )


def _run_in_head(spans: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split a run-in head ("**Clinical features.** The eruption ...") off the text it opens, so it
    reads as a side head; a line without one comes back whole as ``([], spans)``."""
    cut = len(spans)  # the first span of plain text: most lines open with one (cut 0)
    for i, s in enumerate(spans):
        if s["text"].strip() and not (_is_bold(s) or s["flags"] & _ITALIC):
            cut = i
            break
    if cut == 0 or cut == len(spans):
        return [], spans
    label = "".join(s["text"] for s in spans[:cut]).strip()
    if not label.endswith((".", ":", "—", "–")) or not is_clinical_label(label.rstrip(".:—– ")):
        return [], spans
    return spans[:cut], spans[cut:]


def _is_bold(span: dict[str, Any]) -> bool:
    return bool(span["flags"] & _BOLD) or _bold_font(span.get("font", ""))


@lru_cache(maxsize=1024)
def _bold_font(font: str) -> bool:
    font = font.lower()
    return "bold" in font or "black" in font or "heavy" in font


def oversized_images(
    page: Any, blocks: list[tuple[tuple[float, ...], Any]] | None = None
) -> list[tuple[int, int]]:
    """(width, height) of the page's images over the pixel limit, stored or inline, read from their
    dictionaries: nothing is decoded (a 0.9 MB PDF can hold a 900-megapixel flate image).
    ``blocks``: the page's image blocks when :func:`read_page` has them (the sizes
    ``get_image_info`` would read from a second text extraction)."""
    from dermkg.images import max_pixels

    limit = max_pixels()
    sizes = [(int(it[2]), int(it[3])) for it in page.get_images(full=True)]
    if blocks is not None:
        sizes += [(int(image.w()), int(image.h())) for _, image in blocks]
    else:
        sizes += [(int(i["width"]), int(i["height"])) for i in page.get_image_info(hashes=False, xrefs=False)]
    return [(w, h) for w, h in sizes if w * h > limit]


def read_page(page: Any) -> tuple[list[Line], list[ImageRef]]:
    """The page's text lines and placed images from one text extraction (a second one, for the
    images alone, was a third of the reading time)."""
    import pymupdf

    textpage = page.get_textpage(flags=_text_flags() | pymupdf.TEXT_PRESERVE_IMAGES)
    blocks = _image_blocks(textpage)  # first: it hides the image blocks from the text dictionary
    return read_lines(page, textpage), read_images(page, blocks)


def read_images(page: Any, blocks: list[tuple[tuple[float, ...], Any]] | None = None) -> list[ImageRef]:
    """Images placed on ``page`` with their box and a key that is the same for the same image: its
    xref (one stored object, however often placed), or for inline images an MD5 of the pixels, which
    PyMuPDF only computes by decoding them. Stored files are keyed by the sha256 of their bytes.
    A page holding an image over the pixel limit is never decoded (its keys are its placements).
    ``blocks``: the page's image blocks when :func:`read_page` has them already."""
    infos = _placed_images(page, blocks)
    if infos is None and oversized_images(page, blocks):  # hashing would decode the bomb: key by placement
        infos = [
            info | {"digest": f"page-{page.number + 1}-image-{i}"}
            for i, info in enumerate(page.get_image_info(hashes=False, xrefs=False))
        ]
    elif infos is None:  # some placement not matched to a stored object by its bytes: decode and compare
        infos = page.get_image_info(xrefs=True)  # xrefs=True forces MD5s of the pixels, so keys exist
    number = page.number + 1
    out: list[ImageRef] = []
    for info in infos:
        x0, y0, x1, y1 = info["bbox"]
        digest = f"xref-{info['xref']}" if info.get("xref") else (info.get("digest") or b"")
        out.append(
            ImageRef(
                page=number,
                bbox=(round(x0, 2), round(y0, 2), round(x1, 2), round(y1, 2)),
                xref=int(info.get("xref") or 0),
                digest=digest.hex() if isinstance(digest, bytes) else str(digest),
                width=int(info.get("width") or 0),
                height=int(info.get("height") or 0),
            )
        )
    return out


def _image_blocks(textpage: Any) -> list[tuple[tuple[float, ...], Any]]:
    """Each image block of ``textpage`` as (placement box, image), then hidden from its text
    dictionary: PyMuPDF would copy every image's bytes into it, re-encoding flate images as PNG.

    The box is the image's unit square through its matrix, as MuPDF sets it before any clipping
    (the text flags clip to the media box, which would move boxes that reach past the page)."""
    from pymupdf import mupdf

    unit = mupdf.FzRect(0, 0, 1, 1)
    out: list[tuple[tuple[float, ...], Any]] = []
    for block in textpage.this:
        raw = block.m_internal
        if raw.type != mupdf.FZ_STEXT_BLOCK_IMAGE:
            continue
        box = mupdf.fz_transform_rect(unit, block.i_transform())
        out.append(((box.x0, box.y0, box.x1, box.y1), block.i_image()))
        raw.bbox = _off_page().internal()  # the dictionary skips blocks outside the page
    return out


@lru_cache(maxsize=1)
def _off_page() -> Any:
    """A rectangle far outside any page."""
    from pymupdf import mupdf

    return mupdf.FzRect(-3e6, -3e6, -2e6, -2e6)


def _placed_images(
    page: Any, blocks: list[tuple[tuple[float, ...], Any]] | None = None
) -> list[dict[str, Any]] | None:
    """``get_image_info(xrefs=True)`` without decoding: each placement's xref found by comparing its
    still-compressed bytes with each xref's raw stream (PyMuPDF decodes every image twice and hashes
    the pixels, ~3 ms an image). None when any placement has no unique match (inline
    images, images missing from the page's image list, one stream under two xrefs): the caller then
    takes PyMuPDF's slow, exact way."""
    import pymupdf
    from pymupdf import mupdf

    if blocks is None:
        blocks = _image_blocks(page.get_textpage(flags=pymupdf.TEXT_PRESERVE_IMAGES))
    if not blocks:
        return []
    doc = page.parent
    by_size: dict[int, list[tuple[int, bytes]]] = {}  # raw stream length -> (xref, raw stream)
    for item in page.get_images():
        try:
            raw = doc.xref_stream_raw(item[0]) if item[0] else None
        except RuntimeError:  # a damaged image object: PyMuPDF's own way reports or skips it
            log.info("page %d: a damaged image object; PyMuPDF's image list is used", page.number + 1)
            return None
        if raw is not None:
            by_size.setdefault(len(raw), []).append((item[0], raw))
    out: list[dict[str, Any]] = []
    for box, image in blocks:
        compressed = mupdf.fz_compressed_image_buffer(image)
        if not compressed.m_internal:
            return None
        # Compared by length first, then bytes (no hashing): most candidates differ in length.
        candidates = by_size.get(compressed.m_internal.buffer.len, [])
        if not candidates:
            return None
        stored = mupdf.FzBuffer(mupdf.ll_fz_keep_buffer(compressed.m_internal.buffer))
        data = mupdf.fz_buffer_extract_copy(stored)
        xrefs = {xref for xref, raw in candidates if raw == data}
        if len(xrefs) != 1:
            return None
        out.append({"bbox": box, "xref": next(iter(xrefs)), "width": image.w(), "height": image.h()})
    return out


def image_bytes(doc: Any, image: ImageRef) -> tuple[bytes, str]:
    """The image's stored bytes and file extension; inline images are rendered from their box.
    An image over the pixel limit is refused before anything decodes it."""
    import pymupdf

    from dermkg.images import max_pixels

    if image.width * image.height > max_pixels():
        raise InputError(
            f"image {image.width}x{image.height} is over the pixel limit (DERMKG_MAX_IMAGE_PIXELS)",
            location=f"page {image.page}",
        )
    if image.xref:
        info = doc.extract_image(image.xref)
        if info and info.get("image"):
            return info["image"], info.get("ext", "png")
    page = doc[image.page - 1]
    pix = page.get_pixmap(clip=pymupdf.Rect(image.bbox), dpi=150)
    return pix.tobytes("png"), "png"


# Word and PowerPoint fill the metadata title with the first paragraph or a placeholder.
_PLACEHOLDER_TITLE = re.compile(
    r"^(?:introduction|contents|preface|untitled|document\d*|slide \d+|title"
    r"|microsoft (?:word|powerpoint) - .*)$",
    re.IGNORECASE,
)


def document_title(doc: Any, path: str | Path) -> str:
    """A human title for the Source: metadata unless it is a placeholder, else the largest text on the
    first page, else the file name."""
    meta = " ".join(((doc.metadata or {}).get("title") or "").split())
    if meta and not _PLACEHOLDER_TITLE.match(meta):
        return meta
    if doc.page_count:
        lines = [ln for ln in read_lines(doc[0]) if len(ln.text.strip()) > 3]
        if lines:
            biggest = max(ln.size for ln in lines)
            title = " ".join(ln.text.strip() for ln in lines if ln.size >= biggest - 0.5)
            if title:
                return title[:160]
    return Path(path).stem
