"""Options and output helpers shared by every ``dermkg`` sub-command, ``train`` included.

Stage-specific options live with their stage (``kg.cli_store`` opens the store); this module imports
nothing of ours but :mod:`dermkg.errors`, so every package can use it.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any, TypeVar

import typer
from pydantic import BaseModel, ValidationError
from rich.console import Console
from rich.markup import escape

from dermkg.errors import DermkgError
from dermkg.redact import mask_secrets
from dermkg.terminal import SafeConsole, safe_stdout

StoreOpt = Annotated[
    str | None, typer.Option("--store", help="Store URL (overrides DERMKG_STORE).", envvar="DERMKG_STORE")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
UserOpt = Annotated[str, typer.Option("--user", "-u", help="Who is acting (recorded in the audit log).")]

console: Console = SafeConsole(stderr=True)  # data in messages cannot send escape sequences
F = TypeVar("F", bound=Callable[..., Any])


def to_jsonable(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [to_jsonable(v) for v in obj]
    return obj


def emit(result: Any, as_json: bool, human: Callable[[Any], None] | None = None) -> None:
    """Print ``result`` as JSON on stdout, or through ``human`` (default: pretty JSON) for people."""
    if as_json or human is None:
        sys.stdout.write(json.dumps(to_jsonable(result), indent=None if as_json else 2, ensure_ascii=False))
        sys.stdout.write("\n")
    else:
        with safe_stdout():  # names and quotes are data: no escape sequence reaches the terminal
            human(result)


def error_line(message: str) -> None:
    """Print ``error: message`` as one line on stderr, secrets masked and control sequences removed."""
    text = " ".join(mask_secrets(message).split())
    # soft_wrap: one line however long (scripts grep it); escape: '[...]' in a message is text
    console.print(f"[bold red]error:[/] {escape(text)}", highlight=False, soft_wrap=True)


def os_error_message(exc: OSError) -> str:
    """``path: reason`` for an OSError (a full disk names the file it could not write)."""
    import errno

    where = exc.filename if exc.filename is not None else "output"
    reason = exc.strerror or str(exc) or type(exc).__name__
    if exc.errno in {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}:
        reason = f"{reason}: the disk or quota is full; nothing was replaced"
    elif exc.errno == errno.EISDIR:
        reason = "is a directory, expected a file"
    return f"{where}: {reason}"


def handle_errors(fn: F) -> F:
    """Turn DermkgError (and OSError, RecursionError, MemoryError of bad input) into a one-line
    message on stderr and exit code 2 (no traceback)."""

    @wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except DermkgError as exc:
            error_line(str(exc))
            raise typer.Exit(2) from None
        except OSError as exc:
            error_line(os_error_message(exc))
            raise typer.Exit(2) from None
        except ValidationError as exc:  # a model boundary refused a value (e.g. the name policy)
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or exc.title
            error_line(f"{exc.title}.{where}: {first['msg']}")
            raise typer.Exit(2) from None
        except RecursionError:
            error_line("input nested too deeply to read")
            raise typer.Exit(2) from None

    return wrapper  # type: ignore[return-value]
