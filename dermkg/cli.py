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
    """Run the command; an unexpected exception is one masked line (exit 1), its traceback only with
    ``DERMKG_DEBUG=1``: a viewer never sees server paths or secrets from a crash."""
    import sys

    from pydantic import ValidationError

    from dermkg.errors import DermkgError
    from dermkg.images import configure_pillow
    from dermkg.redact import install_log_filter, mask_secrets

    install_log_filter()  # no log line shows a password, whatever library writes it
    try:
        configure_pillow()  # Pillow's decompression-bomb limit = DERMKG_MAX_IMAGE_PIXELS, for every caller
        app()
    except DermkgError as exc:  # raised before a command's own handler (settings): same one line
        sys.stderr.write(f"error: {mask_secrets(str(exc))}\n")
        sys.exit(2)
    except ValidationError as exc:  # a DERMKG_* setting of the wrong type
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        sys.stderr.write(f"error: {exc.title} {where}: {first['msg']}\n")
        sys.exit(2)
    except Exception as exc:  # the commands turn expected failures into `error:` lines themselves
        from dermkg.settings import LogSettings

        if LogSettings().debug:
            raise
        from dermkg.terminal import strip_controls

        detail = " ".join(strip_controls(mask_secrets(str(exc))).split())[:500]
        sys.stderr.write(
            f"error: internal error ({type(exc).__name__}: {detail}); DERMKG_DEBUG=1 shows the traceback\n"
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
