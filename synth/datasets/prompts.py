"""The RL / evaluation prompt of the paper's Appendix D (the fine-grained multiple-choice format
of the released Skin-R1 code, prompt type 4), and option lettering."""

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


def render_prompt(question: str, options: dict[str, str]) -> str:
    return RL_PROMPT.format(question=question, options=format_options(options))
