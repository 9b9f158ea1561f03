"""A reviewed golden set (tests/synth/golden/golden.jsonl), judged as a dermatologist would.

51 items on the real curated graph: 28 target texts with the verdict the validator must reach (and
why, in clinical terms), and 23 pairs of a lesion's Derm7pt findings with the outcome synthesis must
reach, kept (Type 2) or revised to (Type 3) — including pairs the curated knowledge cannot separate
and revisions that only absent findings would support, where the only honest row is none.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.findings import derm7pt_observations
from kg.ids import assertion_id
from synth.argument import build_argument
from synth.snapshot import SynthGraph
from synth.types import Provenance, TrajectoryRow
from synth.validation_io import validation_context
from synth.validator import validate_row
from synth.wording import reasoning

GOLDEN = [
    json.loads(line) for line in (Path(__file__).parent / "golden" / "golden.jsonl").read_text().splitlines()
]
ROWS = [g for g in GOLDEN if g["kind"] == "row"]
PAIRS = [g for g in GOLDEN if g["kind"] == "pair"]


def test_the_golden_set_is_large_enough() -> None:
    assert len(GOLDEN) >= 30 and sum(p["verdict"] == "cannot separate" for p in PAIRS) >= 5
    assert sum(p.get("mode") == "switch" for p in PAIRS) >= 4
    assert all(g["why"] for g in GOLDEN)


def _row(g: dict, graph: SynthGraph) -> TrajectoryRow:
    ids = [assertion_id("finding", d, f) for d, f in g["cite"]] + ([g["ddx"]] if g["ddx"] else [])
    name = graph.name(g["diagnosis"])
    return TrajectoryRow(
        id=g["id"],
        type=g["type"],
        image_sha256="0" * 64,
        image_path="x.jpg",
        diagnosis=g["diagnosis"],
        diagnosis_name=name,
        primary_diagnosis=g["primary"],
        partner_diagnosis=g["partner"],
        ddx_assertion_id=g["ddx"],
        prompt="p",
        reasoning=g.get("reasoning"),
        completion=f"<thinking>{g['thinking']}</thinking><diagnosis>{name}.</diagnosis>",
        observed=g["observed"],
        not_observed=g["not_observed"],
        provenance=Provenance(
            case_ids=["c"],
            assertion_ids=ids,
            evidence_ids=[],
            revision=1,
            comparator="grounded",
            model=None,
            prompt_hash="h",
            partner_source=g["partner_source"],
            input_hash="i",
        ),
    )


@pytest.mark.parametrize("g", ROWS, ids=[g["id"] for g in ROWS])
def test_golden_rows(g: dict, curated_graph: SynthGraph) -> None:
    reasons = validate_row(_row(g, curated_graph), validation_context(curated_graph))
    if g["verdict"] == "pass":
        assert reasons == [], (g["why"], reasons)
    else:
        expected = g["verdict"].split(":", 1)[1]
        assert any(r.startswith(expected) for r in reasons), (g["why"], reasons)


OUTCOME = {
    "cannot separate": "no accepted finding separates",
    "as many": "this lesion shows as many",
    "against its diagnosis": "this lesion shows a finding accepted as against",
    "no observation": "no observation",
    "no shown finding": "no finding this lesion shows speaks for",
    "no first impression": "no finding this lesion shows suggests",
}


@pytest.mark.parametrize("g", PAIRS, ids=[g["id"] for g in PAIRS])
def test_golden_pairs(g: dict, curated_graph: SynthGraph) -> None:
    k = curated_graph.knowledge
    obs = derm7pt_observations(g["derm7pt"])
    names = {g["favoured"]: curated_graph.name(g["favoured"]), g["other"]: curated_graph.name(g["other"])}
    arg, why = build_argument(
        k,
        mode=g.get("mode", "keep"),
        wording="ddx",
        favoured=g["favoured"],
        other=g["other"],
        names=names,
        observed=[f for f in obs.observed if f in k.findings],
        not_observed=[f for f in obs.not_observed if f in k.findings],
    )
    if g["verdict"] == "separate":
        assert arg is not None, (g["why"], why)
        text = reasoning(k, arg)
        # every sentence is one accepted finding; the other diagnosis is spoken of (its defining
        # features described, or a claim about it)
        assert all(k.relation(c.diagnosis, c.finding)[1] == c.assertion_id for c in arg.claims)
        assert any(c.diagnosis == g["other"] for c in arg.claims + arg.described), text
        # the concluded diagnosis is named from a finding the lesion shows, never only by exclusion
        assert any(c.diagnosis == g["favoured"] and c.seen for c in arg.claims + arg.support), text
        # a shown finding the pair shares is never given as a reason
        assert not {c.finding for c in arg.claims} & set(g.get("not_reasons", [])), text
    else:
        assert arg is None and why.startswith(OUTCOME[g["verdict"]]), (g["why"], why)
