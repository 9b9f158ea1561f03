"""``dermkg kg …`` and ``dermkg init`` (owned by the kg-core work; see issue 2)."""

from __future__ import annotations

import typer

app = typer.Typer(help="Knowledge graph: import, inspect, lint, export.", no_args_is_help=True)


def init() -> None:
    """Create the store and load the bundled seed vocabulary."""
    raise NotImplementedError("dermkg init is being built (issue 2)")
