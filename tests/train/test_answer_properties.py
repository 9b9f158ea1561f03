"""Property-based tests of the answer parser over the product of letter forms, condition clauses and
tag forms (issue: a reward parser that cannot be tripped). Every generated reply names one option
and at most one condition; the parser must read exactly those, and refuse ambiguous replies."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from train.answers import parse_choice, parse_condition
from train.rewards import granularity_reward, malignancy_reward

# realistic option texts, including ones that carry condition words of their own
NAMES = [
    "melanocytic nevus",
    "melanoma",
    "melanoma in situ",
    "malignant melanoma",
    "seborrheic keratosis",
    "benign keratosis",
    "actinic keratosis",
    "basal cell carcinoma",
    "dermatofibroma",
    "squamous cell carcinoma in situ",
    "blue nevus",
    "vascular lesion",
]
CONDITIONS = ["benign", "malignant", "precancerous in situ"]

LETTER_FORMS = [
    "{L}",
    "({L})",
    "{L}:",
    "{L}.",
    "Option {L}",
    "The answer is {L}",
    "{l}.",
    "({l})",
    "option {l}",
    "answer is {l}",
    "{T}",
    "{L}. {T}",
    "{L}: {T}",
    "({L}) {T}",
]
# (template, stated condition or None when the clause states none)
CLAUSES = [
    ("", None),
    (", {C}", "C"),
    (" ({C})", "C"),
    (" - {C}", "C"),
    (" \u2013 {C}", "C"),
    (". Lesion condition: {C}", "C"),
    ("\nLesion condition: {C}", "C"),
    (", not {N}", None),
    (" (not {N})", None),
]
TAGS = [
    "<thinking>Irregular network.</thinking>\n<final diagnosis>{X}</final diagnosis>",
    "<thinking>Irregular network.</thinking>\n<diagnosis>{X}</diagnosis>",
    "<think>Irregular network.</think>\n<answer>{X}</answer>",
    "Irregular network.\n{X}",  # missing tags: the last line is read
    "<thinking>Irregular network.</thinking>\n<final diagnosis>{X}",  # unclosed
]


@st.composite
def replies(draw: st.DrawFn) -> tuple[str, dict[str, str], str, str | None]:
    n = draw(st.integers(min_value=2, max_value=6))
    names = draw(st.lists(st.sampled_from(NAMES), min_size=n, max_size=n, unique=True))
    letters = [chr(65 + i) for i in range(n)]
    options = dict(zip(letters, names, strict=True))
    letter = draw(st.sampled_from(letters))
    form = draw(st.sampled_from(LETTER_FORMS))
    if form == "{T}" and any(
        o != options[letter] and (options[letter] in o or o in options[letter]) for o in names
    ):
        form = "{L}. {T}"  # a bare text nested in another option's text is a different test
    clause, stated = draw(st.sampled_from(CLAUSES))
    condition = draw(st.sampled_from(CONDITIONS))
    negated = draw(st.sampled_from(CONDITIONS))
    tag = draw(st.sampled_from(TAGS))
    answer = form.format(L=letter, l=letter.lower(), T=options[letter])
    answer += clause.format(C=condition, N=negated)
    text = tag.format(X=answer)
    return text, options, letter, (condition if stated else None)


@pytest.mark.slow  # 1,500 generated replies: ~10 s of one core
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replies())
def test_the_chosen_letter_is_read_in_every_form(case: tuple[str, dict[str, str], str, str | None]) -> None:
    text, options, letter, _ = case
    assert parse_choice(text, options).letter == letter, text


@pytest.mark.slow  # 1,500 generated replies: ~10 s of one core
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(replies())
def test_the_stated_condition_is_read_and_a_negated_one_is_none(
    case: tuple[str, dict[str, str], str, str | None],
) -> None:
    text, options, _, condition = case
    answer_text = text.rsplit("\n", 1)[-1]
    if condition is None and any(c in answer_text.lower() for c in ("benign", "malignant", "in situ")):
        # the option's own name may carry a condition word ("malignant melanoma"): no clause, no claim
        return
    assert parse_condition(text) == condition, text


@settings(max_examples=400, deadline=None)
@given(replies())
def test_rewards_are_decoupled(case: tuple[str, dict[str, str], str, str | None]) -> None:
    """R_gran depends on the letter only; R_malignancy on the condition only."""
    text, options, letter, condition = case
    scores = {k: (0.75 if k == letter else 0.0) for k in options}
    [gran] = granularity_reward(None, [text], options=[options], option_scores=[scores])
    assert gran == 0.75
    if condition is not None:
        [mal] = malignancy_reward(None, [text], lesion_condition=[condition])
        assert mal == 0.25


@pytest.mark.parametrize(
    "answer",
    [
        "A or B",  # two letters
        "A, B",
        "(A) melanocytic nevus or (B) melanoma",
        "melanocytic nevus or melanoma",  # two option texts
        "A. melanoma",  # letter contradicts the text of B
        "",
        "I am not sure",
    ],
)
def test_ambiguous_answers_stay_none(answer: str) -> None:
    options = {"A": "melanocytic nevus", "B": "melanoma", "C": "dermatofibroma"}
    for tag in TAGS:
        assert parse_choice(tag.format(X=answer), options).letter is None, (tag, answer)


@pytest.mark.parametrize(("earn", "expected"), [(True, [0.0, 0.75, 0.25]), (False, [0.0, 0.0, 0.0])])
def test_the_untagged_reply_switch(earn: bool, expected: list[float]) -> None:
    from train.grpo_config import GrpoConfig
    from train.rewards import skin_r1_rewards

    assert GrpoConfig.model_fields["untagged_replies_earn_rewards"].default is True  # the paper's
    reply = "The lesion shows an atypical network.\nB. melanoma, malignant"  # no tags at all
    columns = {
        "options": [{"A": "melanocytic nevus", "B": "melanoma"}],
        "option_scores": [{"A": 0.0, "B": 0.75}],
        "lesion_condition": ["malignant"],
    }
    funcs = skin_r1_rewards(untagged_replies_earn_rewards=earn)
    assert [f(None, [reply], **columns)[0] for f in funcs] == expected
    assert [f.__name__ for f in funcs] == ["format_reward", "granularity_reward", "malignancy_reward"]
    tagged = "<thinking>x</thinking><final diagnosis>B. melanoma, malignant</final diagnosis>"
    assert [f(None, [tagged], **columns)[0] for f in funcs] == [1.0, 0.75, 0.25]
