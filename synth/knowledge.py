"""Accepted diagnosis-level findings and the observations of a single lesion, as synthesis reads them.

Two kinds of fact, never mixed: a lesion's *observations* (what this image shows: Derm7pt criteria,
a caption that describes the figure, a curator's rationale) and *accepted finding assertions* (what
is true of a diagnosis). Only the second may be stated about a diagnosis. A textbook's description
of a diagnosis (the handbook's ABCDE checklist, "itchy wheals") is neither an observation of this
image nor an accepted assertion, so it is never read as either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from kg.findings import Observations, derm7pt_observations, is_derm7pt_row
from synth.lexicon import Concept, Lexicon

RELATIONS_FOR = {"typical", "possible"}


@dataclass(frozen=True)
class FindingInfo:
    id: str
    name: str
    type: str
    synonyms: tuple[str, ...] = ()


@dataclass
class FindingKnowledge:
    """Finding concepts and the accepted (diagnosis, finding) -> (relation, assertion id) table."""

    findings: dict[str, FindingInfo]
    relations: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    _lexicon: Lexicon | None = field(default=None, repr=False)

    @classmethod
    def build(
        cls, findings: Iterable[FindingInfo], assertions: Iterable[tuple[str, str, str, str]]
    ) -> FindingKnowledge:
        """``assertions``: (assertion id, diagnosis, finding, relation) of usable finding assertions."""
        known = {f.id: f for f in findings}
        rel = {(d, f): (r, aid) for aid, d, f, r in sorted(assertions) if f in known}
        return cls(findings=known, relations=rel)

    def relation(self, diagnosis: str, finding: str) -> tuple[str, str] | None:
        return self.relations.get((diagnosis, finding))

    def of(self, diagnosis: str) -> dict[str, tuple[str, str]]:
        return {f: v for (d, f), v in self.relations.items() if d == diagnosis}

    @property
    def lexicon(self) -> Lexicon:
        """A matcher over the finding concepts' names and synonyms (the validator and free text)."""
        if self._lexicon is None:
            seen: set[str] = set()
            concepts = []
            for f in sorted(self.findings.values(), key=lambda f: f.id):
                syns = tuple(s for s in (f.name, *f.synonyms) if s.lower() not in seen)
                seen.update(s.lower() for s in syns)
                if syns:
                    concepts.append(Concept(id=f.id, category="dermoscopy", label=f.name, synonyms=syns))
            self._lexicon = Lexicon(concepts)
        return self._lexicon


def seed_knowledge() -> FindingKnowledge:
    """The seed concepts with no assertion (for graphs that predate the finding kind)."""
    from kg.findings import seed_concepts

    return FindingKnowledge.build(
        (FindingInfo(c.id, c.name, c.type, c.synonyms) for c in seed_concepts()), ()
    )


def text_observations(text: str, knowledge: FindingKnowledge, names: Iterable[str] = ()) -> Observations:
    """Findings a free-text description of *this* lesion names (negated ones as not seen)."""
    from synth.groundedness import mask_names

    seen: list[str] = []
    unseen: list[str] = []
    for f in knowledge.lexicon.find(mask_names(text, list(names))):
        (unseen if f.negated else seen).append(f.concept)
    seen = list(dict.fromkeys(seen))
    return Observations(observed=seen, not_observed=[u for u in dict.fromkeys(unseen) if u not in seen])


def case_observations(
    meta: dict, own_text: str | None, knowledge: FindingKnowledge, names: Iterable[str] = ()
) -> Observations:
    """A lesion's observations: Derm7pt criteria when recorded, else its own description.

    ``own_text`` must describe this image (a caption that says more than the name, a curator's
    rationale, a dataset's per-image text) — the caller never passes a textbook's description
    of the diagnosis.
    """
    if is_derm7pt_row(meta):
        obs = derm7pt_observations(meta)
        known = knowledge.findings
        return Observations(
            observed=[f for f in obs.observed if f in known],
            not_observed=[f for f in obs.not_observed if f in known],
        )
    if own_text:
        return text_observations(own_text, knowledge, names)
    return Observations()
