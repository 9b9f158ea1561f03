"""Prompts of the Skin-R1 paper (arXiv 2511.14900, Appendix D) and the comparator prompts.

The instruction prompts are the paper's published Type 1 and Type 2/3 prompts (released with the
Skin-R1 code under MIT); the trajectory targets answer them in ``<thinking>``/``<diagnosis>``.
"""

from __future__ import annotations

import hashlib

from synth.types import Mode, TrajectoryType

TYPE1_PROMPT = (
    "You are a medical vision-language assistant specializing in dermatology. \n"
    "Given the dermatology image, analyze the visual findings and provide a structured diagnosis "
    "following this format:\n\n"
    "<thinking>Describe the key clinical features, visual observations, and the diagnostic rationale "
    "that support the diagnosis.</thinking>\n"
    "<diagnosis>Provide the most likely and specific fine-grained diagnosis, and briefly classify the "
    "condition (benign or malignant) along with any relevant clinical taxonomy.</diagnosis>\n\n"
    "Ensure your response is medically accurate, concise, and strictly follows the specified format."
)

TYPE23_PROMPT = (
    "You are a medical vision-language assistant specializing in dermatology. \n"
    "Given the dermatology image, analyze the visual findings and provide a structured diagnostic "
    "reasoning following this format:\n\n"
    "<thinking>\n"
    "Begin by describing the characteristic clinical features and visual observations of the lesion. \n"
    "Based on these features, propose the most likely diagnosis. \n"
    "Then, identify at least one plausible alternative diagnosis and describe its defining features. \n"
    "Compare the observed lesion with these alternatives, and explain step by step why the final "
    "diagnosis is more consistent with the findings. \n"
    "Conclude the reasoning with the single condition that best matches the clinical presentation.\n"
    "</thinking>\n\n"
    "<diagnosis>\n"
    "Provide only the single most likely and specific fine-grained diagnosis. \n"
    "Also briefly classify the condition (benign or malignant) and indicate any relevant clinical "
    "taxonomy (e.g., subtype or disease family). \n"
    "Do not include explanations, multiple options, or extra punctuation.\n"
    "</diagnosis>\n\n"
    "Ensure your response is medically accurate, concise, and strictly follows the specified format."
)

REASONING_TAG = "differential diagnosis reasoning"

_COMPARATOR_TASK = {
    "keep": (
        "Determine why the FIRST rule better explains the case and supports keeping the primary diagnosis. "
        "Name the clinical features of the first rule that are present, and the key features of the "
        "second rule that are absent or inconsistent with the case."
    ),
    "switch": (
        "Determine why the SECOND rule better explains the case and supports replacing the primary "
        "diagnosis with the differential diagnosis. Name the clinical features of the second rule that "
        "are present, and the key features of the first rule that are absent or inconsistent."
    ),
}

COMPARATOR_TEMPLATE = (
    "You are a dermatology expert. You are given two clinical diagnostic rules from a dermatology "
    "source, each describing a possible diagnosis of a skin lesion.\n"
    "Compare them using ONLY the clinical features written in the two rules; never add a feature that "
    "neither rule states, and ignore histology and laboratory findings.\n"
    "{task}\n"
    "Answer in one or two sentences, in this format:\n"
    "<differential diagnosis reasoning>...</differential diagnosis reasoning>\n\n"
    "primary diagnosis (Diagnosis: {primary_name}): {primary_rule}\n"
    "differential diagnosis (Diagnosis: {partner_name}): {partner_rule}\n"
)


def instruction_prompt(kind: TrajectoryType) -> str:
    """The Appendix D prompt a trajectory of ``kind`` answers."""
    return TYPE1_PROMPT if kind == "type1" else TYPE23_PROMPT


def comparator_prompt(
    mode: Mode, primary_name: str, primary_rule: str, partner_name: str, partner_rule: str
) -> str:
    return COMPARATOR_TEMPLATE.format(
        task=_COMPARATOR_TASK[mode],
        primary_name=primary_name,
        primary_rule=primary_rule,
        partner_name=partner_name,
        partner_rule=partner_rule,
    )


def prompt_hash(*texts: str) -> str:
    """Short content hash of the prompt text(s) a row was built with (provenance, staleness)."""
    return hashlib.sha256("\x1e".join(texts).encode("utf-8")).hexdigest()[:16]
