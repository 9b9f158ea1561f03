"""The prompts of the paper's Appendix D and option lettering.

- ``RL_PROMPT``: RL rows and the in-distribution, hierarchical and DDx evaluation tasks (the
  fine-grained multiple-choice format of the released Skin-R1 code, prompt type 4).
- ``CONDITION_PROMPT``: the lesion-condition task (benign / malignant / precancerous in situ); it
  asks for the condition itself, not for a diagnosis plus its condition.
- ``OOD_PROMPT``: OmniMedVQA disease diagnosis. Its options are OmniMedVQA's, not nodes of our
  taxonomy, so it asks for the single correct option without the "most fine-grained" rule or a
  lesion condition, in the same tags, so the same parser and R_format read it.
"""

from __future__ import annotations

import string
from functools import lru_cache

RL_QUESTION = "What type of abnormality is present in this image?"
CONDITION_QUESTION = "Is the lesion in this image benign, malignant or precancerous in situ?"

RL_PROMPT = (
    "You are a medical vision-language assistant specializing in dermatology. "
    "Given the dermatology image, answer: {question} {options}\n"
    "Provide necessary reasoning and only answer the question in the following format:\n"
    "<thinking>Describe the key clinical features and visual observations that support your diagnosis."
    "</thinking>\n"
    "<final diagnosis>Provide only the single most likely option without reasoning. "
    "If multiple options are plausible, always choose the most fine-grained "
    "(i.e., most specific or detailed) option available among them. "
    "Also provide the lesion condition (benign, malignant or precancerous in situ). </final diagnosis>\n"
    "Ensure your response is medically accurate, concise, and strictly follows the specified format."
)


CONDITION_PROMPT = (
    "You are a medical vision-language assistant specializing in dermatology. "
    "Given the dermatology image, answer: {question} {options}\n"
    "Provide necessary reasoning and only answer the question in the following format:\n"
    "<thinking>Describe the key clinical features and visual observations that support your "
    "assessment.</thinking>\n"
    "<final diagnosis>Provide only the single lesion condition option (benign, malignant or "
    "precancerous in situ) without reasoning.</final diagnosis>\n"
    "Ensure your response is medically accurate, concise, and strictly follows the specified format."
)

OOD_PROMPT = (
    "You are a medical vision-language assistant specializing in dermatology. "
    "Given the dermatology image, answer: {question} {options}\n"
    "Provide necessary reasoning and only answer the question in the following format:\n"
    "<thinking>Describe the key clinical features and visual observations that support your diagnosis."
    "</thinking>\n"
    "<final diagnosis>Provide only the single correct option without reasoning.</final diagnosis>\n"
    "Ensure your response is medically accurate, concise, and strictly follows the specified format."
)

# What each evaluation task measures and how; written into report.json and the card, and read by
# the evaluation report (train/report.py) so that every figure names its protocol.
PROTOCOLS: dict[str, str] = {
    "rl": "RL rows (Appendix A, answers at the label's level): RL_PROMPT; the label (0.75, eq. 7) among "
    "unrelated clinical diagnoses of its dataset (no ancestor, descendant, overlapping class, synonym or "
    "category is an option); the lesion condition is graded by R_malignancy only.",
    "diagnosis": "In-distribution diagnosis: RL_PROMPT; the finest label among unrelated clinical diagnoses "
    "of its dataset (no ancestor, descendant, overlapping class, synonym or category is an option).",
    "lesion_condition": "Lesion condition (paper Table 3): CONDITION_PROMPT; options A benign, "
    "B malignant, C precancerous in situ (in-situ policy: kg.algorithms.IN_SITU_POLICY).",
    "hierarchical": "Hierarchical diagnosis: RL_PROMPT; one clinical level of the label's path per row, "
    "its node the only correct option (0.75 x depth / L), distractors unrelated diagnoses of that depth.",
    "ddx": "DDx: RL_PROMPT; accepted DDx neighbours of the label as distractors.",
    "ood": "OOD (paper Table 4): OOD_PROMPT; OmniMedVQA 'Disease Diagnosis' items (type from the question "
    "and its options' shape), synonymous options merged; subsets overlapping a "
    "training source excluded, and Fitzpatrick17k and PAD-UFES-20 excluded as in the paper",
}


@lru_cache(maxsize=64)
def _letters(n: int) -> tuple[str, ...]:
    out: list[str] = []
    for i in range(n):
        label, i = "", i + 1
        while i:
            i, rem = divmod(i - 1, 26)
            label = string.ascii_uppercase[rem] + label
        out.append(label)
    return tuple(out)


def letters(n: int) -> list[str]:
    """A..Z, then AA, AB, ... so that any number of options can be lettered."""
    return list(_letters(n))


def format_options(options: dict[str, str]) -> str:
    return " ".join(f"{letter}: {text}" for letter, text in options.items())


def render_prompt(question: str, options: dict[str, str], template: str = RL_PROMPT) -> str:
    return template.format(question=question, options=format_options(options))
