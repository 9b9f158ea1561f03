"""A condition's "Diagnosis" section as older books write it: the alternatives are its paragraphs.

Textbooks of c. 1880-1920 rarely repeat the cue verb for each alternative. Under "Diagnosis" (a
heading, or a run-in "Diagnosis." opening a paragraph), or after "it may be confounded with one of the
following diseases:", each alternative gets a paragraph or a sentence of its own, opened by its name:

- "In ecthyma cachecticum the pustules contain bloody fluid", "In Scarlatina, the general aspect ...";
- "Rubeola has a regular course ...", "Squamous eczema will generally give some history of moisture"
  (the paragraph's first sentence), "Furunculus is deeper, it runs a slower course" (a later sentence
  that compares);
- a run-in name: "Ecthyma. - This is primarily a pustular disease".

Each such name pairs with the section's condition. Nothing comes from a sentence that denies the
likeness or reports an old opinion (the scoping of :mod:`ingest.prose_cues`), from the condition
itself ("In psoriasis the scales ..."), or outside such a frame: a "Symptoms" section's "In children
the eruption ..." names no alternative.
"""

from __future__ import annotations

import re

from ingest import prose_cues as cues
from ingest.stem_cues import STEMS, diagnosis_names, same_condition

RULE = "prose:diagnosis-section"
# The headings (or run-in heads) whose section weighs the alternatives.
_FRAME_TITLE = re.compile(
    r"^(?:differential\s+)?diagnos(?:is|es)(?:\s+and\s+differential\s+diagnosis)?\W*$|"
    r"^diagnostic\s+(?:features|points|signs)\W*$|^distinction\W*$",
    re.I,
)
# A run-in head that ends the frame: "Treatment.", "Prognosis.—", "Etiology."
_OTHER_LABEL = re.compile(
    r"^(?:treatment|prognosis|etiology|aetiology|pathology|causes|symptoms|course|history|anatomy|"
    r"definition|synonyms?|therapy|prophylaxis)\s*[.:—–-]*$",
    re.I,
)
# "... it may be confounded with one of the following diseases:" (a colon does not end a sentence: the
# first alternative may follow in the same one)
_FOLLOWING = re.compile(r"\bthe\s+following(?:\s+\w+){0,2}\s*:\s*", re.I)
# A run-in opening: "Diagnosis.", "Diagnostic features are -", "Differential diagnosis.—"
_RUN_IN = re.compile(
    r"^(?:differential\s+)?diagnos(?:is|tic\s+(?:features|points|signs))\s*(?:(?:is|are)\s*)?[.:—–-]+\s*",
    re.I,
)
# "The seborrhoeic disease is ...", "The psoriasic eruption": a description of a condition already named.
_DESCRIPTION = re.compile(
    r"^(?:the|this|that|such|a|an)\s+[a-z-]+\s+(?:disease|affection|eruption|malady|disorder)$", re.I
)
_IN_X = re.compile(r"^(?:(?:sometimes|but|and|again|now|moreover|so|thus|while|whereas)[, ]+)?in\s+", re.I)
# A later sentence compares ("is deeper", "more circumscribed", "rather", "but", "than").
_COMPARES = re.compile(
    r"\b(?:more|less|rather|than|whereas|while|but|contrary|differs?|unlike|"
    r"(?:deep|larg|small|slow|fast|quick|high|low|dark|light|pal|thick|thin|great|broad|narrow|soft|hard|"
    r"firm|red|dri|moist|wid|earli|lat|old|young|rar|common)er)\b",
    re.I,
)
# A sentence that denies the likeness: "X is not to be thought of", "X is never confounded".
_DENIES = re.compile(
    r"\b(?:not|never|no)\s+(?:\w+\s+){0,2}(?:confus|confound|mistak|resembl|like\b|similar)"
    # a class, not an alternative: "X is one of the ringworms", "it is no form of pemphigus"
    r"|\bis\s+(?:one\s+of\s+the\s+\w+|(?:a|no)\s+(?:form|variety|kind|type|species)\s+of)\b|^\s*unlike\b",
    re.I,
)


# An old opinion, or names that are the signs of another disease.
_HISTORY_OR_SIGN = re.compile(
    r"\b(?:formerly|once|previously|of\s+old|in\s+former\s+times|points?\s+to|pointing\s+to|indicates?|"
    r"(?:signs?|symptoms?|evidence|proof)\s+of)\b",
    re.I,
)


def opens_frame(title: str | None) -> bool:
    return bool(title and _FRAME_TITLE.match(title.strip()))


class DiagnosisFrame:
    """The alternatives a "Diagnosis" section names, sentence by sentence (``read``)."""

    def __init__(self, title: str | None, anchor: str | None) -> None:
        self.anchor = anchor
        self.on = anchor is not None and opens_frame(title)

    def read(self, text: str, first: bool) -> list[str]:
        """Names of ``text`` that pair with the section's condition; ``first``: the paragraph's first
        sentence. Updates the frame on a run-in "Diagnosis." / "Treatment." or a "the following:"."""
        stripped = text.strip()
        if self.anchor and opens_frame(stripped):
            self.on = True
            return []
        if self.anchor and (m := _RUN_IN.match(stripped) or _following(stripped)):
            self.on, stripped, first = True, stripped[m.end() :], True  # read what follows the opening
            if not stripped:
                return []
        if _OTHER_LABEL.match(stripped):
            self.on = False
            return []
        if not self.on or not self.anchor or cues.is_hedged(stripped) or _DENIES.search(stripped):
            return []
        if _HISTORY_OR_SIGN.search(stripped):
            return []  # "was formerly confounded", "Alopecia ... point to syphilis": no alternative
        found = diagnosis_names(stripped)
        if not found:
            return []
        name, at = found[0]
        lead = stripped[:at]
        # a run-in name: "Ecthyma." alone, or "Dermatitis herpetiformis. — Here the eruption ..."
        run_in = stripped.rstrip(" .-–—") == lead + name or bool(
            re.match(r"\s*\.\s*[-–—]", stripped[at + len(name) :])
        )
        if (m := _IN_X.match(stripped)) and at == m.end():
            pass  # "In rupia, the bullae are smaller"
        elif _LESIONS_OF.fullmatch(lead) and _COMPARES.search(stripped):
            pass  # "The patches of erythema simplex are larger"
        elif re.fullmatch(r"(?:(?:the|a|an)\s+)?", lead, re.I) and (
            first or run_in or _COMPARES.search(stripped) or _names_anchor(found[1:], self.anchor)
        ):
            pass  # "Rubeola has a regular course", "Ecthyma. -", "Furunculus is deeper", "... for psoriasis"
        else:
            return []
        if same_condition(name, self.anchor) or _adjective_of(name, self.anchor):
            return []
        if _DESCRIPTION.match(lead + name):
            return []
        return [name]


def _following(text: str) -> re.Match[str] | None:
    m = _FOLLOWING.search(text)
    return m if m and STEMS.search(text[: m.start()]) else None


def _names_anchor(found: list[tuple[str, int]], anchor: str) -> bool:
    return any(same_condition(n, anchor) for n, _ in found)


def _adjective_of(name: str, anchor: str) -> bool:
    """ "psoriasic eruption", "psoriatic cases" under Psoriasis: the condition itself."""
    first, head = name.lower().split()[0], anchor.lower().split()[0]
    return len(name.split()) > 1 and first != head and first[:6] == head[:6]


_LESIONS_OF = re.compile(
    r"(?:the\s+)?(?:patches|lesions|papules|vesicles|pustules|scales|crusts|bullae|wheals|spots|ulcers?)\s+of\s+"
    r"(?:the\s+)?",
    re.I,
)
_TASK = re.compile(r"^(?:describe|state|give|name|mention|enumerate|define)\b", re.I)
_ITS_OWN = re.compile(r"\b(?:(?:the|this)\s+(?:disease|affection|eruption|condition|malady)|it)\b", re.I)


def question_condition(text: str, last: str | None) -> str | None:
    """The condition a differential question asks about ("How would you distinguish the macular
    syphiloderm from measles ...?", "Are you likely to mistake the flat-pustular syphiloderm for ...?"),
    kept for its answer's sentences until the next question; None after a question that names none."""
    if not text.rstrip().endswith("?"):
        return None if _TASK.match(text) else last  # "Describe ...", "State ...": a new question
    found = diagnosis_names(text) if STEMS.search(text) else []
    if found and _ITS_OWN.search(text[: max(0, text.lower().find(found[0][0].lower()))]):
        return None  # "Does the disease bear any resemblance to X?": the section's condition asks
    return found[0][0] if found else None
