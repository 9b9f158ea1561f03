"""Logging of every ``dermkg`` command: our packages' named loggers on stderr (stdout stays for ``--json``).

Modules log through ``logging.getLogger(__name__)``; retries and skipped rows are WARNING/INFO, per-item
detail DEBUG. Nothing logs a secret: settings hold them as ``SecretStr`` and URLs are logged without
credentials.
"""

from __future__ import annotations

import logging
import sys

OUR_PACKAGES = ("dermkg", "kg", "ingest", "synth", "studio", "train")
_HANDLER_NAME = "dermkg-stderr"


class _StderrHandler(logging.StreamHandler):
    """Writes to ``sys.stderr`` as it is at each record, not as it was when logging was configured: a
    test runner (typer's CliRunner) swaps stderr per command and closes the old one."""

    @property  # type: ignore[override]
    def stream(self):  # noqa: ANN201
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:  # StreamHandler.__init__ sets it; ours is always live
        pass


def level_for(verbosity: int, default: str = "WARNING") -> int:
    """``-v`` is INFO, ``-vv`` DEBUG; without ``-v`` the DERMKG_LOG_LEVEL setting (``default``) holds."""
    if verbosity >= 2:
        return logging.DEBUG
    if verbosity == 1:
        return logging.INFO
    level = logging.getLevelName(default.upper())
    if not isinstance(level, int):
        raise ValueError(f"DERMKG_LOG_LEVEL: unknown level {default!r} (DEBUG, INFO, WARNING, ERROR)")
    return level


def configure(verbosity: int = 0) -> int:
    """Send our loggers to stderr at the chosen level (idempotent); third-party ones speak at -vv only."""
    from dermkg.settings import LogSettings

    level = level_for(verbosity, LogSettings().log_level)
    handler = next((h for h in logging.getLogger().handlers if h.get_name() == _HANDLER_NAME), None)
    if handler is None:
        handler = _StderrHandler()
        handler.set_name(_HANDLER_NAME)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logging.getLogger().addHandler(handler)
    # third-party loggers inherit the root level: silent below -vv (ours have their own level, set below)
    logging.getLogger().setLevel(logging.DEBUG if verbosity >= 2 else logging.CRITICAL + 1)
    for name in OUR_PACKAGES:
        logging.getLogger(name).setLevel(level)
    return level
