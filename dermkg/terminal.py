"""Terminal output that data cannot take over: ANSI / OSC escape sequences, C0 / C1 control characters
and bidi overrides in names, quotes and file names are removed before they reach a terminal.

A diagnosis named ``"\\x1b]8;;http://evil\\x1b\\\\click\\x1b]8;;\\x1b\\\\"`` (an OSC 8 link) or
``"\\x1b[2J"`` (clear screen) prints as plain text. JSON output needs none of this: ``json.dumps``
escapes control characters itself.

Example:
    >>> strip_controls("mel\\x1b[31manoma\\x07")
    'melanoma'
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

from rich.console import Console
from rich.segment import Segment

__all__ = ["SafeConsole", "safe_stdout", "strip_controls"]

# ESC [ ... final (CSI), ESC ] ... BEL|ST (OSC), ESC P/X/^/_ ... ST (DCS, SOS, PM, APC), ESC + one char,
# then lone C0 (but \t \n) / DEL / C1 controls and bidi embedding, override and isolate controls.
_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x9b[0-?]*[ -/]*[@-~]"
    r"|\x9d[^\x07\x9c]*[\x07\x9c]?"
    r"|\x1b[ -~]?"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def strip_controls(text: str) -> str:
    """``text`` without escape sequences, control characters (tab and newline kept) or bidi controls."""
    return _CONTROLS.sub("", _SEQUENCES.sub("", text))


class _SafeStream:
    """A text stream that strips control sequences from everything written to it."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(strip_controls(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextmanager
def safe_stdout() -> Iterator[None]:
    """Within the block, ``sys.stdout`` (``print``, ``typer.echo``) drops control sequences."""
    original = sys.stdout
    sys.stdout = _SafeStream(original)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout = original


class SafeConsole(Console):
    """A rich Console whose printed *text* is stripped of control sequences; its own styling stays."""

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        clean = (s if s.control else Segment(strip_controls(s.text), s.style, s.control) for s in buffer)
        return super()._render_buffer(clean)
