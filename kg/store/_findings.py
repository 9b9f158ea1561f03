"""Finding concepts and the ends of finding assertions, written once for both backends.

A finding (``atypical pigment network``) is a concept diagnosis-level findings are stated in; a
``finding`` assertion links a diagnosis (subject) to a finding (object) with a relation (typical /
possible / against) and is curated like is_a and DDx. The backends store findings and their name
keys; staging an upsert, resolving names and checking the ends of an assertion happen here, so both
behave the same way.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from dermkg.errors import InputError
from kg.ids import finding_id
from kg.models import Assertion, AssertionQuery, AssertionStatus, Finding, FindingType
from kg.names import normalize
from kg.store import _semantics as sem
from kg.store.base import SYSTEM_USER, GraphStore


def prepare_finding(f: Finding) -> Finding:
    """Trimmed name, cleaned synonyms and the deterministic id (``fnd-`` + slug) when none is given."""
    name = f.name.strip()
    if not name or not normalize(name):
        raise InputError(f"finding {f.id or f.name!r} needs a name with letters or digits")
    return f.model_copy(
        update={
            "id": f.id or finding_id(name),
            "name": name,
            "synonyms": sem.clean_synonyms(name, f.synonyms),
        }
    )


def merge_finding(existing: Finding, incoming: Finding) -> Finding | None:
    """Upsert of an existing id: synonyms unioned (a differing incoming name becomes one), a
    missing description filled, a proposed finding takes a final incoming status; the type and the
    name stay. None when nothing changes."""
    update: dict[str, Any] = {
        "synonyms": sem.clean_synonyms(existing.name, [*existing.synonyms, incoming.name, *incoming.synonyms])
    }
    if existing.description is None and incoming.description is not None:
        update["description"] = incoming.description
    if existing.status == "proposed" and incoming.status in {"accepted", "rejected"}:
        update["status"] = incoming.status
    changed = existing.model_copy(update=update)
    if changed == existing:
        return None
    return changed.model_copy(update={"version": existing.version + 1})


class FindingWorkflows(GraphStore):
    """The shared half of the finding methods; the backend supplies the primitives below."""

    # -- primitives (each backend implements these) ---------------------------------------
    @abc.abstractmethod
    def _finding_row(self, id: str) -> Finding | None: ...

    @abc.abstractmethod
    def _existing_findings(self, ids: list[str]) -> set[str]:
        """The ids among ``ids`` that name stored findings (one read)."""

    @abc.abstractmethod
    def _finding_ids_by_key(self, key: str) -> list[str]:
        """Ids of findings with a name or synonym whose normalised key is ``key``, best first
        (accepted before others, primary names before synonyms)."""

    @abc.abstractmethod
    def _finding_rows(self, type: FindingType | None) -> list[Finding]:
        """Every finding (of ``type``), ordered by id."""

    @abc.abstractmethod
    def _insert_findings(self, findings: list[Finding]) -> None: ...

    @abc.abstractmethod
    def _write_finding(self, f: Finding, *, prev_version: int) -> None:
        """Update a stored finding and its name keys; ConflictError when its version moved."""

    if TYPE_CHECKING:  # provided by every backend's core: stubs here would shadow them at run time

        def _atomic(self, fn: Any) -> Any: ...
        def _event_row(self, *args: Any) -> Any: ...
        def _insert_events(self, rows: list[Any]) -> None: ...
        def _mark_changed(self, before: Any, after: Any) -> None: ...
        def _resolve_id(self, id: str) -> str | None: ...
        def _require_id(self, id: str, what: str = "diagnosis") -> str: ...

    # -- findings --------------------------------------------------------------------------
    def upsert_findings(self, findings: Iterable[Finding], *, user: str = SYSTEM_USER) -> int:
        """Insert or merge by id in one transaction (``create`` / ``edit`` events); returns the
        number of new findings. Idempotent: a repeated upsert changes nothing."""
        items = [prepare_finding(f) for f in findings]

        def run() -> int:
            staged: dict[str, tuple[Finding | None, Finding]] = {}
            for f in items:
                if f.id in staged:
                    before, current = staged[f.id]
                else:
                    before = current = self._finding_row(f.id)
                if current is None:
                    staged[f.id] = (None, f.model_copy(update={"version": 1}))
                    continue
                merged = merge_finding(current, f)
                if merged is not None:
                    version = 1 if before is None else before.version + 1
                    staged[f.id] = (before, merged.model_copy(update={"version": version}))
                else:
                    staged[f.id] = (before, current)
            inserts = [a for b, a in staged.values() if b is None]
            updates = [(b, a) for b, a in staged.values() if b is not None and b != a]
            self._insert_findings(inserts)
            for before, after in updates:
                self._write_finding(after, prev_version=before.version)
            events = [
                self._event_row(user, "create", "finding", f.id, None, sem.snapshot(f)) for f in inserts
            ]
            events += [
                self._event_row(user, "edit", "finding", a.id, sem.snapshot(b), sem.snapshot(a))
                for b, a in updates
            ]
            self._insert_events(events)
            for before, after in [*((None, f) for f in inserts), *updates]:
                self._mark_changed(before, after)
            return len(inserts)

        return self._atomic(run)

    def get_finding(self, id: str) -> Finding | None:
        return self._finding_row(id)

    def list_findings(self, *, type: FindingType | None = None) -> list[Finding]:
        """Every finding (of ``type``), ordered by id."""
        return self._finding_rows(type)

    def resolve_finding(self, name: str) -> Finding | None:
        """Exact resolution through names and synonyms, insensitive to case, diacritics,
        punctuation and singular/plural (``kg.names.normalize``). Never fuzzy."""
        key = normalize(name)
        ids = self._finding_ids_by_key(key) if key else []
        return self._finding_row(ids[0]) if ids else None

    def finding_assertions(self, *, include_proposed: bool = False) -> list[Assertion]:
        """Accepted (optionally also proposed) finding assertions, ordered by (created_at, id)."""
        statuses: list[AssertionStatus] = ["accepted", "proposed"] if include_proposed else ["accepted"]
        page = self.query_assertions(AssertionQuery(kind="finding", status=statuses, limit=None))
        return list(page.items)

    # -- ends of assertions ----------------------------------------------------------------
    def _check_finding_ends(self, pairs: list[tuple[str, str | None, str]]) -> None:
        """InputError unless each (kind, resolved subject, object) of a finding assertion has an
        existing diagnosis as subject and an existing finding as object."""
        wanted = [o for kind, _, o in pairs if kind == "finding"]
        if not wanted:
            return
        known = self._existing_findings(sorted(set(wanted)))
        for kind, s, o in pairs:
            if kind != "finding":
                continue
            if s is None:
                raise InputError(f"the subject of a finding assertion on {o!r} is not a known diagnosis")
            if o not in known:
                raise InputError(f"unknown finding id {o!r}: a finding assertion's object must be a finding")

    def _require_ends(self, kind: str, subject: str, object: str) -> tuple[str, str]:
        """(subject, object) of an assertion of ``kind`` resolved to live ids: diagnoses (through
        aliases), and for ``finding`` a finding as object. NotFoundError / InputError otherwise."""
        if kind != "finding":
            return self._require_id(subject), self._require_id(object)
        s = self._resolve_id(subject)
        if s is None:
            raise InputError(f"unknown diagnosis id {subject!r}: the subject of a finding assertion")
        self._check_finding_ends([(kind, s, object)])
        return s, object
