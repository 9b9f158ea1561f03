"""Property tests on generated graphs (issue 12): every diagnosis-level claim is an accepted finding
listed in the row's provenance, every row passes the validator, and withdrawing one finding
assertion changes exactly the rows that list it."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kg.findings import seed_concepts
from kg.ids import assertion_id
from kg.models import Assertion, Case, Diagnosis, Finding
from synth.comparators.grounded import GroundedComparator
from synth.snapshot import SynthGraph
from synth.steps import Draft, FormatStep, ReasonStep, run_steps
from synth.trajectories import plan_trajectories
from synth.validation_io import validation_context
from synth.validator import validate_rows
from tests.synth.conftest import accepted_finding

DX = ["alpha", "beta", "gamma", "delta"]
CRITERIA = {
    "pigment_network": ["absent", "typical", "atypical"],
    "streaks": ["absent", "regular", "irregular"],
    "dots_and_globules": ["absent", "regular", "irregular"],
    "blue_whitish_veil": ["absent", "present"],
    "vascular_structures": ["absent", "arborizing", "dotted"],
    "elevation": ["flat", "palpable", "nodular"],
}
FINDINGS = [
    "fnd-typical-pigment-network",
    "fnd-atypical-pigment-network",
    "fnd-pigment-network",
    "fnd-regular-streaks",
    "fnd-irregular-streaks",
    "fnd-streaks",
    "fnd-regular-dots-and-globules",
    "fnd-irregular-dots-and-globules",
    "fnd-blue-whitish-veil",
    "fnd-arborizing-vessels",
    "fnd-vascular-structures",
    "fnd-flat",
    "fnd-nodule",
]
CONCEPTS = [Finding(id=c.id, name=c.name, synonyms=list(c.synonyms), type=c.type) for c in seed_concepts()]

derm7pt_row = st.fixed_dictionaries({k: st.sampled_from(v) for k, v in CRITERIA.items()})
graphs = st.fixed_dictionaries(
    {
        "cases": st.lists(st.tuples(st.sampled_from(DX), derm7pt_row), min_size=4, max_size=14),
        "findings": st.dictionaries(
            st.tuples(st.sampled_from(DX), st.sampled_from(FINDINGS)),
            st.sampled_from(["typical", "possible", "against"]),
            max_size=16,
        ),
        "ddx": st.lists(st.tuples(st.sampled_from(DX), st.sampled_from(DX)), max_size=4),
    }
)


def _graph(spec: dict, drop: str | None = None) -> SynthGraph:
    # two conditions, so a finding typical of beta / delta is a red flag on alpha / gamma (Type 1)
    diagnoses = [
        Diagnosis(
            id=d, name=d.capitalize() + " lesion", malignancy="malignant" if d in DX[1::2] else "benign"
        )
        for d in DX
    ]
    assertions = [
        accepted_finding(d, f, rel, origin="stats")
        for (d, f), rel in spec["findings"].items()
        if assertion_id("finding", d, f) != drop
    ]
    assertions += [
        Assertion(
            id=assertion_id("ddx", a, b),
            kind="ddx",
            subject=min(a, b),
            object=max(a, b),
            origin="human",
            status="accepted",
        )
        for a, b in spec["ddx"]
        if a != b
    ]
    cases = [
        Case(
            id=f"c-{n}",
            diagnosis=d,
            image_sha256=f"{n:064x}",
            image_path=f"{n}.jpg",
            rationale="Dermoscopy (7-point checklist).",
            meta=row,
            source="gen",
        )
        for n, (d, row) in enumerate(spec["cases"])
    ]
    return SynthGraph.from_parts(
        revision=1, diagnoses=diagnoses, assertions=assertions, cases=cases, findings=CONCEPTS
    )


def _rows(graph: SynthGraph) -> list:
    comparator, k = GroundedComparator(), graph.knowledge
    plans = plan_trajectories(
        graph,
        ["type1", "type2", "type3", "control2", "control3"],
        seed=1,
        comparator_identity=comparator.identity(),
        fallback="contrast",
    )
    steps = [ReasonStep(comparator, k), FormatStep(comparator, graph.revision, k)]
    return [d.row for d in run_steps((Draft(plan=p) for p in plans), steps)]


# derandomize: CI runs the same 200 examples every time; a failure found by a random run is added as @example
PROPS = settings(
    max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@PROPS
@given(spec=graphs)
def test_every_claim_is_an_accepted_finding_listed_in_provenance(spec: dict) -> None:
    graph = _graph(spec)
    rows = _rows(graph)
    ok, bad, _ = validate_rows(rows, validation_context(graph))
    assert bad == [], [(r.completion, why) for r, why in bad[:2]]
    accepted = {aid: (d, f, rel) for (d, f), (rel, aid) in graph.knowledge.relations.items()}
    for row in rows:
        finding_ids = [a for a in row.provenance.assertion_ids if a in accepted]
        # a diagnosis-level sentence per listed finding assertion, and none without one
        sentences = [
            s
            for s in row.completion.split(". ")
            if " lesion" in s and (" typical of " in s or " against " in s or " can be seen in " in s)
        ]
        assert len(sentences) <= len(finding_ids) + 1  # +1: "favour X over Y" names no finding
        for aid in finding_ids:
            d, f, rel = accepted[aid]
            assert d in (row.primary_diagnosis, row.partner_diagnosis, row.diagnosis)
        if row.provenance.partner_source in ("random_fallback", "random_control"):
            assert "differential" not in row.completion.lower()


ABSENT = {k: ("flat" if k == "elevation" else "absent") for k in CRITERIA}
# found by a random run: "typical pigment network, typical of beta, is not seen" was left out because
# the pattern is typical of alpha too; alpha's assertion decided the row but was not listed in it
SHARED_ABSENT = {
    "cases": [("alpha", ABSENT)] * 4 + [("beta", ABSENT)],
    "findings": {
        ("alpha", "fnd-typical-pigment-network"): "typical",
        ("beta", "fnd-typical-pigment-network"): "typical",
        ("beta", "fnd-flat"): "against",
    },
    "ddx": [],
}


# a red flag explained only by an assertion past the stated claims (the fifth shown finding): beta's
# typical pigment network on an alpha lesion is explained by alpha's "possible", which decides that
# the Type 1 row is written without being stated, so the row lists it
SHOWN = {
    "pigment_network": "typical",
    "streaks": "irregular",
    "dots_and_globules": "regular",
    "blue_whitish_veil": "present",
    "vascular_structures": "arborizing",
    "elevation": "palpable",
}
RED_FLAG = {
    "cases": [("alpha", SHOWN), ("beta", ABSENT)],
    "findings": {
        ("alpha", "fnd-arborizing-vessels"): "typical",
        ("alpha", "fnd-blue-whitish-veil"): "typical",
        ("alpha", "fnd-irregular-streaks"): "typical",
        ("alpha", "fnd-regular-dots-and-globules"): "typical",
        ("alpha", "fnd-typical-pigment-network"): "possible",
        ("beta", "fnd-typical-pigment-network"): "typical",
    },
    "ddx": [],
}


# checked with 900 randomized examples (max_examples=300, three runs) when the defect was fixed
@pytest.mark.slow  # two syntheses per generated graph: ~25 s
@PROPS
@example(spec=SHARED_ABSENT, pick=0)
@example(spec=RED_FLAG, pick=4)
@given(spec=graphs, pick=st.integers(min_value=0, max_value=15))
def test_withdrawing_a_finding_changes_exactly_the_rows_that_list_it(spec: dict, pick: int) -> None:
    if not spec["findings"]:
        return
    d, f = sorted(spec["findings"])[pick % len(spec["findings"])]
    target = assertion_id("finding", d, f)
    before = {r.id: r for r in _rows(_graph(spec))}
    after = {r.id: r for r in _rows(_graph(spec, drop=target))}
    citing = {i for i, r in before.items() if target in r.provenance.assertion_ids}
    changed = {
        i
        for i in before
        if i not in after or after[i].provenance.input_hash != before[i].provenance.input_hash
    }
    assert changed <= citing  # nothing else is touched
    assert all(target not in r.provenance.assertion_ids for r in after.values())
    assert all(i in changed for i in citing)  # and each row that stated it is rebuilt or removed
