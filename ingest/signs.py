"""Clinical signs and lesion morphology: words that name what is *seen*, not what the patient *has*.

Text books illustrate their terminology with photos ("Koilonychia", "Palmar erythema", "Wickham's
striae", "Hypopigmentation of discoid lupus"). Such a caption labels a photo with a sign; it must not
become a proposed diagnosis. The vocabulary below is general dermatology, grouped by category, and
is matched against the *head* of a name (its last word, or the word before "of"), so that a disease
whose name contains a sign word ("Erythema multiforme", "Pitted keratolysis") is not caught:

- named signs and phenomena: any name with "sign", "phenomenon", "striae" or "lines" (not "spots":
  "Mongolian spots" is a birthmark);
- nail findings (clubbing, koilonychia, onycholysis, pitting, ...), hair-growth findings (hirsutism,
  hypertrichosis);
- primary and secondary lesions (macule ... wheal, scale, crust, excoriation, lichenification, ...);
- colour changes (erythema, hyper-, hypo- and depigmentation, telangiectasia, pallor).
"""

from __future__ import annotations

import re

from kg.names import normalize

_NAMED_SIGN = re.compile(r"\b(sign|phenomenon|striae?|lines)\b", re.IGNORECASE)
_NAIL = {
    "clubbing",
    "koilonychia",
    "onycholysis",
    "pitting",
    "leukonychia",
    "onychogryphosis",
    "onychomadesis",
    "onychoschizia",
    "splinter haemorrhages",
    "nail changes",
    "nail dystrophy",
}
_HAIR = {"hirsutism", "hypertrichosis"}
_LESION = {
    "macule",
    "patch",
    "papule",
    "plaque",
    "nodule",
    "vesicle",
    "bulla",
    "bullae",
    "blister",
    "pustule",
    "wheal",
    "weal",
    "comedo",
    "comedones",
    "scale",
    "crust",
    "erosion",
    "excoriation",
    "fissure",
    "lichenification",
    "burrow",
    "target lesion",
}
_COLOUR = {"erythema", "hyperpigmentation", "hypopigmentation", "depigmentation", "telangiectasia", "pallor"}
_VOCABULARY = frozenset(normalize(w) for w in _NAIL | _HAIR | _LESION | _COLOUR)


def head_of(name: str) -> str:
    """'Palmar erythema' -> 'erythema'; 'Hypopigmentation of discoid lupus' -> 'hypopigmentation'."""
    key = normalize(name)
    before_of = key.split(" of ", 1)[0]
    words = before_of.split()
    for n in (2, 1):  # two-word entries first ("nail changes")
        if len(words) >= n and " ".join(words[-n:]) in _VOCABULARY:
            return " ".join(words[-n:])
    return words[-1] if words else ""


def is_sign(name: str) -> bool:
    """Does ``name`` name a clinical sign or a lesion's morphology rather than a diagnosis?"""
    if _NAMED_SIGN.search(name):
        return True
    return head_of(name) in _VOCABULARY
