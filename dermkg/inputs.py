"""Reading input files that may be careless or hostile: a clear error before anything is parsed.

A directory, a device (``/dev/zero`` never ends) or a missing path is one :class:`InputError` naming
it; JSON is checked for its nesting depth on the raw text *before* ``json.loads`` (Python's parser
raises RecursionError on 100,000 nested brackets, and deep documents cost memory on every backend).

Example:
    >>> load_json(Path("vocab.json"))  # doctest: +SKIP
    InputError: vocab.json: JSON nested 100000 deep; the limit is 100 (DERMKG_MAX_JSON_DEPTH)
"""

from __future__ import annotations

import json
import os
import re
import stat
from itertools import accumulate
from pathlib import Path
from typing import Any

from dermkg.errors import InputError

__all__ = ["json_depth", "load_json", "read_input_text", "require_file"]

MAX_INPUT_BYTES = 2 * 1024**3  # 2 GiB: no vocabulary or metadata file comes near it
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def require_file(path: str | Path, what: str = "file") -> Path:
    """``path`` when it is a regular file we may read; else one InputError saying what it is."""
    path = Path(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise InputError(f"no such file (expected a {what})", location=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror}", location=str(path)) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"is a directory, expected a {what}", location=str(path))
    if not stat.S_ISREG(st.st_mode):
        raise InputError(
            f"not a regular file (a device, pipe or socket), expected a {what}", location=str(path)
        )
    if st.st_size > MAX_INPUT_BYTES:
        raise InputError(
            f"{st.st_size} bytes is larger than {MAX_INPUT_BYTES} for a {what}", location=str(path)
        )
    return path


def read_input_text(path: str | Path, what: str = "file") -> str:
    """The UTF-8 text of the regular file ``path`` (BOM dropped); errors name the file."""
    path = require_file(path, what)
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", location=str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read {what}: {exc.strerror or exc}", location=str(path)) from None


def json_depth(text: str) -> int:
    """The deepest bracket nesting of JSON ``text``, brackets inside strings ignored; linear time."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(_STEP[ch] for ch in brackets), default=0)


def load_json(path: str | Path, *, max_depth: int | None = None, what: str = "JSON file") -> Any:
    """Parse the JSON file ``path`` after checking its raw nesting depth (default: the settings)."""
    if max_depth is None:
        from dermkg.settings import limit_settings

        max_depth = limit_settings().max_json_depth
    text = read_input_text(path, what)
    depth = json_depth(text)
    if depth > max_depth:
        raise InputError(
            f"JSON nested {depth} deep; the limit is {max_depth} (DERMKG_MAX_JSON_DEPTH)", location=str(path)
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", location=f"{path}:{exc.lineno}:{exc.colno}") from None
    except RecursionError:  # unreachable below the depth limit; kept for a limit set very high
        raise InputError("JSON nested too deeply to parse", location=str(path)) from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise InputError(f"invalid JSON: {str(exc)[:200]}", location=str(path)) from None
