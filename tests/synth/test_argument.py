"""Which shown findings separate a pair (issue 12, the last Type 3 defect): a finding is a reason
for X over Y only where the curated graph records that Y differs on it. Found by reading the export
as a dermatologist: "a flat lesion is typical of lentigo" revised melanoma in situ to lentigo,
although melanoma in situ is flat too."""

from __future__ import annotations

import pytest

from kg.ids import assertion_id
from synth.argument import build_argument, discriminates
from tests.synth.test_clinical_review import _argue, _knowledge


def aid(dx: str, finding: str) -> str:
    return assertion_id("finding", dx, finding)


FLAT, NODULE = "fnd-flat", "fnd-nodule"
REG_DG, IRR_DG = "fnd-regular-dots-and-globules", "fnd-irregular-dots-and-globules"
NETWORK, ATYP = "fnd-pigment-network", "fnd-atypical-pigment-network"


@pytest.mark.parametrize(
    ("facts", "finding", "expected"),
    [
        # typical of both: says nothing about which
        ([("a", FLAT, "typical"), ("b", FLAT, "typical")], FLAT, None),
        # typical of one, simply not recorded for the other: the absence of knowledge is no difference
        ([("a", FLAT, "typical")], FLAT, None),
        # accepted as against the other diagnosis
        ([("a", FLAT, "typical"), ("b", FLAT, "against")], FLAT, aid("b", FLAT)),
        # against both: no reason for either
        ([("a", FLAT, "against"), ("b", FLAT, "against")], FLAT, None),
        # the other is typical of another value of the criterion (regular vs irregular dots/globules)
        ([("a", REG_DG, "typical"), ("b", IRR_DG, "typical")], REG_DG, aid("b", IRR_DG)),
        # elevation is a criterion too: flat vs nodular
        ([("a", FLAT, "typical"), ("b", NODULE, "typical")], FLAT, aid("b", NODULE)),
        # the other has both values: it is typical of this one too, so nothing separates
        ([("a", REG_DG, "typical"), ("b", REG_DG, "possible"), ("b", IRR_DG, "typical")], REG_DG, None),
        # body sites are no criterion: "typical of the chest" says nothing against the back
        ([("a", "fnd-back", "typical"), ("b", "fnd-chest", "typical")], "fnd-back", None),
        # against the whole criterion holds for every value of it (a keratosis has no pigment network)
        ([("a", ATYP, "typical"), ("b", NETWORK, "against")], ATYP, aid("b", NETWORK)),
        ([("a", ATYP, "typical"), ("a", NETWORK, "against"), ("b", NETWORK, "against")], ATYP, None),
        # a criterion-level finding has no other value to differ on
        ([("a", "fnd-streaks", "typical"), ("b", "fnd-irregular-streaks", "typical")], "fnd-streaks", None),
    ],
)
def test_discriminates(facts: list[tuple[str, str, str]], finding: str, expected: str | None) -> None:
    assert discriminates(_knowledge(*facts), "a", "b", finding) == expected


def test_only_assertions_in_the_provenance_count_when_listed() -> None:
    k = _knowledge(("a", REG_DG, "typical"), ("b", IRR_DG, "typical"))
    assert discriminates(k, "a", "b", REG_DG, listed={aid("a", REG_DG)}) is None
    assert discriminates(k, "a", "b", REG_DG, listed={aid("b", IRR_DG)}) == aid("b", IRR_DG)


LENTIGO_FACTS = [
    ("lentigo", FLAT, "typical"),
    ("mis", "fnd-atypical-pigment-network", "typical"),
    ("mis", "fnd-regression-structures", "typical"),
    ("clark", FLAT, "typical"),
    ("clark", REG_DG, "typical"),
    ("clark", "fnd-typical-pigment-network", "typical"),
    ("mis", IRR_DG, "typical"),
]
LENTIGO = _knowledge(*LENTIGO_FACTS)
TYPICAL_NETWORK = ["fnd-pigment-network", "fnd-typical-pigment-network", FLAT]
NO_MIS_SIGNS = ["fnd-atypical-pigment-network", "fnd-regression-structures"]


def test_a_finding_or_an_absence_the_pair_shares_separates_nothing() -> None:
    # before: "A flat lesion is typical of lentigo NOS. On reflection, the findings favour lentigo NOS
    # over melanoma in situ" — melanoma in situ is flat too, and lentigo is curated on nothing else
    for mode in ("switch", "keep"):
        arg, why = _argue(LENTIGO, mode, "lentigo", "mis", TYPICAL_NETWORK, NO_MIS_SIGNS)
        assert arg is None and why == "no accepted finding separates lentigo from melanoma in situ"
    # an atypical network curated as against lentigo: its *absence* is still no reason (most lesions
    # of melanoma in situ lack one criterion or another), and the flat lesion separates nothing
    against = _knowledge(*LENTIGO_FACTS, ("lentigo", "fnd-atypical-pigment-network", "against"))
    for mode in ("switch", "keep"):
        arg, why = _argue(against, mode, "lentigo", "mis", TYPICAL_NETWORK, NO_MIS_SIGNS)
        assert arg is None and why == "no accepted finding separates lentigo from melanoma in situ"
    # a shown finding the pair differs on does: a typical network, curated for lentigo, beside the
    # atypical one typical of melanoma in situ
    shown = _knowledge(*LENTIGO_FACTS, ("lentigo", "fnd-typical-pigment-network", "typical"))
    arg, why = _argue(shown, "keep", "lentigo", "mis", TYPICAL_NETWORK, NO_MIS_SIGNS)
    assert arg is not None, why
    assert [(c.finding, c.seen) for c in arg.claims] == [("fnd-typical-pigment-network", True)]


def test_a_differing_value_of_the_criterion_separates_and_the_shared_finding_is_no_reason() -> None:
    seen = [*TYPICAL_NETWORK, "fnd-dots-and-globules", REG_DG]
    unseen = [*NO_MIS_SIGNS, IRR_DG]
    # kept (a revision to clark would need a shown finding of melanoma in situ as first impression)
    arg, why = _argue(LENTIGO, "keep", "clark", "mis", seen, unseen)
    assert arg is not None, why
    reasons = {c.finding for c in arg.claims if c.diagnosis == "clark"}
    # typical network and regular dots/globules: melanoma in situ is curated on the other value of each
    assert reasons == {"fnd-typical-pigment-network", REG_DG}
    # absences are never reasons (low sensitivity), not even of the other value of a criterion
    assert all(c.seen for c in arg.claims)
    # the assertions that made them discriminating are listed (a withdrawal rebuilds this row)
    listed = {c.assertion_id for c in arg.claims + arg.described + arg.support} | set(arg.consulted)
    assert {aid("mis", IRR_DG), aid("mis", "fnd-atypical-pigment-network"), aid("clark", FLAT)} <= listed


def test_the_differing_value_is_consulted_even_when_the_lesion_was_not_assessed_for_it() -> None:
    # a free-text observation ("regular dots and globules") assesses no other value of the criterion
    k = _knowledge(("clark", REG_DG, "typical"), ("mel", IRR_DG, "typical"), ("mel", FLAT, "against"))
    arg, why = build_argument(
        k,
        mode="keep",
        wording="ddx",
        favoured="clark",
        other="mel",
        names={"clark": "clark nevus", "mel": "melanoma"},
        observed=[REG_DG, FLAT],
        not_observed=[],
    )
    assert arg is not None, why
    # the differing value is listed: stated as melanoma's defining feature, or consulted
    listed = {c.assertion_id for c in arg.described} | set(arg.consulted)
    assert REG_DG in {c.finding for c in arg.claims} and aid("mel", IRR_DG) in listed


def test_a_shown_finding_of_the_other_diagnosis_weighs_even_where_it_is_not_said() -> None:
    # before: "melanoma in situ -> dysplastic nevus" on the typical network alone, the lesion showing
    # regression structures (blue areas), curated for melanoma in situ at criterion level
    seen = [*TYPICAL_NETWORK, "fnd-regression-structures", "fnd-blue-areas-regression-structures"]
    arg, why = _argue(LENTIGO, "switch", "clark", "mis", seen, ["fnd-atypical-pigment-network"])
    assert arg is None and why == "this lesion shows as many accepted findings of the other diagnosis"
    # where the other diagnosis is curated on the criterion's values, the criterion says no more:
    # irregular streaks are no doubt for a Spitz naevus curated with regular ones
    k = _knowledge(
        ("mel", IRR_DG, "typical"),
        ("mel", "fnd-irregular-streaks", "typical"),
        ("spitz", "fnd-streaks", "typical"),
        ("spitz", "fnd-regular-streaks", "typical"),
        ("spitz", REG_DG, "typical"),
    )
    seen = ["fnd-streaks", "fnd-irregular-streaks", "fnd-dots-and-globules", IRR_DG]
    arg, why = _argue(k, "keep", "mel", "spitz", seen, ["fnd-regular-streaks", REG_DG])
    assert arg is not None, why
