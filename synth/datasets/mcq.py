"""Multiple-choice rows: the RL rows of the paper's Appendix A and the evaluation tasks.

RL: ``k`` options drawn from the sample's taxonomy path (``k`` uniform in 1..min(n-1, L)) and the
rest from other nodes of its dataset's taxonomy (then the global one); an option at depth ``d`` of
the correct path scores ``0.75 * d / L`` (L = depth of the sample's finest label), any other 0; the
answer is the finest correct option. Builders take the random generator of the run; callers visit
samples sorted by row id (:func:`row_id`), so rows depend on the seed and the data, never on file order.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence

from synth.datasets.prompts import CONDITION_QUESTION, RL_QUESTION, letters, render_prompt
from synth.datasets.types import LesionCondition, MappedSample, McqRow, Task

GRANULARITY = 0.75
CONDITIONS: tuple[LesionCondition, ...] = ("benign", "malignant", "precancerous in situ")


def row_id(task: str, sample: MappedSample) -> str:
    digest = hashlib.sha1(
        f"{sample.sample.image}\x1f{sample.sample.label}\x1f{sample.sample.location}".encode()
    )
    return f"{task}-{sample.sample.dataset}-{digest.hexdigest()[:16]}"


def row_rng(seed: int, rid: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha1(f"{seed}\x1f{rid}".encode()).digest()[:8], "big"))


def _row(
    task: Task,
    rid: str,
    sample: MappedSample,
    question: str,
    choices: list[tuple[str, float]],
    answer_index: int,
) -> McqRow:
    keys = letters(len(choices))
    options = {k: text for k, (text, _) in zip(keys, choices, strict=True)}
    # every field comes from a validated MappedSample or is built here with its type: skip re-validation
    # (the RL builder's hot path, see benchmarks/datasets_bench.py)
    return McqRow.model_construct(
        id=rid,
        image=sample.sample.image,
        prompt=render_prompt(question, options),
        question=question,
        options=options,
        option_scores={k: round(score, 6) for k, (_, score) in zip(keys, choices, strict=True)},
        answer=keys[answer_index],
        answer_text=choices[answer_index][0],
        lesion_condition=sample.lesion_condition,
        path=sample.path,
        source=sample.sample.dataset,
        split=sample.split,
        task=task,
        label=sample.sample.label,
        diagnosis=sample.diagnosis,
        image_exists=sample.sample.image_exists,
        image_sha256=sample.image_sha256,
    )


def _distractors(rng: random.Random, exclude: set[str], pools: Sequence[Sequence[str]], n: int) -> list[str]:
    """``n`` names from the first pool, topped up from the next ones; never a name in ``exclude``.

    Large pools are sampled by rejection (a few draws instead of a scan of the pool per row)."""
    out: list[str] = []
    for pool in pools:
        if len(out) >= n:
            break
        if len(pool) > 4 * (n + len(exclude)):
            taken = set(out)
            while len(out) < n:
                pick = pool[rng.randrange(len(pool))]
                if pick not in exclude and pick not in taken:
                    taken.add(pick)
                    out.append(pick)
            break
        candidates = [p for p in pool if p not in exclude and p not in out]
        out.extend(rng.sample(candidates, min(n - len(out), len(candidates))))
    return out


def rl_row(
    sample: MappedSample,
    *,
    dataset_pool: Sequence[str],
    global_pool: Sequence[str],
    n_options: int,
    seed: int,
    rng: random.Random | None = None,
    rid: str | None = None,
) -> McqRow | None:
    """Appendix A: options from the path and from other taxonomy nodes, granularity scores.

    Without ``rng`` the row's randomness comes from ``(seed, row id)`` alone (slower: one generator
    per row)."""
    rid = rid or row_id("rl", sample)
    rng = rng or row_rng(seed, rid)
    path, depth = sample.path, len(sample.path)
    k = rng.randint(1, max(1, min(n_options - 1, depth)))
    chosen = sorted(rng.sample(range(depth), k))
    wrong = _distractors(rng, set(path), (dataset_pool, global_pool), n_options - k)
    if not wrong:
        return None
    choices = [(path[i], GRANULARITY * (i + 1) / depth) for i in chosen] + [(w, 0.0) for w in wrong]
    rng.shuffle(choices)
    answer = max(range(len(choices)), key=lambda i: choices[i][1])
    return _row("rl", rid, sample, RL_QUESTION, choices, answer)


def diagnosis_row(
    sample: MappedSample,
    *,
    dataset_pool: Sequence[str],
    global_pool: Sequence[str],
    n_options: int,
    seed: int,
) -> McqRow | None:
    """In-distribution diagnosis: the sample's finest label among other labels of its dataset."""
    rid = row_id("diagnosis", sample)
    rng = row_rng(seed, rid)
    wrong = _distractors(rng, set(sample.path), (dataset_pool, global_pool), n_options - 1)
    if not wrong:
        return None
    choices = [(sample.path[-1], GRANULARITY)] + [(w, 0.0) for w in wrong]
    rng.shuffle(choices)
    return _row(
        "diagnosis", rid, sample, RL_QUESTION, choices, next(i for i, c in enumerate(choices) if c[1])
    )


def condition_row(sample: MappedSample, *, seed: int) -> McqRow:
    """Lesion condition: A benign / B malignant / C precancerous in situ (fixed order)."""
    choices = [(c, 1.0 if c == sample.lesion_condition else 0.0) for c in CONDITIONS]
    return _row(
        "lesion_condition",
        row_id("lesion_condition", sample),
        sample,
        CONDITION_QUESTION,
        choices,
        CONDITIONS.index(sample.lesion_condition),
    )


def hierarchical_row(sample: MappedSample, *, n_options: int, seed: int) -> McqRow | None:
    """Hierarchical: the distractors are the label's own ancestors; the finest option is the answer."""
    if len(sample.path) < 2:
        return None
    rid = row_id("hierarchical", sample)
    rng = row_rng(seed, rid)
    depth = len(sample.path)
    ancestors = sorted(rng.sample(range(depth - 1), min(n_options - 1, depth - 1)))
    choices = [(sample.path[i], GRANULARITY * (i + 1) / depth) for i in [*ancestors, depth - 1]]
    rng.shuffle(choices)
    return _row(
        "hierarchical",
        rid,
        sample,
        RL_QUESTION,
        choices,
        max(range(len(choices)), key=lambda i: choices[i][1]),
    )


def ddx_row(sample: MappedSample, neighbours: Sequence[str], *, n_options: int, seed: int) -> McqRow | None:
    """DDx: the distractors are accepted differential-diagnosis neighbours of the label."""
    candidates = sorted(set(neighbours) - set(sample.path))
    if not candidates:
        return None
    rid = row_id("ddx", sample)
    rng = row_rng(seed, rid)
    wrong = rng.sample(candidates, min(n_options - 1, len(candidates)))
    choices = [(sample.path[-1], GRANULARITY)] + [(w, 0.0) for w in wrong]
    rng.shuffle(choices)
    return _row("ddx", rid, sample, RL_QUESTION, choices, next(i for i, c in enumerate(choices) if c[1]))
