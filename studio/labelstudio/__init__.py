"""Two-way sync with a Label Studio server: push proposed items as tasks, pull annotations as curation."""

from studio.labelstudio.client import LabelStudioClient, LabelStudioError
from studio.labelstudio.sync import LabelStudioSync, pull, push, sync
from studio.labelstudio.types import (
    PROJECT_KINDS,
    AnnotationOutcome,
    ProjectKind,
    PullReport,
    PushReport,
    SyncReport,
)
from studio.labelstudio.users import UserMap

__all__ = [
    "PROJECT_KINDS",
    "AnnotationOutcome",
    "LabelStudioClient",
    "LabelStudioError",
    "LabelStudioSync",
    "ProjectKind",
    "PullReport",
    "PushReport",
    "SyncReport",
    "UserMap",
    "pull",
    "push",
    "sync",
]
