"""Prompts of the Skin-R1 paper (arXiv 2511.14900, Appendix D) and the comparator prompts.

The instruction prompts are the paper's published Type 1 and Type 2/3 prompts (released with the
Skin-R1 code under MIT); the trajectory targets answer them in ``<thinking>``/``<diagnosis>``.
"""

from __future__ import annotations

import hashlib

from synth.types import TrajectoryType

TYPE1_PROMPT = (
    "You are a medical vision-language assistant specializing in dermatology. \n"
    "Given the dermatology image, analyze the visual findings and provide a structured diagnosis "
    "following this format:\n\n"
    "<thinking>Describe the key clinical features, visual observations, and the diagnostic rationale "
    "that support the diagnosis.</thinking>\n"
    "<diagnosis>Provide the most likely and specific fine-grained diagnosis, and briefly classify the "
    "condition (benign, malignant or precancerous in situ) along with any relevant clinical "
    "taxonomy.</diagnosis>\n\n"
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
    "Also briefly classify the condition (benign, malignant or precancerous in situ) and indicate "
    "any relevant clinical "
    "taxonomy (e.g., subtype or disease family). \n"
    "Do not include explanations, multiple options, or extra punctuation.\n"
    "</diagnosis>\n\n"
    "Ensure your response is medically accurate, concise, and strictly follows the specified format."
)

REASONING_TAG = "differential diagnosis reasoning"

COMPARATOR_TEMPLATE = (
    "You are a dermatology expert writing one step of a diagnostic reasoning about a skin lesion.\n"
    "Recorded observations of THIS lesion: {observations}\n"
    "Accepted knowledge about the diagnoses (the only statements about a diagnosis you may make):\n"
    "{facts}\n"
    "Explain in two or three sentences why this lesion favours {favoured} over {other}. Describe the "
    "lesion only with its recorded observations; state a finding of a diagnosis only as the accepted "
    "knowledge states it; never infer a diagnosis's findings from this one lesion; {pair_rule} Do not "
    "mention sources, ids or databases.\n"
    "Answer in this format:\n"
    "<differential diagnosis reasoning>...</differential diagnosis reasoning>\n"
)


def instruction_prompt(kind: TrajectoryType) -> str:
    """The Appendix D prompt a trajectory of ``kind`` answers."""
    return TYPE1_PROMPT if kind == "type1" else TYPE23_PROMPT


def comparator_prompt(observations: str, facts: list[str], favoured: str, other: str, ddx: bool) -> str:
    pair_rule = (
        f"{other} is an accepted differential diagnosis of {favoured}."
        if ddx
        else f"{other} is NOT a differential diagnosis of {favoured}: never call it one."
    )
    return COMPARATOR_TEMPLATE.format(
        observations=observations or "none recorded",
        facts="\n".join(f"- {f}" for f in facts) or "- none",
        favoured=favoured,
        other=other,
        pair_rule=pair_rule,
    )


def prompt_hash(*texts: str) -> str:
    """Short content hash of the prompt text(s) a row was built with (provenance, staleness)."""
    return hashlib.sha256("\x1e".join(texts).encode("utf-8")).hexdigest()[:16]
