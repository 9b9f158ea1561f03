"""Red flags a direct diagnosis cannot address (a dermatologist's review of the Type 1 export): a
"Clark nevus" showing irregular streaks, accepted as typical of melanoma, was written as "a flat
lesion is typical of Clark nevus", teaching a model to ignore the melanoma criterion."""

from __future__ import annotations

from kg.ids import assertion_id
from synth.argument import GRAVITY, counter_evidence, explaining
from synth.snapshot import SynthGraph
from synth.trajectories import COUNTER_EVIDENCE, PlanLog, _plan
from synth.types import CaseRef
from tests.synth.test_clinical_review import _knowledge

CLARK, MEL = "dysplastic-nevus", "melanoma-invasive"
IRR_ST, FLAT, TYP_NET = "fnd-irregular-streaks", "fnd-flat", "fnd-typical-pigment-network"
GRAVE = {"nevus": 0, "mel": GRAVITY["malignant"], "bn": 0, "mis": GRAVITY["premalignant"]}


def test_a_finding_typical_of_a_graver_diagnosis_is_counter_evidence() -> None:
    k = _knowledge(("nevus", FLAT, "typical"), ("mel", IRR_ST, "typical"), ("bn", FLAT, "typical"))
    flag = [(IRR_ST, "mel", assertion_id("finding", "mel", IRR_ST))]
    assert counter_evidence(k, "nevus", [FLAT, IRR_ST], GRAVE) == flag
    assert counter_evidence(k, "nevus", [FLAT], GRAVE) == []  # only naevus findings
    # a benign finding on a melanoma is no red flag (nothing is missed by not discussing it)
    assert counter_evidence(_knowledge(("bn", IRR_ST, "typical")), "mel", [IRR_ST], GRAVE) == []
    # explained by an accepted possible finding of its own: no flag, and the explaining assertion
    # decided the row, so it is listed; the validator counts it only when the provenance lists it
    k2 = _knowledge(("nevus", IRR_ST, "possible"), ("mel", IRR_ST, "typical"))
    own = assertion_id("finding", "nevus", IRR_ST)
    assert counter_evidence(k2, "nevus", [IRR_ST], GRAVE) == []
    assert explaining(k2, "nevus", [IRR_ST], GRAVE) == [own]
    assert counter_evidence(k2, "nevus", [IRR_ST], GRAVE, listed=set()) != []
    # a premalignant label is flagged by no malignant finding (in situ and invasive criteria overlap),
    # but a benign one is flagged by a premalignant diagnosis's finding
    assert counter_evidence(k, "mis", [IRR_ST], GRAVE) == []
    assert counter_evidence(_knowledge(("mis", IRR_ST, "typical")), "nevus", [IRR_ST], GRAVE) != []
    # an unknown lesion condition decides nothing
    assert counter_evidence(k, "nevus", [IRR_ST], {}) == []


def _case(observed: list[str]) -> CaseRef:
    return CaseRef(
        id="c-clark",
        diagnosis=CLARK,
        image_sha256="0" * 64,
        image_path="x.jpg",
        rationale="r",
        observed=observed,
    )


def test_a_clark_nevus_with_irregular_streaks_is_dropped_with_the_missing_knowledge(
    curated_graph: SynthGraph,
) -> None:
    assert curated_graph.knowledge.relation(MEL, IRR_ST)[0] == "typical"
    log = PlanLog()
    assert _plan(curated_graph, "type1", 0, _case([FLAT, TYP_NET, IRR_ST]), log=log) is None
    assert log.dropped == {COUNTER_EVIDENCE: 1}
    (reason,) = log.unseparated
    assert (
        reason.startswith(COUNTER_EVIDENCE) and "irregular streaks" in reason and "melanoma" in reason.lower()
    )
    # with only naevus findings the row is written, from the naevus's own accepted findings
    kept = _plan(curated_graph, "type1", 0, _case([FLAT, TYP_NET]), log=log)
    assert kept is not None and {c.finding for c in kept.support} == {FLAT, TYP_NET}
    assert log.dropped == {COUNTER_EVIDENCE: 1}
