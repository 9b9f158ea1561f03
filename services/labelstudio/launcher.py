"""Start a real Label Studio server for tests, CI and local use, from its own virtualenv.

Standard library only: it runs with any Python 3.11 and never imports Label Studio itself.

The first start of a fresh data dir runs ~80 s of Django migrations, so the data dir is prepared
ONCE under ``~/.cache/dermkg/labelstudio-data/<version>`` (migrations, an admin with a preset
legacy API token, two annotator accounts) and every server starts on a fresh copy of it.

Example::

    python services/labelstudio/launcher.py prepare
    python services/labelstudio/launcher.py serve --port 8080 --data-dir ./ls-data
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CACHE = Path(os.environ.get("DERMKG_CACHE", Path.home() / ".cache" / "dermkg"))
LS_VENV = Path(os.environ.get("DERMKG_LABELSTUDIO_VENV", CACHE / "lsvenv"))
TEMPLATE_ROOT = CACHE / "labelstudio-data"
INSTALL_HINT = (
    "python3.11 -m venv ~/.cache/dermkg/lsvenv && "
    "~/.cache/dermkg/lsvenv/bin/pip install 'label-studio>=1.23,<1.24'"
)


@dataclass(frozen=True)
class Account:
    """A Label Studio user with a preset legacy API token (tokens must be longer than 5 characters)."""

    email: str
    password: str
    token: str


ADMIN = Account("admin@dermkg.local", "dermkg-admin-pw", "dermkg-admin-token-6f1c2a9e")
ANNOTATORS = (
    Account("curator@dermkg.local", "dermkg-curator-pw", "dermkg-curator-token-93b0d4"),
    Account("stranger@dermkg.local", "dermkg-stranger-pw", "dermkg-stranger-token-5e7a11"),
)


class LabelStudioLaunchError(RuntimeError):
    """Label Studio is missing or did not come up; the message says what to run or where the log is."""


@dataclass
class RunningServer:
    url: str
    data_dir: Path
    log_path: Path
    process: subprocess.Popen[bytes]
    accounts: tuple[Account, ...] = field(default=(ADMIN, *ANNOTATORS))

    def stop(self, timeout: float = 20.0) -> None:
        """Stop the server's process group (label-studio runs uwsgi/django children)."""
        if self.process.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, 15)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, 9)
            self.process.wait(timeout=timeout)


def label_studio_bin() -> Path:
    exe = LS_VENV / "bin" / "label-studio"
    if not exe.exists():
        raise LabelStudioLaunchError(f"Label Studio not installed at {exe}; install it with: {INSTALL_HINT}")
    return exe


def installed_version() -> str:
    """The installed label-studio version, read from its dist-info (no import, no Django start)."""
    site = next((LS_VENV / "lib").glob("python3*/site-packages"), None)
    if site is not None:
        for info in site.glob("label_studio-*.dist-info"):
            return info.name.removeprefix("label_studio-").removesuffix(".dist-info")
    raise LabelStudioLaunchError(
        f"label-studio package not found in {LS_VENV}; install it with: {INSTALL_HINT}"
    )


def _base_env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LABEL_STUDIO_", "DJANGO_"))}
    # get_env() also reads the unprefixed names, so a shell's USERNAME / PASSWORD must not leak in
    for name in ("USERNAME", "PASSWORD", "USER_TOKEN", "PORT", "HOST", "DATABASE_NAME"):
        env.pop(name, None)
    env.update(
        LABEL_STUDIO_BASE_DATA_DIR=str(data_dir),
        LABEL_STUDIO_ENABLE_LEGACY_API_TOKEN="true",
        LABEL_STUDIO_LATEST_VERSION_CHECK="false",
        LABEL_STUDIO_COLLECT_ANALYTICS="false",
        LABEL_STUDIO_DISABLE_SIGNUP_WITHOUT_LINK="true",
        LABEL_STUDIO_LOCAL_FILES_SERVING_ENABLED="false",
        PYTHONUNBUFFERED="1",
    )
    return env


def _init_account(data_dir: Path, account: Account, log: Path) -> None:
    """``label-studio init`` creates the user, its token and (first time) the organisation."""
    cmd = [
        str(label_studio_bin()),
        "init",
        "--quiet",
        "--no-browser",
        "--data-dir",
        str(data_dir),
        "--username",
        account.email,
        "--password",
        account.password,
        "--user-token",
        account.token,
        "--enable-legacy-api-token",
    ]
    with log.open("ab") as out:
        done = subprocess.run(cmd, env=_base_env(data_dir), stdout=out, stderr=subprocess.STDOUT, timeout=900)
    if done.returncode != 0:
        raise LabelStudioLaunchError(f"label-studio init for {account.email} failed; see {log}")


def prepare_template(root: Path = TEMPLATE_ROOT) -> Path:
    """Prepare the migrated data dir once (under a file lock) and return it; later calls reuse it."""
    template = root / installed_version()
    ready = template / ".dermkg-ready"
    if ready.exists():
        return template
    root.mkdir(parents=True, exist_ok=True)
    with (root / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if ready.exists():
            return template
        work = Path(tempfile.mkdtemp(prefix="prep-", dir=root))
        log = root / f"prepare-{installed_version()}.log"
        log.write_bytes(b"")
        for account in (ADMIN, *ANNOTATORS):
            _init_account(work, account, log)
        if template.exists():
            shutil.rmtree(template)
        work.rename(template)
        ready.write_text("prepared by services/labelstudio/launcher.py\n")
    return template


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise LabelStudioLaunchError(f"Label Studio exited with code {process.returncode}; see {log}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise LabelStudioLaunchError(
        f"Label Studio did not answer {url}/health within {timeout:.0f} s; see {log}"
    )


def start_server(data_dir: Path, *, port: int | None = None, timeout: float = 240.0) -> RunningServer:
    """Start a server on 127.0.0.1 over ``data_dir`` (a copy of the template when it does not exist)."""
    if not data_dir.exists():
        shutil.copytree(prepare_template(), data_dir)
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log = data_dir / "server.log"
    cmd = [
        str(label_studio_bin()),
        "start",
        "--no-browser",
        "--internal-host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    env = _base_env(data_dir) | {"LABEL_STUDIO_HOST": url}
    with log.open("ab") as out:
        process = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    server = RunningServer(url=url, data_dir=data_dir, log_path=log, process=process)
    try:
        wait_until_up(url, process, log, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("prepare", help="migrate the cached template data dir once")
    serve = sub.add_parser("serve", help="run a server in the foreground until interrupted")
    serve.add_argument("--port", type=int, default=8080)
    serve.add_argument("--data-dir", type=Path, default=CACHE / "labelstudio-server")
    args = parser.parse_args(argv)
    try:
        if args.command == "prepare":
            print(prepare_template())
            return 0
        server = start_server(args.data_dir.resolve(), port=args.port)
    except LabelStudioLaunchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"Label Studio at {server.url} (data {server.data_dir})")
    print(
        f"log in as {ADMIN.email}; API token: the ADMIN account's legacy token in {Path(__file__).name}, "
        "or a Personal Access Token created under Account & Settings"
    )
    # stop the server's whole process group on Ctrl-C or a CI runner's SIGTERM
    signal.signal(signal.SIGTERM, lambda *_: (server.stop(), sys.exit(0)))
    try:
        server.process.wait()
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
