"""Multiple-choice rows: the RL rows of the paper's Appendix A and the evaluation tasks.

RL, diagnosis, DDx: the sample's own label (``0.75 * L / L``) among clinical diagnoses unrelated to
it (no ancestor, descendant, overlapping class or synonym; never a category: see
:mod:`synth.datasets.options`). RL rows also offer, as in the paper's Appendix A, some coarser
*clinical* levels of the label's path as partial-credit options (``0.75 * d / L``: "melanocytic
nevus" beside "Clark nevus"), so R_gran rewards the finest correct answer; where this departs from
the paper: never an ISIC group or other category, and the label itself is always offered, so the
key is always the label's own level.
Hierarchical: one level of the label's path per row, its node the only correct option scored
``0.75 * d / L`` (L = depth of the sample's finest label), distractors of that same depth.
Builders take the random generator of the run; callers visit
samples sorted by row id (:func:`row_id`), so rows depend on the seed and the data, never on file order.

Option score (eq. 7) -- where it differs from the reference code: depth is counted on the *disease*
path (``kg.algorithms.disease_path``): the malignancy-class root ("Benign", "Malignant") is the
lesion condition, graded by R_malignancy alone, so it is neither an option nor a level (the
reference paths start with the benign/malignant bucket, which makes that bucket an option worth
0.75/L and couples the two rewards). A leaf two levels under its class therefore scores 0.75
(not 0.75 x 3/3 over a three-level path with the class as level 1) and its parent 0.375.

Every item has exactly ``n_options`` options (the lesion-condition task: its three classes) or is
not built (``None``; callers count it under ``skipped``). Distractors never come from
``exclude`` (name keys of the answer, its ancestors through every parent, its descendants and
their synonyms: see :mod:`synth.datasets.options`).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Callable, Collection, Mapping, Sequence

from synth.datasets.options import name_key
from synth.datasets.prompts import (
    CONDITION_PROMPT,
    CONDITION_QUESTION,
    RL_PROMPT,
    RL_QUESTION,
    letters,
    render_prompt,
)
from synth.datasets.types import LesionCondition, MappedSample, McqRow, Task

GRANULARITY = 0.75
CONDITIONS: tuple[LesionCondition, ...] = ("benign", "malignant", "precancerous in situ")


def row_id(task: str, sample: MappedSample) -> str:
    digest = hashlib.sha1(
        f"{sample.sample.ref}\x1f{sample.sample.label}\x1f{sample.sample.location}".encode()
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
    template: str = RL_PROMPT,
) -> McqRow:
    keys = letters(len(choices))
    options = {k: text for k, (text, _) in zip(keys, choices, strict=True)}
    # every field comes from a validated MappedSample or is built here with its type: skip re-validation
    # (the RL builder's hot path, see benchmarks/datasets_bench.py)
    return McqRow.model_construct(
        id=rid,
        image=sample.sample.image,
        prompt=render_prompt(question, options, template),
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


def _distractors(
    rng: random.Random,
    exclude: Collection[str],
    pools: Sequence[Sequence[str]],
    n: int,
    key: Mapping[str, str] | None = None,
    related: Callable[[str], Collection[str]] | None = None,
) -> list[str]:
    """``n`` names from the first pool, topped up from the next ones; never one whose name key is
    in ``exclude``, never two with one key, never one whose key is ``related`` to an earlier pick
    (nested or overlapping: "melanocytic nevus" beside "dermal nevus"). Fewer than ``n`` when the
    pools run out.

    Large pools are sampled by rejection (a few draws instead of a scan of the pool per row)."""
    out: list[str] = []
    taken: set[str] = set()

    def k(name: str) -> str:
        found = key.get(name) if key is not None else None
        return found if found is not None else name_key(name)

    def take(pick: str, pk: str) -> None:
        taken.add(pk)
        taken.update(related(pick) if related is not None else ())
        out.append(pick)

    for pool in pools:
        if len(out) >= n:
            break
        if len(pool) > 4 * (n + len(exclude)):
            for _ in range(50 * n):  # bounded: a pool of near-duplicates must not loop forever
                if len(out) >= n:
                    break
                pick = pool[rng.randrange(len(pool))]
                pk = k(pick)
                if pk not in exclude and pk not in taken:
                    take(pick, pk)
            if len(out) >= n:
                break
        candidates = [p for p in pool if k(p) not in exclude and k(p) not in taken]
        rng.shuffle(candidates)
        for pick in candidates:
            if len(out) >= n:
                break
            if k(pick) not in taken:
                take(pick, k(pick))
    return out


def _default_exclude(sample: MappedSample) -> frozenset[str]:
    return frozenset(name_key(p) for p in sample.path)


def rl_row(
    sample: MappedSample,
    *,
    dataset_pool: Sequence[str],
    global_pool: Sequence[str],
    n_options: int,
    seed: int,
    rng: random.Random | None = None,
    rid: str | None = None,
    exclude: Collection[str] | None = None,
    key: Mapping[str, str] | None = None,
    related: Callable[[str], Collection[str]] | None = None,
    levels: Sequence[int] = (),
) -> McqRow | None:
    """The sample's own label (full granularity credit, 0.75), up to ``n_options - 2`` of its coarser
    clinical levels (``levels``: path positions that are clinical diagnoses, never categories; partial
    credit ``0.75 * (i + 1) / L``) and unrelated clinical diagnoses of its dataset (then of the
    taxonomy) as the wrong options.

    Without ``rng`` the row's randomness comes from ``(seed, row id)`` alone (slower: one generator
    per row)."""
    path, depth = sample.path, len(sample.path)
    if depth == 0 or n_options < 2:
        return None
    rid = rid or row_id("rl", sample)
    rng = rng or row_rng(seed, rid)
    coarser = sorted({i for i in levels if 0 <= i < depth - 1})
    chosen = sorted(rng.sample(coarser, rng.randint(0, min(n_options - 2, len(coarser))))) + [depth - 1]
    excluded = set(_default_exclude(sample) if exclude is None else exclude)
    for i in chosen[:-1]:  # a wrong option never sits under an offered coarser level either
        excluded.update(related(path[i]) if related is not None else ())
    pools = (dataset_pool, global_pool)
    wrong = _distractors(rng, excluded, pools, n_options - len(chosen), key, related)
    if len(wrong) < n_options - len(chosen):
        return None
    choices = [(path[i], GRANULARITY * (i + 1) / depth) for i in chosen] + [(w, 0.0) for w in wrong]
    rng.shuffle(choices)
    answer = max(range(len(choices)), key=lambda i: choices[i][1])
    return _row("rl", rid, sample, RL_QUESTION, choices, answer)


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
        CONDITION_PROMPT,
    )


def hierarchical_level(sample: MappedSample, levels: Sequence[int], seed: int) -> int:
    """The path position a hierarchical row asks for: one of ``levels`` (the positions that are
    clinical diagnoses) or the label's own, drawn from ``(seed, row id)``."""
    allowed = sorted({*levels, len(sample.path) - 1})
    return allowed[row_rng(seed, row_id("hierarchical-level", sample)).randrange(len(allowed))]


def hierarchical_row(
    sample: MappedSample,
    *,
    n_options: int,
    seed: int,
    pools: Sequence[Sequence[str]] = (),
    exclude: Collection[str] | None = None,
    key: Mapping[str, str] | None = None,
    level: int | None = None,
    related: Callable[[str], Collection[str]] | None = None,
) -> McqRow | None:
    """Hierarchical: one level of the label's disease path per item (``level``, default drawn by
    :func:`hierarchical_level` over the whole path). Its node is the only correct option, worth
    ``0.75 * (level + 1) / L``; the distractors come from ``pools`` (callers put diagnoses of the
    same depth first). Never a leaf beside its own ancestors."""
    if not sample.path:
        return None
    rid = row_id("hierarchical", sample)
    rng = row_rng(seed, rid)
    depth = len(sample.path)
    level = hierarchical_level(sample, range(depth), seed) if level is None else level
    excluded = _default_exclude(sample) if exclude is None else exclude
    wrong = _distractors(rng, excluded, pools, n_options - 1, key, related)
    if len(wrong) < n_options - 1:
        return None
    choices = [(sample.path[level], GRANULARITY * (level + 1) / depth)] + [(w, 0.0) for w in wrong]
    rng.shuffle(choices)
    answer = next(i for i, c in enumerate(choices) if c[1])
    return _row("hierarchical", rid, sample, RL_QUESTION, choices, answer)


def finest_label_row(
    task: Task,
    sample: MappedSample,
    pools: Sequence[Sequence[str]],
    *,
    n_options: int,
    seed: int,
    exclude: Collection[str] | None = None,
    key: Mapping[str, str] | None = None,
    related: Callable[[str], Collection[str]] | None = None,
) -> McqRow | None:
    """The sample's finest label (full credit) among ``n_options - 1`` distractors drawn from ``pools``
    in order; None without a label or without enough distractors. The diagnosis task draws from the
    sample's dataset, then the whole taxonomy; the DDx task only from the label's accepted
    differential-diagnosis neighbours (never one related to it through the taxonomy)."""
    if not sample.path:
        return None
    rid = row_id(task, sample)
    rng = row_rng(seed, rid)
    excluded = _default_exclude(sample) if exclude is None else exclude
    wrong = _distractors(rng, excluded, pools, n_options - 1, key, related)
    if len(wrong) < n_options - 1:
        return None
    choices = [(sample.path[-1], GRANULARITY)] + [(w, 0.0) for w in wrong]
    rng.shuffle(choices)
    return _row(task, rid, sample, RL_QUESTION, choices, next(i for i, c in enumerate(choices) if c[1]))
