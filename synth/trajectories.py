"""Algorithms 1-3 of Skin-R1 (Appendix B): which cases a trajectory pairs, and its target text.

Type 1 (direct): the case's rationale r, then d with its taxonomy sentence.
Type 2 (DDx considered, primary kept): start from x_p's observations, find a differential d_d with
ResolveDDXNeighbor (Algorithm 4), separate d_p from d_d with accepted findings, keep d_p; image x_p.
Type 3 (reflective revision): the same pair from x_d's observations, revising to d_d; image x_d.
No DDx neighbour: no pair (``fallback="skip"``) or a neutral contrast row (``"contrast"``).
Controls (ablations, the paper's random-DDx types): as 2/3 with a random non-DDx partner.

Every random choice uses a generator seeded by (seed, case, slot), never a global one: the same seed
gives the same bytes, and curating one edge changes only the rows that depend on it.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from synth.argument import build_argument, conflicts, counter_evidence, explaining, gravity_of, support
from synth.knowledge import FindingKnowledge
from synth.prompts import instruction_prompt, prompt_hash
from synth.snapshot import SynthGraph
from synth.types import CaseRef, PartnerSource, SynthOptions, TrajectoryPlan, TrajectoryType
from synth.wording import (
    WORDING_VERSION,
    claim_sentence,
    clinical_name,
    contrast_sentence,
    ddx_sentence,
    defining_sentence,
    observation_sentences,
    with_article,
)

PAIRED: tuple[TrajectoryType, ...] = ("type2", "type3")
CONTROLS: tuple[TrajectoryType, ...] = ("control2", "control3")


def _rng(seed: int, purpose: str, case_id: str, slot: int) -> random.Random:
    return random.Random(f"{seed}|{purpose}|{case_id}|{slot}")


def _pick_case(graph: SynthGraph, d: str, rng: random.Random, avoid_image: str) -> CaseRef:
    """A case of d, preferring another image than the primary's (a pair shows two lesions)."""
    cases = graph.cases[d]
    pick = rng.choice(cases)
    if pick.image_sha256 != avoid_image or len(cases) == 1:
        return pick  # the common case, without scanning thousands of cases
    others = [c for c in cases if c.image_sha256 != avoid_image]
    return rng.choice(others or cases)


def choose_partner(
    graph: SynthGraph, d_p: str, rng: random.Random, fallback: str = "skip"
) -> tuple[str, str | None, PartnerSource] | None:
    """d_d for Types 2/3: ResolveDDXNeighbor; else, with ``fallback="contrast"``, a random diagnosis
    with cases (the paper's fallback — worded as a contrast, never as a differential)."""
    found = graph.resolve_ddx_neighbor(d_p, rng)
    if found is not None:
        return found
    pool = [d for d in graph.with_cases() if d != d_p]
    if not pool or fallback != "contrast":
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
    # an empty ``consulted`` (every pair row, most Type 1 rows) leaves the hash as it was
    payload = plan.model_dump(
        mode="json", exclude={"input_hash"} | (set() if plan.consulted else {"consulted"})
    )
    payload["comparator"] = comparator_identity
    payload["wording"] = WORDING_VERSION  # the target's template sentences (synth.wording)
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return hashlib.sha256(blob).hexdigest()[:24]


@dataclass
class PlanLog:
    """What planning left out, and why (the run report's figures)."""

    dropped: Counter[str] = field(default_factory=Counter)  # reason -> plans
    unseparated: Counter[str] = field(default_factory=Counter)  # "no accepted finding separates A from B"
    skipped_random: int = 0  # --fallback skip: pairs with no DDx neighbour, not written
    contrast: int = 0  # plans with a random partner, worded as a contrast

    duplicates: int = 0  # pairs whose row would repeat another's image and target

    def drop(self, reason: str) -> None:
        """Count a plan not written; reasons that name missing knowledge are also listed by pair
        (what the studio asks curators for)."""
        for marker, kind in _MISSING_KNOWLEDGE.items():
            if marker in reason:
                self.dropped[kind] += 1
                self.unseparated[reason] += 1
                return
        self.dropped[reason] += 1


_MISSING_KNOWLEDGE = {
    " separates ": "no accepted finding separates the pair",
    " speaks for ": "no finding the lesion shows speaks for the revision",
    " suggests ": "no finding the lesion shows suggests the first diagnosis",
    "no accepted finding of ": "no accepted finding of the diagnosis shown",
}
COUNTER_EVIDENCE = "this lesion shows accepted findings of another diagnosis that its own does not explain"
_MISSING_KNOWLEDGE[COUNTER_EVIDENCE] = COUNTER_EVIDENCE


def _plan(
    graph: SynthGraph,
    kind: TrajectoryType,
    slot: int,
    primary: CaseRef,
    partner: CaseRef | None = None,
    ddx_assertion: str | None = None,
    how: PartnerSource | None = None,
    log: PlanLog | None = None,
    with_facts: bool = False,
) -> TrajectoryPlan | None:
    """A plan, or None (counted in ``log``) when no honest row can be written for it."""
    revise = kind in ("type3", "control3")
    final = partner if revise and partner is not None else primary
    names = {primary.diagnosis: _name(graph, primary.diagnosis)}
    support_claims: list = []
    consulted: list[str] = []
    arg = None
    if kind == "type1":
        if not primary.observed:
            return _dropped(log, "no observation of this image recorded")
        # a Type 1 row ties what this lesion shows to its diagnosis through an accepted finding; a
        # lesion showing a finding accepted as against its own label is for a curator, not a target
        if conflicts(graph.knowledge, primary.diagnosis, primary.observed):
            return _dropped(log, "this lesion shows a finding accepted as against its diagnosis")
        support_claims = support(graph.knowledge, primary.diagnosis, primary.observed)
        if not support_claims:
            return _dropped(log, f"no accepted finding of {names[primary.diagnosis]} shown")
        # a lesion showing a finding typical of another diagnosis that its own does not explain (a
        # "Clark nevus" with irregular streaks, typical of melanoma) needs that alternative addressed,
        # which a direct diagnosis cannot do: it teaches to ignore a red flag, so it is not written
        k, gravity = graph.knowledge, gravity_of(graph)
        for f, d, _ in counter_evidence(k, primary.diagnosis, primary.observed, gravity)[:1]:
            seen = f"{getattr(k.findings.get(f), 'name', f)} (typical of {_name(graph, d)})"
            return _dropped(log, f"{COUNTER_EVIDENCE}: {names[primary.diagnosis]} shows {seen}")
        explains = explaining(k, primary.diagnosis, primary.observed, gravity)
        consulted = [a for a in explains if a not in {c.assertion_id for c in support_claims}]
    else:
        assert partner is not None
        names[partner.diagnosis] = _name(graph, partner.diagnosis)
        other = primary if revise else partner
        wording = "ddx" if how in ("ddx", "ddx_parent", "ddx_child") else "contrast"
        # the argument depends on the pair and this lesion's findings only: lesions recorded alike
        # (a checklist repeats across a dataset) and slots meeting the same partner share one
        obs = (tuple(final.observed), tuple(final.not_observed))
        key = (revise, wording, final.diagnosis, other.diagnosis, obs, with_facts)
        cache = graph.argument_cache
        if key not in cache:
            cache[key] = build_argument(
                graph.knowledge,
                mode="switch" if revise else "keep",
                wording=wording,
                favoured=final.diagnosis,
                other=other.diagnosis,
                names=names,
                observed=final.observed,  # Type 3 starts from this image's (x_d's) observations
                not_observed=final.not_observed,
                with_facts=with_facts,
            )
        arg, why = cache[key]
        if arg is None:
            return _dropped(log, why or "no argument")
    return TrajectoryPlan(
        # a row is named after the case whose image it shows (Type 3 shows x_d, revised from d_p)
        id=f"{kind}-{final.id}-from-{primary.diagnosis}" if revise else f"{kind}-{primary.id}-{slot}",
        type=kind,
        slot=slot,
        primary=primary,
        partner=partner,
        primary_name=_name(graph, primary.diagnosis),
        partner_name=_name(graph, partner.diagnosis) if partner else None,
        final_diagnosis=final.diagnosis,
        final_name=_name(graph, final.diagnosis),
        image_sha256=final.image_sha256,
        image_path=final.image_path,
        taxonomy=graph.taxonomy(final.diagnosis),
        ddx_assertion_id=ddx_assertion,
        ddx_edge=[_name(graph, x) for x in graph.ddx_edge_ends(ddx_assertion)] if ddx_assertion else [],
        partner_source=how,
        mode=None if kind == "type1" else ("switch" if revise else "keep"),
        support=support_claims,
        argument=arg,
        consulted=consulted,
        prompt=instruction_prompt(kind),
    )


def _name(graph: SynthGraph, d: str) -> str:
    return clinical_name(graph.name(d))


def _dropped(log: PlanLog | None, reason: str) -> None:
    if log is not None:
        log.drop(reason)
    return None


def plan_options(
    graph: SynthGraph, options: SynthOptions, comparator_identity: str | None, log: PlanLog | None = None
) -> list[TrajectoryPlan]:
    """Every plan a synth run with ``options`` writes: a run and its regeneration must plan alike."""
    log = log if log is not None else PlanLog()
    plans = list(
        plan_trajectories(
            graph,
            options.types,
            seed=options.seed,
            per_case=options.per_case,
            comparator_identity=comparator_identity,
            fallback=options.fallback,
            log=log,
        )
    )
    return distinct_thinking(graph.knowledge, plans, log, repeats=options.repeats)


def distinct_thinking(
    knowledge: FindingKnowledge, plans: list[TrajectoryPlan], log: PlanLog, repeats: str = "drop"
) -> list[TrajectoryPlan]:
    """Thinking that does not determine the answer teaches nothing. Plans whose thinking (as the
    grounded comparator words it: the same observations and accepted claims) is word for word that
    of a plan with another diagnosis are all dropped; of plans with the same thinking and diagnosis
    the first is kept (``repeats="keep"``: all, e.g. many images recorded with one checklist).
    Judged on the plan, so a run and its regeneration agree on what is written."""
    from synth.wording import reasoning

    def thinking(plan: TrajectoryPlan) -> str:
        rho = reasoning(knowledge, plan.argument) if plan.argument is not None else None
        return format_target(plan, rho, knowledge).split("</thinking>", 1)[0]

    texts = [thinking(p) for p in plans]
    diagnoses: dict[str, set[str]] = {}
    for p, t in zip(plans, texts, strict=True):
        diagnoses.setdefault(t, set()).add(p.final_diagnosis)
    seen: set[str] = set()
    out = []
    for p, t in zip(plans, texts, strict=True):
        if len(diagnoses[t]) > 1:
            log.dropped["thinking identical to a row with another diagnosis"] += 1
        elif t in seen and repeats == "drop":
            log.dropped["thinking identical to another row of the same diagnosis"] += 1
        else:
            seen.add(t)
            out.append(p)
    return out


def plan_trajectories(
    graph: SynthGraph,
    types: list[TrajectoryType],
    *,
    seed: int = 0,
    per_case: int = 1,
    comparator_identity: str | None = None,
    fallback: str = "skip",
    log: PlanLog | None = None,
) -> Iterator[TrajectoryPlan]:
    """Yield plans for every accepted case with a rationale, in a deterministic order; what cannot
    be written honestly is counted in ``log``."""
    wanted = set(types)
    log = log if log is not None else PlanLog()
    # a pair row is owned by the first pair planned with its image and target, whether or not an
    # honest argument exists for it: which pair owns a row then depends on DDx edges and cases only,
    # never on findings, so curating a finding still changes exactly the rows that list it
    owned: set[tuple[str, str, str, str]] = set()
    facts = bool(comparator_identity and comparator_identity.startswith("llm"))

    def duplicate(kind: str, primary: CaseRef, partner: CaseRef) -> bool:
        """A Type 3 shows x_d and words only x_d's findings, so every case of d_p paired with the same
        x_d would repeat one row word for word; a Type 2 repeats when two slots draw the same partner.
        The same image revised to from another first diagnosis is a different argument and stays."""
        revise = kind in ("type3", "control3")
        image = partner.image_sha256 if revise else primary.image_sha256
        key = (kind, image, primary.diagnosis, partner.diagnosis)
        if key in owned:
            log.duplicates += 1
            log.dropped["duplicate of another row (same image and target)"] += 1
            return True
        owned.add(key)
        return False

    for d in graph.with_cases():
        for case in graph.cases[d]:
            if "type1" in wanted:
                yield from _finished(_plan(graph, "type1", 0, case, log=log), None)
            for slot in range(per_case):
                if wanted & set(PAIRED):
                    rng = _rng(seed, "pair", case.id, slot)
                    chosen = choose_partner(graph, d, rng, fallback)
                    if chosen is None:
                        log.skipped_random += sum(1 for k in PAIRED if k in wanted)
                    else:
                        d_d, aid, how = chosen
                        partner = _pick_case(graph, d_d, rng, case.image_sha256)
                        for kind in PAIRED:
                            if kind in wanted and not duplicate(kind, case, partner):
                                plan = _plan(graph, kind, slot, case, partner, aid, how, log, facts)
                                log.contrast += plan is not None and how == "random_fallback"
                                yield from _finished(plan, comparator_identity)
                if wanted & set(CONTROLS):
                    rng = _rng(seed, "control", case.id, slot)
                    d_c = choose_control_partner(graph, d, rng)
                    if d_c is not None:
                        partner = _pick_case(graph, d_c, rng, case.image_sha256)
                        for kind in CONTROLS:
                            if kind in wanted and not duplicate(kind, case, partner):
                                plan = _plan(
                                    graph, kind, slot, case, partner, None, "random_control", log, facts
                                )
                                log.contrast += plan is not None
                                yield from _finished(plan, comparator_identity)


def _finished(plan: TrajectoryPlan | None, comparator_identity: str | None) -> Iterator[TrajectoryPlan]:
    if plan is not None:
        yield _finish(plan, comparator_identity)


def _finish(plan: TrajectoryPlan, comparator_identity: str | None) -> TrajectoryPlan:
    plan.input_hash = input_hash(plan, comparator_identity)
    return plan


def format_target(plan: TrajectoryPlan, reasoning: str | None, knowledge: FindingKnowledge) -> str:
    """The ``<thinking>…</thinking><diagnosis>…</diagnosis>`` target.

    Every sentence is an observation of this image, a claim from an accepted finding assertion
    (listed in the provenance), a sentence naming the pair (DDx only for an accepted DDx edge,
    else a neutral contrast), the checked reasoning ρ, or the taxonomy sentence (graph facts).
    """
    tax = plan.taxonomy.sentence
    name = plan.final_name[:1].upper() + plan.final_name[1:]
    diagnosis = f"<diagnosis>{name}." + (f" {tax}" if tax else "") + "</diagnosis>"
    if plan.type == "type1" or plan.argument is None:
        names = {plan.final_diagnosis: plan.final_name}
        parts = observation_sentences(
            knowledge,
            plan.primary.observed,
            plan.primary.not_observed,
            of=(plan.final_diagnosis, plan.final_name),
        )
        parts += [claim_sentence(knowledge, c, names) for c in plan.support]
        return f"<thinking>{' '.join(parts)}</thinking>{diagnosis}"
    arg = plan.argument
    p, d = plan.primary_name, plan.partner_name or ""
    names = {arg.favoured: arg.favoured_name, arg.other: arg.other_name}
    parts = observation_sentences(
        knowledge, arg.observed, arg.not_observed, of=(plan.final_diagnosis, plan.final_name)
    )
    other_claims = [claim_sentence(knowledge, c, names) for c in arg.support_other]
    if arg.mode == "switch":  # Type 3: why the first diagnosis came to mind
        parts += other_claims
    else:  # Type 2: what this lesion shows of the diagnosis it keeps, before the alternative
        parts += [claim_sentence(knowledge, c, names) for c in arg.support]
    first = with_article(p)
    parts.append(f"{first[:1].upper() + first[1:]} is the first diagnosis to consider.")
    parts.append(ddx_sentence(d) if arg.wording == "ddx" else contrast_sentence(d))
    if arg.described:  # the alternative's defining features, as the prompt asks
        parts.append(defining_sentence(knowledge, arg.described, names))
    if arg.mode == "keep":  # Type 2: what speaks for the alternative, said before it is set aside
        parts += other_claims
    if reasoning:
        parts.append(reasoning if reasoning.endswith((".", "!", "?")) else reasoning + ".")
    if arg.mode == "switch":
        parts.append(f"On reflection, the findings favour {with_article(plan.final_name)} over {first}.")
    parts.append(f"Therefore, the most likely diagnosis is {with_article(plan.final_name)}.")
    return f"<thinking>{' '.join(parts)}</thinking>{diagnosis}"


def plan_prompt_hash(plan: TrajectoryPlan, comparator_prompt_hash: str | None) -> str:
    return prompt_hash(plan.prompt, comparator_prompt_hash or "")
