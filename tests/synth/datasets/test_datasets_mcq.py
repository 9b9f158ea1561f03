"""MCQ rows (Appendix A): granularity scores, the finest correct answer, seeded determinism."""

from __future__ import annotations

import pytest

from synth.datasets import mcq
from synth.datasets.prompts import letters
from synth.datasets.splits import assign_splits, check_leakage
from synth.datasets.types import MappedSample, Sample

PATH = ["melanocytic lesion", "melanoma", "invasive melanoma"]
POOL = ["melanocytic nevus", "clark nevus", "basal cell carcinoma", "dermatofibroma", "lentigo", *PATH]


def _sample(label: str = "mel", path: list[str] = PATH, image: str = "/x/1.jpg") -> MappedSample:
    return MappedSample(
        sample=Sample(dataset="ham10000", image=image, image_exists=True, label=label),
        diagnosis="invasive-melanoma",
        path=path,
        path_ids=[p.replace(" ", "-") for p in path],
        lesion_condition="malignant",
        split="train",
    )


@pytest.mark.parametrize(
    ("n", "expected"),
    [(1, ["A"]), (4, ["A", "B", "C", "D"]), (27, [*"ABCDEFGHIJKLMNOPQRSTUVWXYZ", "AA"])],  # beyond Z
)
def test_letters(n: int, expected: list[str]) -> None:
    assert letters(n) == expected


@pytest.mark.parametrize("seed", range(40))
def test_rl_row_scores_and_answer(seed: int) -> None:
    row = mcq.rl_row(
        _sample(image=f"/x/{seed}.jpg"), dataset_pool=POOL, global_pool=POOL, n_options=4, seed=seed
    )
    assert row is not None and list(row.options) == ["A", "B", "C", "D"]
    for letter, text in row.options.items():
        if text in PATH:  # 0.75 * depth / L on the correct path
            assert row.option_scores[letter] == pytest.approx(0.75 * (PATH.index(text) + 1) / 3)
        else:
            assert row.option_scores[letter] == 0.0
    on_path = [t for t in row.options.values() if t in PATH]
    assert 1 <= len(on_path) <= 3
    assert row.answer_text == max(on_path, key=PATH.index)  # the finest correct option
    assert row.options[row.answer] == row.answer_text
    assert "A: " in row.prompt and "<final diagnosis>" in row.prompt and row.task == "rl"


def test_rows_depend_only_on_seed_and_sample() -> None:
    a = mcq.rl_row(_sample(), dataset_pool=POOL, global_pool=POOL, n_options=4, seed=7)
    again = mcq.rl_row(_sample(), dataset_pool=POOL, global_pool=POOL, n_options=4, seed=7)
    assert a is not None and again is not None and a.model_dump() == again.model_dump()
    by_seed = {
        tuple(
            mcq.rl_row(_sample(), dataset_pool=POOL, global_pool=POOL, n_options=4, seed=s).options.values()
        )
        for s in range(10)
    }
    assert len(by_seed) > 1  # the seed changes the options


def test_many_options_are_lettered_past_d() -> None:
    pool = [f"disease {i}" for i in range(40)]
    row = mcq.diagnosis_row(_sample(), dataset_pool=pool, global_pool=pool, n_options=30, seed=0)
    assert row is not None and len(row.options) == 30 and "AD" in row.options
    assert row.answer_text == "invasive melanoma" and row.option_scores[row.answer] == 0.75


def test_hierarchical_distractors_are_ancestors_topped_up_to_the_configured_count() -> None:
    row = mcq.hierarchical_row(_sample(), n_options=4, seed=0, pools=(POOL,))
    assert row is not None and len(row.options) == 4 and set(PATH) <= set(row.options.values())
    assert row.answer_text == "invasive melanoma"
    assert mcq.hierarchical_row(_sample(), n_options=4, seed=0) is None  # 3 levels, nothing to top up
    assert mcq.hierarchical_row(_sample(path=["melanoma"]), n_options=4, seed=0) is None  # no ancestor


def test_ddx_distractors_are_neighbours_and_condition_options_are_fixed() -> None:
    row = mcq.ddx_row(_sample(), ["clark nevus", "melanoma", "lentigo"], n_options=3, seed=0)
    assert row is not None and set(row.options.values()) == {"invasive melanoma", "clark nevus", "lentigo"}
    # an ancestor is no distractor, so 4 options cannot be filled: no row (the caller counts it)
    assert mcq.ddx_row(_sample(), ["clark nevus", "melanoma", "lentigo"], n_options=4, seed=0) is None
    assert mcq.ddx_row(_sample(), ["melanoma"], n_options=2, seed=0) is None  # only an ancestor
    cond = mcq.condition_row(_sample(), seed=0)
    assert (
        cond.options == {"A": "benign", "B": "malignant", "C": "precancerous in situ"} and cond.answer == "B"
    )


def test_grouped_split_keeps_groups_together_and_official_splits() -> None:
    samples = [
        Sample(dataset="d", image=f"/i/{i}", image_exists=True, label="x", group=f"g{i // 3}")
        for i in range(300)
    ]
    samples.append(Sample(dataset="d", image="/i/off", image_exists=True, label="x", split="test"))
    splits = assign_splits(samples, seed=3)
    assert splits[-1] == "test"
    by_group: dict[str, set[str]] = {}
    for s, split in zip(samples[:-1], splits[:-1], strict=True):
        by_group.setdefault(s.group or "", set()).add(split)
    assert all(len(v) == 1 for v in by_group.values())
    share = splits[:-1].count("train") / 300
    assert 0.55 <= share <= 0.65
    assert splits == assign_splits(samples, seed=3) and splits != assign_splits(samples, seed=4)


def test_leakage_by_content_hash() -> None:
    report = check_leakage(
        [
            ("ham10000", "/a.jpg", "train", "h1"),
            ("ham10000", "/b.jpg", "test", "h1"),  # across splits
            ("ham10000", "/c.jpg", "train", "h2"),
            ("bcn20000", "/d.jpg", "train", "h2"),  # across datasets
            ("ham10000", "/e.jpg", "train", None),  # image could not be hashed
        ]
    )
    assert report.images_hashed == 4
    assert [leak.image_sha256 for leak in report.across_splits] == ["h1"]
    assert [leak.image_sha256 for leak in report.across_datasets] == ["h2"]
