"""Image files named by datasets and case rows: inside their dataset, real images, bounded in size.

A row's image column is untrusted text. ``/etc/passwd``, ``../../../../etc/hostname``, a symlink to
``/etc/shadow`` or ``/proc/self/environ`` must never become a case, a training row or a file copied
into an export. :func:`check_dataset_image` resolves the name (symlinks first) inside the dataset
root, then opens the file with Pillow and verifies it is an image of an accepted format whose pixel
count is within :func:`max_pixels` (the ``DERMKG_MAX_IMAGE_PIXELS`` setting). Pillow's own
decompression-bomb limit is set to the same number, so no other caller decodes a larger image.

Example:
    >>> check_dataset_image(Path("derm7pt"), "../../etc/passwd")  # doctest: +SKIP
    Traceback (most recent call last):
    ImageRejectedError: '../../etc/passwd' resolves outside the dataset folder derm7pt
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from dermkg.errors import InputError

__all__ = [
    "ACCEPTED_FORMATS",
    "ImageRejectedError",
    "check_dataset_image",
    "configure_pillow",
    "max_pixels",
    "verify_image",
]

# Pillow format names of the images datasets and textbooks ship (no SVG, no PDF, no EPS: those run code
# or decode arbitrary sizes).
ACCEPTED_FORMATS = frozenset({"JPEG", "PNG", "BMP", "TIFF", "WEBP", "GIF", "MPO"})
_READ_LIMIT = 512 * 1024 * 1024  # bytes: no dataset image is this large; /dev/zero never ends


class ImageRejectedError(InputError):
    """The named file is not an image this project may read (outside the dataset, not an image,
    too large); the message says which and why."""


def max_pixels() -> int:
    """The pixel limit of one image (width × height), from the settings."""
    from dermkg.settings import limit_settings

    return limit_settings().max_image_pixels


def configure_pillow() -> int:
    """Set Pillow's decompression-bomb limit to :func:`max_pixels` (Pillow raises above twice it;
    :func:`verify_image` refuses above it). Returns the limit."""
    from PIL import Image

    limit = max_pixels()
    Image.MAX_IMAGE_PIXELS = limit
    return limit


def _inside(root: Path, path: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True


def resolve_inside(root: Path, name: str | Path) -> Path:
    """``name`` (relative to ``root``, or absolute) with every symlink resolved; raises
    :class:`ImageRejectedError` when the result is not under ``root``'s own resolved path."""
    text = str(name)
    if "\x00" in text:
        raise ImageRejectedError(f"image name {text!r} holds a NUL byte")
    real_root = Path(os.path.realpath(root))
    candidate = Path(text)
    if not candidate.is_absolute():
        candidate = Path(root) / candidate
    real = Path(os.path.realpath(candidate))
    if not _inside(real_root, real):
        raise ImageRejectedError(f"{text!r} resolves outside the dataset folder {real_root} (to {real})")
    return real


def verify_image(path: Path, *, limit: int | None = None) -> tuple[str, int, int]:
    """(format, width, height) of the regular file ``path`` once Pillow verified it; raises
    :class:`ImageRejectedError` for a non-regular file, a non-image, a format outside
    :data:`ACCEPTED_FORMATS` or more than ``limit`` pixels (checked from the header, before decoding)."""
    from PIL import Image, UnidentifiedImageError

    limit = limit or configure_pillow()
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ImageRejectedError(f"image not found: {path}") from None
    except OSError as exc:  # a symlink loop, no permission
        raise ImageRejectedError(f"cannot read {path} ({exc.strerror})") from None
    if not stat.S_ISREG(st.st_mode):
        raise ImageRejectedError(f"{path} is not a regular file")
    if st.st_size == 0 or st.st_size > _READ_LIMIT:
        raise ImageRejectedError(f"{path} has {st.st_size} bytes: not an image")
    try:
        with Image.open(path) as img:
            fmt, (width, height) = img.format or "", img.size
            if fmt not in ACCEPTED_FORMATS:
                raise ImageRejectedError(f"{path} is a {fmt or 'unknown'} file, not an accepted image format")
            if width * height > limit:
                raise ImageRejectedError(
                    f"{path} is {width}x{height} = {width * height / 1e6:.0f} megapixels, "
                    f"over the limit of {limit / 1e6:.0f} (DERMKG_MAX_IMAGE_PIXELS)"
                )
            img.verify()
    except ImageRejectedError:
        raise
    except Image.DecompressionBombError as exc:  # Pillow refuses at twice the limit, before decoding
        raise ImageRejectedError(
            f"{path} is over the limit of {limit / 1e6:.0f} megapixels (DERMKG_MAX_IMAGE_PIXELS): {exc}"
        ) from None
    except UnidentifiedImageError as exc:
        raise ImageRejectedError(f"{path} is not a readable image ({exc})") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:  # Pillow's damaged-file errors
        raise ImageRejectedError(f"{path} is a damaged image ({type(exc).__name__}: {exc})") from None
    return fmt, width, height


def check_dataset_image(root: Path, name: str | Path) -> Path:
    """The verified image ``name`` names inside ``root`` (see module doc); raises
    :class:`ImageRejectedError` otherwise."""
    path = resolve_inside(root, name)
    verify_image(path)
    return path
