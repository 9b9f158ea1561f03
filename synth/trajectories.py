"""Algorithms 1-3 of Skin-R1 (Appendix B): which cases a trajectory pairs, and its target text.

Type 1 (direct): the case's rationale r, then d with its taxonomy sentence.
Type 2 (DDx considered, primary kept): start from (x_p, r_p, d_p), find a differential d_d with
ResolveDDXNeighbor (Algorithm 4; seeded random fallback), compare r_p with r_d, keep d_p; image x_p.
Type 3 (reflective revision): the same pair, but the reasoning revises to d_d; image x_d.
Controls (ablations, the paper's random-DDx types): as 2/3 with a random non-DDx partner.

Every random choice uses a generator seeded by (seed, case, slot), never a global one: the same seed
gives the same bytes, and curating one edge changes only the rows that depend on it.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator

from synth.prompts import instruction_prompt, prompt_hash
from synth.snapshot import SynthGraph
from synth.types import CaseRef, PartnerSource, TrajectoryPlan, TrajectoryType

PAIRED: tuple[TrajectoryType, ...] = ("type2", "type3")
CONTROLS: tuple[TrajectoryType, ...] = ("control2", "control3")


def _rng(seed: int, purpose: str, case_id: str, slot: int) -> random.Random:
    return random.Random(f"{seed}|{purpose}|{case_id}|{slot}")


def _pick_case(graph: SynthGraph, d: str, rng: random.Random, avoid_image: str) -> CaseRef:
    """A case of d, preferring another image than the primary's (a pair shows two lesions)."""
    cases = graph.cases[d]
    others = [c for c in cases if c.image_sha256 != avoid_image]
    return rng.choice(others or cases)


def choose_partner(
    graph: SynthGraph, d_p: str, rng: random.Random
) -> tuple[str, str | None, PartnerSource] | None:
    """d_d for Types 2/3: ResolveDDXNeighbor, else a random diagnosis with cases (paper's fallback)."""
    found = graph.resolve_ddx_neighbor(d_p, rng)
    if found is not None:
        return found
    pool = [d for d in graph.with_cases() if d != d_p]
    if not pool:
        return None
    return rng.choice(pool), None, "random_fallback"


def choose_control_partner(graph: SynthGraph, d_p: str, rng: random.Random) -> str | None:
    """A random diagnosis with cases that is *not* a DDx neighbour of d_p (ablation control)."""
    neighbours = {n for n, _ in graph.ddx_neighbours(d_p)}
    pool = [d for d in graph.with_cases() if d != d_p and d not in neighbours]
    return rng.choice(pool) if pool else None


def input_hash(plan: TrajectoryPlan, comparator_identity: str | None) -> str:
    """Hash of everything the row's text depends on (not the revision: unrelated curation must
    not invalidate it)."""
    payload = plan.model_dump(mode="json", exclude={"input_hash"})
    payload["comparator"] = comparator_identity
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:24]


def _plan(
    graph: SynthGraph,
    kind: TrajectoryType,
    slot: int,
    primary: CaseRef,
    partner: CaseRef | None = None,
    ddx_assertion: str | None = None,
    how: PartnerSource | None = None,
) -> TrajectoryPlan:
    revise = kind in ("type3", "control3")
    final = partner if revise and partner is not None else primary
    return TrajectoryPlan(
        id=f"{kind}-{primary.id}-{slot}",
        type=kind,
        slot=slot,
        primary=primary,
        partner=partner,
        primary_name=graph.name(primary.diagnosis),
        partner_name=graph.name(partner.diagnosis) if partner else None,
        final_diagnosis=final.diagnosis,
        final_name=graph.name(final.diagnosis),
        image_sha256=final.image_sha256,
        image_path=final.image_path,
        taxonomy=graph.taxonomy(final.diagnosis),
        ddx_assertion_id=ddx_assertion,
        partner_source=how,
        mode=None if kind == "type1" else ("switch" if revise else "keep"),
        prompt=instruction_prompt(kind),
    )


def plan_trajectories(
    graph: SynthGraph,
    types: list[TrajectoryType],
    *,
    seed: int = 0,
    per_case: int = 1,
    comparator_identity: str | None = None,
) -> Iterator[TrajectoryPlan]:
    """Yield plans for every accepted case with a rationale, in a deterministic order."""
    wanted = set(types)
    for d in graph.with_cases():
        for case in graph.cases[d]:
            if "type1" in wanted:
                yield _finish(_plan(graph, "type1", 0, case), None)
            for slot in range(per_case):
                if wanted & set(PAIRED):
                    rng = _rng(seed, "pair", case.id, slot)
                    chosen = choose_partner(graph, d, rng)
                    if chosen is not None:
                        d_d, aid, how = chosen
                        partner = _pick_case(graph, d_d, rng, case.image_sha256)
                        for kind in PAIRED:
                            if kind in wanted:
                                plan = _plan(graph, kind, slot, case, partner, aid, how)
                                yield _finish(plan, comparator_identity)
                if wanted & set(CONTROLS):
                    rng = _rng(seed, "control", case.id, slot)
                    d_c = choose_control_partner(graph, d, rng)
                    if d_c is not None:
                        partner = _pick_case(graph, d_c, rng, case.image_sha256)
                        for kind in CONTROLS:
                            if kind in wanted:
                                plan = _plan(graph, kind, slot, case, partner, None, "random_control")
                                yield _finish(plan, comparator_identity)


def _finish(plan: TrajectoryPlan, comparator_identity: str | None) -> TrajectoryPlan:
    plan.input_hash = input_hash(plan, comparator_identity)
    return plan


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else text + "."


def format_target(plan: TrajectoryPlan, reasoning: str | None) -> str:
    """The ``<thinking>…</thinking><diagnosis>…</diagnosis>`` target of the paper's examples.

    Every sentence is either a case rationale (textbook / dataset evidence), a template sentence
    naming graph diagnoses, the checked reasoning ρ, or the taxonomy sentence (graph facts).
    """
    diagnosis = f"<diagnosis>{plan.final_name}. {plan.taxonomy.sentence}</diagnosis>"
    if plan.type == "type1":
        return f"<thinking>{_sentence(plan.primary.rationale)}</thinking>{diagnosis}"
    assert plan.partner is not None and plan.partner_name is not None
    p, d = plan.primary_name, plan.partner_name
    if plan.type in PAIRED:
        consider = (
            f"Considering the differential diagnosis for {p}, namely {d}, "
            f"we compare against the diagnostic rule for {d}: {_sentence(plan.partner.rationale)}"
        )
    else:
        consider = (
            f"To enhance the diagnostic reasoning, compare the primary diagnosis {p} "
            f"with the diagnostic rule of {d}: {_sentence(plan.partner.rationale)}"
        )
    thinking = (
        f"Based on the rule: {_sentence(plan.primary.rationale)} "
        f"We can give a primary diagnosis that {p}. {consider} "
        f"{_sentence(reasoning or '')} "
        f'Therefore, the most likely condition corresponds to "{plan.final_name}".'
    )
    return f"<thinking>{thinking}</thinking>{diagnosis}"


def plan_prompt_hash(plan: TrajectoryPlan, comparator_prompt_hash: str | None) -> str:
    return prompt_hash(plan.prompt, comparator_prompt_hash or "")
