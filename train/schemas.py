"""Rows ``train`` reads from the exported files, validated on load; a bad row is named by file and id.

These are the *assumed* schemas of the files other stages write (``train`` never imports them):

- SFT rows (``synth trajectories``, issue 6): TRL's vision-language prompt-completion format,
  ``prompt`` / ``completion`` as lists of chat messages, ``images`` as a list of image paths (or
  decoded images in a ``datasets`` folder); the target is
  ``<thinking>…</thinking><diagnosis>…</diagnosis>``.
- RL / evaluation rows (``synth datasets`` / ``synth evalsets``, issue 7): ``id``, ``image`` (path),
  ``prompt``, ``options`` {letter: text}, ``option_scores`` {letter: float}, ``answer`` (letter),
  ``lesion_condition``, ``path`` (coarse → fine), ``source``, ``split``, ``task``.

Either file may come as JSONL or as a Hugging Face ``datasets`` folder (``save_to_disk``).
Relative image paths are resolved against the folder holding the file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from train.answers import clean_options
from train.errors import TrainDataError

Role = Literal["system", "user", "assistant"]


def image_ref(value: Any) -> Any:
    """A datasets Image cell ({bytes, path}) as its bytes when embedded, else its path."""
    if isinstance(value, dict):
        return value.get("bytes") or value.get("path")
    return value


def as_image_cell(ref: str | bytes) -> str | dict[str, Any]:
    """The value a datasets ``Image`` column takes for a path or for encoded bytes."""
    return {"bytes": ref, "path": None} if isinstance(ref, bytes) else ref


def open_image(ref: str | bytes):  # -> PIL.Image.Image
    """An RGB PIL image from a path or encoded bytes."""
    import io

    from PIL import Image

    source = io.BytesIO(ref) if isinstance(ref, bytes) else ref
    return Image.open(source).convert("RGB")


class Message(BaseModel):
    """One chat message; structured content is flattened to its text (images travel in ``images``)."""

    model_config = ConfigDict(extra="ignore")

    role: Role
    content: str

    @field_validator("content", mode="before")
    @classmethod
    def _flatten(cls, value: Any) -> Any:
        if isinstance(value, list):
            return "".join(str(p.get("text") or "") for p in value if isinstance(p, dict))
        return value


class SftRow(BaseModel):
    """A supervised trajectory in TRL's vision-language prompt-completion format."""

    model_config = ConfigDict(extra="ignore")

    id: str
    prompt: list[Message] = Field(min_length=1)
    completion: list[Message] = Field(min_length=1)
    images: list[str | bytes] = Field(
        min_length=1, description="Image paths, or encoded bytes (datasets folder)."
    )
    image_sha256: str | None = None
    split: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_trajectory_row(cls, data: Any) -> Any:
        """Also read ``trajectories.jsonl`` rows (plain-text prompt / completion, ``image_path``)."""
        if not isinstance(data, dict):
            return data
        data = dict(data)
        if isinstance(data.get("prompt"), str):
            data["prompt"] = [{"role": "user", "content": data["prompt"]}]
        if isinstance(data.get("completion"), str):
            data["completion"] = [{"role": "assistant", "content": data["completion"]}]
        if "images" not in data and data.get("image_path"):
            data["images"] = [data["image_path"]]
        return data

    @field_validator("images", mode="before")
    @classmethod
    def _image_refs(cls, value: Any) -> Any:
        if isinstance(value, str | bytes | dict):
            value = [value]
        return [image_ref(v) for v in value or []]

    @model_validator(mode="after")
    def _roles(self) -> SftRow:
        if self.prompt[-1].role != "user":
            raise ValueError("the prompt must end with a user message")
        if any(m.role != "assistant" for m in self.completion):
            raise ValueError("the completion must hold assistant messages only")
        return self


class McqRow(BaseModel):
    """A multiple-choice RL / evaluation item; the columns the rewards and the evaluation read."""

    model_config = ConfigDict(extra="ignore")

    id: str
    image: str | bytes
    prompt: str
    options: dict[str, str]
    option_scores: dict[str, float]
    answer: str
    lesion_condition: Literal["benign", "malignant", "precancerous in situ"] | None = None
    path: list[str] = Field(default_factory=list)
    source: str
    split: str
    task: str
    image_exists: bool | None = True

    @field_validator("image", mode="before")
    @classmethod
    def _image_ref(cls, value: Any) -> Any:
        return image_ref(value)

    @field_validator("prompt", mode="before")
    @classmethod
    def _prompt_text(cls, value: Any) -> Any:
        if isinstance(value, list):  # a conversational prompt: the last user turn holds the question
            return Message.model_validate(value[-1]).content
        return value

    @field_validator("options", mode="before")
    @classmethod
    def _options(cls, value: Any) -> Any:
        return clean_options(value) if isinstance(value, dict | str) else value

    @field_validator("option_scores", mode="before")
    @classmethod
    def _scores(cls, value: Any) -> Any:
        if isinstance(value, str):  # the datasets folders store the dict as a JSON string
            value = json.loads(value) if value.strip() else {}
        if isinstance(value, dict):
            return {str(k).upper(): v for k, v in value.items() if v is not None}
        return value

    @model_validator(mode="after")
    def _consistent(self) -> McqRow:
        if len(self.options) < 2:
            raise ValueError("needs at least two options")
        if self.answer.strip().upper() not in self.options:
            raise ValueError(f"answer {self.answer!r} is not one of the options {sorted(self.options)}")
        self.answer = self.answer.strip().upper()
        extra = set(self.option_scores) - set(self.options)
        if extra:
            raise ValueError(f"option_scores has letters {sorted(extra)} that are not options")
        return self


RowT = TypeVar("RowT", SftRow, McqRow)


def _is_datasets_folder(path: Path) -> bool:
    return (path / "dataset_info.json").is_file() or (path / "dataset_dict.json").is_file()


def _raw_rows(path: Path, split: str | None) -> Iterator[tuple[str, dict[str, Any]]]:
    """(location, raw dict) for every row of a JSONL file or a ``datasets`` folder (of ``split``)."""
    if path.is_dir():
        from datasets import Image, List, Sequence, load_from_disk

        try:
            ds = load_from_disk(str(path))
        except Exception as exc:  # noqa: BLE001 - datasets raises many types for a bad folder
            raise TrainDataError(f"{path}: not a datasets folder written by save_to_disk ({exc})") from exc
        if hasattr(ds, "keys"):  # a DatasetDict: the requested split, else every split
            names = [split] if split in ds else list(ds)
            parts = [(f"{path}[{name}]", ds[name]) for name in names]
        else:
            parts = [(str(path), ds)]
        for where, part in parts:
            for column, feature in part.features.items():  # read image paths / bytes, not pixels
                if isinstance(feature, Image):
                    part = part.cast_column(column, Image(decode=False))
                elif isinstance(feature, List | Sequence) and isinstance(feature.feature, Image):
                    part = part.cast_column(column, List(Image(decode=False)))
            for i, row in enumerate(part):
                yield f"{where} row {i}", row
        return
    if not path.is_file():
        raise TrainDataError(f"{path}: no such file or folder")
    with path.open(encoding="utf-8") as fh:
        for line_no, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                yield f"{path}:{line_no}", json.loads(line)
            except json.JSONDecodeError as exc:
                raise TrainDataError(f"{path}:{line_no}: not valid JSON ({exc.msg})") from None


def _resolve(image: str | bytes, base: Path, where: str, row: SftRow | McqRow) -> str | bytes:
    """An image's file: as given, relative to the export folder, or ``images/<sha256>.*`` there."""
    if isinstance(image, bytes):
        return image
    candidate = Path(image)
    if not candidate.is_absolute():
        candidate = base / candidate
    if candidate.is_file():
        return str(candidate)
    sha = getattr(row, "image_sha256", None)
    stored = sorted((base / "images").glob(f"{sha}.*")) if sha else []
    if stored:
        return str(stored[0])
    raise TrainDataError(f"{where} (id {row.id}): image not found: {image}")


def load_rows(
    path: str | Path, row_type: type[RowT], split: str | None = None, check_images: bool = True
) -> list[RowT]:
    """Validate every row of ``path`` (of ``split``, when rows carry one) as ``row_type``.

    The first bad row raises, naming file, line or row, and id. Evaluation rows flagged
    ``image_exists: false`` (the datasets issue's OmniMedVQA items without images) are left out.
    """
    path = Path(path)
    base = path if path.is_dir() else path.parent
    rows: list[RowT] = []
    seen: set[str] = set()
    for where, raw in _raw_rows(path, split):
        row_id = str(raw.get("id", "?")) if isinstance(raw, dict) else "?"
        if split and isinstance(raw, dict) and raw.get("split") not in (None, split):
            continue
        try:
            row = row_type.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc']) or 'row'}: {err['msg'].removeprefix('Value error, ')}"
                for err in exc.errors()
            )
            raise TrainDataError(f"{where} (id {row_id}): {problems}") from None
        if row.id in seen:
            raise TrainDataError(f"{where}: duplicate id {row.id}")
        seen.add(row.id)
        if isinstance(row, McqRow) and row.image_exists is False:
            continue
        if check_images and isinstance(row, SftRow):
            row.images = [_resolve(img, base, where, row) for img in row.images]
        elif check_images and isinstance(row, McqRow):
            row.image = _resolve(row.image, base, where, row)
        rows.append(row)
    return rows


def data_files(path: str | Path, split: str | None = None) -> list[Path]:
    """The files an export path stands for, in the layouts ``synth`` writes.

    - a JSONL file or a ``datasets`` folder: itself;
    - a trajectory export (``hf/`` DatasetDict beside ``trajectories.jsonl``): ``hf``;
    - an RL / evaluation export (``<task>/{train,valid,test}.jsonl``): every ``{split}.jsonl`` below;
    - otherwise every JSONL file below, else every ``datasets`` folder below.
    """
    p = Path(path)
    if p.is_file() or _is_datasets_folder(p):
        return [p]
    if not p.is_dir():
        raise TrainDataError(f"{p}: no such file or folder")
    if _is_datasets_folder(p / "hf") and (p / "hf" / "dataset_dict.json").is_file():
        return [p / "hf"]
    if split and (found := sorted(p.rglob(f"{split}.jsonl"))):
        return found
    # rows the synth validator rejected (rejected.jsonl; review_queue.jsonl in older exports) never train
    found = sorted(f for f in p.rglob("*.jsonl") if f.name not in ("review_queue.jsonl", "rejected.jsonl"))
    if found:
        return found
    folders = sorted(d for d in p.rglob("*") if d.is_dir() and _is_datasets_folder(d))
    if folders:
        return folders
    raise TrainDataError(f"{p}: no JSONL file or datasets folder inside")


def load_all(path: str | Path, row_type: type[RowT], split: str | None = None) -> list[RowT]:
    """Rows of every file ``path`` stands for; an empty result is an error naming the path and split."""
    rows: list[RowT] = []
    for f in data_files(path, split):
        rows.extend(load_rows(f, row_type, split=split))
    if not rows:
        raise TrainDataError(f"{path}: no usable rows" + (f" with split '{split}'" if split else ""))
    ids = [r.id for r in rows]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise TrainDataError(f"{path}: id {dup} appears in more than one file")
    return rows
