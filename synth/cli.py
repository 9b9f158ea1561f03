"""``dermkg synth …``: trajectories (issue 6) and RL / evaluation sets (issue 7)."""

from __future__ import annotations

import typer

from synth.datasets.cli import register as register_datasets
from synth.trajectory_cli import register as register_trajectories

app = typer.Typer(help="Synthesise SFT trajectories, RL and evaluation sets.", no_args_is_help=True)
register_trajectories(app)
register_datasets(app)
