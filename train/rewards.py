"""The hierarchical GRPO reward of Skin-R1 (eq. 5-8): R = R_format + R_gran + R_malignancy.

Each function has TRL's reward signature ``(prompts, completions, **row_columns) -> list[float | None]``
and reads the row columns of the RL dataset (``options``, ``option_scores``, ``lesion_condition``).
``None`` means "this row cannot be graded by this reward" (TRL then ignores it); a column missing from
the whole batch is a wiring error and raises, naming the row ids.

Example:
    >>> format_reward([None], ["<thinking>x</thinking><final diagnosis>B</final diagnosis>"])
    [1.0]
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from train.answers import LESION_CONDITIONS, clean_options, parse_choice, parse_condition
from train.errors import TrainDataError

DEFAULT_FORMAT_TAGS: tuple[str, ...] = (
    "<thinking>",
    "</thinking>",
    "<final diagnosis>",
    "</final diagnosis>",
)
MALIGNANCY_WEIGHT = 0.25  # eq. 8

RewardFunc = Callable[..., list[float | None]]


def completion_text(completion: Any) -> str:
    """A completion as text: TRL passes strings, or a list of messages for conversational prompts."""
    if isinstance(completion, str):
        return completion
    parts: list[str] = []
    for message in completion or []:
        content = message.get("content") if isinstance(message, Mapping) else message
        if isinstance(content, str):
            parts.append(content)
        elif isinstance(content, list):
            parts.extend(str(p.get("text") or "") for p in content if isinstance(p, Mapping))
    return "".join(parts)


def _column(name: str, reward: str, columns: Mapping[str, Any], n: int) -> list[Any]:
    if name not in columns:
        ids = list(columns.get("id") or [])[:5]
        raise TrainDataError(
            f"{reward} needs the dataset column '{name}', which the rows {ids or '(no id column)'} lack; "
            "check the RL dataset against train/schemas.py:McqRow"
        )
    values = list(columns[name])
    if len(values) != n:
        raise TrainDataError(f"{reward}: column '{name}' has {len(values)} values for {n} completions")
    return values


def format_reward(
    prompts: Sequence[Any] | None,
    completions: Sequence[Any],
    tags: Sequence[str] = DEFAULT_FORMAT_TAGS,
    **columns: Any,
) -> list[float | None]:
    """R_format (eq. 6): 1.0 when every required tag is present, each opening tag before its closing one."""
    rewards: list[float | None] = []
    for completion in completions:
        text = completion_text(completion).lower()
        positions = [text.find(tag.lower()) for tag in tags]
        ok = all(p >= 0 for p in positions)
        for i, tag in enumerate(tags):  # "<x>" must come before "</x>"
            if ok and not tag.startswith("</"):
                closing = "</" + tag[1:]
                if closing in tags and positions[i] > positions[list(tags).index(closing)]:
                    ok = False
        rewards.append(1.0 if ok else 0.0)
    return rewards


def granularity_reward(
    prompts: Sequence[Any] | None, completions: Sequence[Any], **columns: Any
) -> list[float | None]:
    """R_gran (eq. 7): the chosen option's score (0.75 · depth / L on the correct path, 0 elsewhere).

    An unparseable or ambiguous answer earns 0; a row without options or scores earns None.
    """
    n = len(completions)
    options = _column("options", "granularity_reward", columns, n)
    scores = _column("option_scores", "granularity_reward", columns, n)
    rewards: list[float | None] = []
    for completion, opts, row_scores in zip(completions, options, scores, strict=True):
        opts = clean_options(opts)
        if isinstance(row_scores, str):
            row_scores = json.loads(row_scores) if row_scores.strip() else {}
        row_scores = {k.upper(): v for k, v in (row_scores or {}).items() if v is not None}
        if not opts or not row_scores:
            rewards.append(None)
            continue
        letter = parse_choice(completion_text(completion), opts).letter
        score = float(row_scores.get(letter, 0.0)) if letter else 0.0
        rewards.append(0.0 if math.isnan(score) else score)
    return rewards


def malignancy_reward(
    prompts: Sequence[Any] | None, completions: Sequence[Any], **columns: Any
) -> list[float | None]:
    """R_malignancy (eq. 8): 0.25 when the stated lesion condition equals the row's; None if it has none."""
    n = len(completions)
    labels = _column("lesion_condition", "malignancy_reward", columns, n)
    rewards: list[float | None] = []
    for completion, label in zip(completions, labels, strict=True):
        if label not in LESION_CONDITIONS:
            rewards.append(None)
            continue
        stated = parse_condition(completion_text(completion))
        rewards.append(MALIGNANCY_WEIGHT if stated == label else 0.0)
    return rewards


def make_format_reward(tags: Sequence[str]) -> RewardFunc:
    """``format_reward`` bound to a configured tag set, keeping TRL's name for its logs."""
    bound = tuple(tags)

    def format_reward_(prompts: Sequence[Any] | None, completions: Sequence[Any], **columns: Any):
        return format_reward(prompts, completions, tags=bound, **columns)

    format_reward_.__name__ = "format_reward"
    return format_reward_


def gated_by_format(reward: RewardFunc, tags: Sequence[str]) -> RewardFunc:
    """``reward`` that pays 0 to a completion R_format rejects (``untagged_replies_earn_rewards: false``)."""

    def gated(prompts: Sequence[Any] | None, completions: Sequence[Any], **columns: Any):
        values = reward(prompts, completions, **columns)
        formats = format_reward(prompts, completions, tags=tags)
        return [v if (v is None or f) else 0.0 for v, f in zip(values, formats, strict=True)]

    gated.__name__ = reward.__name__  # TRL logs rewards by function name
    return gated


def skin_r1_rewards(
    format_tags: Sequence[str] = DEFAULT_FORMAT_TAGS, *, untagged_replies_earn_rewards: bool = True
) -> list[RewardFunc]:
    """The three rewards of eq. 5, in TRL's order (their sum is the GRPO reward).

    ``untagged_replies_earn_rewards`` (default True, as the paper): eq. 5 sums three independent
    terms, so a reply without the required tags loses R_format only and its answer is still read
    (from its last line). False pays R_gran and R_malignancy only to replies R_format accepts.
    """
    gran, mal = granularity_reward, malignancy_reward
    if not untagged_replies_earn_rewards:
        gran, mal = gated_by_format(gran, format_tags), gated_by_format(mal, format_tags)
    return [make_format_reward(format_tags), gran, mal]
