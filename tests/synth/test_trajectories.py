"""Algorithms 1-4 on the real curated graph: pairing, targets, determinism (property tests)."""

from __future__ import annotations

import random
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from synth.comparators.grounded import GroundedComparator
from synth.snapshot import SynthGraph
from synth.steps import Draft, FormatStep, ReasonStep, run_steps
from synth.trajectories import format_target, plan_trajectories
from synth.wording import with_article
from tests.synth.conftest import DERMATOFIBROMA, with_findings

TYPES = ["type1", "type2", "type3", "control2", "control3"]
PROPS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _plans(graph: SynthGraph, seed: int, per_case: int = 1, fallback: str = "contrast") -> list:
    return list(
        plan_trajectories(
            graph, TYPES, seed=seed, per_case=per_case, comparator_identity="grounded:x", fallback=fallback
        )
    )


def _neighbours_with_cases(graph: SynthGraph, d: str) -> set[str]:
    return {n for n, _ in graph.ddx_neighbours(d) if graph.has_cases(n)}


@PROPS
@given(seed=st.integers(min_value=0, max_value=2**31))
def test_type2_keeps_the_primary_and_type3_ends_at_the_differential(
    curated_graph: SynthGraph, seed: int
) -> None:
    plans = _plans(curated_graph, seed)
    pairs = {(p.primary.id, p.slot): p for p in plans if p.type == "type2"}
    assert pairs
    for p in plans:
        if p.type in ("type2", "control2"):
            assert p.final_diagnosis == p.primary.diagnosis
            assert p.image_sha256 == p.primary.image_sha256  # Type 2 shows x_p
        if p.type in ("type3", "control3"):
            assert p.partner is not None
            assert p.final_diagnosis == p.partner.diagnosis != p.primary.diagnosis
            assert p.image_sha256 == p.partner.image_sha256  # Type 3 shows x_d
        if p.type == "type3" and (p.primary.id, p.slot) in pairs:
            # Types 2 and 3 come from the same pair (x_p, d_p) / (x_d, d_d)
            twin = pairs[(p.primary.id, p.slot)]
            assert twin.partner == p.partner and twin.ddx_assertion_id == p.ddx_assertion_id


@PROPS
@given(seed=st.integers(min_value=0, max_value=2**31))
def test_partner_is_a_ddx_neighbour_whenever_one_with_cases_exists(
    curated_graph: SynthGraph, seed: int
) -> None:
    for p in _plans(curated_graph, seed):
        if p.type != "type2":
            continue
        d_p, d_d = p.primary.diagnosis, p.partner.diagnosis  # type: ignore[union-attr]
        if _neighbours_with_cases(curated_graph, d_p):
            assert p.partner_source == "ddx"
            assert d_d in _neighbours_with_cases(curated_graph, d_p)
            assert p.ddx_assertion_id in {a for _, a in curated_graph.ddx_neighbours(d_p)}


@PROPS
@given(seed=st.integers(min_value=0, max_value=2**31))
def test_controls_never_pair_ddx_neighbours(curated_graph: SynthGraph, seed: int) -> None:
    for p in _plans(curated_graph, seed):
        if p.type in ("control2", "control3"):
            neighbours = {n for n, _ in curated_graph.ddx_neighbours(p.primary.diagnosis)}
            assert p.partner.diagnosis not in neighbours | {p.primary.diagnosis}  # type: ignore[union-attr]
            assert p.partner_source == "random_control" and p.ddx_assertion_id is None


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(min_value=0, max_value=2**31))
def test_same_seed_same_bytes(curated_graph: SynthGraph, seed: int) -> None:
    def run() -> bytes:
        comparator = GroundedComparator()
        k = curated_graph.knowledge
        steps = [ReasonStep(comparator, k), FormatStep(comparator, curated_graph.revision, k)]
        drafts = (Draft(plan=p) for p in _plans(curated_graph, seed, per_case=2))
        return "\n".join(d.row.model_dump_json() for d in run_steps(drafts, steps)).encode()  # type: ignore[union-attr]

    first = run()
    assert first.count(b"\n") >= 1  # rows were made: two empty runs would be equal too
    assert run() == first


def test_different_seeds_choose_differently(curated_graph: SynthGraph) -> None:
    a = [p.partner.id for p in _plans(curated_graph, 1) if p.type == "type2"]  # type: ignore[union-attr]
    b = [p.partner.id for p in _plans(curated_graph, 2) if p.type == "type2"]  # type: ignore[union-attr]
    assert a != b


def test_resolve_ddx_neighbor_covers_every_branch_of_algorithm_4(curated_graph: SynthGraph) -> None:
    rng = random.Random(0)
    g = curated_graph
    # direct DDx neighbour with cases
    assert g.resolve_ddx_neighbor("basal-cell-carcinoma", rng)[:1] == ("nevus-nos-dermal",)
    # neighbour without cases -> one of its children with cases
    d, _, how = g.resolve_ddx_neighbor("nevus-combined", rng)
    assert how == "ddx_child" and g.has_cases(d)
    assert "melanocytic-nevus" in g.parents(d)
    # no own DDx edge -> the parent's DDx neighbours
    d, _, how = g.resolve_ddx_neighbor("nevus-congenital", rng)
    assert (d, how) == ("nevus-combined", "ddx_parent")
    # nothing anywhere -> None (the caller falls back to a seeded random partner)
    assert g.resolve_ddx_neighbor("dermatofibroma", rng) is None


def test_random_fallback_is_used_and_recorded(curated_graph: SynthGraph) -> None:
    graph = with_findings(curated_graph, DERMATOFIBROMA)  # else no random pair can be separated
    plans = [p for p in _plans(graph, 0) if p.type == "type2" and p.primary.diagnosis == "dermatofibroma"]
    assert plans and all(p.partner_source == "random_fallback" and p.ddx_assertion_id is None for p in plans)
    assert all(p.argument.wording == "contrast" for p in plans)  # never called a differential
    # the default (--fallback skip) writes no pair at all for them
    skipped = _plans(graph, 0, fallback="skip")
    assert not [p for p in skipped if p.type == "type2" and p.primary.diagnosis == "dermatofibroma"]


def test_targets_follow_the_paper_format_and_end_with_the_taxonomy_sentence(
    curated_graph: SynthGraph,
) -> None:
    target = re.compile(
        r"^<thinking>(?:This lesion shows|No) .+</thinking>"
        r"<diagnosis>(?P<name>[^<]+?)\. (?P<tax>[^<]+)</diagnosis>$",
        re.S,
    )
    for p in _plans(curated_graph, 3)[:200]:
        text = format_target(p, "", curated_graph.knowledge)
        m = target.match(text)
        assert m, text
        assert m["name"].lower() == p.final_name.lower()
        assert m["tax"] == p.taxonomy.sentence
        assert "(source:" not in text and "curated graph" not in text
        if p.type != "type1":
            assert text.count(f"the most likely diagnosis is {with_article(p.final_name)}.") == 1


def test_taxonomy_sentence_states_path_and_malignancy_with_source(curated_graph: SynthGraph) -> None:
    fact = curated_graph.taxonomy("basal-cell-carcinoma")
    assert fact.path[0] == "Basal cell carcinoma" and len(fact.path) >= 3
    assert fact.malignancy == "malignant"
    # its ISIC parent is a filing category ("malignant adnexal epithelial proliferations"): not named;
    # the condition is said plainly
    assert fact.sentence == "Basal cell carcinoma is malignant."  # provenance stays in columns
    assert fact.malignancy_source and "source" not in fact.sentence
    assert len(fact.assertion_ids) == len(fact.path) - 1
    # inherited malignancy records where it came from (fine-to-coarse, DESIGN.md), in the provenance
    inherited = curated_graph.taxonomy("dysplastic-nevus")
    assert inherited.malignancy == "benign" and inherited.malignancy_from != "dysplastic-nevus"
    assert "inherited from" in (inherited.malignancy_source or "") and "inherited" not in inherited.sentence


def test_one_lesion_condition_vocabulary_and_no_empty_taxonomy_sentence() -> None:
    from synth.snapshot import _taxonomy_sentence

    # the RL / eval label (synth.datasets.taxonomy.CONDITION), never "premalignant"; the class holds
    # melanoma in situ as well as actinic keratosis, so the prose says what both are
    assert _taxonomy_sentence(["Actinic keratosis"], "premalignant", "seed") == (
        "Actinic keratosis is confined to the epidermis (lesion condition: precancerous in situ)."
    )
    # lesion-condition roots (ISIC "Malignant") are not a disease family, nor is a bare adjective
    assert _taxonomy_sentence(["BCC", "Adnexal", "Malignant"], "malignant", "isic") == "BCC is malignant."
    assert _taxonomy_sentence(["Spitz nevus", "Nevus", "Benign"], "benign", "isic") == (
        "Spitz nevus is a subtype of nevus. Spitz nevus is benign."
    )
    # nothing known: no sentence at all (never "no recorded taxonomy ... in the curated graph")
    assert _taxonomy_sentence(["Lentigo"], None, None) == ""
