"""Finding concepts and finding assertions added to the studio fixture graph: one statistics
proposal written exactly as ``kg propose-findings`` writes it (sentence and structured stats), one
accepted curator finding each for typical / possible / against."""

from __future__ import annotations

from kg.finding_stats import FindingStat, evidence_sentence, evidence_stats
from kg.models import Assertion, Evidence, Finding, Source
from kg.store import GraphStore

DATASET_SHA = "d" * 64
FINDINGS = [
    Finding(name="Atypical pigment network", type="dermoscopy", synonyms=["Irregular pigment network"]),
    Finding(name="Typical pigment network", type="dermoscopy"),
    Finding(name="Blue-white veil", type="dermoscopy"),
    Finding(name="Regression structures", type="dermoscopy"),
]
# melanoma vs the rest: 30 of 60 melanomas show an atypical network, 40 of 400 other lesions do
STAT = FindingStat(
    diagnosis="melanoma",
    finding="fnd-atypical-pigment-network",
    support=30,
    cases=60,
    others_support=40,
    others=400,
    rate=0.5,
    others_rate=0.1,
    wilson_lower=0.377,
    wilson_upper=0.623,
    p_enriched=3.2e-12,
    p_depleted=1.0,
    relation="typical",
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
                score=0.377,
                evidence=[
                    Evidence(
                        kind="statistics",
                        source_sha256=DATASET_SHA,
                        quote=quote,
                        stats=evidence_stats(STAT, "derm7pt"),
                    )
                ],
            ),
            Assertion(
                kind="finding",
                subject="melanoma",
                object="fnd-blue-white-veil",
                relation="typical",
                origin="human",
                status="accepted",
            ),
            Assertion(
                kind="finding",
                subject="melanoma",
                object="fnd-regression-structures",
                relation="possible",
                origin="human",
                status="accepted",
            ),
            Assertion(
                kind="finding",
                subject="naevus",
                object="fnd-atypical-pigment-network",
                relation="against",
                origin="human",
                status="accepted",
            ),
        ]
    )
    return {"stats": stats.id, "typical": typical.id, "possible": possible.id, "against": against.id}
