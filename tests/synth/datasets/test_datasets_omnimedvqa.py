"""OmniMedVQA items (Med-R1 and native formats): only "Disease Diagnosis" questions, overlaps out."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path

import pytest

from synth.datasets.omnimedvqa import OodReport, infer_type, ood_rows, read_items
from tests.fixtures.images import write_image


def test_every_real_med_r1_item_parses(shared_data: Path) -> None:
    report = OodReport()
    items = read_items(shared_data / "omnimedvqa-derm" / "modality_train_Dermoscopy_train.json", report)
    assert len(items) == 5373 and report.problems == []
    assert all(len(i.options) >= 2 and 0 <= i.answer_index < len(i.options) for i in items)
    types = Counter(i.question_type for i in items)
    assert set(types) <= {
        "Disease Diagnosis",
        "Modality Recognition",
        "Lesion Grading",
        "Anatomy Identification",
        "Other Biological Attributes",
    }
    assert types["Disease Diagnosis"] > types["Modality Recognition"] > 0


def test_per_source_test_files_in_a_folder(shared_data: Path) -> None:
    rows, report = ood_rows(
        shared_data / "omnimedvqa-derm", training_sources={"ham10000"}, training_stems=set()
    )
    assert report.excluded_subsets.get("ISIC2018", 0) > 0 and report.excluded_subsets.get("ISIC2019", 0) > 0
    assert rows and len({r.id for r in rows}) == len(rows)  # the modality file repeats items: deduplicated


def test_question_type_inference() -> None:
    # a table of real question shapes
    assert infer_type(
        "What modality was used to capture this image?", ["Dermoscopy", "EEG", "MRI", "ECG"]
    ) == ("Modality Recognition")
    assert infer_type("Is the abnormality benign or malignant?", ["Benign", "Malignant"]) == "Lesion Grading"
    assert infer_type("Which part of the body is the focus of this image?", ["Skin", "Bones"]) == (
        "Anatomy Identification"
    )
    assert infer_type(
        "What is the specific skin condition captured in this image?", ["Melanoma", "Nevus"]
    ) == ("Disease Diagnosis")


@pytest.mark.parametrize(
    ("question", "options", "answer", "expected"),
    [  # issue 21: phrasings the keyword rules missed, all from the real per-source test files
        (
            "What area of the body is the main focus in this image?",
            ["Lymphatic system", "Skin"],
            1,
            "Anatomy",
        ),
        (
            "What part of the body does this image primarily target?",
            ["Digestive system", "Skin"],
            1,
            "Anatomy",
        ),
        ("Is the lesion shown in this image benign?", ["No.", "Yes"], 1, "Lesion Grading"),
        ("Is this image displaying a harmless growth?", ["No.", "Yes"], 1, "Lesion Grading"),
        (
            "Is the lesion in this image malignant?",
            ["Yes", "No", "Doubtful", "I'm not sure"],
            0,
            "Lesion Grading",
        ),
        ("Is there any anomaly present in this image?", ["Yes", "No"], 0, "Other Biological Attributes"),
        (
            "Is the abnormality depicted in this image harmless or cancerous?",
            ["Benign image.", "Malignant"],
            0,
            "Lesion Grading",
        ),
        (
            "What is the nature of the lesion?",
            [
                "Benign condition",
                "Metastatic condition",
                "Non-cancerous condition",
                "Pre-cancerous condition",
            ],
            0,
            "Lesion Grading",
        ),
        (
            "What type of abnormality is present in this image?",
            ["Benign keratosis", "Malignant keratosis", "Eczema", "Melanoma"],
            0,
            "Disease Diagnosis",
        ),
    ],
)
def test_question_type_from_the_shape_of_the_options(
    question: str, options: list[str], answer: int, expected: str
) -> None:
    assert infer_type(question, options, options[answer]).startswith(expected)


def test_ood_rows_hold_only_diagnoses_with_distinct_options(shared_data: Path) -> None:
    """Issue 21 on the real folder: no yes/no, grade or body-region item; one name per diagnosis."""
    synonyms = {"melanoma": "melanoma", "malignant melanoma": "melanoma"}
    rows, report = ood_rows(
        shared_data / "omnimedvqa-derm", training_sources={"derm7pt"}, training_stems=set(), synonyms=synonyms
    )
    assert rows and report.synonymous_options > 0
    for row in rows:
        answer = row.answer_text.strip(" .").lower()
        assert answer not in {"yes", "no", "skin", "benign", "malignant"}, row.id
        assert not answer.endswith((" image", " condition")), (row.id, answer)  # "Benign image."
        texts = {t.lower() for t in row.options.values()}
        assert not {"melanoma", "malignant melanoma"} <= texts, row.options
        assert sum(v > 0 for v in row.option_scores.values()) == 1


def test_native_format_images_and_training_overlap(tmp_path: Path) -> None:
    def item(qid: str, qtype: str, subset: str, image: str) -> dict:
        return {
            "question_id": qid,
            "question": "What is the diagnosis?",
            "gt_answer": "Melanoma",
            "option_A": "Nevus",
            "option_B": "Melanoma",
            "option_C": "Dermatofibroma",
            "option_D": "Lentigo",
            "option_E": "Angioma",
            "image_path": image,
            "question_type": qtype,
            "dataset": subset,
            "modality_type": "Dermoscopy",
        }

    items = [
        item("1", "Disease Diagnosis", "ISIC2020", "Images/ISIC2020/a.jpg"),
        item("2", "Modality Recognition", "ISIC2020", "Images/ISIC2020/b.jpg"),
        item("3", "Disease Diagnosis", "PAD-UFES-20", "Images/PAD-UFES-20/c.png"),
        item("4", "Disease Diagnosis", "ISIC2020", "Images/ISIC2020/ISIC_0000001.jpg"),  # a training image
        item("5", "Disease Diagnosis", "ISIC2020", "Images/ISIC2020/renamed.jpg"),  # training bytes, new name
        {"question": "broken"},
    ]
    path = tmp_path / "omni.json"
    path.write_text(json.dumps(items))
    (tmp_path / "Images" / "ISIC2020").mkdir(parents=True)
    write_image(tmp_path / "Images" / "ISIC2020" / "a.jpg", "jpeg")
    training = write_image(tmp_path / "Images" / "ISIC2020" / "renamed.jpg", "training image bytes")
    training_hash = hashlib.sha256(training.read_bytes()).hexdigest()
    rows, report = ood_rows(
        path,
        training_sources={"pad_ufes20"},
        training_stems={"ISIC_0000001"},
        training_hashes={training_hash},
        images_root=tmp_path,
        conditions={"melanoma": "malignant"},
    )
    assert [r.options for r in rows] == [
        {"A": "Nevus", "B": "Melanoma", "C": "Dermatofibroma", "D": "Lentigo", "E": "Angioma"}
    ]
    [row] = rows
    assert row.answer == "B" and row.option_scores["B"] == 1.0 and row.image_exists
    assert row.lesion_condition == "malignant" and row.source == "omnimedvqa/ISIC2020"
    assert report.excluded_subsets == {"PAD-UFES-20": 1} and report.excluded_images == 2
    assert [(p.location, p.kind) for p in report.problems] == [("omni.json[5]", "malformed_row")]


def test_the_paper_ood_protocol_on_the_per_source_files(shared_data: Path) -> None:
    folder = shared_data / "omnimedvqa-derm"
    rows, report = ood_rows(folder, training_sources={"derm7pt"}, training_stems=set())
    assert report.files and all(f.endswith("_filtered_test.json") for f in report.files)  # no train items
    assert set(report.excluded_subsets) == {"Fitzpatrick 17k", "PAD-UFES-20"}
    assert rows and not any(("Fitzpatrick" in r.source) or ("PAD-UFES" in r.source) for r in rows)
    assert all("single correct option" in r.prompt for r in rows) and "paper" in report.protocol
    kept, wide = ood_rows(
        folder, training_sources={"derm7pt"}, training_stems=set(), include_paper_excluded=True
    )
    assert wide.excluded_subsets == {} and "NOT the paper" in wide.protocol
    assert {r.source for r in kept} - {r.source for r in rows} == {
        "omnimedvqa/Fitzpatrick 17k",
        "omnimedvqa/PAD-UFES-20",
    }
