"""What crosses the Label Studio boundary: tasks we send, annotations we read, sync reports."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

ProjectKind = Literal["ddx", "cases"]
PROJECT_KINDS: tuple[ProjectKind, ...] = ("ddx", "cases")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _Wire(BaseModel):
    """A Label Studio response object: we read the fields we need and ignore the rest."""

    model_config = ConfigDict(extra="ignore")


# -- what we send ------------------------------------------------------------------------------


class DdxTaskData(_Model):
    """``task.data`` of a DDx-edge review task; ``dermkg_id`` is the idempotency key."""

    dermkg_id: str
    dermkg_version: int
    subject_name: str
    object_name: str
    subject_path: str
    object_path: str
    evidence: str
    page_image: str
    origin: str
    score: float | None = None


class DiagnosisOption(_Model):
    value: str  # a diagnosis name; names are unique in the graph


class CaseTaskData(_Model):
    """``task.data`` of a figure-case review task; the diagnosis choices come from the graph."""

    dermkg_id: str
    dermkg_version: int
    image: str
    caption: str
    diagnosis_name: str
    diagnosis_options: list[DiagnosisOption]
    diagnosis_ids: dict[str, str]  # option value (name) -> diagnosis id
    origin: str


class Prediction(_Model):
    """A pre-annotation showing the machine's proposal, its origin and score."""

    model_version: str
    score: float | None = None
    result: list[dict[str, Any]]


# -- what we read ------------------------------------------------------------------------------


class ResultItem(_Wire):
    from_name: str
    to_name: str
    type: str
    value: dict[str, Any]


class LsAnnotation(_Wire):
    id: int
    unique_id: str | None = None  # a UUID: stable across servers, unlike the numeric id
    completed_by: int | dict[str, Any] | None = None
    result: list[dict[str, Any]] = Field(default_factory=list)
    was_cancelled: bool = False
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def user_id(self) -> int | None:
        if isinstance(self.completed_by, dict):
            return self.completed_by.get("id")
        return self.completed_by


class LsPrediction(_Wire):
    id: int | None = None
    model_version: str | None = None
    score: float | None = None


class LsTask(_Wire):
    id: int
    data: dict[str, Any]
    annotations: list[LsAnnotation] = Field(default_factory=list)
    predictions: list[LsPrediction | int] = Field(default_factory=list)

    @property
    def dermkg_id(self) -> str | None:
        value = self.data.get("dermkg_id")
        return value if isinstance(value, str) else None


class LsProject(_Wire):
    id: int
    title: str
    label_config: str = ""


class LsUser(_Wire):
    id: int
    email: str
    username: str | None = None


# -- reports -----------------------------------------------------------------------------------


class PushReport(_Model):
    project: ProjectKind
    project_id: int
    project_created: bool
    config_updated: bool
    tasks_created: int = 0
    tasks_updated: int = 0
    tasks_unchanged: int = 0
    predictions_created: int = 0
    images_uploaded: int = 0


class AnnotationOutcome(_Model):
    """What happened to one annotation on pull; ``status`` says whether the store changed."""

    status: Literal["applied", "already_applied", "invalid", "unmapped_user", "conflict", "failed"]
    task_id: int
    annotation_id: int
    dermkg_id: str | None
    ls_user: str | None = None
    user: str | None = None  # the dermkg user it was applied as
    actions: list[str] = Field(default_factory=list)  # e.g. ["edit", "accept"]
    errors: list[str] = Field(default_factory=list)


class PullReport(_Model):
    project: ProjectKind
    project_id: int | None
    note: str | None = None
    outcomes: list[AnnotationOutcome] = Field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def unmapped_users(self) -> list[str]:
        return sorted({o.ls_user or "?" for o in self.outcomes if o.status == "unmapped_user"})

    def summary(self) -> dict[str, int]:
        statuses = ("applied", "already_applied", "invalid", "unmapped_user", "conflict", "failed")
        return {s: self.count(s) for s in statuses}


class SyncReport(_Model):
    push: list[PushReport] = Field(default_factory=list)
    pull: list[PullReport] = Field(default_factory=list)
