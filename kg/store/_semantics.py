"""Backend-independent rules of the store contract (pure functions, no I/O).

Both backends call these so that merging, voting and edits behave identically; the backends only
decide how rows are read and written. See the module docstring of :mod:`kg.store.base`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, TypeVar

from dermkg.errors import ConflictError, CycleError, InputError
from kg.ids import assertion_id, canonical_pair, case_id, evidence_id
from kg.models import (
    Assertion,
    Case,
    Decision,
    Diagnosis,
    Evidence,
    GraphExport,
    Vote,
    check_relation,
    utcnow,
)
from kg.names import normalize

DECISION_STATUS = {"accept": "accepted", "reject": "rejected", "supersede": "superseded"}
STATUS_ACTION = {status: action for action, status in DECISION_STATUS.items()}
DIAGNOSIS_FIELDS = {"name", "synonyms", "malignancy", "malignancy_source", "codes", "status", "origin"}
CASE_FIELDS = {"diagnosis", "status", "rationale", "caption", "credit", "image_path", "meta", "source"}


M = TypeVar("M", Assertion, Case, Diagnosis)


def next_version(current: M, changed: M) -> M | None:
    """``changed`` at ``current``'s version + 1, or None when it changes nothing, so that a no-op
    write leaves the version and the history alone."""
    if changed == current:
        return None
    return changed.model_copy(update={"version": current.version + 1})


def snapshot(item: Any) -> dict[str, Any]:
    """The JSON form stored in CurationEvent.before / after."""
    return item.model_dump(mode="json")


def with_evidence_ids(evidence: Iterable[Evidence]) -> list[Evidence]:
    out: list[Evidence] = []
    for ev in evidence:
        if not ev.id:
            ev = ev.model_copy(update={"id": evidence_id(ev.source_sha256, ev.page, ev.quote)})
        out.append(ev)
    return out


def union_evidence(existing: list[Evidence], incoming: Iterable[Evidence]) -> tuple[list[Evidence], int]:
    """Existing evidence plus incoming items whose id is new; returns (merged, number added)."""
    seen = {ev.id for ev in existing}
    merged = list(existing)
    for ev in with_evidence_ids(incoming):
        if ev.id not in seen:
            seen.add(ev.id)
            merged.append(ev)
    return merged, len(merged) - len(existing)


def clean_synonyms(name: str, synonyms: Iterable[str]) -> list[str]:
    """Synonyms without blanks and without repeats of the name or each other (by normalised key)."""
    seen = {normalize(name)}
    out: list[str] = []
    for syn in synonyms:
        syn = syn.strip()
        key = normalize(syn)
        if syn and key and key not in seen:
            seen.add(key)
            out.append(syn)
    return out


def prepare_diagnosis(d: Diagnosis) -> Diagnosis:
    name = d.name.strip()
    if not d.id or not name or not normalize(name):
        raise InputError(f"diagnosis {d.id!r} needs an id and a name with letters or digits")
    return d.model_copy(
        update={
            "name": name,
            "synonyms": clean_synonyms(name, d.synonyms),
            "evidence": with_evidence_ids(d.evidence),
        }
    )


def merge_diagnosis(existing: Diagnosis, incoming: Diagnosis) -> Diagnosis | None:
    """Upsert of an existing id: synonyms and codes unioned (existing codes win), an own malignancy
    kept unless unset, a differing incoming name becomes a synonym, a proposed diagnosis takes a
    final incoming status. Returns None when nothing changes."""
    synonyms = clean_synonyms(existing.name, [*existing.synonyms, incoming.name, *incoming.synonyms])
    codes = {**incoming.codes, **existing.codes}
    evidence, _ = union_evidence(existing.evidence, incoming.evidence)
    update: dict[str, Any] = {"synonyms": synonyms, "codes": codes, "evidence": evidence}
    if existing.malignancy is None and incoming.malignancy is not None:
        update["malignancy"] = incoming.malignancy
        update["malignancy_source"] = incoming.malignancy_source
    if existing.status == "proposed" and incoming.status in {"accepted", "rejected"}:
        update["status"] = incoming.status
    return next_version(existing, existing.model_copy(update=update))


def apply_diagnosis_changes(d: Diagnosis, changes: Mapping[str, Any]) -> Diagnosis:
    unknown = set(changes) - DIAGNOSIS_FIELDS
    if unknown:
        raise InputError(
            f"cannot change {sorted(unknown)} of a diagnosis; allowed: {sorted(DIAGNOSIS_FIELDS)}"
        )
    if changes.get("status") == "merged":
        raise InputError("use merge_diagnoses to merge a diagnosis")
    data = d.model_dump()
    data.update(changes)
    try:
        new = Diagnosis.model_validate(data)
    except ValueError as exc:
        raise InputError(f"invalid change to diagnosis {d.id}: {exc}") from None
    return prepare_diagnosis(new)


def merge_diagnoses_into(keep: Diagnosis, drop: Diagnosis) -> Diagnosis:
    """``keep`` after folding ``drop`` into it (names become synonyms, codes / evidence unioned)."""
    synonyms = clean_synonyms(keep.name, [*keep.synonyms, drop.name, *drop.synonyms])
    evidence, _ = union_evidence(keep.evidence, drop.evidence)
    aliases = sorted({*keep.aliases, drop.id, *drop.aliases})
    update: dict[str, Any] = {
        "synonyms": synonyms,
        "codes": {**drop.codes, **keep.codes},
        "evidence": evidence,
        "aliases": aliases,
        "version": keep.version + 1,
    }
    if keep.malignancy is None and drop.malignancy is not None:
        update["malignancy"] = drop.malignancy
        update["malignancy_source"] = drop.malignancy_source
    if keep.status != "accepted" and drop.status == "accepted":
        update["status"] = "accepted"
    return keep.model_copy(update=update)


def prepare_assertion(a: Assertion, subject: str | None = None, object: str | None = None) -> Assertion:
    """Canonical direction, deterministic id, evidence ids and version 1, in one copy.
    ``subject`` / ``object`` are the resolved ids (default: the assertion's own)."""
    s, o = subject or a.subject, object or a.object
    if s == o:
        raise InputError(f"{a.kind} assertion from {s!r} to itself")
    s, o = canonical_pair(a.kind, s, o)
    update: dict[str, Any] = {"subject": s, "object": o, "version": 1}
    if not a.id:
        update["id"] = assertion_id(a.kind, s, o)
    if any(not ev.id for ev in a.evidence):
        update["evidence"] = with_evidence_ids(a.evidence)
    return a.model_copy(update=update)


def _better_score(a: float | None, b: float | None) -> float | None:
    if a is None:
        return b
    if b is None:
        return a
    return max(a, b)


def merge_assertion(existing: Assertion, incoming: Assertion) -> Assertion | None:
    """Same (kind, subject, object): evidence merged by id, the better score kept, a proposed
    assertion takes a final incoming status (never downgraded). None when nothing changes."""
    evidence, _ = union_evidence(existing.evidence, incoming.evidence)
    update: dict[str, Any] = {"evidence": evidence, "score": _better_score(existing.score, incoming.score)}
    if existing.status == "proposed" and incoming.status != "proposed":
        update.update(
            status=incoming.status,
            reviewed_by=incoming.reviewed_by,
            reviewed_at=incoming.reviewed_at,
        )
    if existing.agent is None and incoming.agent is not None:
        update["agent"] = incoming.agent
    if existing.note is None and incoming.note is not None:
        update["note"] = incoming.note
    return next_version(existing, existing.model_copy(update=update))


def apply_vote(
    a: Assertion,
    *,
    user: str,
    decision: Decision,
    reason: str | None,
    required_votes: int,
    at: datetime | None = None,
) -> tuple[Assertion, str]:
    """``a`` with ``user``'s vote recorded (replacing their earlier one) and, when
    ``required_votes`` users agree, the decision applied. Returns (assertion, event action)."""
    if decision not in DECISION_STATUS:
        raise InputError(f"unknown decision {decision!r}: use accept, reject or supersede")
    if decision == "reject" and not (reason and reason.strip()):
        raise InputError(f"rejecting {a.id} needs a reason")
    if required_votes < 1:
        raise InputError("required_votes must be at least 1")
    at = at or utcnow()
    votes = [v for v in a.votes if v.user != user]
    votes.append(Vote(user=user, decision=decision, at=at, reason=reason))
    agreeing = sum(1 for v in votes if v.decision == decision)
    update: dict[str, Any] = {"votes": votes, "version": a.version + 1}
    action = "vote"
    if agreeing >= required_votes:
        update.update(status=DECISION_STATUS[decision], reviewed_by=user, reviewed_at=at)
        if reason:
            update["note"] = reason if decision != "accept" or a.note is None else a.note
        action = decision
    return a.model_copy(update=update), action


def prepare_case(c: Case) -> Case:
    return c.model_copy(
        update={"id": c.id or case_id(c.image_sha256, c.diagnosis), "evidence": with_evidence_ids(c.evidence)}
    )


def merge_case(existing: Case, incoming: Case) -> Case | None:
    evidence, _ = union_evidence(existing.evidence, incoming.evidence)
    update: dict[str, Any] = {"evidence": evidence, "meta": {**incoming.meta, **existing.meta}}
    for field in ("rationale", "caption", "credit", "source"):
        if getattr(existing, field) is None and getattr(incoming, field) is not None:
            update[field] = getattr(incoming, field)
    return next_version(existing, existing.model_copy(update=update))


def apply_case_changes(c: Case, changes: Mapping[str, Any]) -> Case:
    unknown = set(changes) - CASE_FIELDS
    if unknown:
        raise InputError(f"cannot change {sorted(unknown)} of a case; allowed: {sorted(CASE_FIELDS)}")
    data = c.model_dump()
    data.update(changes)
    try:
        return Case.model_validate(data)
    except ValueError as exc:
        raise InputError(f"invalid change to case {c.id}: {exc}") from None


def case_action(before: Case, after: Case) -> str:
    if after.status != before.status:
        return {"accepted": "accept", "excluded": "reject"}.get(after.status, "edit")
    return "edit"


def check_acyclic_add(parents: dict[str, set[str]], child: str, parent: str) -> None:
    """Raise CycleError if ``child`` is_a ``parent`` closes a cycle in ``parents`` (child -> parents);
    otherwise add the edge to ``parents``."""
    if child == parent:
        raise CycleError(f"{child} is_a {child} would make the taxonomy cyclic")
    # a cycle appears iff child is already an ancestor of parent
    stack, seen = [parent], {parent}
    while stack:
        node = stack.pop()
        for up in parents.get(node, ()):
            if up == child:
                raise CycleError(
                    f"{child} is_a {parent} would make the taxonomy cyclic "
                    f"({parent} is already below {child})"
                )
            if up not in seen:
                seen.add(up)
                stack.append(up)
    parents.setdefault(child, set()).add(parent)


def find_cycle(edges: Iterable[tuple[str, str]]) -> list[str] | None:
    """A cycle (list of nodes) in the directed graph of ``edges``, or None."""
    import networkx as nx

    g = nx.DiGraph()
    g.add_edges_from(edges)
    try:
        cycle = nx.find_cycle(g)
    except nx.NetworkXNoCycle:
        return None
    return [u for u, _ in cycle]


def check_no_cycle(edges: Iterable[tuple[str, str]], what: str) -> None:
    """Raise CycleError when the accepted is_a ``edges`` are cyclic; ``what`` names the change that
    made them so (a merge, a revert, a restore), so the message says which change to undo."""
    cycle = find_cycle(edges)
    if cycle:
        raise CycleError(f"{what}: {' -> '.join(cycle)}")


def check_export_acyclic(export: GraphExport) -> None:
    """Refuse to restore an export whose accepted is_a edges are cyclic (it was edited by hand)."""
    check_no_cycle(
        ((a.subject, a.object) for a in export.assertions if a.kind == "is_a" and a.status == "accepted"),
        "the export's accepted is_a edges form a cycle",
    )


def check_export_objects(export: GraphExport) -> None:
    """Every assertion's object is a diagnosis (or an alias of one), a finding assertion's a
    finding: what a foreign key cannot say once an object may be either."""
    diagnoses = {d.id for d in export.diagnoses} | {a for d in export.diagnoses for a in d.aliases}
    findings = {f.id for f in export.findings}
    for a in export.assertions:
        known, what = (findings, "finding") if a.kind == "finding" else (diagnoses, "diagnosis")
        if a.object not in known:
            raise InputError(f"the export is inconsistent: {a.id} refers to unknown {what} {a.object!r}")


def check_kind_change(current: Assertion, kind: str) -> None:
    """A finding assertion's object is a finding, other kinds' a diagnosis: no edit crosses over."""
    if (kind == "finding") != (current.kind == "finding"):
        raise InputError(f"cannot edit {current.id} from {current.kind} to {kind}: make a new assertion")


def edited_assertion(
    current: Assertion,
    *,
    kind: str | None,
    subject: str | None,
    object: str | None,
    note: str | None,
    by_key: Callable[[str, str, str], Assertion | None],
    relation: str | None = None,
) -> Assertion:
    """``current`` with a new kind / resolved ends / relation / note, canonical and at version + 1;
    ``current`` itself when the edit changes nothing (so a no-op edit writes no event). Self-loops
    are refused, and so is restating a (kind, subject, object) that ``by_key`` finds on another assertion."""
    k = kind or current.kind
    check_kind_change(current, k)
    s = subject if subject is not None else current.subject
    o = object if object is not None else current.object
    if s == o:
        raise InputError(f"{k} assertion from {s!r} to itself")
    s, o = canonical_pair(k, s, o)
    rel = relation if relation is not None else (current.relation if k == "finding" else None)
    try:
        check_relation(k, rel)
    except ValueError as exc:
        raise InputError(f"cannot edit {current.id}: {exc}") from None
    update: dict[str, Any] = {
        "kind": k,
        "subject": s,
        "object": o,
        "relation": rel,
        "version": current.version + 1,
    }
    if note is not None:
        update["note"] = note
    new = current.model_copy(update=update)
    if new.model_copy(update={"version": current.version}) == current:
        return current
    if (k, s, o) != (current.kind, current.subject, current.object):
        other = by_key(k, s, o)
        if other is not None:
            raise InputError(f"assertion {other.id} already states {k} {s} -> {o}; merge or reject instead")
    return new


def check_version(kind: str, item: Any, expected: int | None) -> None:
    """Optimistic locking for the studio: refuse a change made from a stale copy of ``item``."""
    if expected is not None and item.version != expected:
        raise ConflictError(
            f"{kind} {item.id} is at version {item.version}, not {expected}: "
            "someone else changed it; reload and retry"
        )


def touches_accepted(*statuses: str | None) -> bool:
    return any(s == "accepted" for s in statuses)
