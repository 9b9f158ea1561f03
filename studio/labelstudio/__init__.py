"""Two-way sync with a Label Studio server: push proposed items as tasks, pull annotations as curation.

One-call entry points (configured server, user map and consensus k) are ``push`` / ``pull`` / ``sync`` in
:mod:`studio.labelstudio.sync`; they are not re-exported here so the name ``sync`` keeps meaning the module.
"""

from studio.labelstudio.client import LabelStudioClient, LabelStudioError
from studio.labelstudio.sync import LabelStudioSync
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
]
