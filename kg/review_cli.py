"""``dermkg review …``: scriptable curation (issue 2)."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Curate assertions from scripts: list, accept, reject, merge, add.", no_args_is_help=True
)
