"""Finding concepts and finding assertions added to the studio fixture graph: one statistics
proposal written exactly as ``kg propose-findings`` writes it (sentence and structured stats), one
accepted curator finding each for typical / possible / against."""

from __future__ import annotations

from kg.finding_stats import evidence_sentence, evidence_stats, finding_stats
from kg.models import Assertion, Evidence, Finding, FindingRelation, Source
from kg.store import GraphStore

DATASET_SHA = "d" * 64
FINDINGS = [
    Finding(name="Atypical pigment network", type="dermoscopy", synonyms=["Irregular pigment network"]),
    Finding(name="Typical pigment network", type="dermoscopy"),
    Finding(name="Blue-white veil", type="dermoscopy"),
    Finding(name="Regression structures", type="dermoscopy"),
]
# melanoma vs the rest: 30 of 60 melanomas show an atypical network, 40 of 400 other lesions do; the
# statistics computed by kg.finding_stats itself (Wilson lower bound 0.377, p 3.2e-12: typical)
_LESIONS = [("melanoma", {"fnd-atypical-pigment-network"})] * 30 + [("melanoma", set())] * 30
_LESIONS += [("naevus", {"fnd-atypical-pigment-network"})] * 40 + [("naevus", set())] * 360
[STAT] = [s for s in finding_stats(_LESIONS) if s.diagnosis == "melanoma" and s.support]


def _curated(subject: str, finding: str, relation: FindingRelation) -> Assertion:
    """A finding a curator entered and accepted."""
    return Assertion(
        kind="finding", subject=subject, object=finding, relation=relation, origin="human", status="accepted"
    )


def add_findings(store: GraphStore) -> dict[str, str]:
    """Adds the concepts and assertions; returns their ids by a short name."""
    store.upsert_source(Source(sha256=DATASET_SHA, title="Derm7pt metadata", kind="dataset"))
    store.upsert_findings(FINDINGS)
    quote = evidence_sentence(STAT, "Melanoma", "Atypical pigment network", "derm7pt")
    stats, typical, possible, against = store.add_assertions(
        [
            Assertion(
                kind="finding",
                subject="melanoma",
                object="fnd-atypical-pigment-network",
                relation="typical",
                origin="stats",
                score=STAT.wilson_lower,
                evidence=[
                    Evidence(
                        kind="statistics",
                        source_sha256=DATASET_SHA,
                        quote=quote,
                        stats=evidence_stats(STAT, "derm7pt"),
                    )
                ],
            ),
            _curated("melanoma", "fnd-blue-white-veil", "typical"),
            _curated("melanoma", "fnd-regression-structures", "possible"),
            _curated("naevus", "fnd-atypical-pigment-network", "against"),
        ]
    )
    return {"stats": stats.id, "typical": typical.id, "possible": possible.id, "against": against.id}
