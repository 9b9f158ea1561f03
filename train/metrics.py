"""Evaluation metrics as pure functions: accuracy, invalid-answer rate, macro-F1, confusion counts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

INVALID = "(invalid)"


def is_lesion_task(task: str) -> bool:
    """A lesion-condition (benign / malignant) question, scored per condition rather than per diagnosis."""
    return bool(re.search(r"lesion|condition|malignan", task, re.I))


def accuracy(correct: Sequence[bool]) -> float:
    """Share of items answered correctly; an empty set scores 0."""
    return sum(correct) / len(correct) if correct else 0.0


def macro_f1(gold: Sequence[str], predicted: Sequence[str | None], labels: Sequence[str]) -> float:
    """Unweighted mean of per-class F1 over ``labels``; a missing prediction is wrong for its gold class."""
    scores = []
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(g != label and p == label for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=True))
        if tp + fp + fn == 0:
            continue  # class absent from both gold and predictions: no evidence either way
        scores.append(2 * tp / (2 * tp + fp + fn))
    return sum(scores) / len(scores) if scores else 0.0


def confusion(
    gold: Sequence[str], predicted: Sequence[str | None], max_labels: int = 15
) -> tuple[list[str], list[list[int]]]:
    """(labels, counts[gold][predicted]) over the most frequent gold labels, plus an invalid column."""
    keep = [label for label, _ in Counter(gold).most_common(max_labels)]
    other = "(other)"
    labels = keep + ([other] if any(g not in keep for g in gold) else [])
    columns = labels + [INVALID]
    index = {label: i for i, label in enumerate(columns)}
    counts = [[0] * len(columns) for _ in labels]
    for g, p in zip(gold, predicted, strict=True):
        row = index.get(g, index.get(other))
        col = INVALID if p is None else (p if p in index and p != INVALID else other)
        if row is None:
            continue
        counts[row][index.get(col, len(columns) - 1)] += 1
    return columns, counts
