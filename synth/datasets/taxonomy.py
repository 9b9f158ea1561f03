"""A read-only, precomputed view of the accepted taxonomy: paths, lesion conditions, DDx.

Built once per run from the store so that building 100,000 rows never queries it again.
Malignancy resolves fine-to-coarse (DESIGN.md): a node's own value, else its nearest ancestor's.
"""

from __future__ import annotations

from collections import deque

from kg.store.base import GraphStore
from synth.datasets.types import LesionCondition

CONDITION: dict[str, LesionCondition] = {
    "benign": "benign",
    "malignant": "malignant",
    "premalignant": "precancerous in situ",
}


class TaxonomyIndex:
    """Paths (coarse -> fine) of every diagnosis through accepted is_a edges."""

    def __init__(
        self,
        names: dict[str, str],
        malignancy: dict[str, str | None],
        is_a: list[tuple[str, str]],
        ddx: list[tuple[str, str]] | None = None,
    ) -> None:
        self.names = names
        self.malignancy = malignancy
        self.parents: dict[str, list[str]] = {}
        for child, parent in is_a:
            if child in names and parent in names:
                self.parents.setdefault(child, []).append(parent)
        for ps in self.parents.values():
            ps.sort()
        self.ddx: dict[str, set[str]] = {}
        for a, b in ddx or []:
            self.ddx.setdefault(a, set()).add(b)
            self.ddx.setdefault(b, set()).add(a)
        self._paths: dict[str, list[str]] = {}

    @classmethod
    def from_store(cls, store: GraphStore) -> TaxonomyIndex:
        diagnoses = [d for d in store.list_diagnoses() if d.status in {"accepted", "proposed"}]
        return cls(
            {d.id: d.name for d in diagnoses},
            {d.id: d.malignancy for d in diagnoses},
            store.edges("is_a"),
            store.edges("ddx"),
        )

    def path_ids(self, id: str) -> list[str]:
        """Root -> ``id``; with several parents the longest chain wins (ties: smallest parent id)."""
        if id not in self._paths:
            best: list[str] = []
            for parent in self.parents.get(id, ()):
                candidate = self.path_ids(parent)
                if len(candidate) > len(best):
                    best = candidate
            self._paths[id] = [*best, id]
        return self._paths[id]

    def path(self, id: str) -> list[str]:
        return [self.names[i] for i in self.path_ids(id)]

    def ancestors(self, id: str) -> list[str]:
        """All ancestors, nearest first (breadth-first; ties by id)."""
        seen: list[str] = []
        queue = deque(self.parents.get(id, ()))
        while queue:
            node = queue.popleft()
            if node not in seen:
                seen.append(node)
                queue.extend(self.parents.get(node, ()))
        return seen

    def condition(self, id: str) -> LesionCondition | None:
        for node in (id, *self.ancestors(id)):
            value = self.malignancy.get(node)
            if value:
                return CONDITION[value]
        return None
