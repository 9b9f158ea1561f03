"""Case images shown safely: a file that is not an image of an accepted format, or whose header
announces more pixels than :data:`MAX_PIXELS`, is refused before it is decoded, so a decompression
bomb or ``/etc/passwd`` named as an image shows a short note instead of crashing the page.

Only a downscaled JPEG/PNG thumbnail reaches the browser (never the original file or its path).
"""

from __future__ import annotations

import contextlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from studio.components.safe import md

log = logging.getLogger(__name__)

ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "BMP", "TIFF", "WEBP", "GIF"})
MAX_PIXELS = 50_000_000  # the largest dermoscopy/clinical photographs are ~40 Mpx
MAX_BYTES = 100 * 1024 * 1024
THUMB_EDGE = 768


@dataclass(frozen=True)
class Thumbnail:
    """A displayable image (``data``) or the reason it cannot be shown (``problem``), never both."""

    data: bytes | None = None
    problem: str | None = None


def load_thumbnail(path: Path, edge: int = THUMB_EDGE) -> Thumbnail:
    """Open ``path`` only when it is a real image within the limits; decode it downscaled."""
    from PIL import Image, UnidentifiedImageError

    try:
        size = path.stat().st_size
        if not path.is_file():
            return Thumbnail(problem="not a regular file")
        if size > MAX_BYTES:
            return Thumbnail(problem=f"file too large ({size / 1e6:.0f} MB)")
        with Image.open(path) as im:  # reads the header only
            if im.format not in ACCEPTED_FORMATS:
                return Thumbnail(problem=f"unsupported image format {im.format}")
            width, height = im.size
            if width * height > MAX_PIXELS:
                return Thumbnail(problem=f"image too large to show ({width}×{height} pixels)")
            im.draft("RGB", (edge, edge))  # JPEG: decode at a reduced scale
            im.thumbnail((edge, edge))
            out = io.BytesIO()
            im.convert("RGB").save(out, format="JPEG", quality=85)
            return Thumbnail(data=out.getvalue())
    except FileNotFoundError:
        return Thumbnail(problem="image file missing")
    except Image.DecompressionBombError:
        return Thumbnail(problem="image too large to show")
    except UnidentifiedImageError:
        return Thumbnail(problem="not a readable image")
    except (OSError, ValueError, SyntaxError) as exc:  # truncated or damaged files
        log.warning("cannot decode case image %s: %s", path, exc)
        return Thumbnail(problem="damaged image")


@st.cache_data(max_entries=512, show_spinner=False)
def _cached(path: str, mtime: float, edge: int) -> Thumbnail:
    return load_thumbnail(Path(path), edge)


def resolve_image(image_path: str, data_dir: Path) -> Path | None:
    """The case file as given, or relative to the data folder; None when neither exists."""
    p = Path(image_path)
    for candidate in (p, data_dir / p):
        try:
            if candidate.is_file():
                return candidate
        except OSError:
            return None
    return None


def show_case_image(
    image_path: str,
    data_dir: Path,
    *,
    caption: str | None = None,
    width: int | str = "stretch",
    edge: int = THUMB_EDGE,
) -> None:
    """The case image, or a short plain note (no server path) when it cannot be shown."""
    path = resolve_image(image_path, data_dir)
    thumb = Thumbnail(problem="image file missing")
    if path is not None:
        with contextlib.suppress(OSError):
            thumb = _cached(str(path), path.stat().st_mtime, edge)
    if thumb.data is None:
        st.warning(
            f"Image not shown: {thumb.problem} ({md(Path(image_path).name)}).", icon=":material/hide_image:"
        )
        if caption:
            st.caption(md(caption))
        return
    st.image(thumb.data, width=width)
    if caption:
        st.caption(md(caption))
