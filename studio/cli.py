"""``dermkg studio`` (issue 5): start the Streamlit curation studio."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from dermkg.cli_common import JsonOpt, StoreOpt, console, emit, handle_errors


def _human(launch: Any) -> None:
    if launch.seeded:
        console.print(f"Seeded the empty store with the bundled vocabularies ({launch.seeded} diagnoses).")
    if launch.admin.created:
        console.print(
            f"Created {launch.admin.path} with the first admin user [bold]{launch.admin.username}[/]."
        )
        if launch.admin.password:
            console.print(
                f"Its password (shown once, only its bcrypt hash is stored): [bold]{launch.admin.password}[/]"
            )
    console.print(f"dermkg studio on {launch.store_url}: open [bold]{launch.url}[/]")


@handle_errors
def studio(
    store: StoreOpt = None,
    port: Annotated[
        int,
        typer.Option(
            "--port",
            min=1,
            max=65535,
            help="Port to serve on (also DERMKG_PORT or STREAMLIT_SERVER_PORT).",
            envvar=["DERMKG_PORT", "STREAMLIT_SERVER_PORT"],
        ),
    ] = 8501,
    host: Annotated[str, typer.Option("--host", help="Address to bind (0.0.0.0 to share on a network).")] = (
        "127.0.0.1"
    ),
    users_file: Annotated[
        Path | None,
        typer.Option(
            "--users-file", help="YAML of users (default <data dir>/users.yaml).", envvar="DERMKG_USERS_FILE"
        ),
    ] = None,
    seed: Annotated[
        bool, typer.Option("--seed/--no-seed", help="Seed an empty store with the bundled vocabularies.")
    ] = True,
    json_out: JsonOpt = False,
) -> None:
    """Start the Streamlit curation studio on the configured store.

    On the first start an empty store is seeded and a first admin user is created (password from
    DERMKG_ADMIN_PASSWORD, else generated and printed once).

    Example: dermkg studio --store sqlite:///data/dermkg.db --port 8501
    """
    from studio.launch import prepare_launch, public, run_streamlit

    launch = prepare_launch(store_url=store, host=host, port=port, users_file=users_file, seed=seed)
    emit(public(launch), json_out, _human)
    raise typer.Exit(run_streamlit(launch))
