"""The words of a clinical sub-heading ("Presentation", "Possible investigations"): shared by the
PDF reader (run-in heads) and the layout (running headers), so neither imports the other."""

from __future__ import annotations

import re
from functools import lru_cache

# Sub-heading words whose sentences state no finding of the condition (what is done, why it happens,
# the microscope's view): labels all the same, and the findings reader skips their sections.
NO_FINDING_WORDS = frozenset(
    [
        "management",
        "treatment",
        "therapy",
        "investigations",
        "investigation",
        "causes",
        "aetiology",
        "etiology",
        "pathogenesis",
        "pathology",
        "histology",
        "histopathology",
        "epidemiology",
        "prognosis",
        "complications",
    ]
)
# Words of the row / column labels of comparison tables and of a condition's sub-headings.
_LABEL_WORDS = NO_FINDING_WORDS | frozenset(
    [
        "history",
        "presentation",
        "features",
        "sites",
        "site",
        "distribution",
        "lesion",
        "lesions",
        "morphology",
        "examination",
        "signs",
        "symptoms",
        "diagnosis",
        "differential",
        "course",
        "description",
        "definition",
        "onset",
        "types",
        "subtypes",
        "variants",
        "varieties",
        "forms",
        "classification",
    ]
)


# Whole sub-headings of practical guides that are labels though no word of theirs is one.
_LABEL_PHRASES = re.compile(
    r"^(?:what\s+(?:you\s+(?:will|may)\s+see|to\s+look\s+for|it\s+looks\s+like)|red\s+flags?|"
    r"when\s+to\s+refer|referral|consider\s+also|also\s+consider|(?:don['’]t|do\s+not)\s+confuse\s+(?:it\s+)?with|"
    r"not\s+to\s+be\s+confused\s+with|look[\s-]?alikes?|mimics|what\s+else\s+could\s+it\s+be)\s*[:.?]?$",
    re.IGNORECASE,
)


@lru_cache(maxsize=8192)
def label_word(text: str) -> str | None:
    """The clinical attribute a label names: 'Possible investigations' -> 'investigations'."""
    words = re.sub(r"[^a-z ]", " ", text.lower()).split()
    return next((w for w in reversed(words) if w in _LABEL_WORDS), None)


@lru_cache(maxsize=8192)
def is_clinical_label(text: str) -> bool:
    """'Presentation', 'Possible investigations', 'Clinical features:' -> True;
    'A changing pigmented lesion' (a presentation) -> False."""
    words = re.sub(r"[^a-z ]", " ", text.lower()).split()
    if _LABEL_PHRASES.match(text.strip()):
        return True
    if not 0 < len(words) <= 4 or words[0] in {"a", "an", "the"}:
        return False
    return words[0] in _LABEL_WORDS or words[-1] in _LABEL_WORDS


__all__ = ["is_clinical_label", "label_word"]
