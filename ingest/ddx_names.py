"""Names in a differential's list: split, distributed and cut the way books write them.

"venous, arterial and neuropathic ulcers" distributes its head noun; "malignancy (e.g. squamous cell
carcinoma)" stands for its example; ", upon the scalp," is a site, not a member; cross-reference marks
("lichen planus*", "(p. 212)") go; a one-word head keeps its site ("ringworm of the scalp").
"""

from __future__ import annotations

import itertools
import re

from ingest import prose_cues as cues
from ingest.mentions import _SPLIT, GENERIC, clean_name, glosses, make_evidence
from ingest.types import Line, RelationCandidate

_CUT = re.compile(r"\s+(?:in|on|at|with|after|from|of the|see)\s+(?!situ\b).*$", re.I)
# "ringworm of the scalp", "carcinoma of the lip": a one-word head keeps its site (old books name so).
_ONE_WORD_SITE = re.compile(
    r"^[A-Za-z-]+\s+of\s+the\s+(?:scalp|body|beard|bearded\s+region|nails?|face|hands?|feet|foot|groin|lips?|tongue|"
    r"mouth|non-hairy\s+parts|general\s+surface)$",
    re.I,
)


_SITES_OF = re.compile(
    r"(?:^|[,;:.]\s*)(?P<x>[A-Za-z-]+)\s+of\s+the\s+(?:scalp|body|beard|face|hands?|feet|trunk|limbs)\s+and\s+"
    r"(?:the\s+)?(?:scalp|body|beard|face|hands?|feet|trunk|limbs)$",
    re.I,
)


_SITE_WORD = re.compile(
    r"(?:the\s+)?(?:mouth|face|scalp|trunk|hands?|feet|foot|limbs?|lips?|tongue|genitals?|nails?|body|back|chest|"
    r"legs?|arms?|mucous\s+membranes?)",
    re.I,
)


def _cut(text: str) -> str:
    text = text.strip()
    return text if _ONE_WORD_SITE.match(text) else _CUT.sub("", text)


# ", upon the scalp," inside a list names a site, not a condition.
_SITE_ASIDE = re.compile(r",\s*(?:upon|on|in|at|over)\s+(?:the\s+)?[a-z]+(?:\s+[a-z]+)?\s*,", re.I)


# "a resemblance to those of psoriasis", "the lesions of ringworm": the condition the lesions are of.
_LESIONS_OF = re.compile(
    r"\b(?:those|that|(?:the\s+)?(?:single\s+|individual\s+|characteristic\s+)?"
    r"(?:lesions?|patches|eruption|scales|papules?|vesicles|tubercles?|nodules?))\s+of\s+(?:the\s+)?",
    re.I,
)


def _names(text: str) -> list[str]:
    text = re.sub(r"\((?:see|cf\.?)[^)]*\)", "", cues.strip_marks(text))
    text = _LESIONS_OF.sub("", text)
    text = _GENERIC_EG.sub(lambda m: m.group(2) if m.group(1).lower() in GENERIC else m.group(1), text)
    text = _SITE_ASIDE.sub(",", re.sub(r",?\s+among\s+others\b", "", text, flags=re.I))
    text = re.sub(
        r",?\s+such\s+as\s+", ", ", text, flags=re.I
    )  # "cutaneous papules, such as X": X is a member
    # cut each part before judging it: "bullous pemphigoid in its early urticated stage" is a name + a site
    out: list[str] = []
    for part in _SPLIT.split(glosses(_distribute(text))[0]):
        whole = clean_name(part)  # leading words go first: "with ringworm of the scalp"
        name = clean_name(_cut(whole)) if whole else clean_name(_cut(part))
        if (
            name
            and name.lower() not in {n.lower() for n in out}
            and not _REFERS_BACK.match(name)
            and not _FORM_OF.match(name)
            and not _VERB_LEAD.match(name)
            and not _BARE_LESION.fullmatch(name)
            and not re.match(r"(?:a\s+)?(?:host|number|variety|range)\s+of\b|other\s", name, re.I)
            and not re.fullmatch(r"(?:in\s+)?(?:the\s+)?(?:differential\s+)?diagnos[ie]s", name, re.I)
        ):
            out.append(name)
    return out


# "differs from the simple form", "the ordinary type": a variety of the subject, no other condition
_FORM_OF = re.compile(
    r"^(?:the\s+)?(?:simple|ordinary|common|usual|typical|classical|milder?|severe|benign|acute|chronic|other)\s+"
    r"(?:form|type|variety|kind|variant)s?$",
    re.I,
)
# "scars", "bacterial pustules", "cutaneous papules": a lesion, no condition ("pearly penile papules" is one)
_BARE_LESION = re.compile(
    r"(?:(?:bacterial|cutaneous|small|large|giant|atypical|red|white|flat|raised|simple|multiple|isolated|"
    r"superficial|deep|scaly|crusted|inflammatory|secondary|old|fresh)\s+)*"
    r"(?:scars?|papules?|pustules?|vesicles?|macules?|nodules?|plaques?|patch(?:es)?|lesions?|crusts?|scales?|wheals?|spots?)",
    re.I,
)
# "antimalarials can aggravate psoriasis, psoriasis should be ruled out": a verb heads no name
_VERB_LEAD = re.compile(r"^(?:aggravat|worsen|induc|provok|trigger|exacerbat)\w*\s", re.I)
# "malignancy (e.g. squamous cell carcinoma)": a generic word stands for its example.
_GENERIC_EG = re.compile(r"\b([a-z]+)\s*\((?:e\.\s?g\.?|such as|for example),?\s*([^()]*)\)", re.I)
_ADJECTIVE = re.compile(r"^[a-z-]+(al|ous|ic|ar|ive|ed|ary|oid|ile|ant|ent|ine)$")


def _distribute(text: str) -> str:
    """'venous, arterial and neuropathic ulcers' -> 'venous ulcers, arterial ulcers and neuropathic ulcers'"""
    parts = re.split(r"\s*(?:,|\band\b|\bor\b)\s*", text.strip(" ."))
    parts = [p for p in parts if p]
    if (
        len(parts) >= 2
        and len(parts[-1].split()) == 2
        and all(len(p.split()) == 1 and _ADJECTIVE.search(p) for p in parts[:-1])
        and _ADJECTIVE.search(parts[-1].split()[0])
    ):
        head = parts[-1].split()[-1]
        return ", ".join(f"{p} {head}" for p in parts[:-1]) + " and " + parts[-1]
    return text


_PRONOUN = re.compile(
    r"^(?:(?:the|this|that)\s+)?(it|this|condition|disorder|disease|affection|malady|complaint|lesion|"
    r"rash|eruption|they|these|one|latter)$",
    re.I,
)
# "The lesions of the mouth may simulate ...", "Hypertrophic lesions on the shins may mimic ...": the
# lesions of the section's condition (at most one qualifying word before the morphology noun).
_MORPHOLOGY = re.compile(
    r"^(?:[a-z-]+\s+)?(?:lesions|patches|plaques|papules|nodules|eruptions|rashes|ulcers)$", re.I
)
_VARIETY = re.compile(
    r"^(?:the\s+|a\s+|an\s+|this\s+)?(?P<adj>[a-z-]+)\s+(?:variety|form|type|variant)$", re.I
)
_INTERROGATIVE = re.compile(r"^(?:what|which|who|how|why|whom)\b", re.I)


_ADVERBS = re.compile(
    r"(?:\s+|^)(?:somewhat|closely|strongly|greatly|much|often|sometimes|occasionally|at\s+times|frequently|"
    r"usually|commonly|rarely|seldom|also|very|even|still|thus|therefore|however|moreover|indeed)$",
    re.I,
)
_AUXILIARY = re.compile(
    r"^(?:may|might|can|could|must|should|would|will|shall|is|are|was|were|be|do|does)$", re.I
)
_REFERS_BACK = re.compile(r"^(?:the\s+)?(?:latter|former)\b", re.I)


def _subject(raw: str, anchor: str | None) -> str | None:
    """The noun phrase just before a cue: the words after the last clause break."""
    breaks = r"(?i)[,;:()—?]|\.\s*|\b(?:and|but|although|while|whereas|that|which|if|when|lest)\b"
    if m := _SITES_OF.search(raw):  # "Ringworm of the body and scalp may simulate": the head, not "scalp"
        raw = m.group("x")
    raw = re.split(breaks, raw)[-1].strip()
    raw = re.sub(r"^.*\b(?:causes?|leads?|allows?)\s+", "", raw, flags=re.I)  # "causes the affection to be"
    # "This affection, when mild, somewhat resembles": an adverb is no subject
    raw = _ADVERBS.sub("", raw).strip()
    if _REFERS_BACK.match(raw):
        return None  # "the latter disease may counterfeit the former": resolved by the sentence before
    raw = re.sub(
        r"^(?:(?:how|when|why)\s+)?(?:is|are|does|do|can|may|would|should)\s+(?:one\s+|you\s+|we\s+)?"
        r"|^(?:some|certain|all)\s+(?:phases|forms|stages|varieties|types)\s+of\s+",
        "",
        raw,
        flags=re.I,
    )
    if _INTERROGATIVE.match(raw):
        return None
    if (v := _VARIETY.match(raw)) and anchor:
        return f"{v.group('adj')} {anchor}"
    if _PRONOUN.match(raw) or not raw or _AUXILIARY.match(raw):
        return anchor  # "..., if severe, might be mistaken for": the clause's subject is the section's
    raw = re.sub(
        r"^(?:(?:the|a|an|extensive|typical|classical|this|large|small|dark|irritated|early|at\s+times|sometimes|"
        r"occasionally|exceptionally)\s+)+",
        "",
        raw,
        flags=re.I,
    )
    raw = _cut(
        _LESIONS_OF.sub("", re.sub(r"\s+to$", "", raw))
    )  # "ringworm of the scalp to be": keeps its site
    if _PRONOUN.match(raw) or not raw or (anchor and (_MORPHOLOGY.match(raw) or _SITE_WORD.fullmatch(raw))):
        return anchor  # "The lesions of the mouth may simulate": the section's condition, not "mouth"
    name = clean_name(raw)
    if name and len(name.split()) <= 5:
        return name
    return None


_INITIAL = re.compile(r"\b([A-Z])\.\s+([a-z]{4,})\b")


def expand_initials(text: str, names: list[str]) -> str:
    """ "General eczema and P. foliaceus": an abbreviated first word stands for the section's condition's
    ("Pemphigus" -> "Pemphigus foliaceus"), as older books abbreviate a genus within its own chapter."""
    if "." not in text:
        return text
    firsts = {n.split()[0][0].upper(): n.split()[0] for n in names if n and n.split()[0][:1].isalpha()}

    def expand(m: re.Match[str]) -> str:
        first = firsts.get(m.group(1))
        return f"{first} {m.group(2)}" if first and len(first) > 2 else m.group(0)

    return _INITIAL.sub(expand, text)


def _pairs(
    members: list[str],
    rule: str,
    lines: list[Line],
    source: str,
    quote: str,
    *,
    context: str | None,
    anchor: str | None = None,
    score: float = 0.6,
    mention: bool = False,
) -> list[RelationCandidate]:
    uniq: list[str] = []
    for m in members:
        if m.lower() not in {u.lower() for u in uniq} and (anchor is None or m.lower() != anchor.lower()):
            uniq.append(m)
    pairs = [(anchor, m) for m in uniq] if anchor is not None else list(itertools.combinations(uniq, 2))
    if not pairs:  # most calls: the evidence (page boxes, quote) is only built for a pair
        return []
    ev = make_evidence(source, lines, quote, kind="ddx", context=context)
    return [
        RelationCandidate(
            kind="ddx", subject=a, object=b, rule=rule, score=score, evidence=ev, mention=mention
        )
        for a, b in pairs
    ]
