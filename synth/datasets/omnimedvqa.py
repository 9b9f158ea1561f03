"""OmniMedVQA dermoscopy items, in OmniMedVQA's own JSON or Med-R1's format, as OOD rows.

Only "Disease Diagnosis" questions are kept: the native format says so in ``question_type``; the
Med-R1 format does not, so the type is inferred from the question and the shape of its options
(:func:`infer_type`: yes/no, malignancy grades, body regions, modalities are dropped and counted by
type). Two options naming one diagnosis ("Melanoma", "Malignant melanoma") are one option.
Images are often absent (the item files ship without them): such rows are flagged
``image_exists=False``, never a crash.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from pydantic import BaseModel, Field

from dermkg.errors import InputError
from dermkg.images import ImageRejectedError, check_dataset_image, verify_image
from dermkg.inputs import load_json
from synth.datasets.options import name_key
from synth.datasets.prompts import OOD_PROMPT, letters, render_prompt
from synth.datasets.splits import file_sha256
from synth.datasets.types import McqRow, Problem

_OPTION = re.compile(r"(?:^|,\s*|\s)([A-Z])\)\s*")
_ANSWER = re.compile(r"<answer>\s*([A-Z]+)\s*</answer>", re.I)
_MODALITY = re.compile(
    r"imaging|dermoscop|ultrasound|x-ray|mri|\bct\b|tomograph|endoscop|microscop|mammogra|fundus|electro|\beeg\b|\becg\b|ultrasonograph|\boct\b|scan",
    re.I,
)
_MODALITY_QUESTION = re.compile(r"modality|imaging (technique|method)|technique .*(employed|used)", re.I)
_GRADING = re.compile(r"benign or malignant|malignant or benign", re.I)
_ANATOMY = re.compile(
    r"anatom|\bbody (part|region|area|site)|\borgans?\b"
    r"|\b(part|area|region|section|site)s? of the (human )?body",
    re.I,
)
_BODY_OPTION = re.compile(
    r"\bsystem$|^(skin|bones?|muscles?|internal organs|brain|heart|lungs?|liver|kidneys?|eyes?)$", re.I
)
_YES_NO = frozenset({"yes", "no", "doubtful", "i'm not sure", "not sure", "maybe", "unsure", "uncertain"})
_GRADE = frozenset(
    {
        *("benign", "malignant", "cancerous", "non-cancerous", "noncancerous", "precancerous"),
        *("pre-cancerous", "metastatic", "suspicious", "indeterminate", "inconclusive", "unknown"),
        *("progressive", "aggressive", "harmless", "harmful", "non-malignant", "benignancy", "malignancy"),
    }
)
_GRADE_NOUN = frozenset({"image", "condition", "lesion", "growth", "tumor", "tumour", "case", "finding"})


def _plain(option: str) -> str:
    return option.strip(" .").lower()


def _is_grade(option: str) -> bool:
    """ "Benign image.", "non-cancerous condition", "Malignant": a malignancy grade, not a disease."""
    words = _plain(option).split()
    if words and words[-1] in _GRADE_NOUN:
        words = words[:-1]
    return bool(words) and all(w in _GRADE for w in words)


# OmniMedVQA subsets that contain (or are) the images of a training source
OVERLAPS: dict[str, set[str]] = {
    "ham10000": {"ISIC2018", "ISIC2019"},
    "bcn20000": {"ISIC2019"},
    "pad_ufes20": {"PAD-UFES-20"},
    "fitzpatrick17k": {"Fitzpatrick 17k"},
}
# Subsets the paper leaves out of its OOD evaluation whatever the training sources are
# (Fitzpatrick17k: clinical, not dermoscopic, with its own label set; PAD-UFES-20: smartphone
# images of a training source). ``include_paper_excluded=True`` keeps them (not comparable then).
PAPER_EXCLUDED: frozenset[str] = frozenset({"Fitzpatrick 17k", "PAD-UFES-20"})


def _subset_key(name: str) -> str:
    return re.sub(r"[\W_]+", "", name).lower()  # "Fitzpatrick_17k" (file name) == "Fitzpatrick 17k"


class OodItem(BaseModel):
    subset: str
    image: str
    question: str
    options: list[str]
    answer_index: int
    question_type: str
    location: str


class OodReport(BaseModel):
    items: int = 0
    by_type: dict[str, int] = Field(default_factory=dict)
    protocol: str = ""
    files: list[str] = Field(default_factory=list)
    excluded_subsets: dict[str, int] = Field(default_factory=dict)
    excluded_images: int = 0  # the same image (hash or file stem) as a training sample
    missing_images: int = 0
    synonymous_options: int = 0  # items offering two names of one diagnosis: the extra name dropped
    rejected_images: int = 0  # outside the images folder, not an image, or over the pixel limit
    problems: list[Problem] = Field(default_factory=list)


def infer_type(question: str, options: list[str], answer: str | None = None) -> str:
    """The OmniMedVQA question type of an item that does not state it, from the question and the
    shape of its options: yes/no options (a grading question when it asks about benign / malignant /
    cancer, else "Other Biological Attributes"), malignancy grades ("Benign image.", "non-cancerous
    condition"), body regions or systems ("Skin", "Nervous system"), imaging modalities; anything
    else is a diagnosis."""
    plain = [_plain(o) for o in options]
    if plain and set(plain) <= _YES_NO:
        grading = re.search(r"benign|malignan|cancer|harm", question, re.I)
        return "Lesion Grading" if grading else "Other Biological Attributes"  # OmniMedVQA's 5th type
    half = max(1, (len(options) + 1) // 2)
    grades = sum(_is_grade(o) for o in options)
    if (answer is not None and _is_grade(answer) and grades >= half) or grades == len(options):
        return "Lesion Grading"
    if _ANATOMY.search(question) or sum(bool(_BODY_OPTION.search(p)) for p in plain) >= half:
        return "Anatomy Identification"
    if _MODALITY_QUESTION.search(question) or sum(bool(_MODALITY.search(o)) for o in options) >= max(
        2, len(options) // 2
    ):
        return "Modality Recognition"
    if _GRADING.search(question):
        return "Lesion Grading"
    return "Disease Diagnosis"


def parse_medr1(item: dict, loc: str) -> OodItem:
    problem, solution = item["problem"], item["solution"]
    marks = list(_OPTION.finditer(problem))
    if len(marks) < 2 or marks[0].group(1) != "A":
        raise ValueError("no 'A)…, B)…' options in problem")
    question = problem[: marks[0].start()].strip()
    options = [
        problem[m.end() : (marks[i + 1].start() if i + 1 < len(marks) else len(problem))].strip(" ,")
        for i, m in enumerate(marks)
    ]
    answer = _ANSWER.search(solution) or re.fullmatch(r"\s*([A-Z]+)\s*", solution)
    if answer is None:
        raise ValueError(f"no answer letter in solution {solution!r}")
    index = letters(len(options)).index(answer.group(1).upper())
    image = item["image"][0] if isinstance(item["image"], list) else item["image"]
    parts = Path(image).parts
    subset = item.get("subset") or (parts[1] if len(parts) > 1 and parts[0].lower() == "images" else parts[0])
    return OodItem(
        subset=subset,
        image=image,
        question=question,
        options=options,
        answer_index=index,
        question_type=infer_type(question, options, options[index]),
        location=loc,
    )


def parse_native(item: dict, loc: str) -> OodItem:
    keys = sorted(k for k in item if k.startswith("option_"))
    options = [str(item[k]) for k in keys]
    return OodItem(
        subset=item["dataset"],
        image=item["image_path"],
        question=item["question"],
        options=options,
        answer_index=options.index(str(item["gt_answer"])),
        question_type=item["question_type"],
        location=loc,
    )


def _item_files(path: Path) -> list[Path]:
    """A folder: its per-source test files (``*_filtered_test.json``, Med-R1's OOD layout) when it has
    them, else every JSON file except training splits (never evaluate on ``*train*`` items)."""
    if not path.is_dir():
        return [path]
    per_source = sorted(path.glob("*_filtered_test.json"))
    return per_source or sorted(f for f in path.glob("*.json") if "train" not in f.name.lower())


def read_items(path: Path, report: OodReport) -> list[OodItem]:
    files = _item_files(path)
    report.files = [f.name for f in files]
    out: list[OodItem] = []
    for file in files:
        try:
            data = load_json(file, what="OmniMedVQA JSON")
        except InputError as exc:
            report.problems.append(
                Problem(dataset="omnimedvqa", location=file.name, kind="unreadable", detail=str(exc))
            )
            continue
        for i, item in enumerate(data if isinstance(data, list) else []):
            loc = f"{file.name}[{i}]"
            try:
                if not isinstance(item, dict):
                    raise TypeError(f"expected an object, found {type(item).__name__}")
                out.append(parse_native(item, loc) if "question_type" in item else parse_medr1(item, loc))
            except (KeyError, ValueError, TypeError, IndexError, AttributeError) as exc:
                report.problems.append(
                    Problem(dataset="omnimedvqa", location=loc, kind="malformed_row", detail=str(exc))
                )
    return out


def _distinct(item: OodItem, synonyms: dict[str, str]) -> tuple[list[str], int]:
    """The item's options with one name per diagnosis (the answer's name kept), and the answer's index."""

    def key(text: str) -> str:
        return synonyms.get(_plain(text)) or name_key(text)

    answer_key = key(item.options[item.answer_index])
    kept: list[str] = []
    seen: set[str] = set()
    for i, text in enumerate(item.options):
        k = key(text)
        if k in seen or (k == answer_key and i != item.answer_index):
            continue
        seen.add(k)
        kept.append(text)
    return kept, kept.index(item.options[item.answer_index])


def ood_rows(
    path: Path,
    *,
    training_sources: set[str],
    training_stems: set[str],
    training_hashes: set[str] | None = None,
    images_root: Path | None = None,
    conditions: dict[str, str] | None = None,
    synonyms: dict[str, str] | None = None,
    include_paper_excluded: bool = False,
) -> tuple[list[McqRow], OodReport]:
    """Disease-diagnosis rows from subsets that no training source overlaps, deduplicated.

    An item whose image is a training image (same file stem, or same bytes where the image is
    present) is excluded as well; so are :data:`PAPER_EXCLUDED` subsets unless
    ``include_paper_excluded``. Two options naming one diagnosis (``synonyms``: lower-cased name ->
    diagnosis id, else :func:`name_key`) keep the answer's (else the first) and drop the other."""
    report = OodReport()
    items = read_items(path, report)
    excluded = set().union(*(OVERLAPS.get(s, set()) for s in training_sources)) if training_sources else set()
    if not include_paper_excluded:
        excluded |= PAPER_EXCLUDED
    excluded = {_subset_key(x) for x in excluded}
    report.protocol = (
        "paper: OOD_PROMPT; 'Disease Diagnosis' items; excluded subsets "
        + ", ".join(sorted(PAPER_EXCLUDED))
        + " (paper) and those overlapping training sources"
        if not include_paper_excluded
        else "NOT the paper's: Fitzpatrick17k and PAD-UFES-20 kept (--include-paper-excluded-subsets)"
    )
    rows: dict[str, McqRow] = {}
    for item in items:
        report.items += 1
        report.by_type[item.question_type] = report.by_type.get(item.question_type, 0) + 1
        if item.question_type != "Disease Diagnosis":
            continue
        if _subset_key(item.subset) in excluded:
            report.excluded_subsets[item.subset] = report.excluded_subsets.get(item.subset, 0) + 1
            continue
        if Path(item.image).stem in training_stems:
            report.excluded_images += 1
            continue
        image = (images_root / item.image) if images_root else Path(item.image)
        exists = image.is_file()
        if exists:  # inside the images folder (when given), a real image within the pixel limit
            try:
                image = check_dataset_image(images_root, item.image) if images_root else image
                verify_image(image)
            except ImageRejectedError:
                report.rejected_images += 1
                continue
        report.missing_images += not exists
        sha = file_sha256(str(image)) if exists else None
        if sha and sha in (training_hashes or ()):
            report.excluded_images += 1
            continue
        texts, answer_index = _distinct(item, synonyms or {})
        if len(texts) < len(item.options):
            report.synonymous_options += 1
        keys = letters(len(texts))
        options = dict(zip(keys, texts, strict=True))
        answer_text = texts[answer_index]
        rid = "ood-" + hashlib.sha1(f"{item.image}\x1f{item.question}".encode()).hexdigest()[:16]
        rows.setdefault(
            rid,
            McqRow(
                id=rid,
                image=str(image),
                prompt=render_prompt(item.question, options, OOD_PROMPT),
                question=item.question,
                options=options,
                option_scores={k: (1.0 if i == answer_index else 0.0) for i, k in enumerate(keys)},
                answer=keys[answer_index],
                answer_text=answer_text,
                lesion_condition=(conditions or {}).get(answer_text.strip(" .").lower()),  # type: ignore[arg-type]
                path=[],
                source=f"omnimedvqa/{item.subset}",
                split="test",
                task="ood",
                label=answer_text,
                diagnosis=None,
                image_exists=exists,
                image_sha256=sha,
            ),
        )
    return sorted(rows.values(), key=lambda r: r.id), report
