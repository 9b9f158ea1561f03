"""Rows that cross the dataset-builder boundary. ``McqRow`` is the schema the RL rewards read."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

LesionCondition = Literal["benign", "malignant", "precancerous in situ"]
Split = Literal["train", "valid", "test"]
Task = Literal["rl", "diagnosis", "lesion_condition", "ood", "hierarchical", "ddx"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Problem(_Model):
    """A row that could not be used, or a flag on one that was (missing image, bad metadata row)."""

    dataset: str
    location: str  # file:line or folder
    kind: str  # missing_image | malformed_row | unknown_label | unmapped_label | unreadable | no_condition
    detail: str = ""


class Sample(_Model):
    """One labelled image as its dataset publishes it (before label mapping)."""

    dataset: str
    image: str  # absolute path (may not exist: see image_exists)
    # the image as the dataset names it (metadata value or path under its root): row ids, option
    # draws and splits hash this, never ``image``, so they are the same wherever the data is installed
    ref: str
    image_exists: bool
    label: str  # the dataset's own label
    group: str | None = None  # patient / lesion id for grouped splits
    split: Split | None = None  # the official split, where one exists
    location: str = ""
    condition_hint: LesionCondition | None = None  # the dataset's own benign / malignant field


class AdapterResult(_Model):
    dataset: str
    samples: list[Sample] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    rows_read: int = 0


class MappedSample(_Model):
    """A sample whose label resolved to a canonical diagnosis and a taxonomy path."""

    sample: Sample
    diagnosis: str  # diagnosis id
    path: list[str]  # diagnosis names, coarse -> fine
    path_ids: list[str]
    lesion_condition: LesionCondition
    split: Split
    image_sha256: str | None = None


class McqRow(_Model):
    """An RL / evaluation multiple-choice row (paper Appendix A)."""

    id: str
    image: str
    prompt: str
    question: str
    options: dict[str, str]
    option_scores: dict[str, float]
    answer: str
    answer_text: str
    lesion_condition: LesionCondition | None
    path: list[str]
    source: str
    split: Split
    task: Task
    label: str
    diagnosis: str | None
    image_exists: bool = True
    image_sha256: str | None = None
