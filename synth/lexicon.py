"""The project's dermatology concept lexicon and the feature finder built on it.

Why a lexicon of our own: the grounded comparator and the groundedness check must agree on what a
"clinical feature" is, offline and deterministically. A feature is a lexicon concept (morphology,
colour, surface, distribution, site, course, dermoscopy) found in a text, with its polarity
("streaks: absent" names the concept *streaks*, negated).
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict

CATEGORIES = ("morphology", "colour", "surface", "distribution", "site", "course", "dermoscopy")
_NEGATION = re.compile(
    r"\b(?:no|not|without|absent|absence of|lack of|lacking|none|negative for|free of|never)\b"
)
_CLAUSE = re.compile(r"[.;,\n()\[\]]+")
_FIELD_VALUE = re.compile(r"^\s*([a-z][a-z _/-]{1,40}?)\s*[:=]\s*(.+?)\s*$")


class Concept(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    category: str
    label: str
    synonyms: tuple[str, ...]


class Feature(BaseModel):
    """One concept found in a text: ``surface`` is the text as written (normalised), for quoting."""

    model_config = ConfigDict(frozen=True)

    concept: str
    category: str
    surface: str
    negated: bool
    position: int


_SPACES = re.compile(r"[\s_-]+")


def normalise(text: str) -> str:
    """Lower-case, hyphens and underscores as spaces, collapsed whitespace."""
    return _SPACES.sub(" ", text.lower()).strip()


class Lexicon:
    """Concepts by id with one longest-first regex over every synonym."""

    def __init__(self, concepts: list[Concept]) -> None:
        self.concepts = {c.id: c for c in concepts}
        self._by_surface: dict[str, str] = {}
        for c in concepts:
            for s in c.synonyms:
                key = normalise(s)
                if key in self._by_surface and self._by_surface[key] != c.id:
                    raise ValueError(f"lexicon synonym {s!r} used by {self._by_surface[key]} and {c.id}")
                self._by_surface[key] = c.id
        alternatives = sorted(self._by_surface, key=lambda s: (-len(s), s))
        self._pattern = re.compile(r"\b(?:" + "|".join(re.escape(a) for a in alternatives) + r")\b")
        # rationales repeat across thousands of pairs: memoise per text
        self._find_cached = lru_cache(maxsize=16384)(self._find)

    def __len__(self) -> int:
        return len(self.concepts)

    def find(self, text: str) -> list[Feature]:
        """Every concept mention in ``text`` in order of appearance (see :meth:`_find`)."""
        return list(self._find_cached(text or ""))

    def _find(self, text: str) -> tuple[Feature, ...]:
        """Every concept mention in ``text`` in order of appearance, with clause-level negation.

        ``field: value`` clauses (Derm7pt criteria) are read as ``value field`` so that
        "pigment network: atypical" names *atypical pigment network*.
        """
        found: list[Feature] = []
        offset = 0
        for clause in _CLAUSE.split(text):
            norm = normalise(clause).strip(" :")
            if ":" in norm:  # "a: field: value" -> "a value field" (the last pair is the finding)
                head, value = norm.rsplit(":", 1)
                prefix, _, field = head.rpartition(":")
                match = _FIELD_VALUE.match(f"{field.strip()}: {value.strip()}")
                if match:
                    norm = f"{prefix} {match.group(2)} {match.group(1)}".strip()
            if not norm:
                continue
            negated = bool(_NEGATION.search(norm))
            for m in self._pattern.finditer(norm):
                cid = self._by_surface[m.group(0)]
                found.append(
                    Feature(
                        concept=cid,
                        category=self.concepts[cid].category,
                        surface=m.group(0),
                        negated=negated,
                        position=offset + m.start(),
                    )
                )
            offset += len(norm) + 1
        return tuple(found)

    def concepts_in(self, text: str) -> set[str]:
        """Concept ids named in ``text`` whatever their polarity (what groundedness compares)."""
        return {f.concept for f in self._find_cached(text or "")}


def load_lexicon_data(data: dict[str, dict[str, list[str]]]) -> Lexicon:
    """Build a lexicon from ``{category: {concept_id: [synonyms...]}}``."""
    concepts: list[Concept] = []
    for category, entries in data.items():
        if category not in CATEGORIES:
            raise ValueError(f"lexicon: unknown category {category!r} (use one of {', '.join(CATEGORIES)})")
        for cid, synonyms in entries.items():
            if not synonyms:
                raise ValueError(f"lexicon: concept {cid!r} has no synonyms")
            concepts.append(
                Concept(id=cid, category=category, label=str(synonyms[0]), synonyms=tuple(map(str, synonyms)))
            )
    return Lexicon(concepts)


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon shipped in ``kg/seed/lexicon.yaml`` (the finding concepts are seeded from it too)."""
    text = resources.files("kg.seed").joinpath("lexicon.yaml").read_text(encoding="utf-8")
    return load_lexicon_data(yaml.safe_load(text))
