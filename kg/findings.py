"""Finding concepts: the vocabulary diagnosis-level findings and case observations are stated in.

Seeded from the project lexicon (``kg/seed/lexicon.yaml``: morphology, colour, surface, distribution,
site, course, dermoscopy) and the 7-point checklist of Derm7pt. A Derm7pt ``field: value`` maps to a
concept *with its polarity*: "pigment_network: atypical" observes *atypical pigment network* (and
the generic *pigment network*) and rules out *typical pigment network* for this lesion;
"absent" means the criterion was assessed and not seen — never the opposite finding
("pigmentation: absent" is no blotch, not "a non-pigmented lesion").

Example:
    >>> obs = derm7pt_observations({"pigment_network": "atypical", "streaks": "absent"})
    >>> "fnd-atypical-pigment-network" in obs.observed, "fnd-streaks" in obs.not_observed
    (True, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field

from kg.ids import finding_id

# lexicon category -> finding type (FINDINGS_API.md)
TYPE_OF_CATEGORY = {
    "morphology": "morphology",
    "surface": "morphology",
    "colour": "colour",
    "distribution": "distribution",
    "site": "site",
    "course": "history",
    "dermoscopy": "dermoscopy",
}

# Derm7pt criterion -> {value: lexicon concept id}; "" is the criterion itself (any non-absent value)
DERM7PT_CRITERIA: dict[str, dict[str, str]] = {
    "pigment_network": {
        "": "pigment_network",
        "typical": "typical_pigment_network",
        "atypical": "atypical_pigment_network",
    },
    "streaks": {"": "streaks", "regular": "regular_streaks", "irregular": "irregular_streaks"},
    "pigmentation": {
        "": "blotch",
        "diffuse regular": "diffuse_regular_pigmentation",
        "diffuse irregular": "diffuse_irregular_pigmentation",
        "localized regular": "localized_regular_pigmentation",
        "localized irregular": "localized_irregular_pigmentation",
    },
    "regression_structures": {
        "": "regression_structures",
        "blue areas": "blue_regression_areas",
        "white areas": "white_regression_areas",
        "combinations": "combined_regression",
    },
    "dots_and_globules": {
        "": "dots_globules",
        "regular": "regular_dots_globules",
        "irregular": "irregular_dots_globules",
    },
    "blue_whitish_veil": {"": "blue_whitish_veil", "present": "blue_whitish_veil"},
    "vascular_structures": {
        "": "vascular_structures",
        "arborizing": "arborizing_vessels",
        "comma": "comma_vessels",
        "hairpin": "hairpin_vessels",
        "dotted": "dotted_vessels",
        "linear irregular": "linear_irregular_vessels",
        "within regression": "regression_vessels",
        "wreath": "wreath_vessels",
    },
}
# observed as a fact of the lesion, but an absent value never rules anything out
DERM7PT_ELEVATION = {"flat": "flat", "palpable": "palpable", "nodular": "nodule"}
DERM7PT_LOCATION = {
    "back": "back",
    "lower limbs": "lower_limbs",
    "upper limbs": "upper_limbs",
    "abdomen": "abdomen",
    "chest": "chest",
    "head neck": "head_neck",
    "acral": "acral",
    "buttocks": "buttocks",
    "genital areas": "genital",
}
ABSENT = {"", "absent", "none", "nan"}


class FindingConcept(BaseModel):
    """A seed concept (the fields of :class:`kg.models.Finding` without store bookkeeping)."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    synonyms: tuple[str, ...]
    type: str
    lexicon_id: str


class Observations(BaseModel):
    """A lesion's own findings: seen, and assessed but not seen (finding ids)."""

    model_config = ConfigDict(extra="forbid")

    observed: list[str] = Field(default_factory=list)
    not_observed: list[str] = Field(default_factory=list)


@lru_cache(maxsize=1)
def _lexicon_data() -> dict[str, dict[str, list[str]]]:
    # through the kg package: resources.files("kg.seed") would import the seed package and the
    # importers it loads (~8 ms of CPU in every ingest process) only to find a data file
    text = resources.files("kg").joinpath("seed", "lexicon.yaml").read_text(encoding="utf-8")
    # libyaml's safe loader when PyYAML has it: the same data, a fifth of the pure-Python time (every
    # ingest process loads the lexicon once)
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


@lru_cache(maxsize=1)
def seed_concepts() -> tuple[FindingConcept, ...]:
    """Every lexicon concept as a finding concept (name = its first synonym)."""
    out: list[FindingConcept] = []
    for category, entries in _lexicon_data().items():
        for cid, synonyms in entries.items():
            name = str(synonyms[0])
            out.append(
                FindingConcept(
                    id=finding_id(name),
                    name=name,
                    synonyms=tuple(str(s) for s in synonyms[1:]),
                    type=TYPE_OF_CATEGORY[category],
                    lexicon_id=cid,
                )
            )
    return tuple(out)


@lru_cache(maxsize=1)
def by_lexicon_id() -> dict[str, FindingConcept]:
    return {c.lexicon_id: c for c in seed_concepts()}


def concept_for(lexicon_id: str) -> str:
    """Finding id of a lexicon concept."""
    return by_lexicon_id()[lexicon_id].id


def _norm(value: object) -> str:
    return " ".join(str(value or "").replace("_", " ").lower().split())


def derm7pt_observations(row: Mapping[str, object]) -> Observations:
    """The findings of one Derm7pt row (meta.csv columns or a case's ``meta``), with polarity.

    A present value observes its concept and the criterion's generic concept, and rules out the
    criterion's other values; "absent" rules out the criterion and all its values. Elevation and
    location are observed only (a lesion on the back says nothing against any other site).
    """
    seen: list[str] = []
    unseen: list[str] = []
    for field, values in DERM7PT_CRITERIA.items():
        if field not in row:
            continue
        value = _norm(row.get(field))
        specific = {v: c for v, c in values.items() if v}
        if value in ABSENT:
            unseen += [values[""], *specific.values()]
            continue
        if value not in specific:
            continue  # an unknown value: neither seen nor ruled out
        seen += [values[""], specific[value]]
        unseen += [c for v, c in specific.items() if v != value and c != values[""]]
    elevation = DERM7PT_ELEVATION.get(_norm(row.get("elevation")))
    location = DERM7PT_LOCATION.get(_norm(row.get("location")))
    seen += [c for c in (elevation, location) if c]
    ids = by_lexicon_id()
    observed = list(dict.fromkeys(ids[c].id for c in seen))
    not_observed = [i for i in dict.fromkeys(ids[c].id for c in unseen) if i not in observed]
    return Observations(observed=observed, not_observed=not_observed)


def is_derm7pt_row(row: Mapping[str, object]) -> bool:
    return any(k in row for k in DERM7PT_CRITERIA)


def seed_findings(store: object, *, user: str = "system") -> int:
    """Upsert every seed concept as a :class:`kg.models.Finding` (idempotent); returns the count."""
    from kg.models import Finding

    findings = [
        Finding(id=c.id, name=c.name, synonyms=list(c.synonyms), type=c.type, origin="import")  # type: ignore[arg-type]
        for c in seed_concepts()
    ]
    return store.upsert_findings(findings, user=user)  # type: ignore[attr-defined]


@lru_cache(maxsize=1)
def generic_of() -> dict[str, str]:
    """Specific Derm7pt finding id -> its criterion's generic id ("atypical pigment network" ->
    "pigment network"); the generic is implied by the specific and never repeated beside it."""
    out: dict[str, str] = {}
    for values in DERM7PT_CRITERIA.values():
        generic = concept_for(values[""])
        for value, cid in values.items():
            if value and concept_for(cid) != generic:
                out[concept_for(cid)] = generic
    return out
