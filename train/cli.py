"""``dermkg train …`` (issue 8). torch is imported inside commands only."""

from __future__ import annotations

import typer

app = typer.Typer(help="LoRA SFT, GRPO with the hierarchical reward, evaluation.", no_args_is_help=True)
