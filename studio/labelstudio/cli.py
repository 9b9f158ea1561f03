"""``dermkg labelstudio push|pull|sync`` (issue 5)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Two-way sync with a Label Studio server.", no_args_is_help=True)
