"""Curation progress from the audit log: per curator and per source, decided today, decided in
total, and what remains ("page x of y" says nothing about a day's work).

A decision is an accept, reject, vote, supersede, edit or merge by a person (not the ``system``
user that imports and ingests); an item decided twice counts once. "Today" is the UTC day.

Example:
    >>> report = progress(store)
    >>> [(c.user, c.today, c.remaining) for c in report.curators]
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from pydantic import BaseModel

from kg.models import AssertionQuery, CurationEvent, EventQuery
from kg.store.base import SYSTEM_USER, GraphStore

DECISIONS = ("accept", "reject", "vote", "supersede", "edit", "merge")
MACHINE_USERS = frozenset({SYSTEM_USER, "ingest", "import", "seed"})


class CuratorProgress(BaseModel):
    user: str
    today: int  # distinct items decided today (UTC)
    total: int  # distinct items decided ever
    accepted: int  # final accepts by this curator
    rejected: int
    remaining: int  # proposed assertions this curator has not voted on


class SourceProgress(BaseModel):
    sha256: str
    title: str
    today: int  # distinct assertions from this source decided today
    decided: int  # accepted + rejected + superseded assertions with evidence from it
    remaining: int  # proposed ones


class ProgressReport(BaseModel):
    day: str
    proposed: int
    curators: list[CuratorProgress]
    sources: list[SourceProgress]


def _decisions(store: GraphStore) -> list[CurationEvent]:
    out: list[CurationEvent] = []
    for action in DECISIONS:
        out.extend(store.list_events(EventQuery(action=action, limit=None)).items)
    return [e for e in out if e.user not in MACHINE_USERS and not e.user.startswith("ingest")]


def progress(store: GraphStore, *, now: datetime | None = None) -> ProgressReport:
    """The whole report in a handful of queries (events by action, counts per source)."""
    now = now or datetime.now(UTC)
    day = now.astimezone(UTC).date()
    events = _decisions(store)
    proposed_ids = {s.id for s in store.summarize_assertions(AssertionQuery(status="proposed", limit=None))}
    items: dict[str, set[str]] = defaultdict(set)
    items_today: dict[str, set[str]] = defaultdict(set)
    voted: dict[str, set[str]] = defaultdict(set)
    finals: dict[str, dict[str, int]] = defaultdict(lambda: {"accept": 0, "reject": 0})
    today_assertions: set[str] = set()
    for e in events:
        key = f"{e.target_type}:{e.target}"
        items[e.user].add(key)
        if e.at.astimezone(UTC).date() == day:
            items_today[e.user].add(key)
            if e.target_type == "assertion":
                today_assertions.add(e.target)
        if e.target_type == "assertion" and e.action in ("vote", "accept", "reject"):
            voted[e.user].add(e.target)
        if e.action in ("accept", "reject"):
            finals[e.user][e.action] += 1
    curators = [
        CuratorProgress(
            user=u,
            today=len(items_today[u]),
            total=len(items[u]),
            accepted=finals[u]["accept"],
            rejected=finals[u]["reject"],
            remaining=len(proposed_ids - voted[u]),
        )
        for u in sorted(items)
    ]
    return ProgressReport(
        day=day.isoformat(),
        proposed=len(proposed_ids),
        curators=curators,
        sources=_sources(store, today_assertions),
    )


def _sources(store: GraphStore, today_assertions: set[str]) -> list[SourceProgress]:
    """Per source: how much of its proposals is decided; today's from today's decided assertions."""
    today_by_source: dict[str, int] = defaultdict(int)
    for a in store.get_assertions(sorted(today_assertions)):
        if a.status == "proposed":
            continue  # a vote only, still waiting for consensus
        for sha in {ev.source_sha256 for ev in a.evidence}:
            today_by_source[sha] += 1
    out = []
    for s in store.list_sources():
        remaining = store.count_assertions(AssertionQuery(source_sha256=s.sha256, status="proposed"))
        decided = store.count_assertions(
            AssertionQuery(source_sha256=s.sha256, status=["accepted", "rejected", "superseded"])
        )
        if s.kind != "pdf" and not (remaining or today_by_source[s.sha256]):
            continue  # a vocabulary imported as accepted: nothing to review
        out.append(
            SourceProgress(
                sha256=s.sha256,
                title=s.title,
                today=today_by_source[s.sha256],
                decided=decided,
                remaining=remaining,
            )
        )
    out.sort(key=lambda s: (-s.remaining, s.title.lower()))
    return out
