"""Two-way sync between the graph and Label Studio (issue 5, point 4).

push: proposed DDx assertions / figure cases become tasks (with the machine's proposal as a prediction),
keyed by ``task.data.dermkg_id`` so re-pushing updates instead of duplicating.
pull: each annotation is validated against the project's config on the server, mapped to a dermkg user,
checked for conflicts with curation done in dermkg meanwhile, and applied as curation events in one
transaction; its marker in the events' reason makes a second pull apply nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dermkg.errors import DermkgError
from kg.models import AssertionQuery, Case
from kg.store.base import GraphStore
from studio.labelstudio import _apply
from studio.labelstudio._images import MEDIA_CONFIG, MEDIA_TITLE, MediaStore
from studio.labelstudio._tasks import GraphContext, case_task, ddx_task
from studio.labelstudio.client import LabelStudioClient
from studio.labelstudio.configs import CONFIGS, TITLES, ConfigSchema, answers, parse_config, validate_result
from studio.labelstudio.types import (
    PROJECT_KINDS,
    AnnotationOutcome,
    LsAnnotation,
    LsProject,
    LsTask,
    LsUser,
    ProjectKind,
    PullReport,
    PushReport,
    SyncReport,
)
from studio.labelstudio.users import UserMap

log = logging.getLogger(__name__)

Progress = Callable[[str, int, int | None], None]  # (phase, done, total)
IMPORT_BATCH = 200
_NEEDED_CONTROLS: dict[ProjectKind, set[str]] = {
    "ddx": {"decision", "reason"},
    "cases": {"decision", "reason"},
}


@dataclass
class LabelStudioSync:
    """Push and pull one store against one Label Studio server.

    Example:
        >>> with open_store() as store, LabelStudioClient.from_settings() as ls:  # doctest: +SKIP
        ...     report = LabelStudioSync(store, ls, UserMap.from_settings()).sync()
    """

    store: GraphStore
    client: LabelStudioClient
    user_map: UserMap
    required_votes: int = 1
    data_dir: Path | None = None  # where relative case image paths live
    progress: Progress | None = None

    @classmethod
    def from_settings(cls, store: GraphStore, client: LabelStudioClient | None = None) -> LabelStudioSync:
        """The configured server, user map, consensus k and data dir (what the studio button uses)."""
        from dermkg.settings import get_settings

        settings = get_settings()
        return cls(
            store=store,
            client=client or LabelStudioClient.from_settings(),
            user_map=UserMap.from_settings(),
            required_votes=settings.consensus_k,
            data_dir=settings.data_dir,
        )

    # -- push ------------------------------------------------------------------------------
    def push(self, kind: ProjectKind) -> PushReport:
        """Create or update the project and its tasks for every proposed item of ``kind``."""
        project, created, config_updated = self._ensure_project(TITLES[kind], CONFIGS[kind])
        report = PushReport(
            project=kind, project_id=project.id, project_created=created, config_updated=config_updated
        )
        media_project, _, _ = self._ensure_project(MEDIA_TITLE, MEDIA_CONFIG)
        media = MediaStore(self.client, media_project.id)
        ctx = GraphContext(self.store, self.data_dir)
        existing = {t.dermkg_id: t for t in self.client.export_tasks(project.id) if t.dermkg_id}
        predicted = {
            (p.get("task"), p.get("model_version")) for p in self.client.list_predictions(project.id)
        }
        new_tasks: list[dict[str, Any]] = []
        for index, (data, prediction) in enumerate(self._task_payloads(kind, ctx, media)):
            body, pred = data.model_dump(mode="json"), prediction.model_dump(mode="json", exclude_none=True)
            task = existing.get(data.dermkg_id)
            if task is None:
                new_tasks.append({"data": body, "predictions": [pred]})
                if len(new_tasks) >= IMPORT_BATCH:
                    report.tasks_created += len(self.client.import_tasks(project.id, new_tasks))
                    new_tasks.clear()
            else:
                if task.data != body:
                    self.client.update_task_data(task.id, body)
                    report.tasks_updated += 1
                else:
                    report.tasks_unchanged += 1
                if (task.id, prediction.model_version) not in predicted:
                    self.client.create_prediction(task.id, pred)
                    report.predictions_created += 1
            self._tick(f"push {kind}", index + 1, None)
        report.tasks_created += len(self.client.import_tasks(project.id, new_tasks))
        report.predictions_created += report.tasks_created
        report.images_uploaded = media.uploaded
        return report

    def _task_payloads(self, kind: ProjectKind, ctx: GraphContext, media: MediaStore) -> Iterator[Any]:
        if kind == "ddx":
            offset = 0
            while True:
                page = self.store.query_assertions(
                    AssertionQuery(kind="ddx", status="proposed", offset=offset, limit=500)
                )
                for assertion in page.items:
                    yield ddx_task(ctx, media, assertion)
                offset += len(page.items)
                if not page.items or offset >= page.total:
                    return
        else:
            offset = 0
            while True:
                cases: list[Case] = self.store.list_cases(status="proposed", offset=offset, limit=500)
                for case in cases:
                    yield case_task(ctx, media, case)
                offset += len(cases)
                if len(cases) < 500:
                    return

    def _ensure_project(self, title: str, config: str) -> tuple[LsProject, bool, bool]:
        project = self.client.find_project(title)
        if project is None:
            return (
                self.client.create_project(title, config, "Managed by dermkg: edit in dermkg, not here."),
                True,
                False,
            )
        if _normalise_xml(project.label_config) != _normalise_xml(config):
            return self.client.update_project(project.id, label_config=config), False, True
        return project, False, False

    # -- pull ------------------------------------------------------------------------------
    def pull(self, kind: ProjectKind) -> PullReport:
        """Apply every new annotation of the project; report what was applied and what was not."""
        project = self.client.find_project(TITLES[kind])
        if project is None:
            return PullReport(project=kind, project_id=None, note=f"no project {TITLES[kind]!r}: push first")
        if not project.label_config:
            project = self.client.get_project(project.id)
        schema = parse_config(project.label_config)
        missing = sorted(_NEEDED_CONTROLS[kind] - set(schema.controls))
        users = {u.id: u for u in self.client.list_users()}
        report = PullReport(project=kind, project_id=project.id)
        tasks = [t for t in self.client.export_tasks(project.id, annotated_only=True) if t.dermkg_id]
        for index, task in enumerate(tasks):
            for annotation in sorted(task.annotations, key=lambda a: a.id):
                if annotation.was_cancelled:
                    continue  # a skipped task is no decision
                outcome = self._pull_one(kind, project.id, schema, missing, task, annotation, users)
                if outcome.status not in ("applied", "already_applied"):
                    log.warning(
                        "pull %s: task %s annotation %s not applied (%s): %s",
                        kind,
                        task.id,
                        annotation.id,
                        outcome.status,
                        "; ".join(outcome.errors),
                    )
                report.outcomes.append(outcome)
            self._tick(f"pull {kind}", index + 1, len(tasks))
        return report

    def _pull_one(
        self,
        kind: ProjectKind,
        project_id: int,
        schema: ConfigSchema,
        missing: list[str],
        task: LsTask,
        annotation: LsAnnotation,
        users: dict[int, LsUser],
    ) -> AnnotationOutcome:
        target = task.dermkg_id
        assert target is not None
        ls_user = users.get(annotation.user_id) if annotation.user_id is not None else None
        outcome = AnnotationOutcome(
            status="applied",
            task_id=task.id,
            annotation_id=annotation.id,
            dermkg_id=target,
            ls_user=ls_user.email if ls_user else f"user #{annotation.user_id}",
        )
        marker = _apply.annotation_marker(project_id, annotation)
        if _apply.already_applied(self.store, target, marker):
            return outcome.model_copy(update={"status": "already_applied"})
        if missing:
            errors = [f"the project's config lacks control(s) {', '.join(missing)}: push to restore it"]
            return outcome.model_copy(update={"status": "invalid", "errors": errors})
        errors = validate_result(schema, annotation.result, task.data)
        if errors:
            return outcome.model_copy(update={"status": "invalid", "errors": errors})
        user = self.user_map.lookup(ls_user)
        if user is None:
            errors = [
                f"Label Studio user {outcome.ls_user} is not in the user map (DERMKG_LABELSTUDIO_USERS)"
            ]
            return outcome.model_copy(update={"status": "unmapped_user", "errors": errors})
        outcome.user = user
        given = answers(annotation.result)
        plan: Any
        if kind == "ddx":
            assertion = self.store.get_assertion(target)
            plan = _apply.plan_ddx(self.store, assertion.subject if assertion else "", given)
        else:
            plan = _apply.plan_case(self.store, dict(task.data.get("diagnosis_ids") or {}), given)
        if isinstance(plan, list):
            return outcome.model_copy(update={"status": "invalid", "errors": plan})
        reason = _apply.conflict(self.store, kind, target, user, task.data)
        if reason is not None:
            return outcome.model_copy(update={"status": "conflict", "errors": [reason]})
        try:
            if kind == "ddx":
                actions = _apply.apply_ddx(
                    self.store, target, plan, user=user, marker=marker, votes=self.required_votes
                )
            else:
                actions = _apply.apply_case(self.store, target, plan, user=user, marker=marker)
        except DermkgError as exc:  # transactional: nothing of this annotation was written
            return outcome.model_copy(update={"status": "failed", "errors": [str(exc)]})
        return outcome.model_copy(update={"actions": actions})

    # -- both ------------------------------------------------------------------------------
    def sync(self, kinds: Sequence[ProjectKind] = PROJECT_KINDS) -> SyncReport:
        """Push then pull each project kind."""
        report = SyncReport()
        for kind in kinds:
            report.push.append(self.push(kind))
        for kind in kinds:
            report.pull.append(self.pull(kind))
        return report

    def _tick(self, phase: str, done: int, total: int | None) -> None:
        if self.progress is not None:
            self.progress(phase, done, total)


def _normalise_xml(xml: str) -> str:
    return " ".join(xml.split())


# -- one-call entry points (CLI and the studio's button) ----------------------------------------
def push(store: GraphStore, kinds: Sequence[ProjectKind] = PROJECT_KINDS, **options: Any) -> list[PushReport]:
    """Push with the configured server (``DERMKG_LABELSTUDIO_URL`` / ``_TOKEN``)."""
    with _configured(store, **options) as syncer:
        return [syncer.push(kind) for kind in kinds]


def pull(store: GraphStore, kinds: Sequence[ProjectKind] = PROJECT_KINDS, **options: Any) -> list[PullReport]:
    """Pull with the configured server and user map (``DERMKG_LABELSTUDIO_USERS``)."""
    with _configured(store, **options) as syncer:
        return [syncer.pull(kind) for kind in kinds]


def sync(store: GraphStore, kinds: Sequence[ProjectKind] = PROJECT_KINDS, **options: Any) -> SyncReport:
    """Push then pull with the configured server.

    Example:
        >>> from studio.labelstudio.sync import sync
        >>> report = sync(store, ["ddx"])  # doctest: +SKIP
        >>> report.pull[0].summary()  # doctest: +SKIP
        {'applied': 3, 'already_applied': 0, 'invalid': 1, 'unmapped_user': 0, 'conflict': 0, 'failed': 0}
    """
    with _configured(store, **options) as syncer:
        return syncer.sync(kinds)


@contextmanager
def _configured(
    store: GraphStore,
    *,
    url: str | None = None,
    user_map: UserMap | None = None,
    progress: Progress | None = None,
) -> Iterator[LabelStudioSync]:
    client = LabelStudioClient.from_settings()
    if url is not None:
        client = LabelStudioClient(url, client.token)
    with client:
        syncer = LabelStudioSync.from_settings(store, client)
        if user_map is not None:
            syncer.user_map = user_map
        syncer.progress = progress
        yield syncer
