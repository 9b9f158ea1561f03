"""Batched writes over :class:`kg.store._rows.Rows`: upserts of diagnoses, findings, assertions and
cases, and the verbatim restore of an export. Each stages the whole batch in memory against the
stored rows (one read per batch where the backend allows), then writes inserts and version-checked
updates and their events in bulk; a bad batch fails before anything is written."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import TypeVar

from dermkg.errors import InputError, NotFoundError
from kg.models import Assertion, Case, Diagnosis, Finding, GraphExport, Source
from kg.store import _access as acc
from kg.store import _semantics as sem
from kg.store._batch import AssertionBatch
from kg.store._findings import merge_finding
from kg.store._rows import EventRow, Rows, event_row, ts

R = TypeVar("R", Diagnosis, Finding, Case)


def _stage(
    items: list[R], stored: dict[str, R], merge: Callable[[R, R], R | None], fresh: Callable[[R], R]
) -> dict[str, tuple[R | None, R]]:
    """id -> (stored before, after) for a batch of upserts by id; repeats merge into the staged one
    and the version moves once per batch."""
    staged: dict[str, tuple[R | None, R]] = {}
    for item in items:
        before, current = staged[item.id] if item.id in staged else (stored.get(item.id),) * 2
        if current is None:
            staged[item.id] = (None, fresh(item))
            continue
        merged = merge(current, item)
        if merged is not None:
            staged[item.id] = (
                before,
                merged.model_copy(update={"version": (before.version if before else 0) + 1}),
            )
    return staged


def _finish(rows: Rows, user: str, kind: str, staged: dict[str, tuple[R | None, R]]) -> list[EventRow]:
    """The create / edit events of a staged batch; marks the revision when it touched the graph."""
    events = []
    for before, after in staged.values():
        if before is None:
            events.append(event_row(user, "create", kind, after.id, None, acc.snap(after)))
        elif before != after:
            action = sem.case_action(before, after) if kind == "case" else "edit"  # type: ignore[arg-type]
            events.append(event_row(user, action, kind, after.id, acc.snap(before), acc.snap(after)))
        acc.mark(rows, before, after)
    return events


def upsert_source(rows: Rows, source: Source) -> Source:
    """Insert, or fill the fields given (not None) into the stored source."""
    current = rows.source(source.sha256)
    if current is not None:
        source = current.model_copy(update={k: v for k, v in source.model_dump().items() if v is not None})
    rows.put_source(source)
    return source


def upsert_diagnoses(rows: Rows, items: list[Diagnosis], user: str) -> int:
    real = rows.resolve_ids([d.id for d in items])
    items = [d if real[d.id] in (None, d.id) else d.model_copy(update={"id": real[d.id]}) for d in items]
    stored = rows.diagnoses(sorted({r for r in real.values() if r}))
    staged = _stage(
        items, stored, sem.merge_diagnosis, lambda d: d.model_copy(update={"version": 1, "aliases": []})
    )
    inserts = [(a, a.model_dump_json()) for b, a in staged.values() if b is None]
    rows.insert_diagnoses(inserts)
    rows.write_diagnoses([(b.version, a) for b, a in staged.values() if b is not None and b != a])
    events = [event_row(user, "create", "diagnosis", d.id, None, data) for d, data in inserts]
    events += _finish(rows, user, "diagnosis", {k: v for k, v in staged.items() if v[0] is not None})
    acc.mark_all(rows, ((None, d) for d, _ in inserts))
    rows.add_events(events)
    return len(inserts)


def upsert_findings(rows: Rows, items: list[Finding], user: str) -> int:
    staged = _stage(
        items,
        rows.findings(sorted({f.id for f in items})),
        merge_finding,
        lambda f: f.model_copy(update={"version": 1}),
    )
    rows.insert_findings([a for b, a in staged.values() if b is None])
    rows.write_findings([(b.version, a) for b, a in staged.values() if b is not None and b != a])
    rows.add_events(_finish(rows, user, "finding", staged))
    return sum(1 for b, _ in staged.values() if b is None)


def add_cases(rows: Rows, items: list[Case], user: str) -> int:
    ids = rows.resolve_ids([c.diagnosis for c in items])
    prepared = []
    for c in items:
        if ids[c.diagnosis] is None:
            raise NotFoundError(f"unknown diagnosis id {c.diagnosis!r}")
        prepared.append(sem.prepare_case(c.model_copy(update={"diagnosis": ids[c.diagnosis]})))
    staged = _stage(
        prepared,
        rows.cases(sorted({c.id for c in prepared})),
        sem.merge_case,
        lambda c: c.model_copy(update={"version": 1}),
    )
    rows.insert_cases([a for b, a in staged.values() if b is None])
    rows.write_cases([(b.version, a) for b, a in staged.values() if b is not None and b != a])
    events = _finish(rows, user, "case", staged)
    rows.add_events([e for e in events if e.action == "create"])  # a case merge is not an audited decision
    return sum(1 for b, _ in staged.values() if b is None)


def add_assertions(rows: Rows, items: list[Assertion], user: str) -> list[Assertion]:
    wanted = {a.subject for a in items}
    wanted.update(a.object for a in items if a.kind != "finding")
    ids = rows.resolve_ids(list(wanted))
    acc.check_finding_ends(rows, [(a.kind, ids[a.subject], a.object) for a in items if a.kind == "finding"])
    # Each assertion resolved and prepared once; its key is read off the prepared copy (which the
    # batch keeps anyway), and the stored rows of all keys in one read.
    prepared = []
    for a in items:
        s, o = ids[a.subject], a.object if a.kind == "finding" else ids[a.object]
        if s is None or o is None:
            raise NotFoundError(f"unknown diagnosis id {a.subject if s is None else a.object!r}")
        prepared.append(sem.prepare_assertion(a, s, o))
    stored = rows.assertions_by_keys((p.kind, p.subject, p.object) for p in prepared)
    batch = AssertionBatch(stored.get, lambda: acc.accepted_parents(rows))
    for p in prepared:
        batch.add(p)
    del prepared
    batch.check_cycles()
    inserts = [(a, a.model_dump_json()) for a in batch.inserts()]
    updates = batch.updates()
    rows.insert_assertions(inserts)
    rows.write_assertions([(b.version, a) for b, a in updates])
    # the create event's snapshot is the stored JSON itself, not a second dump
    # events from a generator too: the backend writes them as they are made
    rows.add_events(
        itertools.chain(
            (event_row(user, "create", "assertion", a.id, None, data) for a, data in inserts),
            (
                event_row(user, action, "assertion", a.id, acc.snap(b), acc.snap(a))
                for action, b, a in batch.status_changes()
            ),
        )
    )
    acc.mark_all(rows, itertools.chain(((None, a) for a, _ in inserts), updates))
    return batch.results()


def check_consistent(export: GraphExport) -> None:
    """What foreign keys would enforce, for every backend: unique ids, references to known
    diagnoses, finding objects that are findings, an acyclic taxonomy."""
    for what, ids in (
        ("diagnosis", [d.id for d in export.diagnoses]),
        ("finding", [f.id for f in export.findings]),
        ("assertion", [a.id for a in export.assertions]),
        ("case", [c.id for c in export.cases]),
        ("event", [e.id for e in export.events if e.id]),
        ("event seq", [str(e.seq) for e in export.events if e.seq]),
    ):
        if len(set(ids)) != len(ids):
            raise InputError(f"the export is inconsistent: duplicate {what} ids")
    live = {d.id for d in export.diagnoses}
    sem.check_export_objects(export)
    refs = [(a.id, a.subject) for a in export.assertions]
    refs += [(a.id, a.object) for a in export.assertions if a.kind != "finding"]
    refs += [(c.id, c.diagnosis) for c in export.cases]
    refs += [(f"{m.dataset}:{m.label}", m.diagnosis) for m in export.label_maps if m.diagnosis is not None]
    for owner, ref in refs:
        if ref not in live:
            raise InputError(f"the export is inconsistent: {owner} refers to unknown diagnosis {ref!r}")
    sem.check_export_acyclic(export)


def restore(rows: Rows, export: GraphExport) -> None:
    """Write ``export`` verbatim (ids, versions, events with their numbers, revision) into an empty store."""
    if not rows.is_empty():
        raise InputError(f"cannot restore into {rows.display}: the store is not empty")
    check_consistent(export)
    for s in export.sources:
        rows.put_source(s)
    rows.insert_diagnoses([(d, d.model_dump_json()) for d in export.diagnoses])
    for d in export.diagnoses:
        if d.aliases:
            rows.point_aliases(d.aliases, d.id)
    rows.insert_findings(export.findings)
    rows.insert_assertions([(a, a.model_dump_json()) for a in export.assertions])
    rows.insert_cases(export.cases)
    rows.put_label_maps(export.label_maps)
    seq = max((e.seq for e in export.events), default=0)
    events = []
    for e in export.events:
        if not e.seq:
            seq += 1
        row = event_row(e.user, e.action, e.target_type, e.target, e.before, e.after, e.reason)
        events.append(row._replace(id=e.id or row.id, at=ts(e.at), seq=e.seq or seq))
    rows.add_events(events)
    rows.set_revision(export.revision)
