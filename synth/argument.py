"""Which accepted findings a trajectory may state, chosen before any text is written.

One lesion's findings are not a disease's findings: a statement about a diagnosis comes only from an
accepted finding assertion, and only where this lesion's observations make it relevant. For a pair
(favoured X, other Y) a finding *separates* them when

- this lesion shows f and f is accepted as **against** Y (and not against X), or
- this lesion shows f, typical / possible of X, and Y differs on f (:func:`discriminates`).

An absence is never a reason: most lesions of a diagnosis lack most of its typical findings (low
sensitivity), so "hairpin vessels, typical of seborrheic keratosis, are not seen" rules nothing out.

A finding this lesion shows is a reason for X over Y only where the curated graph records that
X and Y *differ* on it (:func:`discriminates`): f is accepted as against Y, or Y has an accepted
finding on another value of f's criterion (regular vs irregular dots and globules; flat vs nodular).
A finding typical of both, or typical of X and simply not recorded for Y ("a flat lesion is typical
of lentigo" beside melanoma in situ, which is flat too), separates nothing: it stays an observation
of the lesion and is never given as a reason. Findings the lesion shows that are typical of Y are
stated too; when they are as many as the claims for X, the pair is dropped. A pair with no
separating finding is not written ("no accepted finding separates X from Y"); nor is a lesion
showing a finding accepted as against its own diagnosis (knowledge and label disagree: a curator
should look). Site and history findings take part only through
accepted assertions, like any other finding.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from kg.findings import DERM7PT_ELEVATION, by_lexicon_id, generic_of
from synth.knowledge import RELATIONS_FOR, FindingKnowledge
from synth.types import Argument, Claim, Mode

if TYPE_CHECKING:
    from synth.snapshot import SynthGraph

MAX_CLAIMS = 4
_TYPE_ORDER = {"dermoscopy": 0, "morphology": 1, "colour": 2, "distribution": 3, "site": 4, "history": 5}


def _order(knowledge: FindingKnowledge, finding: str) -> tuple[int, str]:
    info = knowledge.findings.get(finding)
    return (_TYPE_ORDER.get(info.type, 9) if info else 9, finding)


def support(knowledge: FindingKnowledge, diagnosis: str, observed: list[str]) -> list[Claim]:
    """Accepted typical / possible findings of ``diagnosis`` that this lesion shows."""
    out: list[Claim] = []
    valued = _valued_criteria(observed)
    for f in sorted(observed, key=lambda f: _order(knowledge, f)):
        found = knowledge.relation(diagnosis, f)
        if found and found[0] in ("typical", "possible") and f not in valued:
            out.append(
                Claim(assertion_id=found[1], diagnosis=diagnosis, finding=f, relation=found[0], seen=True)
            )  # type: ignore[arg-type]
    return _without_implied(out)[:MAX_CLAIMS]


def _valued_criteria(observed: list[str]) -> set[str]:
    """Criteria (generic concepts) this lesion shows with a specific value. "Streaks are typical of
    Spitz nevus" read beside irregular streaks ties the diagnosis to the wrong value (Spitz nevi have
    regular streaks), so a criterion-level typical/possible claim is made only when no value is known;
    "against" at criterion level holds for every value and stays."""
    generic = generic_of()
    return {generic[f] for f in observed if f in generic}


@lru_cache(maxsize=1)
def _criterion_values() -> dict[str, frozenset[str]]:
    """Finding id -> every value of its Derm7pt criterion (itself included). A lesion shows one value
    of a criterion, so an accepted finding on another value says how a diagnosis differs on it.
    Elevation is such a criterion (flat / palpable / nodular); body site is not (a lesion on the back
    says nothing about how often the diagnosis occurs elsewhere)."""
    groups: dict[str, set[str]] = {}
    for specific, generic in generic_of().items():
        groups.setdefault(generic, set()).add(specific)
    by_lexicon = by_lexicon_id()
    elevation = {by_lexicon[c].id for c in DERM7PT_ELEVATION.values() if c in by_lexicon}
    return {f: frozenset(g) for g in [*groups.values(), elevation] for f in g}


def discriminates(
    knowledge: FindingKnowledge,
    favoured: str,
    other: str,
    finding: str,
    listed: set[str] | None = None,
    shown: set[str] | None = None,
) -> str | None:
    """The accepted assertion on ``other`` that makes ``finding`` (shown by this lesion, typical or
    possible of ``favoured``) a reason for ``favoured`` over ``other``; None when it is no reason.

    It does when ``finding`` (or its whole criterion) is accepted as against ``other`` (and not
    against ``favoured``), or when
    ``other`` has an accepted typical / possible finding on another value of the same criterion and
    none on this value. Typical of both, or not recorded for ``other``, separates nothing. With
    ``listed`` (the validator) only assertions in a row's provenance count as evidence. An absent
    finding typical of Y is read from Y's side (``favoured`` = Y) with ``shown``: the other value
    must then be one this lesion shows.
    """
    mine, theirs = knowledge.relation(favoured, finding), knowledge.relation(other, finding)
    # "against" on the criterion ("pigment network argues against seborrheic keratosis") holds for
    # every value of it
    generic = generic_of().get(finding, "")
    mine_all, theirs_all = knowledge.relation(favoured, generic), knowledge.relation(other, generic)
    if any(r and r[0] == "against" for r in (mine, mine_all)):
        return None
    if theirs:
        ok = theirs[0] == "against" and (listed is None or theirs[1] in listed)
        return theirs[1] if ok else None
    if theirs_all and theirs_all[0] == "against" and (listed is None or theirs_all[1] in listed):
        return theirs_all[1]
    for value in sorted(_criterion_values().get(finding, frozenset()) - {finding}):
        hit = knowledge.relation(other, value)
        if shown is not None and value not in shown:
            continue
        if hit and hit[0] in RELATIONS_FOR and (listed is None or hit[1] in listed):
            return hit[1]
    return None


def _without_implied(claims: list[Claim]) -> list[Claim]:
    """One claim per Derm7pt criterion and diagnosis: seen, the specific value ("irregular streaks")
    says more than the criterion ("streaks"); not seen, the criterion covers its values."""
    generic = generic_of()
    keys = {(c.diagnosis, c.finding, c.seen) for c in claims}
    out = []
    for c in claims:
        if c.seen and any((c.diagnosis, s, True) in keys for s, g in generic.items() if g == c.finding):
            continue  # a seen specific value of this criterion is stated
        if not c.seen and (c.diagnosis, generic.get(c.finding, ""), False) in keys:
            continue  # the whole criterion is absent and stated
        out.append(c)
    return out


def conflicts(knowledge: FindingKnowledge, diagnosis: str, observed: list[str]) -> list[str]:
    """Findings this lesion shows that an accepted assertion says argue against its own diagnosis."""
    return [f for f in observed if (r := knowledge.relation(diagnosis, f)) and r[0] == "against"]


GRAVITY = {"benign": 0, "premalignant": 1, "precancerous in situ": 1, "malignant": 2}


def gravity_of(graph: SynthGraph) -> dict[str, int]:
    """Every diagnosis's :data:`GRAVITY` rank (its lesion condition, inherited through the taxonomy),
    where its malignancy is known; computed once a snapshot."""
    cached = graph.argument_cache.get(("gravity",))
    if cached is None:
        ranks = {d: GRAVITY.get(graph.malignancy(d)[0] or "") for d in graph.diagnoses}
        cached = graph.argument_cache[("gravity",)] = {d: r for d, r in ranks.items() if r is not None}  # type: ignore[assignment]
    return cached  # type: ignore[return-value]


def _flags(gravity: dict[str, int], own: str, other: str) -> bool:
    """A finding typical of ``other`` is a red flag on a lesion labelled ``own`` when the label is
    benign and ``other`` is not: the boundary a missed criterion costs most. Between melanoma in situ
    and invasive melanoma the dermoscopic criteria overlap (a checklist does not stage), so a
    premalignant label is not flagged by a malignant diagnosis's findings."""
    return gravity.get(own) == GRAVITY["benign"] and gravity.get(other, GRAVITY["benign"]) > GRAVITY["benign"]


def counter_evidence(
    knowledge: FindingKnowledge,
    diagnosis: str,
    observed: list[str],
    gravity: dict[str, int],
    listed: set[str] | None = None,
) -> list[tuple[str, str, str]]:
    """(finding, other diagnosis, assertion id): red flags, i.e. findings this lesion shows that are
    accepted as typical of a graver diagnosis (:func:`_flags`; ``gravity``: id -> :data:`GRAVITY`
    rank of its lesion condition; unknown ranks decide nothing) and that no accepted typical /
    possible finding of ``diagnosis`` explains (an irregular streak on a "Clark nevus" is a
    melanoma criterion, not a naevus one). A blotch typical of blue nevus on a melanoma is no flag.
    A Type 1 row cannot address them (it names no alternative), so such a lesion is not a target.
    With ``listed`` (the validator) an explaining assertion counts only when the row's provenance
    lists it. Exact findings only: a criterion-level assertion does not say which value it means."""
    out = []
    for f in sorted(set(observed)):
        own = knowledge.relation(diagnosis, f)
        if own and own[0] in ("typical", "possible") and (listed is None or own[1] in listed):
            continue
        out += [
            (f, d, aid)
            for (d, ff), (rel, aid) in sorted(knowledge.relations.items())
            if ff == f and rel == "typical" and _flags(gravity, diagnosis, d)
        ]
    return out


def explaining(
    knowledge: FindingKnowledge, diagnosis: str, observed: list[str], gravity: dict[str, int]
) -> list[str]:
    """The accepted typical / possible assertions of ``diagnosis`` on shown findings that are typical
    of a graver diagnosis: they decided that a Type 1 row is written (withdrawing one drops it), so
    the row lists them."""
    typical_elsewhere = {
        f
        for (d, f), (rel, _) in knowledge.relations.items()
        if rel == "typical" and _flags(gravity, diagnosis, d)
    }
    hits = (knowledge.relation(diagnosis, f) for f in sorted(set(observed) & typical_elsewhere))
    return [h[1] for h in hits if h and h[0] in ("typical", "possible")]


def separate(
    knowledge: FindingKnowledge, favoured: str, other: str, observed: list[str], not_observed: list[str]
) -> list[Claim]:
    """Separating claims (see the module docstring); [] when none. ``not_observed`` is taken and
    ignored: absences are no reason."""
    separating: list[Claim] = []
    used: set[str] = set()
    valued = _valued_criteria(observed)
    for f in sorted(observed, key=lambda f: _order(knowledge, f)):
        theirs, ours = knowledge.relation(other, f), knowledge.relation(favoured, f)
        if theirs and theirs[0] == "against" and not (ours and ours[0] == "against"):
            if ours and ours[0] in ("typical", "possible") and f not in valued:
                separating.append(
                    Claim(assertion_id=ours[1], diagnosis=favoured, finding=f, relation=ours[0], seen=True)
                )  # type: ignore[arg-type]
            separating.append(
                Claim(assertion_id=theirs[1], diagnosis=other, finding=f, relation="against", seen=True)
            )
            used.add(f)
    # an absence is never a reason: most lesions of a diagnosis lack most of its typical findings
    # (low sensitivity), so "no hairpin vessels, typical of seborrheic keratosis" rules nothing out
    del not_observed
    separating = _without_implied(separating)
    # a shown finding of the favoured diagnosis is a reason only where the graph records that the
    # other diagnosis differs on it (then it separates the pair on its own); the rest stay
    # observations of the lesion
    extra = [c for c in support(knowledge, favoured, observed) if c.finding not in used]
    extra = [c for c in extra if discriminates(knowledge, favoured, other, c.finding)]
    return (separating + extra)[: MAX_CLAIMS + 1]


def _doubts(knowledge: FindingKnowledge, other: str, favoured: str, observed: list[str]) -> int:
    """How many criteria this lesion shows that speak for ``other`` (typical / possible of it, not of
    ``favoured``), one per criterion. A criterion-level finding counts beside a shown value even
    where it is not said (regression structures typical of melanoma in situ, the lesion showing blue
    areas), unless ``other`` is curated on the criterion's values: a claim must be exact, a doubt
    need only be possible."""
    generic = generic_of()
    # where ``other`` is curated on values of the criterion, the criterion-level one says no more
    # (Spitz naevi: streaks, and regular ones; irregular streaks are no doubt for a Spitz naevus)
    valued = {generic[v] for (d, v) in knowledge.relations if d == other and v in generic}
    return len(
        {
            generic.get(f, f)
            for f in observed
            if _shared(knowledge, other, f) and not _shared(knowledge, favoured, f) and f not in valued
        }
    )


def _shared(knowledge: FindingKnowledge, other: str, finding: str) -> bool:
    r = knowledge.relation(other, finding)
    return bool(r and r[0] in ("typical", "possible"))


def build_argument(
    knowledge: FindingKnowledge,
    *,
    mode: Mode,
    wording: str,
    favoured: str,
    other: str,
    names: dict[str, str],
    observed: list[str],
    not_observed: list[str],
    with_facts: bool = False,
) -> tuple[Argument | None, str | None]:
    """(argument, None) or (None, why no honest row can be written for this pair)."""
    if not observed:
        return None, "no observation of this image recorded"
    if conflicts(knowledge, favoured, observed):
        return None, "this lesion shows a finding accepted as against its diagnosis"
    claims = separate(knowledge, favoured, other, observed, not_observed)
    if not claims:
        return None, f"no accepted finding separates {names[favoured]} from {names[other]}"
    # findings this lesion shows that are typical of the other diagnosis: said, never hidden; when
    # they weigh as much as the separating ones the pair is not a teaching example. Hard to claim,
    # easy to doubt: a reason must discriminate, a doubt need not (an atypical network not recorded
    # for seborrheic keratosis still weighs against calling the lesion one)
    for_other = support(knowledge, other, observed)
    unshared = [c for c in for_other if not _shared(knowledge, favoured, c.finding)]
    doubts = _doubts(knowledge, other, favoured, observed)
    if doubts >= len(claims):
        return None, "this lesion shows as many accepted findings of the other diagnosis"
    # absences rule out; they do not establish. A revision (Type 3) needs a finding this lesion
    # shows that is typical of the new diagnosis, and wherever the lesion shows findings typical of
    # the other diagnosis, more shown findings must speak for the favoured one (an atypical network
    # is not outweighed by streaks that are missing)
    shown = [c for c in claims if c.seen]
    # a finding against the first diagnosis does not point to the new one (a veil argues against a
    # naevus, towards melanoma, not towards a keratosis): a revision names a shown finding of its own
    if mode == "switch" and not any(c.diagnosis == favoured for c in shown):
        return None, f"no finding this lesion shows speaks for {names[favoured]} over {names[other]}"
    if doubts and len(shown) <= doubts:
        return None, "this lesion shows as many accepted findings of the other diagnosis"
    # the concluded diagnosis is named from what the lesion shows, never only by excluding the other
    own = support(knowledge, favoured, observed)
    if not own:
        return None, f"no accepted finding of {names[favoured]} shown"
    # a revision starts from a first impression this image makes plausible: a finding it shows that
    # is typical of the first diagnosis and not of the final one
    if mode == "switch" and not unshared:
        return None, f"no finding this lesion shows suggests {names[other]} first"
    support_other = for_other if mode == "switch" else unshared
    said = {c.finding for c in claims if c.diagnosis == favoured}
    own = [c for c in own if c.finding not in said]
    # the alternative the prompt asks to describe (the partner: ``other`` kept, ``favoured`` revised to)
    described = defining(knowledge, other if mode == "keep" else favoured)
    stated = {c.assertion_id for c in [*claims, *support_other, *own, *described]}
    return (
        Argument(
            mode=mode,
            wording=wording,  # type: ignore[arg-type]
            favoured=favoured,
            other=other,
            favoured_name=names[favoured],
            other_name=names[other],
            observed=observed,
            not_observed=not_observed,
            support_other=support_other,
            support=own if mode == "keep" else [],
            described=described,
            claims=claims,
            facts=_facts(knowledge, favoured, other) if with_facts else [],
            consulted=[
                a
                for a in _consulted(knowledge, (favoured, other), observed + not_observed)
                if a not in stated
            ],
        ),
        None,
    )


def _consulted(knowledge: FindingKnowledge, diagnoses: tuple[str, str], assessed: list[str]) -> list[str]:
    """Every accepted finding assertion the choice above could read: either diagnosis x a finding this
    lesion was assessed for, or another value of its criterion (:func:`discriminates`). Withdrawing
    any other assertion cannot change the row; withdrawing one of these may (a shared finding stops
    suppressing a claim, a differing value stops making one), so the row lists them all."""
    values, generic = _criterion_values(), generic_of()
    specifics = {g: sorted(s for s, gg in generic.items() if gg == g) for g in set(generic.values())}
    up = {f: [generic[f]] for f in assessed if f in generic}  # the criterion of a value
    read = dict.fromkeys(
        v for f in assessed for v in (f, *sorted(values.get(f, ())), *up.get(f, []), *specifics.get(f, []))
    )
    hits = (knowledge.relation(d, f) for d in diagnoses for f in read)
    return sorted({hit[1] for hit in hits if hit})


def defining(knowledge: FindingKnowledge, diagnosis: str) -> list[Claim]:
    """The accepted typical findings of ``diagnosis`` (its defining features, as the prompt asks for
    the alternative), most specific first; criterion-level ones only where no value of it is typical."""
    generic = generic_of()
    typical = [f for f, (rel, _aid) in knowledge.of(diagnosis).items() if rel == "typical"]
    covered = {generic[f] for f in typical if f in generic}
    kept = sorted((f for f in typical if f not in covered), key=lambda f: _order(knowledge, f))
    return [
        Claim(
            assertion_id=knowledge.relations[(diagnosis, f)][1],
            diagnosis=diagnosis,
            finding=f,
            relation="typical",
            seen=True,
        )
        for f in kept[:MAX_CLAIMS]
    ]


def _facts(knowledge: FindingKnowledge, *diagnoses: str) -> list[Claim]:
    """Every accepted finding of the diagnoses (what the LLM comparator may state)."""
    return [
        Claim(assertion_id=aid, diagnosis=d, finding=f, relation=rel, seen=True)  # type: ignore[arg-type]
        for d in diagnoses
        for f, (rel, aid) in sorted(knowledge.of(d).items())
    ]
