"""Errors every layer can catch; each message names what to change (file, page, row, id)."""

from __future__ import annotations


class DermkgError(Exception):
    """Base of all dermkg errors; the CLI prints these without a traceback."""


class NotFoundError(DermkgError, KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "not found"


class ConflictError(DermkgError):
    """Optimistic version check failed: someone else changed the item first. Nothing was written."""


class CycleError(DermkgError):
    """An is_a assertion would make the taxonomy cyclic."""


class InputError(DermkgError):
    """Bad input file or row; ``location`` names the file and line / page / row."""

    def __init__(self, message: str, *, location: str | None = None) -> None:
        self.location = location
        super().__init__(f"{location}: {message}" if location else message)


class StoreUnavailableError(DermkgError):
    """The store cannot be reached or refused the credentials; the message names the URL only."""


class OutputError(DermkgError):
    """An output could not be written (full disk, no permission); the previous output is intact."""
