"""``dermkg labelstudio push|pull|sync`` (issue 5): thin wrappers over :mod:`studio.labelstudio.sync`."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from dermkg.cli_common import JsonOpt, StoreOpt, console, emit, handle_errors
from kg.cli_store import store_from

app = typer.Typer(help="Two-way sync with a Label Studio server.", no_args_is_help=True)


class ProjectChoice(StrEnum):
    ddx = "ddx"
    cases = "cases"


ProjectOpt = Annotated[
    ProjectChoice | None, typer.Option("--project", "-p", help="Only this project (default: both).")
]
UrlOpt = Annotated[
    str | None,
    typer.Option(
        "--url", help="Label Studio URL (overrides DERMKG_LABELSTUDIO_URL); the token comes from env."
    ),
]
UsersOpt = Annotated[
    Path | None,
    typer.Option(
        "--users", help="Label Studio user -> dermkg user map (overrides DERMKG_LABELSTUDIO_USERS)."
    ),
]


@contextmanager
def _progress_bars() -> Iterator[Callable[[str, int, int | None], None]]:
    """One tqdm bar per sync phase on stderr, on a terminal only (``disable=None``), cleared at the end."""
    from tqdm import tqdm

    bars: dict[str, Any] = {}

    def tick(phase: str, done: int, total: int | None) -> None:
        if phase not in bars:
            bars[phase] = tqdm(total=total, desc=phase, unit="item", leave=False, disable=None)
        bar = bars[phase]
        bar.total = total
        bar.update(done - bar.n)

    try:
        yield tick
    finally:
        for bar in bars.values():
            bar.close()


def _run(
    fn: Any, store: str | None, project: ProjectChoice | None, url: str | None, users: Path | None
) -> Any:
    """``fn(graph, kinds, ...)`` of :mod:`studio.labelstudio.sync` on the store, with progress bars."""
    from studio.labelstudio.users import UserMap

    user_map = UserMap.load(users) if users is not None else None
    kinds = [project.value] if project else ["ddx", "cases"]
    with _progress_bars() as tick, store_from(store) as graph:
        return fn(graph, kinds, url=url, user_map=user_map, progress=tick)


def _print_push(reports: list[Any]) -> None:
    for r in reports:
        console.print(
            f"[bold]{r.project}[/] (project {r.project_id}{', created' if r.project_created else ''}): "
            f"{r.tasks_created} tasks created, {r.tasks_updated} updated, {r.tasks_unchanged} unchanged, "
            f"{r.images_uploaded} images uploaded"
        )


def _print_pull(reports: list[Any]) -> None:
    for r in reports:
        if r.note:
            console.print(f"[bold]{r.project}[/]: {r.note}")
            continue
        counts = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in r.summary().items() if n)
        console.print(f"[bold]{r.project}[/] (project {r.project_id}): {counts or 'no annotations'}")
        for o in r.outcomes:
            if o.status not in ("applied", "already_applied"):
                console.print(
                    f"  task {o.task_id} annotation {o.annotation_id} [{o.status}]: {'; '.join(o.errors)}"
                )
        if r.unmapped_users:
            console.print(f"  unmapped Label Studio users: {', '.join(r.unmapped_users)}")


@app.command("push")
@handle_errors
def push_command(
    project: ProjectOpt = None, url: UrlOpt = None, store: StoreOpt = None, as_json: JsonOpt = False
) -> None:
    """Push proposed DDx assertions and figure cases to Label Studio as tasks (idempotent).

    Example: dermkg labelstudio push --project ddx --json
    """
    from studio.labelstudio.sync import push

    reports = _run(push, store, project, url, None)
    emit(reports, as_json, _print_push)


def _print_sync(report: Any) -> None:
    _print_push(report.push)
    _print_pull(report.pull)


def _pulling_command(name: str, printer: Callable[[Any], None], doc: str) -> None:
    """Register ``dermkg labelstudio NAME``: ``studio.labelstudio.sync.NAME`` with the user map."""

    def command(
        project: ProjectOpt = None,
        url: UrlOpt = None,
        users: UsersOpt = None,
        store: StoreOpt = None,
        as_json: JsonOpt = False,
    ) -> None:
        from studio.labelstudio import sync

        emit(_run(getattr(sync, name), store, project, url, users), as_json, printer)

    command.__doc__ = doc
    app.command(name)(handle_errors(command))


_pulling_command(
    "pull",
    _print_pull,
    """Apply new Label Studio annotations as curation events by the mapped dermkg users.

    Example: dermkg labelstudio pull --users ls-users.yaml --json
    """,
)
_pulling_command(
    "sync",
    _print_sync,
    """Push, then pull.

    Example: dermkg labelstudio sync --store sqlite:///data/dermkg.db
    """,
)
