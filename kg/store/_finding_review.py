"""The curation of finding concepts, a part of :class:`kg.store.base.GraphStore` (a mixin: the store
class is at the size the style allows).

A presentation ("causes of blisters") is a :class:`~kg.models.Finding` of type ``presentation`` that
a book's cause list proposes; like a proposed finding concept it waits for a curator, who accepts or
rejects the node itself, apart from its member assertions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kg.models import Decision, Finding
from kg.store import _curation
from kg.store._rows import Rows


class FindingReview:
    """``review_finding`` of the store (needs the store's ``_atomic``)."""

    _atomic: Callable[[Callable[[Rows], Any]], Any]

    def review_finding(
        self,
        id: str,
        decision: Decision,
        *,
        user: str,
        reason: str | None = None,
        expected_version: int | None = None,
    ) -> Finding:
        """Accept or reject a finding concept (a presentation, a proposed finding): an ``accept`` /
        ``reject`` event with before/after snapshots, revertible with ``revert_event``. Rejecting
        needs a reason; its assertions keep their own review state."""
        result: Finding = self._atomic(
            lambda rows: _curation.review_finding(rows, id, decision, user, reason, expected_version)
        )
        return result
