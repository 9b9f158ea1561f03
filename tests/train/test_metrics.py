"""Metrics, strict scoring of single answers, and the paper-style results table."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from train.eval import Prediction, group_metrics, score
from train.metrics import INVALID, accuracy, confusion, macro_f1
from train.report import write_results_table
from train.schemas import McqRow

CONDITIONS = ("benign", "malignant", "precancerous in situ")


def test_macro_f1_counts_invalid_answers_as_misses() -> None:
    gold = ["benign", "benign", "malignant", "malignant"]
    assert macro_f1(gold, gold, CONDITIONS) == 1.0
    # one benign missed (invalid): benign F1 = 2/3, malignant F1 = 1
    assert macro_f1(gold, [None, "benign", "malignant", "malignant"], CONDITIONS) == pytest.approx(
        (2 / 3 + 1) / 2
    )
    assert accuracy([]) == 0.0


def test_confusion_has_an_invalid_column() -> None:
    columns, counts = confusion(["a", "a", "b"], ["a", None, "a"])
    assert columns == ["a", "b", INVALID]
    assert counts == [[1, 0, 1], [1, 0, 0]]


def row(task: str, answer: str, options: dict[str, str], **extra: object) -> McqRow:
    return McqRow.model_validate(
        {
            "id": f"{task}-{answer}",
            "image": "x.jpg",
            "prompt": "q",
            "options": options,
            "option_scores": {answer: 0.75},
            "answer": answer,
            "source": "derm7pt",
            "split": "test",
            "task": task,
            **extra,
        }
    )


def test_score_grades_strictly_with_a_fallback() -> None:
    dx = row("diagnosis", "C", {"A": "nevus", "B": "eczema", "C": "melanoma"}, lesion_condition="malignant")
    tagged = score(dx, "<thinking>x</thinking><final diagnosis>C. melanoma, malignant</final diagnosis>")
    assert (tagged.correct, tagged.method, tagged.format_reward, tagged.granularity_reward) == (
        True,
        "tag",
        1.0,
        0.75,
    )
    assert tagged.malignancy_reward == 0.25
    fallback = score(dx, "It looks like melanoma.")  # a model that ignores the format
    assert (fallback.correct, fallback.method, fallback.format_reward) == (True, "fallback", 0.0)
    first_letter = score(dx, "<final diagnosis>Eczema</final diagnosis>")
    assert (first_letter.letter, first_letter.correct) == ("B", False)  # the text, never its first letter
    invalid = score(dx, "<final diagnosis>nevus or melanoma</final diagnosis>")
    assert invalid.letter is None and invalid.method == "none"


def test_lesion_condition_prediction_comes_from_the_chosen_option() -> None:
    lesion = row("lesion_condition", "B", {"A": "benign", "B": "malignant", "C": "precancerous in situ"})
    prediction = score(lesion, "<final diagnosis>C</final diagnosis>")
    assert (prediction.gold_condition, prediction.predicted_condition) == (
        "malignant",
        "precancerous in situ",
    )
    groups = group_metrics([prediction, score(lesion, "<final diagnosis>B</final diagnosis>")])
    # malignant F1 = 2/3, precancerous F1 = 0 (a false positive), benign absent from gold and predictions
    assert groups[0].accuracy == 0.5 and groups[0].macro_f1 == pytest.approx((2 / 3 + 0) / 2)


def _metrics(name: str, adapter: str | None, groups: list[dict[str, object]]) -> dict[str, object]:
    return {
        "name": name,
        "model": "m",
        "adapter": adapter,
        "n": 1,
        "accuracy": 0,
        "invalid_rate": 0,
        "groups": groups,
        "run_dir": "",
        "results_md": "",
        "results_csv": "",
        "plots": [],
        "seconds": 0,
    }


def test_results_table_is_laid_out_like_the_paper(tmp_path: Path) -> None:
    runs = {
        "grpo": _metrics(
            "grpo",
            "runs/grpo/adapter",
            [
                {"task": "diagnosis", "source": "ham10000", "n": 10, "accuracy": 0.8, "invalid_rate": 0.0},
                {"task": "diagnosis", "source": "pad-ufes-20", "n": 10, "accuracy": 0.6, "invalid_rate": 0.1},
                {
                    "task": "lesion_condition",
                    "source": "ham10000",
                    "n": 10,
                    "accuracy": 0.9,
                    "invalid_rate": 0.0,
                    "macro_f1": 0.85,
                },
            ],
        ),
        "base": _metrics(
            "base",
            None,
            [
                {"task": "diagnosis", "source": "ham10000", "n": 10, "accuracy": 0.5, "invalid_rate": 0.2},
            ],
        ),
    }
    for name, metrics in runs.items():
        (tmp_path / "runs" / name).mkdir(parents=True)
        (tmp_path / "runs" / name / "metrics.json").write_text(json.dumps(metrics))
    md_path, csv_path = write_results_table(tmp_path)
    md = md_path.read_text()
    assert "## Table 2. In-distribution disease diagnosis" in md and "## Table 3. Lesion condition" in md
    assert "| Model | ham10000 | pad-ufes-20 | Avg | Invalid % |" in md
    assert "| base | 50.0 | – | 50.0 | 20.0 |" in md  # baseline first, a dataset it was not run on is "–"
    assert "| grpo | 80.0 | 60.0 | 70.0 | 5.0 |" in md
    assert "| grpo | 90.0 / 85.0 | 90.0 / 85.0 | 0.0 |" in md
    assert csv_path.read_text().splitlines()[0] == "model,task,source,metric,value,n"


def test_prediction_round_trips_as_json() -> None:
    dx = row("diagnosis", "A", {"A": "nevus", "B": "melanoma"})
    p = score(dx, "A")
    assert Prediction.model_validate_json(p.model_dump_json()) == p


def test_results_table_states_the_protocol_of_each_task(tmp_path: Path) -> None:
    from train.eval import read_protocol

    evalset = tmp_path / "eval"
    (evalset / "ood").mkdir(parents=True)
    (evalset / "report.json").write_text(json.dumps({"protocol": {"ood": "OOD (paper Table 4): OOD_PROMPT"}}))
    protocol = read_protocol(evalset / "ood")  # a task folder finds the report beside it
    assert protocol == {"ood": "OOD (paper Table 4): OOD_PROMPT"}
    group = {"task": "ood", "source": "omnimedvqa/ISIC2020", "n": 4, "accuracy": 0.5, "invalid_rate": 0.0}
    metrics = _metrics("grpo", None, [group]) | {"protocol": protocol}
    (tmp_path / "out" / "runs" / "grpo").mkdir(parents=True)
    (tmp_path / "out" / "runs" / "grpo" / "metrics.json").write_text(json.dumps(metrics))
    md = write_results_table(tmp_path / "out")[0].read_text()
    assert "Protocol: OOD (paper Table 4): OOD_PROMPT" in md
    assert read_protocol(tmp_path / "nowhere") == {}
