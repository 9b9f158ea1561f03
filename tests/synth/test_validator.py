"""The validator, adversarially: the failures of the old comparator must each be caught (issue 12).

Rows come from the real curated graph (Derm7pt cases, curated DDx edges, the statistics proposals a
dermatologist accepted); each test then corrupts one sentence the way the old offline comparator
or a careless LLM did.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from kg.ids import assertion_id
from synth.comparators.grounded import GroundedComparator
from synth.knowledge import FindingKnowledge
from synth.snapshot import SynthGraph
from synth.steps import Draft, FormatStep, ReasonStep, run_steps
from synth.trajectories import plan_trajectories
from synth.types import TrajectoryRow
from synth.validation_io import validation_context
from synth.validator import ValidationContext, validate_row, validate_rows

TYPES = ["type1", "type2", "type3", "control2", "control3"]


@pytest.fixture(scope="module")
def rows(curated_graph: SynthGraph) -> list[TrajectoryRow]:
    comparator, k = GroundedComparator(), curated_graph.knowledge
    plans = plan_trajectories(
        curated_graph, TYPES, seed=5, comparator_identity="grounded:x", fallback="contrast"
    )
    steps = [ReasonStep(comparator, k), FormatStep(comparator, curated_graph.revision, k)]
    return [d.row for d in run_steps((Draft(plan=p) for p in plans), steps)]  # type: ignore[misc]


@pytest.fixture(scope="module")
def ctx(curated_graph: SynthGraph) -> ValidationContext:
    return validation_context(curated_graph)


def _pick(rows: list[TrajectoryRow], **where: object) -> TrajectoryRow:
    for r in rows:
        if all(getattr(r, k) == v or getattr(r.provenance, k, None) == v for k, v in where.items()):
            return r
    raise AssertionError(f"no row with {where}")


def _with(row: TrajectoryRow, old: str, new: str) -> TrajectoryRow:
    assert old in row.completion, row.completion
    return row.model_copy(update={"completion": row.completion.replace(old, new, 1)})


def _kinds(reasons: list[str]) -> set[str]:
    return {r.split(":", 1)[0] for r in reasons}


def test_every_generated_row_passes_and_every_claim_is_in_its_provenance(
    rows: list[TrajectoryRow], ctx: ValidationContext, curated_graph: SynthGraph
) -> None:
    ok, bad, report = validate_rows(rows, ctx)
    assert (
        bad == [] and report.passed == len(rows) > 100
    )  # 120 since red-flag Type 1 lesions are dropped (was 160+)
    assert sum(r.type != "type1" for r in rows) >= 40  # comparisons, not only Type 1
    accepted = {aid for _, aid in curated_graph.knowledge.relations.values()}
    for row in rows:
        listed = set(row.provenance.assertion_ids)
        stated = [a for a in listed if a in accepted]
        # each "… typical of / argues against D" sentence is one accepted finding listed in provenance
        claims = row.completion.count(" typical of ") + row.completion.count(" against ")
        claims += row.completion.count(" can be seen in ")
        assert claims <= len(stated) + row.completion.count("argue against"), row.completion


def test_inverted_polarity_is_caught(rows: list[TrajectoryRow], ctx: ValidationContext) -> None:
    row = _pick(
        rows, type="type2", primary_diagnosis="melanoma-invasive", partner_diagnosis="dysplastic-nevus"
    )
    # the old comparator: "typical pigment network … expected in invasive melanoma"
    bad = _with(row, "Therefore,", "Typical pigment network is typical of Melanoma Invasive. Therefore,")
    assert "contradicted claim" in _kinds(validate_row(bad, ctx)) or "unsupported claim" in _kinds(
        validate_row(bad, ctx)
    )
    # "atypical pigment network … expected in seborrheic keratosis": nothing accepted says so
    sk = _pick(rows, type="type2", primary_diagnosis="melanosis")
    bad = _with(sk, "Therefore,", "Atypical pigment network is expected in melanosis. Therefore,")
    assert "unsupported claim" in _kinds(validate_row(bad, ctx))
    # an accepted "against" said as "typical"
    bad = _with(
        row,
        "A blue-whitish veil argues against dysplastic nevus.",
        "A blue-whitish veil is typical of dysplastic nevus.",
    )
    assert "contradicted claim" in _kinds(validate_row(bad, ctx))


def test_an_observation_the_image_does_not_have_is_caught(
    rows: list[TrajectoryRow], ctx: ValidationContext
) -> None:
    row = _pick(rows, type="type1", diagnosis="basal-cell-carcinoma")
    assert "fnd-pigment-network" in row.not_observed
    # the Derm7pt value was "absent": saying the lesion shows it inverts the observation
    bad = _with(row, "This lesion shows ", "This lesion shows a pigment network, ")
    assert any(r.startswith("observation inverted polarity") for r in validate_row(bad, ctx))
    # checklist text (the handbook's ABCDE list) read as an observation of this image
    bad = _with(row, "</thinking>", " The lesion shows bleeding and asymmetry.</thinking>")
    assert any(r.startswith("observation not recorded") for r in validate_row(bad, ctx))


def test_absent_means_not_observed_never_the_opposite_finding(
    rows: list[TrajectoryRow], ctx: ValidationContext
) -> None:
    row = _pick(rows, type="type1", diagnosis="basal-cell-carcinoma")
    # "pigmentation: absent" is no blotch, not "a non-pigmented lesion" / "hypopigmented"
    bad = _with(row, "</thinking>", " This lesion is hypopigmented.</thinking>")
    assert any(r.startswith("observation not recorded") for r in validate_row(bad, ctx))
    assert "hypopigment" not in " ".join(r.completion for r in rows).lower()


def test_random_partners_are_never_called_differentials(
    rows: list[TrajectoryRow], ctx: ValidationContext
) -> None:
    contrast = [r for r in rows if r.provenance.partner_source in ("random_fallback", "random_control")]
    assert contrast and all("differential" not in r.completion.lower() for r in contrast)
    row = contrast[0]
    bad = _with(row, "For contrast, consider", "Considering the differential diagnosis, namely")
    assert "ddx wording for a non-neighbour" in _kinds(validate_row(bad, ctx))


def test_bookkeeping_and_vocabulary_are_rejected(rows: list[TrajectoryRow], ctx: ValidationContext) -> None:
    row = _pick(rows, type="type1", diagnosis="basal-cell-carcinoma")
    for text in (" (source: isic)", " It has no recorded taxonomy or malignancy in the curated graph."):
        assert "bookkeeping text" in _kinds(
            validate_row(_with(row, ".</diagnosis>", f".{text}</diagnosis>"), ctx)
        )
    bad = _with(row, "is malignant", "is premalignant")
    assert "vocabulary" in _kinds(validate_row(bad, ctx))
    # one lesion condition per diagnosis (the in-situ sentence the review found contradicted itself)
    assert validate_row(row, ctx) == []
    bad = _with(
        row, "is malignant.", "is a subtype of malignant tumours, and is classified as precancerous in situ."
    )
    assert "condition" in _kinds(validate_row(bad, ctx))


def test_a_claim_whose_assertion_is_not_in_the_provenance_fails(
    rows: list[TrajectoryRow], ctx: ValidationContext
) -> None:
    row = next(r for r in rows if r.type == "type2" and " typical of " in (r.reasoning or ""))
    stripped = row.provenance.model_copy(update={"assertion_ids": row.provenance.assertion_ids[:1]})
    assert "claim not in provenance" in _kinds(
        validate_row(row.model_copy(update={"provenance": stripped}), ctx)
    )


def test_reasoning_without_any_accepted_claim_fails(
    rows: list[TrajectoryRow], ctx: ValidationContext
) -> None:
    row = next(r for r in rows if r.type == "type2" and r.reasoning)
    bad = row.model_copy(update={"reasoning": "lesion condition benign Option A B C."})
    assert "no claim" in _kinds(validate_row(bad, ctx))


def test_validator_speed(rows: list[TrajectoryRow], ctx: ValidationContext) -> None:
    import time

    many = (rows * (5000 // len(rows) + 1))[:5000]
    cpu = time.process_time()  # CPU time: the 2 shared cores make wall-clock rates swing 3x
    _, _, report = validate_rows(many, ctx)
    assert report.rows == 5000 and 5000 / (time.process_time() - cpu) > 5000


def test_the_validator_rejects_a_reason_the_pair_shares(
    rows: list[TrajectoryRow], ctx: ValidationContext
) -> None:
    # the sentence the generator added before (every rule passed it): flatness is curated as
    # typical of dysplastic nevus and not recorded for melanoma, which can be flat too
    row = next(r for r in rows if r.type == "type3" and r.primary_diagnosis == "melanoma-invasive")
    flat = "A flat lesion is typical of dysplastic nevus."
    listed = [*row.provenance.assertion_ids, assertion_id("finding", "dysplastic-nevus", "fnd-flat")]
    bad = row.model_copy(
        update={
            "reasoning": f"{row.reasoning} {flat}",
            "completion": row.completion.replace("On reflection", f"{flat} On reflection"),
            "observed": [*row.observed, "fnd-flat"],
            "provenance": row.provenance.model_copy(update={"assertion_ids": listed}),
        }
    )
    assert validate_row(row, ctx) == []
    reasons = validate_row(bad, ctx)
    assert reasons == [
        "non-discriminating reason: flat lesion is given for dysplastic nevus over Melanoma Invasive, but no "
        "accepted assertion in the provenance says Melanoma Invasive differs on it"
    ], reasons


def test_the_review_rules_are_enforced_on_any_wording(
    rows: list[TrajectoryRow], ctx: ValidationContext
) -> None:
    """Issue 12 review: a target that lists findings only, a label the knowledge contradicts, a
    revision from an impression the image does not support and an absence given as a reason are
    rejected whoever wrote them (the template or an LLM)."""
    against_of = {d: f for (d, f), (rel, _) in ctx.knowledge.relations.items() if rel == "against"}
    t1 = next(r for r in rows if r.type == "type1" and r.diagnosis in against_of)
    thinking, rest = t1.completion.split("</thinking>")
    listing = [
        s for s in thinking.split(". ") if not re.search(r"typical of|characteristic of|can be seen in", s)
    ]
    assert len(listing) < len(thinking.split(". "))  # the row ties a finding to its diagnosis
    bare = t1.model_copy(update={"completion": ". ".join(listing).rstrip(".") + ".</thinking>" + rest})
    assert "no reasoning" in _kinds(validate_row(bare, ctx))
    shown = t1.model_copy(update={"observed": [*t1.observed, against_of[t1.diagnosis]]})
    assert "label contradicted by knowledge" in _kinds(validate_row(shown, ctx))
    t3 = next(r for r in rows if r.type == "type3")
    assert validate_row(t3, ctx) == []
    first = ctx.names[t3.primary_diagnosis]
    # every sentence tying a shown finding to the first diagnosis removed
    tying = re.compile(rf"(?:typical of|characteristic of|can be seen in) {re.escape(first)}", re.I)
    kept = [s for s in t3.completion.split(". ") if not tying.search(s)]
    assert "first impression unsupported" in _kinds(
        validate_row(t3.model_copy(update={"completion": ". ".join(kept)}), ctx)
    )
    absent = t3.not_observed[0] if t3.not_observed else None
    if absent is not None:  # an absence said as evidence against the first diagnosis
        name = ctx.knowledge.findings[absent].name
        said = f"{name[:1].upper() + name[1:]}, typical of {first}, is not seen in this lesion. Therefore,"
        assert "absence as reason" in _kinds(validate_row(_with(t3, "Therefore,", said), ctx))


def test_type3_rows_are_named_after_the_case_whose_image_they_show(rows: list[TrajectoryRow]) -> None:
    revised = [r for r in rows if r.type in ("type3", "control3")]
    assert revised
    for r in revised:
        shown = r.provenance.case_ids[1]  # x_d: the partner's image
        assert r.id.startswith(f"{r.type}-{shown}-"), r.id
    assert len({r.id for r in rows}) == len(rows)


def test_a_direct_diagnosis_ignoring_a_red_flag_fails(
    rows: list[TrajectoryRow], ctx: ValidationContext
) -> None:
    """An LLM-worded Type 1 "Clark nevus" whose lesion shows irregular streaks (accepted as typical
    of invasive melanoma) and never addresses them is rejected; an export's manifest without
    lesion conditions cannot decide it and does not fail it."""
    row = _pick(rows, type="type1", diagnosis="dysplastic-nevus")
    assert validate_row(row, ctx) == []
    flagged = row.model_copy(update={"observed": [*row.observed, "fnd-irregular-streaks"]})
    reasons = validate_row(flagged, ctx)
    assert "unaddressed counter-evidence" in _kinds(reasons), reasons
    assert "unaddressed counter-evidence" not in _kinds(validate_row(flagged, replace(ctx, gravity={})))
    # explained by the naevus's own accepted finding, listed in the provenance: no flag
    own = assertion_id("finding", "dysplastic-nevus", "fnd-irregular-streaks")
    k = ctx.knowledge
    knowing = replace(
        ctx,
        knowledge=FindingKnowledge(
            k.findings, k.relations | {("dysplastic-nevus", "fnd-irregular-streaks"): ("possible", own)}
        ),
    )
    assert "unaddressed counter-evidence" in _kinds(validate_row(flagged, knowing))  # not listed
    listed = flagged.provenance.model_copy(update={"assertion_ids": [*flagged.provenance.assertion_ids, own]})
    explained = flagged.model_copy(update={"provenance": listed})
    assert "unaddressed counter-evidence" not in _kinds(validate_row(explained, knowing))
