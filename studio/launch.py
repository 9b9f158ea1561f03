"""Prepare and start the Streamlit server behind ``dermkg studio``.

Example:
    >>> launch = prepare_launch(store_url="sqlite:///data/dermkg.db", port=8501)
    >>> run_streamlit(launch)  # blocks until the server stops
"""

from __future__ import annotations

import logging
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import streamlit
from pydantic import BaseModel

from dermkg.errors import InputError, StoreUnavailableError
from dermkg.settings import Settings
from kg.seed import init_store
from kg.store import make_store
from studio.auth import FirstAdmin, ensure_users_file

log = logging.getLogger(__name__)

# app.py's pages plus the session-cookie routes (st.App, Streamlit >= 1.5x); older: app.py alone
SESSION_ROUTES = hasattr(streamlit, "App")
APP = Path(__file__).with_name("server.py" if SESSION_ROUTES else "app.py")


class StudioLaunch(BaseModel):
    """Everything the server needs; ``admin`` says whether a first admin was created just now."""

    url: str
    store_url: str
    users_file: Path
    data_dir: Path
    host: str
    port: int
    admin: FirstAdmin
    seeded: int | None = None  # diagnoses loaded into an empty store, when seeding ran


def redact_url(url: str) -> str:
    """The store URL safe for a terminal or a log: a password in it is masked."""
    return re.sub(r"(://[^:/@]+:)[^@]*@", r"\1***@", url)


def public(launch: StudioLaunch) -> StudioLaunch:
    """The launch as it may be printed (``--json`` or human): no store password."""
    return launch.model_copy(update={"store_url": redact_url(launch.store_url)})


def check_port_free(host: str, port: int) -> None:
    """Fail before anything starts when the address is taken (else Streamlit prints "open http://…"
    and then exits): one clear error naming the port and how to choose another."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        try:
            s.bind((host, port))
        except OSError as exc:
            raise InputError(
                f"port {port} on {host} is busy ({exc.strerror or exc}); another program (or another "
                "studio) is serving there. Choose a free port: dermkg studio --port 8600, "
                "make run PORT=8600, or STREAMLIT_SERVER_PORT=8600"
            ) from None


def seed_if_empty(store_url: str, data_dir: Path) -> int | None:
    """Load the bundled vocabularies into an empty store (the first start); None when not empty.

    Raises StoreUnavailableError (naming the URL) when the store cannot be reached, before any server
    starts, so the user sees the problem in the terminal."""
    store = make_store(store_url).open()
    try:
        if store.count_diagnoses() > 0:
            return None
        init_store(store)
        log.info("empty store %s seeded with the bundled vocabularies", redact_url(store_url))
        return store.count_diagnoses()
    finally:
        store.close()


def prepare_launch(
    *,
    store_url: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8501,
    users_file: Path | None = None,
    seed: bool = True,
) -> StudioLaunch:
    """Check the store (seeding an empty one), and create the users file with a first admin."""
    check_port_free(host, port)
    settings = Settings()
    url = store_url or settings.store_url
    data_dir = settings.data_dir
    if url.startswith("sqlite:///"):
        try:
            Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreUnavailableError(
                f"cannot create the folder of the store {url}: {exc.strerror}"
            ) from None
    seeded = seed_if_empty(url, data_dir) if seed else None
    users = users_file or settings.users_file or data_dir / "users.yaml"
    admin = ensure_users_file(users)
    return StudioLaunch(
        url=f"http://{host}:{port}",
        store_url=url,
        users_file=users,
        data_dir=data_dir,
        host=host,
        port=port,
        admin=admin,
        seeded=seeded,
    )


def streamlit_command(launch: StudioLaunch) -> list[str]:
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.address",
        launch.host,
        "--server.port",
        str(launch.port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--server.maxUploadSize",
        "500",
        "--client.toolbarMode",
        "viewer",
        "--client.showErrorDetails",
        "none",  # a failure the pages did not catch still shows no traceback or server path
    ]


def streamlit_env(launch: StudioLaunch) -> dict[str, str]:
    """The environment the app reads its configuration from (see ``StudioConfig.from_env``)."""
    env = dict(os.environ)
    env["DERMKG_STORE"] = launch.store_url
    env["DERMKG_USERS_FILE"] = str(launch.users_file.resolve())
    env["DERMKG_DATA_DIR"] = str(launch.data_dir.resolve())
    if SESSION_ROUTES:
        env["DERMKG_SESSION_ROUTES"] = "1"  # studio/server.py serves /_dermkg/session
    return env


def run_streamlit(launch: StudioLaunch) -> int:
    """Run the server in the foreground until it exits or Ctrl-C; returns its exit code."""
    proc = subprocess.Popen(streamlit_command(launch), env=streamlit_env(launch))
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        return proc.wait()
