"""How observations and accepted claims are worded in a target — the sentences a clinician says.

Observations are worded only as observations of this image ("This lesion shows …", "No … is seen");
diagnosis-level sentences only from :class:`synth.types.Claim` (an accepted finding assertion):
"F is typical of D." / "F can be seen in D." / "F argues against D." / "F, typical of D, is not
seen in this lesion." The validator (:mod:`synth.validator`) reads exactly these forms back, and
any other wording (an LLM's) through the same finding and diagnosis matchers.
"""

from __future__ import annotations

import functools
import re

from kg.findings import generic_of
from synth.knowledge import FindingKnowledge
from synth.types import Argument, Claim

# bump when a template sentence changes: rows of earlier exports are then rebuilt, not reused
WORDING_VERSION = 4

# criterion-level concepts: named in "No … is seen" when the whole criterion is absent, and left out
# of "This lesion shows …" when a specific value is listed
GENERIC = {
    "fnd-pigment-network": "pigment network",
    "fnd-streaks": "streaks",
    "fnd-blotch": "blotches",
    "fnd-regression-structures": "regression structures",
    "fnd-dots-and-globules": "dots and globules",
    "fnd-blue-whitish-veil": "blue-whitish veil",
    "fnd-vascular-structures": "vascular structures",
}
PHRASE = {
    "fnd-blue-whitish-veil": "a blue-whitish veil",
    "fnd-typical-pigment-network": "a typical pigment network",
    "fnd-atypical-pigment-network": "an atypical pigment network",
    "fnd-blue-areas-regression-structures": "regression structures with blue areas",
    "fnd-white-areas-regression-structures": "regression structures with white areas",
    "fnd-combinations-regression-structures": "regression structures with blue and white areas",
    "fnd-within-regression-vascular-structures": "vessels within regression structures",
    "fnd-blotch": "a blotch",
    "fnd-milia-like-cysts": "milia-like cysts",
}
ELEVATION = {"fnd-flat": "flat", "fnd-palpable": "palpable", "fnd-nodule": "nodular"}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def join(items: list[str], conj: str = "and") -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conj} {items[-1]}"


def noun(knowledge: FindingKnowledge, finding: str) -> str:
    """The finding as the subject of a claim, with its article where English wants one ("an atypical
    pigment network", "a blotch", "a location on the back", "irregular streaks")."""
    info = knowledge.findings.get(finding)
    if finding in ELEVATION:
        return f"a {ELEVATION[finding]} lesion"
    if info and info.type == "site":
        return f"a location on {_site(knowledge, finding)}"
    if finding == "fnd-blotch":
        return "a blotch"
    return _object(knowledge, finding)


# eponyms keep their capital in running text ("Clark nevus", not "clark nevus")
EPONYMS = (
    "addison",
    "becker",
    "bowen",
    "clark",
    "darier",
    "hailey",
    "hutchinson",
    "ito",
    "kaposi",
    "langerhans",
    "lyme",
    "meyerson",
    "merkel",
    "miescher",
    "ota",
    "paget",
    "reed",
    "schamberg",
    "spitz",
    "stevens",
    "johnson",
    "sutton",
    "unna",
    "wickham",
    "favre",
    "racouchot",
    "civatte",
)


@functools.lru_cache(maxsize=4096)
def clinical_name(name: str) -> str:
    """A diagnosis or group name as running text: capitalised common words lowered ("Benign
    melanocytic proliferations (Melanoma)" -> "benign melanocytic proliferations (melanoma)"),
    eponyms capitalised ("clark nevus" -> "Clark nevus"), acronyms kept ("BCC")."""

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        if w.lower() in EPONYMS:
            return w.capitalize()
        return w.lower() if w[:1].isupper() and w[1:].islower() else w

    return re.sub(r"[A-Za-z]+", word, name)


# free-text morphology nouns take an article ("a bulla"); other non-dermoscopy names are adjectives
NOUNS = {
    "macule",
    "papule",
    "plaque",
    "nodule",
    "vesicle",
    "bulla",
    "pustule",
    "wheal",
    "cyst",
    "tumour",
    "ulcer",
    "erosion",
    "scar",
    "burrow",
    "fissure",
    "crust",
    "scale",
    "comedo",
    "cutaneous horn",
    "target lesion",
    "petechia",
    "purpura",
    "telangiectasia",
    "lichenification",
    "excoriation",
    "atrophy",
    "rolled edge",
    "central umbilication",
    "dimple sign",
    "silvery scale",
    "skin tag",
    "stuck on",
}
NOUNS |= {"asymmetry", "symmetry", "irregular border", "regular border", "diameter greater than 6 mm"}
_MASS = {
    "lichenification",
    "purpura",
    "atrophy",
    "telangiectasia",
    "silvery scale",
    "scale",
    "crust",
    "asymmetry",
    "symmetry",
}


def _adjective(knowledge: FindingKnowledge, finding: str) -> bool:
    info = knowledge.findings.get(finding)
    if info is None or info.type in ("dermoscopy", "site", "history") or finding in GENERIC:
        return False
    plural = info.name.endswith("s") and not info.name.endswith(("ous", "sis"))  # "milia-like cysts"
    return info.name not in NOUNS and not plural


def _object(knowledge: FindingKnowledge, finding: str) -> str:
    info = knowledge.findings.get(finding)
    if finding in PHRASE:
        return PHRASE[finding]
    name = info.name if info else finding.removeprefix("fnd-").replace("-", " ")
    if info and info.type != "dermoscopy" and name in NOUNS and name not in _MASS:
        return ("an " if name[0] in "aeiou" else "a ") + name
    return name


def observation_sentences(
    knowledge: FindingKnowledge,
    observed: list[str],
    not_observed: list[str],
    of: tuple[str, str] | None = None,
) -> list[str]:
    """This image's findings, as observations only. With ``of`` (the row's diagnosis id and name),
    absences that would read against it are left unsaid (:func:`unsaid_absence`)."""
    sites = [f for f in observed if (i := knowledge.findings.get(f)) and i.type == "site"]
    elevation = [f for f in observed if f in ELEVATION]
    specific = {f for f in observed if f not in GENERIC}
    history = [f for f in observed if (i := knowledge.findings.get(f)) and i.type == "history"]
    # free-text findings that are adjectives ("pigmented", "scaly", "annular") read "The lesion is …"
    adjectives = [f for f in observed if _adjective(knowledge, f) and f not in elevation]
    shown = [
        _object(knowledge, f)
        for f in observed
        if f not in sites
        and f not in elevation
        and f not in history
        and f not in adjectives
        and not (f in GENERIC and _has_specific(f, specific))
    ]
    out: list[str] = []
    if shown:
        out.append(f"This lesion shows {join(shown)}.")
    absent = [
        GENERIC[f] for f in not_observed if f in GENERIC and not (of and unsaid_absence(knowledge, f, *of))
    ]
    if absent:
        # "no A or B": the verb agrees with the nearest noun ("No pigment network or veil is seen")
        out.append(f"No {join(absent, 'or')} {_be(absent[-1])} seen.")
    if elevation or adjectives:
        words = ([ELEVATION[elevation[0]]] if elevation else []) + [
            knowledge.findings[f].name for f in adjectives
        ]
        out.append(f"The lesion is {join(words)}.")
    if sites:
        out.append(f"It is located on {_site(knowledge, sites[0])}.")
    if history:  # course and symptoms: "The lesion is chronic and itchy."
        out.append(f"The lesion is {join([knowledge.findings[f].name for f in history])}.")
    return out


_NOT_CONTENT = {"structures", "structure", "lesion", "lesions", "areas", "area", "pattern", "and", "or", "of"}


def unsaid_absence(knowledge: FindingKnowledge, finding: str, diagnosis: str, name: str) -> bool:
    """An absence that reads against the row's own diagnosis is not said (the column keeps it):
    absence is no evidence (most lesions lack most of their diagnosis's typical findings), and "no
    vascular structures are seen" beside a vascular lesion reads as a contradiction. That is an absent
    finding whose name shares a content word with the diagnosis's name, or one that is (or whose
    criterion has a value that is) accepted as typical of it."""
    info = knowledge.findings.get(finding)
    words = set(re.findall(r"[a-z]+", (info.name if info else finding).lower())) - _NOT_CONTENT
    if words & set(re.findall(r"[a-z]+", name.lower())):
        return True
    values = {finding} | {s for s, g in generic_of().items() if g == finding}
    return any((r := knowledge.relation(diagnosis, v)) and r[0] == "typical" for v in values)


def _has_specific(generic: str, specific: set[str]) -> bool:
    mapping = generic_of()
    return any(mapping.get(f) == generic for f in specific)


SITE_PHRASE = {"fnd-acral": "an acral site", "fnd-genital": "the genital area"}


def _site(knowledge: FindingKnowledge, finding: str) -> str:
    return SITE_PHRASE.get(finding) or f"the {knowledge.findings[finding].name}"


# a diagnosis named by a generic count noun reads with its article ("A vascular lesion is benign.")
_COUNT_HEADS = {"lesion", "tumour", "tumor", "cyst", "neoplasm", "growth", "proliferation", "malformation"}


def article(name: str) -> str:
    """ "A " / "An " before a diagnosis named by a generic count noun ("vascular lesion"), else ""."""
    words = name.split()
    if not words or words[-1].lower() not in _COUNT_HEADS:
        return ""
    return "An " if name[:1].lower() in "aeiou" else "A "


def with_article(name: str) -> str:
    """A diagnosis name after "of" / "in": "typical of a vascular lesion", "typical of melanoma"."""
    return f"{article(name).lower()}{name}"


def _be(noun_phrase: str) -> str:
    """Verb agreement for a finding noun ("streaks are", "blue-whitish veil is")."""
    last = noun_phrase.split()[-1] if noun_phrase else ""
    return "are" if last.endswith("s") and not last.endswith(("ss", "us", "is")) else "is"


def claim_sentence(knowledge: FindingKnowledge, claim: Claim, names: dict[str, str]) -> str:
    f, d = noun(knowledge, claim.finding), with_article(names[claim.diagnosis])
    be = _be(f)
    # "a typical pigment network is typical of …" says "typical" twice: characteristic
    typical = "characteristic of" if " typical " in f" {f} " else "typical of"
    if not claim.seen:
        return f"{_cap(f)}, {typical} {d}, {be} not seen in this lesion."
    if claim.relation == "typical":
        return f"{_cap(f)} {be} {typical} {d}."
    if claim.relation == "possible":
        return f"{_cap(f)} can be seen in {d}."
    return f"{_cap(f)} {'argue' if be == 'are' else 'argues'} against {d}."


def ddx_sentence(partner: str) -> str:
    """The pair as a clinician names it; whether the accepted DDx edge is the pair's own or reached
    through a parent / child (Algorithm 4) is provenance, not target text."""
    return f"The differential includes {with_article(partner)}."


def defining_sentence(knowledge: FindingKnowledge, claims: list[Claim], names: dict[str, str]) -> str:
    """The alternative's defining features, from its accepted typical findings: one descriptive
    sentence ("Clark nevus typically shows regular dots and globules, and is flat.")."""
    d = _cap(with_article(names[claims[0].diagnosis]))
    kinds = {
        c.finding: (knowledge.findings[c.finding].type if c.finding in knowledge.findings else "")
        for c in claims
    }
    sites = [_site(knowledge, f) for f, t in kinds.items() if t == "site"]
    words = [
        ELEVATION.get(f) or knowledge.findings[f].name
        for f, t in kinds.items()
        if f in ELEVATION or t == "history" or (t != "site" and _adjective(knowledge, f))
    ]
    shown = [
        _object(knowledge, f)
        for f, t in kinds.items()
        if t != "site" and ELEVATION.get(f) is None and t != "history" and not _adjective(knowledge, f)
    ]
    parts = [f"typically shows {join(shown)}"] if shown else []
    parts += [f"is {'' if parts else 'typically '}{join(words)}"] if words else []
    parts += [f"{'' if parts else 'typically '}occurs on {join(sites, 'or')}"] if sites else []
    return f"{d} {', '.join(parts[:-1])}{', and ' if len(parts) > 1 else ''}{parts[-1]}."


def contrast_sentence(partner: str) -> str:
    return f"For contrast, consider {with_article(partner)}."


def reasoning(knowledge: FindingKnowledge, arg: Argument) -> str:
    """ρ of the grounded comparator: the argument's claims, nothing else."""
    names = {arg.favoured: arg.favoured_name, arg.other: arg.other_name}
    return " ".join(claim_sentence(knowledge, c, names) for c in arg.claims)
