"""How the book frames a group of conditions: as a differential, or as the causes of a presentation.

The cue modules (:mod:`ingest.ddx_rules`, :mod:`ingest.ddx_tables`, :mod:`ingest.prose_cues`) say
which *shape* a list has (its ``rule``) and what it is about (its ``context``); this module alone
decides what the list becomes:

- a *differential* ("the differential diagnosis of X includes ...", "distinguish from ...", "conditions
  that mimic X", a table comparing conditions side by side): DDx proposals;
- the *causes of a presentation* ("the causes of blisters are ...", "an itchy eruption can be caused
  by ...", "Other causes include ...", a table titled "Causes of leg ulcers"): a presentation whose
  members are possible causes. Its members are not paired with each other: curators pick the pairs
  that are true differentials from the presentation, in bulk;
- the causes of a *condition* ("causes of urticaria include drugs"): aetiology, nothing.

A comparison table under a presentation heading is both: the book sets its columns side by side to
tell them apart (DDx), and they are members of the presentation.
"""

from __future__ import annotations

import re

from ingest.prefilter import prefiltered

# Nouns that make a phrase a presentation (what the patient shows) rather than a condition. Not the
# words that head condition names ("erythema multiforme", "Mongolian spots").
PRESENTATION_NOUNS = re.compile(
    r"\b(?:legs?|rash(?:es)?|eruptions?|blisters?|blistering|lesions?|swellings?|itch(?:ing|iness)?|pruritus|"
    r"ulcers?|ulceration|purpura|bullae|vesicles|pustules|nodules|papules|plaques|hair loss|redness|"
    r"flushing|pigmentation|hyperpigmentation|hypopigmentation|depigmentation|scaling|"
    r"photosensitivity|patches|lumps?)\b"
    # "a red face", "sore mouth", "scaly scalp": a symptom adjective on a body part
    r"|\b(?:red|white|brown|dark|itchy|scaly|painful|swollen|pigmented|sore|dry|sweaty)\s+"
    r"(?:face|skin|legs?|hands?|feet|scalp|mouth|lips?|nails?|eyes?|genitals?|groin)\b",
    re.IGNORECASE,
)
# A population or extent qualifier is no part of the presentation: "blisters in children".
_QUALIFIER = re.compile(
    r"\s+(?:in|among|of)\s+(?:the\s+)?(?:children|childhood|adults?|infants?|infancy|elderly|aged|old age|"
    r"women|men|pregnancy|whole\s+(?:surface|body|skin))\b.*$",
    re.IGNORECASE,
)
# Words that frame a list as a differential, whatever else the sentence says.
DIFFERENTIAL_WORDS = re.compile(
    r"\bdifferential|distinguish|differentiat|confus|confound|mistaken|mimic|simulat|resembl|tell apart|"
    r"told apart|must be excluded|ruled out",
    re.IGNORECASE,
)
# Words that frame a list as causes ("can be caused by", "other causes include", "due to").
CAUSE_WORDS = re.compile(
    r"\bcaus(?:es|ed)\b|\bdue to\b|\baetiolog|\betiolog|\bclassified\b|\bdivided\b|\bcan be\b|\bmay be\b",
    re.IGNORECASE,
)
CAUSES_TITLE = re.compile(
    r"^(?:the\s+)?(?:(?:common|main|usual|important|principal|other)\s+)?causes\s+of\s+(?P<p>.+)$", re.I
)
# Rules whose lists are causes unless their own sentence says "differential".
_CAUSE_RULES = {"prose:causes", "presentation-list"}
_LEAD = re.compile(r"^(?:(?:a|an|the|some|other|common|main|usual|important|principal)\s+)+", re.I)


def is_presentation(phrase: str) -> bool:
    """'an itchy eruption', 'blisters', 'chronic leg ulcers' -> True; 'urticaria' -> False."""
    return bool(PRESENTATION_NOUNS.search(phrase))


def presentation_name(phrase: str) -> str | None:
    """The presentation as printed, normalised: 'A changing pigmented lesion' -> 'changing pigmented
    lesion', 'An itchy (pruritic) eruption' -> 'itchy eruption', 'Causes of leg ulcers' -> 'leg ulcers'."""
    text = re.sub(r"\([^()]*\)", " ", phrase)
    if m := CAUSES_TITLE.match(text.strip()):
        text = m.group("p")
    text = _LEAD.sub("", " ".join(text.lower().replace("’", "'").split())).strip(" .,:;-–")
    text = _QUALIFIER.sub("", text)
    return text if text and len(text.split()) <= 6 and is_presentation(text) else None


def frames_causes(rule: str, quote: str, context: str | None) -> bool:
    """Is this group (a relation's rule, its evidence quote and context) the causes of a presentation?"""
    if rule in _CAUSE_RULES:
        return not DIFFERENTIAL_WORDS.search(quote) and presentation_name(context or "") is not None
    if rule == "table":
        return bool(CAUSES_TITLE.match((context or "").strip()))
    return False


# Speed only, same matches: the costly patterns behind a test for the words every match needs
# (ingest.prefilter); a sentence without them skips the pattern.
DIFFERENTIAL_WORDS = prefiltered(DIFFERENTIAL_WORDS)
PRESENTATION_NOUNS = prefiltered(PRESENTATION_NOUNS)

__all__ = [
    "CAUSES_TITLE",
    "DIFFERENTIAL_WORDS",
    "frames_causes",
    "is_presentation",
    "presentation_name",
]
