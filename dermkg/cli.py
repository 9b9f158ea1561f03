"""The ``dermkg`` command. Each package registers its own group in ``<package>/cli.py``;
heavy imports (torch, streamlit, fitz) happen inside commands, never at import time."""

from __future__ import annotations

import typer

from dermkg.cli_common import handle_errors
from dermkg.errors import InputError
from dermkg.log import configure
from ingest.cli import ingest as ingest_command
from kg.cli import app as kg_app
from kg.cli import init as init_command
from kg.review_cli import app as review_app
from studio.cli import studio as studio_command
from studio.labelstudio.cli import app as labelstudio_app
from synth.cli import app as synth_app
from train.cli import app as train_app

app = typer.Typer(
    name="dermkg",
    help="Knowledge-graph data studio for dermatological clinical reasoning (Skin-R1 pipeline).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


@app.callback()
@handle_errors
def _root(
    verbose: int = typer.Option(
        0, "--verbose", "-v", count=True, help="Log more: -v INFO, -vv DEBUG (default: DERMKG_LOG_LEVEL)."
    ),
) -> None:
    """Knowledge-graph data studio for dermatological clinical reasoning (Skin-R1 pipeline)."""
    try:
        configure(verbose)
    except ValueError as exc:
        raise InputError(str(exc)) from exc


app.command("init")(init_command)
app.add_typer(kg_app, name="kg")
app.add_typer(review_app, name="review")
app.command("ingest")(ingest_command)
app.command("studio")(studio_command)
app.add_typer(labelstudio_app, name="labelstudio")
app.add_typer(synth_app, name="synth")
app.add_typer(train_app, name="train")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
