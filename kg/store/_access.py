"""Small reads and checks every store operation needs, over :class:`kg.store._rows.Rows`: ids through
aliases, the ends of an assertion, the accepted taxonomy, the audit event and the revision mark.
Written once so the curation, load and history operations agree on them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from dermkg.errors import InputError, NotFoundError
from kg.models import Assertion, Case, CurationEvent, Diagnosis, Finding, NameMatch
from kg.names import fuzzy_matches, name_keys, normalize
from kg.store import _semantics as sem
from kg.store._rows import NameColumns, Rows, event_from, event_row, graph_changed

T = TypeVar("T")
K = TypeVar("K")


def paged(
    fetch: Callable[[K, int], list[T]], start: K, key: Callable[[T], K], size: int = 5000
) -> Iterator[T]:
    """Every row of a keyset-paged read in order, ``size`` rows in memory at a time."""
    last = start
    while batch := fetch(last, size):
        yield from batch
        last = key(batch[-1])


def resolve_id(rows: Rows, id: str) -> str | None:
    """The live diagnosis id of ``id`` (or of a diagnosis merged into it); None if unknown."""
    return rows.resolve_ids([id])[id]


def found(item: T | None, what: str, id: str) -> T:
    """``item``, or NotFoundError naming the unknown id."""
    if item is None:
        raise NotFoundError(f"unknown {what} id {id!r}")
    return item


def require_id(rows: Rows, id: str, what: str = "diagnosis") -> str:
    return found(resolve_id(rows, id), what, id)


def diagnosis(rows: Rows, id: str) -> Diagnosis | None:
    """A live diagnosis row by its own id (not through aliases)."""
    return rows.diagnoses([id]).get(id)


def finding(rows: Rows, id: str) -> Finding | None:
    return rows.findings([id]).get(id)


def assertion(rows: Rows, id: str) -> Assertion | None:
    return rows.assertions([id]).get(id)


def require_assertion(rows: Rows, id: str) -> Assertion:
    return found(assertion(rows, id), "assertion", id)


def case(rows: Rows, id: str) -> Case | None:
    return rows.cases([id]).get(id)


def by_key(rows: Rows, kind: str, subject: str, object: str) -> Assertion | None:
    key = (kind, subject, object)
    return rows.assertions_by_keys([key]).get(key)


def accepted_parents(rows: Rows, *, without: str | None = None) -> dict[str, set[str]]:
    """child -> parents of the accepted is_a edges, leaving out assertion ``without``."""
    parents: dict[str, set[str]] = {}
    for aid, child, parent in rows.accepted_is_a():
        if aid != without:
            parents.setdefault(child, set()).add(parent)
    return parents


def check_acyclic(rows: Rows, a: Assertion, *, without: str | None) -> None:
    if a.kind == "is_a" and a.status == "accepted":
        sem.check_acyclic_add(accepted_parents(rows, without=without), a.subject, a.object)


def check_taxonomy(rows: Rows, what: str) -> None:
    """CycleError naming ``what`` when the accepted is_a edges now form a cycle (merges, reverts)."""
    sem.check_no_cycle(((c, p) for _, c, p in rows.accepted_is_a()), what)


def check_finding_ends(rows: Rows, pairs: list[tuple[str, str | None, str]]) -> None:
    """InputError unless each (kind, resolved subject, object) of a finding assertion has an
    existing diagnosis as subject and an existing finding as object."""
    wanted = sorted({o for kind, _, o in pairs if kind == "finding"})
    if not wanted:
        return
    known = rows.findings(wanted)
    for kind, s, o in pairs:
        if kind != "finding":
            continue
        if s is None:
            raise InputError(f"the subject of a finding assertion on {o!r} is not a known diagnosis")
        if o not in known:
            raise InputError(f"unknown finding id {o!r}: a finding assertion's object must be a finding")


def require_ends(rows: Rows, kind: str, subject: str, object: str) -> tuple[str, str]:
    """(subject, object) of an assertion of ``kind`` resolved to live ids: diagnoses (through
    aliases), and for ``finding`` a finding as object. NotFoundError / InputError otherwise."""
    if kind != "finding":
        return require_id(rows, subject), require_id(rows, object)
    s = resolve_id(rows, subject)
    if s is None:
        raise InputError(f"unknown diagnosis id {subject!r}: the subject of a finding assertion")
    check_finding_ends(rows, [(kind, s, object)])
    return s, object


def check_name_collisions(rows: Rows, before: Diagnosis, after: Diagnosis) -> None:
    """InputError when a new name or synonym of ``after`` is already another diagnosis's name."""
    old = {k for k, _, _ in name_keys(before.name, before.synonyms)}
    surfaces = {k: s for k, s, _ in name_keys(after.name, after.synonyms) if k not in old}
    owner = rows.name_owner(sorted(surfaces), [after.id]) if surfaces else None
    if owner is not None:
        raise InputError(
            f"name {surfaces[owner[0]]!r} of {after.id} collides with a name of diagnosis {owner[1]}"
        )


def mark(rows: Rows, before: Any, after: Any) -> None:
    """Note that the transaction changed the accepted graph (the revision moves once, at commit)."""
    if not rows.graph_changed() and graph_changed(before, after):
        rows.mark_graph_changed()


def mark_all(rows: Rows, pairs: Iterable[tuple[Any, Any]]) -> None:
    """:func:`mark` for a batch of (before, after) pairs, reading no further once one counts."""
    for before, after in pairs:
        if rows.graph_changed():
            return
        mark(rows, before, after)


def record(
    rows: Rows,
    user: str,
    action: str,
    target_type: str,
    target: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str | None = None,
) -> CurationEvent:
    """Append one audit event and return it with its sequence number."""
    row = event_row(user, action, target_type, target, before, after, reason)
    seq = rows.add_events([row])
    return event_from(row._replace(seq=seq))


def snap(item: Any) -> dict[str, Any] | None:
    return None if item is None else sem.snapshot(item)


def suggest_names(
    rows: Rows, name: str, names: NameColumns, *, limit: int, min_score: float
) -> list[NameMatch]:
    """Exact matches of ``name`` first (score 100), then fuzzy ones among ``names``, best first."""
    out: list[NameMatch] = []
    exact = rows.exact_names(normalize(name))
    found = rows.diagnoses(sorted({did for did, _ in exact}))
    for did, surface in exact:
        if did in found and all(m.diagnosis.id != did for m in out):
            out.append(NameMatch(diagnosis=found[did], matched=surface, score=100.0, exact=True))
    seen = {m.diagnosis.id for m in out}
    keys, ids, surfaces = names
    for idx, score in fuzzy_matches(name, keys, limit=limit * 4 + len(seen), min_score=min_score):
        if len(out) >= limit:
            break
        if ids[idx] in seen:
            continue
        seen.add(ids[idx])
        d = diagnosis(rows, ids[idx])
        if d is not None:
            out.append(NameMatch(diagnosis=d, matched=surfaces[idx], score=min(score, 99.9), exact=False))
    return out[:limit]
