"""Staging a batch of incoming assertions against the stored ones (pure, no I/O).

``add_assertions`` on either backend prepares each incoming assertion (ids resolved, canonical
direction), then :class:`AssertionBatch` decides what it becomes: a new row, a merge into the stored
or an earlier staged one (evidence union, version + 1 once per batch), or nothing. Newly accepted
is_a edges are checked for cycles once, with the stored accepted edges, after staging
(:meth:`AssertionBatch.check_cycles`, linear in the taxonomy's size whatever its shape: a check per
edge walked the ancestors each time, quadratic on a deep chain), so a bad batch fails before
anything is written. The backends only read the stored rows and write the outcome.
"""

from __future__ import annotations

from collections.abc import Callable

from dermkg.errors import CycleError
from kg.models import Assertion
from kg.store import _semantics as sem

Key = tuple[str, str, str]  # (kind, subject, object): one assertion per key


class AssertionBatch:
    """The (stored, staged) pair of every key one batch touches, in first-seen order."""

    def __init__(
        self,
        stored: Callable[[Key], Assertion | None],
        accepted_parents: Callable[[], dict[str, set[str]]],
    ) -> None:
        self._stored = stored
        self._accepted_parents = accepted_parents
        self._new_is_a: list[tuple[str, str]] = []  # is_a edges this batch newly accepts
        self.staged: dict[Key, tuple[Assertion | None, Assertion]] = {}
        self.order: list[Key] = []

    def add(self, a: Assertion) -> None:
        """Stage one prepared assertion (cycles are checked by :meth:`check_cycles`)."""
        key = (a.kind, a.subject, a.object)
        self.order.append(key)
        if key in self.staged:
            before, current = self.staged[key]
        else:
            before = current = self._stored(key)
        if current is None:
            after = a  # prepare_assertion set version 1
        else:
            merged = sem.merge_assertion(current, a)
            if merged is None:
                self.staged[key] = (before, current)
                return
            after = merged.model_copy(update={"version": (before.version + 1) if before else 1})
        was_accepted = current is not None and current.status == "accepted"
        if after.kind == "is_a" and after.status == "accepted" and not was_accepted:
            self._new_is_a.append((after.subject, after.object))
        self.staged[key] = (before, after)

    def check_cycles(self) -> None:
        """CycleError naming an edge of the batch when the newly accepted is_a edges, with the stored
        accepted ones, form a cycle. One depth-first pass over the whole taxonomy (read only when
        the batch accepts an is_a)."""
        if not self._new_is_a:
            return
        if len(self._new_is_a) == 1:  # a single edge (a review, a curator's add): walk its ancestors
            sem.check_acyclic_add(self._accepted_parents(), *self._new_is_a[0])
            return
        stored = [(c, p) for c, parents in self._accepted_parents().items() for p in parents]
        cycle = sem.find_cycle([*stored, *self._new_is_a])
        if cycle is None:
            return
        new = set(self._new_is_a)
        steps = list(zip(cycle, [*cycle[1:], cycle[0]], strict=True))
        child, parent = next((s for s in steps if s in new), steps[0])
        raise CycleError(
            f"{child} is_a {parent} would make the taxonomy cyclic ({parent} is already below {child}: "
            f"{' -> '.join([*cycle, cycle[0]])})"
        )

    def inserts(self) -> list[Assertion]:
        """Assertions with no stored row."""
        return [a for b, a in self.staged.values() if b is None]

    def updates(self) -> list[tuple[Assertion, Assertion]]:
        """(stored, new) pairs whose stored row the batch changes."""
        return [(b, a) for b, a in self.staged.values() if b is not None and b != a]

    def status_changes(self) -> list[tuple[str, Assertion, Assertion]]:
        """(event action, stored, new) of the updates that change the status (accept / reject ...)."""
        return [(sem.STATUS_ACTION[a.status], b, a) for b, a in self.updates() if b.status != a.status]

    def results(self) -> list[Assertion]:
        """The resulting assertion of every input, in input order (duplicates repeat)."""
        return [self.staged[k][1] for k in self.order]
