"""Regressions from reading the README pipeline's rows as a dermatologist would (issue 12): each
test is one class of problem found in the real export, checked on the generator, not on one row."""

from __future__ import annotations

import re

from kg.findings import seed_concepts
from kg.ids import assertion_id
from kg.models import Assertion, Case, Diagnosis, Finding
from synth.argument import build_argument, support
from synth.knowledge import FindingInfo, FindingKnowledge
from synth.snapshot import SynthGraph, _taxonomy_sentence
from synth.trajectories import PlanLog, plan_trajectories
from synth.types import Claim
from synth.wording import claim_sentence, clinical_name
from tests.synth.conftest import accepted_finding

NAMES = {"mis": "melanoma in situ", "sk": "seborrheic keratosis", "cn": "combined nevus", "mel": "melanoma"}
NAMES |= {"bn": "blue nevus", "spitz": "Spitz nevus", "clark": "clark nevus", "nevus": "melanocytic nevus"}
NAMES |= {"lentigo": "lentigo"}


def _knowledge(*facts: tuple[str, str, str]) -> FindingKnowledge:
    infos = [FindingInfo(c.id, c.name, c.type, tuple(c.synonyms)) for c in seed_concepts()]
    return FindingKnowledge.build(infos, [(assertion_id("finding", d, f), d, f, r) for d, f, r in facts])


MIS_FACTS = [
    ("mis", "fnd-atypical-pigment-network", "typical"),
    ("mis", "fnd-irregular-streaks", "typical"),
    ("mis", "fnd-regression-structures", "typical"),
    ("cn", "fnd-blue-whitish-veil", "typical"),
]
MIS = _knowledge(*MIS_FACTS)


def _argue(k: FindingKnowledge, mode: str, favoured: str, other: str, seen: list[str], unseen: list[str]):
    return build_argument(
        k,
        mode=mode,  # type: ignore[arg-type]
        wording="ddx",
        favoured=favoured,
        other=other,
        names=NAMES,
        observed=seen,
        not_observed=unseen,
    )


def test_a_revision_is_never_made_from_absent_findings_alone() -> None:
    # before: "This lesion shows an atypical pigment network … Irregular streaks, typical of melanoma
    # in situ, are not seen … On reflection, the findings favour seborrheic keratosis"
    arg, why = _argue(
        MIS,
        "switch",
        "sk",
        "mis",
        ["fnd-atypical-pigment-network", "fnd-pigment-network"],
        ["fnd-irregular-streaks", "fnd-streaks", "fnd-regression-structures"],
    )
    assert arg is None and why == "no accepted finding separates seborrheic keratosis from melanoma in situ"
    # with the absences curated as discriminating (against a keratosis) it is still no revision
    sk = _knowledge(*MIS_FACTS, ("sk", "fnd-irregular-streaks", "against"))
    unseen = ["fnd-irregular-streaks", "fnd-streaks", "fnd-regression-structures"]
    arg, why = _argue(sk, "switch", "sk", "mis", ["fnd-palpable"], unseen)
    assert arg is None and why == "no accepted finding separates seborrheic keratosis from melanoma in situ"
    # before: "Blue-whitish veil, typical of combined nevus, is not seen … the findings favour melanoma"
    # (a veil is a melanoma structure too: its absence speaks for neither)
    arg, why = _argue(MIS, "switch", "mel", "cn", ["fnd-regression-structures"], ["fnd-blue-whitish-veil"])
    assert arg is None and "separates melanoma from combined nevus" in (why or "")
    # before: "This lesion shows irregular streaks … a blue-whitish veil … A blue-whitish veil argues
    # against Clark nevus … the findings favour seborrheic keratosis": against a naevus is not for SK
    veil = _knowledge(("clark", "fnd-blue-whitish-veil", "against"))
    arg, why = _argue(veil, "switch", "sk", "clark", ["fnd-blue-whitish-veil"], [])
    assert arg is None and "speaks for seborrheic keratosis over clark nevus" in (why or "")
    # kept, it still concludes the keratosis only by excluding the naevus: no finding of a keratosis
    # is shown, so no row (issue 12 review, item 7)
    arg, why = _argue(veil, "keep", "sk", "clark", ["fnd-blue-whitish-veil"], [])
    assert arg is None and why == "no accepted finding of seborrheic keratosis shown"
    # an absent hallmark of the alternative is no exclusion either, even where the graph says the
    # labelled diagnosis differs on it (low sensitivity: most melanomas lack a veil)
    veil_cn = _knowledge(*MIS_FACTS, ("clark", "fnd-blue-whitish-veil", "against"))
    arg, why = _argue(
        veil_cn, "keep", "clark", "cn", ["fnd-regression-structures"], ["fnd-blue-whitish-veil"]
    )
    assert arg is None and "separates" in (why or "")


def test_a_shown_finding_of_the_other_diagnosis_is_not_outweighed_by_absences() -> None:
    # the lesion shows an atypical network (typical of melanoma in situ); two missing melanoma
    # features do not make it a seborrheic keratosis, even when the label says so
    # (the absences curated as discriminating: against a keratosis)
    sk = _knowledge(*MIS_FACTS, ("sk", "fnd-irregular-streaks", "against"))
    arg, why = _argue(
        sk,
        "keep",
        "sk",
        "mis",
        ["fnd-atypical-pigment-network"],
        ["fnd-irregular-streaks", "fnd-regression-structures"],
    )
    assert arg is None and why == "no accepted finding separates seborrheic keratosis from melanoma in situ"
    # with more shown findings for the favoured diagnosis than for the other, the pair is written
    k = _knowledge(
        ("sk", "fnd-milia-like-cysts", "typical"),
        ("mis", "fnd-atypical-pigment-network", "typical"),
        ("mis", "fnd-milia-like-cysts", "against"),
        ("mis", "fnd-comma-vessels", "against"),
    )
    arg, _ = _argue(
        k,
        "keep",
        "sk",
        "mis",
        ["fnd-atypical-pigment-network", "fnd-milia-like-cysts", "fnd-comma-vessels"],
        [],
    )
    assert arg is not None and {c.finding for c in arg.claims if c.seen} == {
        "fnd-milia-like-cysts",
        "fnd-comma-vessels",
    }
    # the same lesion showing one finding against the other diagnosis only is as many as its doubt
    arg, why = _argue(k, "keep", "sk", "mis", ["fnd-atypical-pigment-network", "fnd-comma-vessels"], [])
    assert arg is None


def test_a_criterion_level_claim_is_not_tied_to_another_value() -> None:
    # before: a lesion with comma vessels read "Vascular structures are typical of invasive melanoma"
    k = _knowledge(
        ("mis", "fnd-vascular-structures", "typical"),
        ("cn", "fnd-vascular-structures", "against"),
        ("mis", "fnd-irregular-streaks", "typical"),
    )
    assert support(k, "mis", ["fnd-vascular-structures", "fnd-comma-vessels"]) == []
    assert [c.finding for c in support(k, "mis", ["fnd-vascular-structures"])] == ["fnd-vascular-structures"]
    # "against" at criterion level holds for every value, so it is still said
    seen = ["fnd-vascular-structures", "fnd-comma-vessels", "fnd-irregular-streaks"]
    arg, _ = _argue(k, "keep", "mis", "cn", seen, [])
    assert arg is not None and [(c.finding, c.relation) for c in arg.claims] == [
        ("fnd-vascular-structures", "against")
    ]


def _claim(d: str, f: str, rel: str = "typical", seen: bool = True) -> Claim:
    return Claim(assertion_id="a-0000000000000000", diagnosis=d, finding=f, relation=rel, seen=seen)  # type: ignore[arg-type]


def test_claim_sentences_read_as_a_clinician_says_them() -> None:
    k, names = MIS, {d: clinical_name(n) for d, n in NAMES.items()}
    cases = [
        # "typical … typical of" said once
        (
            _claim("clark", "fnd-typical-pigment-network"),
            "A typical pigment network is characteristic of Clark nevus.",
        ),
        (
            _claim("clark", "fnd-typical-pigment-network", seen=False),
            "A typical pigment network, characteristic of Clark nevus, is not seen in this lesion.",
        ),
        # count nouns take their article ("Blotch is typical" before)
        (_claim("bn", "fnd-blotch"), "A blotch is typical of blue nevus."),
        (
            _claim("mis", "fnd-atypical-pigment-network"),
            "An atypical pigment network is typical of melanoma in situ.",
        ),
        (
            _claim("cn", "fnd-blue-whitish-veil", "against"),
            "A blue-whitish veil argues against combined nevus.",
        ),
        # plural and mass nouns take none
        (_claim("spitz", "fnd-irregular-streaks", "against"), "Irregular streaks argue against Spitz nevus."),
        (
            _claim("mis", "fnd-diffuse-irregular-pigmentation"),
            "Diffuse irregular pigmentation is typical of melanoma in situ.",
        ),
    ]
    for claim, expected in cases:
        assert claim_sentence(k, claim, names) == expected


def test_names_and_vocabulary_labels_read_as_running_text() -> None:
    assert [
        clinical_name(n) for n in ["clark nevus", "Melanoma Invasive", "BCC", "Stevens-Johnson syndrome"]
    ] == [
        "Clark nevus",  # eponym capitalised
        "melanoma invasive",  # a label's capitals lowered mid-sentence
        "BCC",  # acronym kept
        "Stevens-Johnson syndrome",
    ]
    # before: "… is a subtype of melanoma, within malignant melanocytic proliferations, and is
    # generally classified as …": filing categories are not named, the condition is said plainly
    assert _taxonomy_sentence(
        ["melanoma in situ", "melanoma", "Malignant melanocytic proliferations (Melanoma)", "Malignant"],
        "premalignant",
        None,
    ) == (
        "Melanoma in situ is a subtype of melanoma. Melanoma in situ is confined to the epidermis "
        "(lesion condition: precancerous in situ)."
    )
    assert (
        _taxonomy_sentence(["melanoma", "Malignant melanocytic proliferations (Melanoma)"], "malignant", None)
        == "Melanoma is malignant."
    )
    # "a subtype of benign soft tissue proliferations (fibro-histiocytic)": a filing category
    assert _taxonomy_sentence(
        ["dermatofibroma", "Benign soft tissue proliferations - Fibro-histiocytic", "Benign"], "benign", None
    ) == ("Dermatofibroma is benign.")
    assert _taxonomy_sentence(
        ["Lentigo", "Flat melanotic pigmentations (not melanocytic nevus)", "Benign"], "benign", None
    ) == ("Lentigo is benign.")
    # a metastasis is no subtype of its tumour; a generic count noun takes its article
    assert _taxonomy_sentence(["melanoma metastasis", "melanoma"], "malignant", None) == (
        "Melanoma metastasis is malignant."
    )
    assert _taxonomy_sentence(["Vascular lesion", "Benign"], "benign", None) == "A vascular lesion is benign."
    assert _taxonomy_sentence(["Lichen planus"], None, None) == ""


def _shared_partner_graph() -> SynthGraph:
    """Five nevus subtypes whose DDx neighbour (via their parent) is melanoma, which has one image."""
    nevi = ["clark", "spitz", "cn", "bn"]
    dx = [Diagnosis(id=d, name=NAMES[d], malignancy="benign") for d in [*nevi, "nevus"]]
    dx.append(Diagnosis(id="mel", name="melanoma", malignancy="malignant"))
    isa = [
        Assertion(
            id=assertion_id("is_a", d, "nevus"),
            kind="is_a",
            subject=d,
            object="nevus",
            origin="human",
            status="accepted",
        )
        for d in nevi
    ]
    ddx = [
        Assertion(
            id=assertion_id("ddx", "mel", "nevus"),
            kind="ddx",
            subject="mel",
            object="nevus",
            origin="human",
            status="accepted",
        )
    ]
    k = [("mel", "fnd-atypical-pigment-network", "typical"), ("mel", "fnd-blue-whitish-veil", "typical")]
    k += [(d, "fnd-blue-whitish-veil", "against") for d in nevi]
    # the first impression (a naevus) rests on a finding the melanoma image shows
    k += [(d, "fnd-regular-dots-and-globules", "typical") for d in nevi]
    finding = [accepted_finding(d, f, r) for d, f, r in k]
    row = {"pigment_network": "atypical", "blue_whitish_veil": "present", "streaks": "absent"}
    row |= {"dots_and_globules": "regular"}
    cases = [
        Case(
            id=f"c-{d}-{n}",
            diagnosis=d,
            image_sha256=f"{d}{n}".ljust(64, "0"),
            image_path=f"{d}{n}.jpg",
            rationale="Dermoscopy (7-point checklist).",
            meta=row,
            source="gen",
        )
        for d in nevi
        for n in range(3)
    ]
    cases.append(
        Case(
            id="c-mel",
            diagnosis="mel",
            image_sha256="f" * 64,
            image_path="mel.jpg",
            rationale="Dermoscopy (7-point checklist).",
            meta=row,
            source="gen",
        )
    )
    concepts = [
        Finding(id=c.id, name=c.name, synonyms=list(c.synonyms), type=c.type) for c in seed_concepts()
    ]
    return SynthGraph.from_parts(
        revision=1, diagnoses=dx, assertions=isa + ddx + finding, cases=cases, findings=concepts
    )


def test_type3_rows_never_repeat_an_image_and_target() -> None:
    # before: 12 cases paired with the one melanoma image gave 12 identical Type 3 rows
    log = PlanLog()
    plans = list(
        plan_trajectories(
            _shared_partner_graph(), ["type3"], seed=0, comparator_identity="grounded:x", log=log
        )
    )
    keys = [(p.image_sha256, p.primary.diagnosis, p.final_diagnosis) for p in plans]
    assert plans and len(keys) == len(set(keys))
    assert {p.primary.diagnosis for p in plans} == {
        "clark",
        "spitz",
        "cn",
        "bn",
    }  # a different first diagnosis is a different argument
    # 12 nevus cases, 3 per subtype, all paired with the one melanoma image: 2 repeats per subtype
    assert len(plans) == 4 and log.duplicates == 8
    assert log.dropped["duplicate of another row (same image and target)"] == log.duplicates
    # every sentence naming a diagnosis says it in running-text form
    assert all(
        re.search(r"\bclark nevus\b", p.argument.favoured_name + p.argument.other_name) is None for p in plans
    )


def test_absences_agree_and_never_contradict_the_diagnosis() -> None:
    from synth.wording import observation_sentences

    k = _knowledge(("cn", "fnd-blue-whitish-veil", "typical"))
    unseen = ["fnd-pigment-network", "fnd-blue-whitish-veil", "fnd-vascular-structures"]
    # "no A or B": the verb agrees with the nearest noun
    assert observation_sentences(k, [], unseen[:2]) == ["No pigment network or blue-whitish veil is seen."]
    # beside a vascular lesion its own category is not said to be absent, nor is a finding accepted
    # as typical of the row's diagnosis (absence is no evidence; said, it reads as a contradiction)
    assert observation_sentences(k, [], unseen, of=("vl", "vascular lesion")) == [
        "No pigment network or blue-whitish veil is seen."
    ]
    assert observation_sentences(k, [], unseen, of=("cn", "combined nevus")) == [
        "No pigment network or vascular structures are seen."
    ]


def test_the_prompt_offers_the_class_set_the_targets_answer_with() -> None:
    from synth.prompts import TYPE1_PROMPT, TYPE23_PROMPT
    from train.answers import LESION_CONDITIONS, parse_condition

    for prompt in (TYPE1_PROMPT, TYPE23_PROMPT):
        assert "benign or malignant)" not in prompt
        assert all(c in prompt for c in LESION_CONDITIONS)
    # the reward's parser reads each class sentence as the class it states
    for value, condition in [("premalignant", "precancerous in situ"), ("malignant", "malignant")]:
        tax = _taxonomy_sentence(["Melanoma in situ", "melanoma"], value, None)
        assert parse_condition(f"<diagnosis>Melanoma in situ. {tax}</diagnosis>") == condition
    tax = _taxonomy_sentence(["Vascular lesion"], "benign", None)
    assert parse_condition(f"<diagnosis>Vascular lesion. {tax}</diagnosis>") == "benign"


def test_thinking_that_does_not_determine_the_diagnosis_is_dropped() -> None:
    from synth.trajectories import distinct_thinking

    graph = _shared_partner_graph()
    (plan,) = plan_trajectories(graph, ["type1"], seed=0)
    twin = plan.model_copy(update={"id": "twin"})  # another image, word for word the same thinking
    log = PlanLog()
    assert distinct_thinking(graph.knowledge, [plan, twin], log) == [plan]
    assert log.dropped == {"thinking identical to another row of the same diagnosis": 1}
    # --repeats keep: many images recorded with one checklist all stay
    assert distinct_thinking(graph.knowledge, [plan, twin], PlanLog(), repeats="keep") == [plan, twin]
    # the same thinking ending in another diagnosis: the thinking does not determine the answer
    support = [c.model_copy(update={"diagnosis": "nevus"}) for c in plan.support]
    other = plan.model_copy(update={"id": "other", "final_diagnosis": "nevus", "support": support})
    log = PlanLog()
    assert distinct_thinking(graph.knowledge, [plan, twin, other], log) == []
    assert log.dropped == {"thinking identical to a row with another diagnosis": 3}


def test_the_alternative_is_described_by_its_accepted_typical_findings() -> None:
    from synth.argument import defining
    from synth.wording import defining_sentence

    k = _knowledge(
        ("clark", "fnd-regular-dots-and-globules", "typical"),
        ("clark", "fnd-typical-pigment-network", "typical"),
        ("clark", "fnd-flat", "typical"),
        ("clark", "fnd-blue-whitish-veil", "against"),  # never a defining feature
        ("sk", "fnd-milia-like-cysts", "typical"),
        ("lentigo", "fnd-flat", "typical"),
        ("lentigo", "fnd-back", "typical"),
    )
    names = {d: clinical_name(n) for d, n in NAMES.items()}
    said = [defining_sentence(k, defining(k, d), names) for d in ("clark", "sk", "lentigo")]
    assert said == [
        "Clark nevus typically shows regular dots and globules and a typical pigment network, and is flat.",
        "Seborrheic keratosis typically shows milia-like cysts.",
        "Lentigo is typically flat, and occurs on the back.",
    ]
