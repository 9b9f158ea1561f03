"""MCQ rows (Appendix A): granularity scores, the finest correct answer, seeded determinism."""

from __future__ import annotations

from typing import Any

import pytest

from synth.datasets import mcq
from synth.datasets.options import name_key
from synth.datasets.prompts import letters
from synth.datasets.splits import assign_splits, check_leakage
from synth.datasets.types import MappedSample, McqRow, Sample

PATH = ["melanocytic lesion", "melanoma", "invasive melanoma"]
POOL = ["melanocytic nevus", "clark nevus", "basal cell carcinoma", "dermatofibroma", "lentigo", *PATH]


def _sample(label: str = "mel", path: list[str] = PATH, image: str = "/x/1.jpg") -> MappedSample:
    return MappedSample(
        sample=Sample(dataset="ham10000", image=image, ref=image, image_exists=True, label=label),
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


def _rl(seed: int, **options: Any) -> McqRow | None:
    """The RL row of the test sample drawn with ``seed``, from the pools above."""
    return mcq.rl_row(
        _sample(image=f"/x/{seed}.jpg"),
        dataset_pool=POOL,
        global_pool=POOL,
        n_options=4,
        seed=seed,
        **options,
    )


@pytest.mark.parametrize("seed", range(40))
def test_rl_row_answers_the_label_among_unrelated_diagnoses(seed: int) -> None:
    """Issues 17/18: the key is the label's own level (never a coarser group), no ancestor is offered."""
    row = _rl(seed)
    assert row is not None and list(row.options) == ["A", "B", "C", "D"]
    assert row.answer_text == PATH[-1] and row.option_scores[row.answer] == 0.75
    assert [t for t in row.options.values() if t in PATH] == [PATH[-1]]
    assert sorted(row.option_scores.values()) == [0.0, 0.0, 0.0, 0.75]
    assert row.options[row.answer] == row.answer_text
    assert "A: " in row.prompt and "<final diagnosis>" in row.prompt and row.task == "rl"


@pytest.mark.parametrize("seed", range(40))
def test_rl_row_offers_coarser_clinical_levels_for_partial_credit(seed: int) -> None:
    """Appendix A's R_gran: coarser clinical levels of the label (never the category at level 0) may be
    offered, each worth 0.75 * d / L; the label is always offered and is the key."""
    row = _rl(seed, levels=[1])
    assert row is not None and row.answer_text == PATH[-1] and row.option_scores[row.answer] == 0.75
    offered = {t: row.option_scores[k] for k, t in row.options.items() if t in PATH}
    assert PATH[0] not in offered and PATH[-1] in offered
    assert offered.get(PATH[1], 0.5) == pytest.approx(0.5)  # 0.75 * 2 / 3 when offered
    assert sum(v == 0.0 for v in row.option_scores.values()) == 4 - len(offered)


def test_rl_rows_offer_a_coarser_level_in_some_rows_only() -> None:
    rows = [_rl(seed, levels=[1]) for seed in range(40)]
    offered = [row is not None and PATH[1] in row.options.values() for row in rows]
    assert None not in rows and 0 < sum(offered) < 40


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
    row = mcq.finest_label_row("diagnosis", _sample(), (pool, pool), n_options=30, seed=0)
    assert row is not None and len(row.options) == 30 and "AD" in row.options
    assert row.answer_text == "invasive melanoma" and row.option_scores[row.answer] == 0.75


@pytest.mark.parametrize("level", [0, 1, 2])
def test_hierarchical_row_asks_one_level(level: int) -> None:
    """Issue 18: one level of the path per row, its node the only correct option (0.75 * d / L);
    never a leaf beside its own ancestors."""
    row = mcq.hierarchical_row(_sample(), n_options=4, seed=0, pools=(POOL,), level=level)
    assert row is not None and len(row.options) == 4
    assert [t for t in row.options.values() if t in PATH] == [PATH[level]]
    assert row.answer_text == PATH[level]
    assert row.option_scores[row.answer] == pytest.approx(0.75 * (level + 1) / 3)
    assert sum(v > 0 for v in row.option_scores.values()) == 1
    assert mcq.hierarchical_row(_sample(), n_options=4, seed=0, level=level) is None  # no distractors


def test_hierarchical_level_is_one_of_the_clinical_levels_or_the_label() -> None:
    seen = {mcq.hierarchical_level(_sample(image=f"/x/{i}.jpg"), [1], seed=0) for i in range(40)}
    assert seen == {1, 2}  # level 0 ("melanocytic lesion", a category) is never asked


def test_distractors_are_never_nested_in_each_other() -> None:
    """Issue 16: "melanocytic nevus" and "clark nevus" are never both distractors."""
    related = {"melanocytic nevus": {"clark nevus"}, "clark nevus": {"melanocytic nevus"}}
    for seed in range(30):
        row = _rl(seed, related=lambda name: {name_key(n) for n in related.get(name, ())})
        assert row is not None
        assert not {"melanocytic nevus", "clark nevus"} <= set(row.options.values()), row.options


def test_ddx_distractors_are_neighbours_and_condition_options_are_fixed() -> None:
    neighbours = ["clark nevus", "melanoma", "lentigo"]
    row = mcq.finest_label_row("ddx", _sample(), [neighbours], n_options=3, seed=0)
    assert row is not None and set(row.options.values()) == {"invasive melanoma", "clark nevus", "lentigo"}
    # an ancestor is no distractor, so 4 options cannot be filled: no row (the caller counts it)
    assert mcq.finest_label_row("ddx", _sample(), [neighbours], n_options=4, seed=0) is None
    assert (
        mcq.finest_label_row("ddx", _sample(), [["melanoma"]], n_options=2, seed=0) is None
    )  # only an ancestor
    cond = mcq.condition_row(_sample(), seed=0)
    assert (
        cond.options == {"A": "benign", "B": "malignant", "C": "precancerous in situ"} and cond.answer == "B"
    )


def test_grouped_split_keeps_groups_together_and_official_splits() -> None:
    samples = [
        Sample(dataset="d", image=f"/i/{i}", ref=str(i), image_exists=True, label="x", group=f"g{i // 3}")
        for i in range(300)
    ]
    samples.append(Sample(dataset="d", image="/i/off", ref="off", image_exists=True, label="x", split="test"))
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
