"""Decompression bombs in a PDF's page content, found before MuPDF interprets a page.

An image XObject's size is in its dictionary (:func:`ingest.pdf_loader.oversized_images`). An *inline*
image (``BI /W 30000 /H 30000 ... ID <data> EI`` inside the page's content stream) is decoded by MuPDF
as soon as the page is interpreted for text: a 0.9 MB PDF then costs 1 GB of memory. So each page's
content stream is read here first, its inflated size bounded, and every inline image over the pixel
limit is cut out of the in-memory document (the file is never changed; its sha256 stays the file's)
with a warning naming the page.
"""

from __future__ import annotations

import re
import zlib
from typing import Any

from dermkg.errors import InputError

__all__ = ["MAX_CONTENT_BYTES", "defuse_inline_images"]

MAX_CONTENT_BYTES = 64 * 1024 * 1024  # the inflated content stream of one page
_BI = re.compile(rb"(?<![A-Za-z0-9])BI\s")
_ID = re.compile(rb"\sID\s")
_EI = re.compile(rb"\sEI(?=\s|$)")
_W = re.compile(rb"/(?:W|Width)\s+(\d+)")
_H = re.compile(rb"/(?:H|Height)\s+(\d+)")


def _content(doc: Any, xref: int, where: str) -> bytes:
    """The inflated content stream, refused past MAX_CONTENT_BYTES (a content-stream bomb)."""
    filt = doc.xref_get_key(xref, "Filter")
    if filt[1] in {"/FlateDecode", "/Fl"}:
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(doc.xref_stream_raw(xref), MAX_CONTENT_BYTES)
        except zlib.error:
            return doc.xref_stream(xref) or b""  # damaged: MuPDF's own reader decides
        if inflater.unconsumed_tail:
            raise InputError(f"content stream inflates past {MAX_CONTENT_BYTES} bytes", location=where)
        return data
    return doc.xref_stream(xref) or b""


def _oversized_inline(data: bytes, limit: int) -> list[tuple[int, int, int, int]]:
    """(start, end, width, height) of each inline image over ``limit`` pixels in ``data``."""
    found = []
    pos = 0
    while (bi := _BI.search(data, pos)) is not None:
        head = _ID.search(data, bi.end())
        if head is None:
            break
        w, h = _W.search(data, bi.end(), head.start()), _H.search(data, bi.end(), head.start())
        end_mark = _EI.search(data, head.end())
        end = end_mark.end() if end_mark else len(data)
        if w and h and int(w.group(1)) * int(h.group(1)) > limit:
            found.append((bi.start(), end, int(w.group(1)), int(h.group(1))))
        pos = end
    return found


def defuse_inline_images(doc: Any, path: str, limit: int) -> list[str]:
    """Cut inline images over ``limit`` pixels out of ``doc``'s pages (in memory); the warnings."""
    warnings: list[str] = []
    for page in doc:
        where = f"{path}, page {page.number + 1}"
        for xref in page.get_contents():
            data = _content(doc, xref, where)
            if b"BI" not in data:
                continue
            cuts = _oversized_inline(data, limit)
            if not cuts:
                continue
            kept, pos = [], 0
            for start, end, width, height in cuts:
                kept.append(data[pos:start])
                pos = end
                warnings.append(
                    f"page {page.number + 1}: inline image {width}x{height} "
                    f"({width * height / 1e6:.0f} megapixels) over the pixel limit, skipped"
                )
            kept.append(data[pos:])
            doc.update_stream(xref, b"".join(kept))
    return warnings
