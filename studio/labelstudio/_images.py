"""Images shown in tasks: the evidence page rendered to PNG with the quote's region marked, case figures,
and a placeholder when neither is readable. Uploaded once each (named by content) to a media project."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kg.models import Evidence, Source
from studio.labelstudio.client import LabelStudioClient

MEDIA_TITLE = "dermkg · media (page images and figures)"
# A project whose config has a single data key: Label Studio only stores direct file uploads there.
MEDIA_CONFIG = '<View><Image name="image" value="$image"/></View>'
PLACEHOLDER_NAME = "dermkg-no-image.png"
_ZOOM = 1.5  # ~108 dpi: readable text, ~150-300 kB per page


@dataclass
class MediaStore:
    """Uploads each image once per server: names carry a content key, existing uploads are reused."""

    client: LabelStudioClient
    project_id: int
    uploaded: int = 0
    _known: dict[str, str] = field(default_factory=dict)
    _loaded: bool = False

    def url_for(self, name: str, render: Callable[[], bytes], mime: str = "image/png") -> str:
        if not self._loaded:
            self._known = self.client.list_uploads(self.project_id)
            self._loaded = True
        if name not in self._known:
            self._known[name] = self.client.upload_file(self.project_id, name, render(), mime)
            self.uploaded += 1
        return self._known[name]

    def placeholder(self) -> str:
        return self.url_for(PLACEHOLDER_NAME, render_placeholder)


def page_image_name(source: Source, evidence: Evidence) -> str:
    key = hashlib.sha256(f"{evidence.bbox}|{evidence.quote}".encode()).hexdigest()[:10]
    return f"page-{source.sha256[:16]}-p{evidence.page}-{key}.png"


def readable_pdf(source: Source | None) -> Path | None:
    if source is None or source.kind != "pdf" or not source.path:
        return None
    path = Path(source.path)
    return path if path.is_file() else None


def render_page(pdf: Path, evidence: Evidence) -> bytes:
    """The evidence page as PNG with the quote's box outlined (its bbox, else where the quote is found)."""
    import pymupdf as fitz  # heavy, imported on use

    with fitz.open(pdf) as doc:
        if evidence.page is None or not 1 <= evidence.page <= doc.page_count:
            raise ValueError(f"{pdf}: page {evidence.page} is not in 1..{doc.page_count}")
        page = doc[evidence.page - 1]
        rects = [fitz.Rect(evidence.bbox)] if evidence.bbox else _find_quote(page, evidence.quote)
        for rect in rects:
            annot = page.add_rect_annot(rect + (-2, -2, 2, 2))
            annot.set_colors(stroke=(0.9, 0.1, 0.1))
            annot.set_border(width=2)
            annot.update()
        return page.get_pixmap(matrix=fitz.Matrix(_ZOOM, _ZOOM), annots=True).tobytes("png")


def _find_quote(page: object, quote: str) -> list[object]:
    """Locate the quote on the page: whole quote first, else its first words (quotes may wrap lines)."""
    words = quote.split()
    for probe in (" ".join(words), " ".join(words[:8]), " ".join(words[:4])):
        if probe:
            hits = page.search_for(probe)  # type: ignore[attr-defined]
            if hits:
                return list(hits)
    return []


def render_placeholder() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (480, 120), "white")
    ImageDraw.Draw(image).text((20, 50), "No page image: the source PDF is not readable here.", fill="gray")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
