"""The hierarchical reward (eq. 5-8) on a table of realistic completions, one comment per case."""

from __future__ import annotations

import json

import pytest

from train.answers import parse_choice
from train.errors import TrainDataError
from train.rewards import (
    format_reward,
    granularity_reward,
    make_format_reward,
    malignancy_reward,
    skin_r1_rewards,
)

OPTIONS = {
    "A": "benign nevus",
    "B": "melanoma",
    "C": "melanocytic lesion",
    "D": "basal cell carcinoma",
    "E": "eczema",
}
SCORES = {"A": 0.0, "B": 0.75, "C": 0.375, "D": 0.0, "E": 0.0}


def wrap(answer: str) -> str:
    thinking = "<thinking>Irregular network and blue-white veil.</thinking>"
    return f"{thinking}<final diagnosis>{answer}</final diagnosis>"


GRANULARITY_CASES = [
    (wrap("B"), 0.75),  # bare letter
    (wrap("(B)"), 0.75),  # parenthesised letter
    (wrap("B:"), 0.75),  # letter with a colon
    (wrap("Option B"), 0.75),  # "Option X"
    (wrap("B. melanoma"), 0.75),  # letter and its own option text
    (wrap("melanoma"), 0.75),  # the option's own text, no letter
    (
        wrap("Melanoma"),
        0.75,
    ),  # capitalised text: the original first-letter parsing read this as another option
    (wrap("Melanocytic lesion"), 0.375),  # a coarser option on the path earns its partial score
    (wrap("C)Melanocytic lesion"), 0.375),  # Med-R1 style "C)text"
    (wrap("The answer is (B)."), 0.75),  # a sentence around the letter
    (wrap("Eczema"), 0.0),  # a wrong option is graded 0, not refused
    (wrap("Psoriasis"), 0.0),  # text matching no option: 0 (its first letter is no option)
    (wrap("B or D"), 0.0),  # two letters: ambiguous, refused
    (wrap("melanoma or basal cell carcinoma"), 0.0),  # two option texts: ambiguous, refused
    (wrap("B. basal cell carcinoma"), 0.0),  # letter contradicts the text of another option
    (wrap("a melanoma"), 0.75),  # the article "a" is not option A
    (wrap(""), 0.0),  # empty answer block
    (
        "<thinking>Could be A or B.</thinking>\nFinal answer: B",
        0.75,
    ),  # no answer tag: fallback on the last line
    ("I cannot tell.", 0.0),  # nothing to grade against the options
    (
        "<thinking>B</thinking><final diagnosis>lentigo</final diagnosis>",
        0.0,
    ),  # the letter in thinking does not count
]


@pytest.mark.parametrize(("completion", "expected"), GRANULARITY_CASES)
def test_granularity_reward_scores_the_chosen_option(completion: str, expected: float) -> None:
    assert granularity_reward(None, [completion], options=[OPTIONS], option_scores=[SCORES]) == [expected]


def test_granularity_prefers_the_longest_option_text() -> None:
    # "melanoma in situ" is its own option and contains the option "melanoma": the longer one is meant
    options = {"A": "melanoma", "B": "melanoma in situ"}
    scores = {"A": 0.375, "B": 0.75}
    assert granularity_reward(
        None, [wrap("Melanoma in situ")], options=[options], option_scores=[scores]
    ) == [0.75]


def test_granularity_reads_arrow_struct_options_with_empty_letters() -> None:
    # a datasets struct column fills letters a row does not use with None
    options = {"A": "benign nevus", "B": "melanoma", "C": None, "D": None}
    scores = {"A": 0.0, "B": 0.75, "C": None, "D": None}
    assert granularity_reward(None, [wrap("B")], options=[options], option_scores=[scores]) == [0.75]


def test_granularity_is_none_for_rows_it_cannot_grade() -> None:
    # no options, no scores: the row cannot be graded (TRL ignores None)
    rewards = granularity_reward(
        None, [wrap("B"), wrap("B")], options=[None, OPTIONS], option_scores=[SCORES, {}]
    )
    assert rewards == [None, None]


def test_granularity_accepts_conversational_completions() -> None:
    # TRL passes [{"role": "assistant", "content": ...}] for conversational prompts
    completion = [{"role": "assistant", "content": wrap("B")}]
    assert granularity_reward(None, [completion], options=[OPTIONS], option_scores=[SCORES]) == [0.75]


def test_a_missing_reward_column_is_reported_with_row_ids() -> None:
    with pytest.raises(TrainDataError, match=r"option_scores.*rl-007"):
        granularity_reward(None, [wrap("B")], options=[OPTIONS], id=["rl-007"])


MALIGNANCY_CASES = [
    (wrap("B. melanoma, malignant"), "malignant", 0.25),  # stated in the final block
    (wrap("B. melanoma, not malignant"), "malignant", 0.0),  # negated: "not malignant" is not "malignant"
    (wrap("benign nevus, non-malignant"), "malignant", 0.0),  # "non-malignant" is no malignant statement
    (
        wrap("A. benign nevus (benign, not malignant)"),
        "benign",
        0.25,
    ),  # the negated mention does not conflict
    (wrap("B (malignant or benign)"), "malignant", 0.0),  # two conditions: ambiguous
    (wrap("melanoma in situ"), "precancerous in situ", 0.25),  # "in situ" states the precancerous class
    (
        wrap("B. melanoma in situ, malignant"),
        "malignant",
        0.25,
    ),  # an explicit word outvotes a name's "in situ"
    (wrap("B. melanoma in situ, malignant"), "precancerous in situ", 0.0),  # ... so the in-situ class loses
    (wrap("melanoma in situ, benign or malignant"), "malignant", 0.0),  # two explicit conditions: ambiguous
    (wrap("actinic keratosis, premalignant"), "precancerous in situ", 0.25),  # premalignant is not malignant
    (wrap("actinic keratosis, premalignant"), "malignant", 0.0),  # ... and does not earn the malignant reward
    (
        "<thinking>could be malignant</thinking><final diagnosis>B</final diagnosis>\n"
        "Lesion condition: benign",
        "benign",
        0.25,
    ),  # explicit statement outside the block; thinking is deliberation
    (wrap("B"), "malignant", 0.0),  # states no condition at all
]


@pytest.mark.parametrize(("completion", "label", "expected"), MALIGNANCY_CASES)
def test_malignancy_reward(completion: str, label: str, expected: float) -> None:
    assert malignancy_reward(None, [completion], lesion_condition=[label]) == [expected]


def test_malignancy_is_none_without_a_label() -> None:
    assert malignancy_reward(None, [wrap("malignant")], lesion_condition=[None]) == [None]


FORMAT_CASES = [
    (wrap("B"), 1.0),  # all four tags, in order
    ("<thinking>x</thinking> B", 0.0),  # no final-diagnosis block
    ("<thinking>x<final diagnosis>B</final diagnosis>", 0.0),  # thinking never closed
    ("</thinking>x<thinking><final diagnosis>B</final diagnosis>", 0.0),  # closing tag before opening tag
    ("<THINKING>x</THINKING><Final Diagnosis>B</Final Diagnosis>", 1.0),  # tags are case-insensitive
    ("<thinking>x</thinking><diagnosis>B</diagnosis>", 0.0),  # the SFT target's tag is not the RL tag
]


@pytest.mark.parametrize(("completion", "expected"), FORMAT_CASES)
def test_format_reward(completion: str, expected: float) -> None:
    assert format_reward(None, [completion]) == [expected]


def test_format_tag_set_is_configurable() -> None:
    reward = make_format_reward(["<thinking>", "</thinking>", "<diagnosis>", "</diagnosis>"])
    assert reward.__name__ == "format_reward"  # TRL logs rewards under the function name
    assert reward(None, ["<thinking>x</thinking><diagnosis>B</diagnosis>"]) == [1.0]


def test_total_reward_of_a_perfect_answer_is_two() -> None:
    # eq. 5: 1 (format) + 0.75 (finest correct option) + 0.25 (malignancy)
    completion = wrap("B. melanoma (malignant)")
    columns = {"options": [OPTIONS], "option_scores": [SCORES], "lesion_condition": ["malignant"]}
    total = sum(f(None, [completion], **columns)[0] for f in skin_r1_rewards())
    assert total == pytest.approx(2.0)


def test_labels_beyond_z_and_the_condition_clause_of_the_rl_prompt() -> None:
    # the datasets issue letters any number of options (..., Z, AA, AB) and uses taxonomy roots such
    # as "Malignant" as options; the RL prompt asks for the lesion condition inside the answer block
    options = {
        "A": "Malignant",
        "B": "Melanocytic proliferations",
        "C": "Melanoma",
        "AA": "Benign",
        "AB": "Nevus",
    }
    scores = {"A": 0.25, "B": 0.5, "C": 0.75, "AA": 0.0, "AB": 0.0}
    cases = [
        (wrap("Melanoma. Lesion condition: malignant"), 0.75),  # the clause names no option
        (wrap("C. Melanoma (lesion condition: malignant)"), 0.75),
        (wrap("Melanoma (malignant)"), 0.75),  # a bare condition in brackets is the clause, not option A
        (wrap("Malignant"), 0.25),  # ... but alone it chooses the root option
        (wrap("AB"), 0.0),  # a two-letter label is read whole, not as A
        (wrap("(AA) Benign"), 0.0),
        (wrap("C or AB"), 0.0),  # ambiguous across labels
        (wrap("MEL"), 0.0),  # capitals that label no option
    ]
    for completion, expected in cases:
        assert granularity_reward(None, [completion], options=[options], option_scores=[scores]) == [expected]
    assert parse_choice(wrap("AB"), options).letter == "AB"


def test_options_stored_as_json_strings() -> None:
    # the datasets folders of the datasets issue store options / option_scores as JSON strings
    rewards = granularity_reward(
        None, [wrap("B")], options=[json.dumps(OPTIONS)], option_scores=[json.dumps(SCORES)]
    )
    assert rewards == [0.75]


def test_the_condition_is_the_answer_on_the_lesion_condition_task() -> None:
    options = {"A": "benign", "B": "malignant", "C": "precancerous in situ"}
    scores = {"A": 0.0, "B": 0.25, "C": 0.0}
    for answer in ("Melanoma, malignant", "B", "Malignant", "B. malignant (lesion condition: malignant)"):
        assert granularity_reward(None, [wrap(answer)], options=[options], option_scores=[scores]) == [0.25]
    # "not malignant" chooses no option, and "benign or malignant" is ambiguous
    for answer in ("not malignant", "benign or malignant"):
        assert granularity_reward(None, [wrap(answer)], options=[options], option_scores=[scores]) == [0.0]
