"""Presentations ("causes of blisters"): a book's lists of causes, reviewed as a whole, from which a
curator accepts chosen member pairs as differentials in bulk (issue 14 point 3).

The contract with ingestion: a presentation is a :class:`kg.models.Finding` with
``type="presentation"``; each member is a ``finding`` assertion, subject = the diagnosis, object =
the presentation's finding id, relation ``possible``, carrying the book's evidence. A member list is
not a differential by itself, so nothing becomes DDx until a curator picks the pairs.

Accepting a pair writes a human DDx assertion with the two members' evidence and a note naming the
presentation, then records the curator's accept (a vote where consensus k > 1): one decision event
per pair in the audit log. A pair already in the graph is reported, not duplicated.

Example:
    >>> p = list_presentations(store)[0]
    >>> accept_pairs(actions, p, [("bullous-pemphigoid", "pemphigus-vulgaris")])
"""

from __future__ import annotations

from itertools import combinations

from pydantic import BaseModel

from dermkg.errors import InputError
from kg.models import Assertion, AssertionQuery, Evidence, Finding
from kg.store.base import GraphStore
from studio.actions import CurationActions


class Member(BaseModel):
    assertion: Assertion  # the membership (finding assertion)
    name: str
    malignancy: str | None = None  # resolved class (own value or nearest ancestor's)


class Presentation(BaseModel):
    finding: Finding
    members: list[Member]  # proposed and accepted memberships
    rejected: list[Member]

    @property
    def evidence(self) -> list[Evidence]:
        seen: dict[str, Evidence] = {}
        for m in self.members:
            for ev in m.assertion.evidence:
                seen.setdefault(ev.id or ev.quote, ev)
        return list(seen.values())


class PairResult(BaseModel):
    pair: tuple[str, str]
    outcome: str  # "accepted", "vote recorded", "already accepted", "was rejected"
    assertion_id: str


def _malignancy(store: GraphStore, view: object, diagnosis_id: str) -> str | None:
    try:
        from kg import algorithms as alg

        value = alg.malignancy(view, diagnosis_id)
        return getattr(value, "value", None) if value is not None else None
    except Exception:  # a diagnosis outside the accepted taxonomy: its own value
        d = store.get_diagnosis(diagnosis_id)
        return d.malignancy if d else None


def list_presentations(store: GraphStore) -> list[Presentation]:
    """Every presentation with its members, the ones with undecided members first."""
    found = {f.id: f for f in store.list_findings(type="presentation")}
    if not found:
        return []
    members: dict[str, list[Assertion]] = {i: [] for i in found}
    for a in store.query_assertions(AssertionQuery(kind="finding", limit=None)).items:
        if a.object in members:
            members[a.object].append(a)
    view = store.graph_view(include_proposed=True)
    out = []
    for fid, f in found.items():
        listed = []
        for a in sorted(members[fid], key=lambda a: a.subject):
            d = store.get_diagnosis(a.subject)
            name = d.name if d else a.subject
            listed.append(Member(assertion=a, name=name, malignancy=_malignancy(store, view, a.subject)))
        out.append(
            Presentation(
                finding=f,
                members=[m for m in listed if m.assertion.status in ("proposed", "accepted")],
                rejected=[m for m in listed if m.assertion.status not in ("proposed", "accepted")],
            )
        )
    out.sort(key=lambda p: (not any(m.assertion.status == "proposed" for m in p.members), p.finding.name))
    return out


def member_pairs(store: GraphStore, p: Presentation) -> list[dict[str, object]]:
    """Every pair of members with the DDx already in the graph, if any (shown as already present)."""
    rows = []
    for a, b in combinations(sorted(p.members, key=lambda m: m.name.lower()), 2):
        existing = store.find_assertion("ddx", a.assertion.subject, b.assertion.subject)
        rows.append(
            {
                "a": a.assertion.subject,
                "b": b.assertion.subject,
                "pair": f"{a.name} ↔ {b.name}",
                "in the graph": existing.status if existing else "",
            }
        )
    return rows


def accept_pairs(
    actions: CurationActions, p: Presentation, pairs: list[tuple[str, str]], note: str = ""
) -> list[PairResult]:
    """Accept each chosen pair as a differential; one decision per pair, evidence from the book."""
    actions.check("review")
    if not pairs:
        raise InputError("select at least one pair of members")
    by_id = {m.assertion.subject: m for m in p.members}
    store = actions.store
    results: list[PairResult] = []
    for a, b in pairs:
        if a not in by_id or b not in by_id or a == b:
            raise InputError(f"{a} and {b} are not two members of {p.finding.name}")
        existing = store.find_assertion("ddx", a, b)
        if existing is not None and existing.status == "accepted":
            results.append(PairResult(pair=(a, b), outcome="already accepted", assertion_id=existing.id))
            continue
        if existing is not None and existing.status in ("rejected", "superseded"):
            results.append(
                PairResult(pair=(a, b), outcome=f"was {existing.status}", assertion_id=existing.id)
            )
            continue
        evidence = _pair_evidence(p, by_id[a], by_id[b])
        text = f"accepted as a differential from the presentation “{p.finding.name}”"
        if note.strip():
            text += f": {note.strip()}"
        if existing is None:
            existing = store.add_assertion(
                Assertion(kind="ddx", subject=a, object=b, origin="human", note=text, evidence=evidence),
                user=actions.username,
            )
        voted = actions.accept(existing.id)
        outcome = "accepted" if voted.status == "accepted" else "vote recorded"
        results.append(PairResult(pair=(a, b), outcome=outcome, assertion_id=voted.id))
    return results


def _pair_evidence(p: Presentation, a: Member, b: Member) -> list[Evidence]:
    """The members' quotes once each (one sentence usually names both), under the presentation."""
    seen: dict[tuple[str, int | None, str], Evidence] = {}
    for ev in (*a.assertion.evidence, *b.assertion.evidence):
        key = (ev.source_sha256, ev.page, ev.quote)
        if key not in seen:
            seen[key] = ev.model_copy(update={"id": "", "context": ev.context or p.finding.name})
    return list(seen.values())


def decide_membership(actions: CurationActions, member: Member, accept: bool, reason: str = "") -> Assertion:
    """Accept or reject that a diagnosis belongs to a presentation (a reject needs a reason)."""
    a = member.assertion
    if accept:
        return actions.accept(a.id, expected_version=a.version)
    return actions.reject(a.id, reason, expected_version=a.version)


def decide_presentation(actions: CurationActions, p: Presentation, accept: bool, reason: str = "") -> Finding:
    """Accept or reject the presentation itself (is it a presentation worth keeping, named right?),
    apart from its members; a reject needs a reason. Audited and revertible like any decision."""
    actions.check("review")
    f = p.finding
    if accept:
        return actions.store.review_finding(f.id, "accept", user=actions.username, expected_version=f.version)
    if not reason.strip():
        raise InputError("rejecting needs a reason: say why, so the next curator and the extractor learn")
    return actions.store.review_finding(
        f.id, "reject", user=actions.username, reason=reason.strip(), expected_version=f.version
    )
