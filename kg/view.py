"""A read-only networkx projection of the accepted graph, for the algorithms in :mod:`kg.algorithms`.

Built from any store through the public interface only; backends cache it per revision
(``store.graph_view()``), so repeated queries cost a dictionary lookup.

Example:
    >>> view = store.graph_view()  # doctest: +SKIP
    >>> view.taxonomy.successors("melanoma")  # parents (is_a edges point child -> parent)  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import networkx as nx

from dermkg.errors import NotFoundError
from kg.models import Malignancy

if TYPE_CHECKING:  # the store imports this module; at run time a store is passed in
    from kg.store.base import GraphStore

__all__ = ["GraphView", "NodeInfo"]


@dataclass(frozen=True, slots=True)
class NodeInfo:
    id: str
    name: str
    malignancy: Malignancy | None
    status: str
    malignancy_source: str | None = None  # "curator" overrides the in-situ policy (kg.algorithms)
    synonyms: tuple[str, ...] = ()


@dataclass
class GraphView:
    """Accepted (optionally also proposed) is_a and DDx edges plus the attributes algorithms need.

    ``taxonomy`` is a DiGraph with edges child -> parent (the direction of ``is_a``); ``ddx`` an
    undirected Graph. ``case_counts`` counts accepted cases per diagnosis id.
    """

    revision: int
    include_proposed: bool
    nodes: dict[str, NodeInfo]
    taxonomy: nx.DiGraph
    ddx: nx.Graph
    case_counts: dict[str, int]
    aliases: dict[str, str] = field(default_factory=dict)
    _memo: dict[Any, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_store(cls, store: GraphStore, *, include_proposed: bool = False) -> GraphView:
        revision = store.revision()
        nodes: dict[str, NodeInfo] = {}
        aliases: dict[str, str] = {}
        statuses = {"accepted", "proposed"} if include_proposed else {"accepted"}
        for d in store.list_diagnoses():
            if d.status not in statuses:
                continue
            nodes[d.id] = NodeInfo(
                d.id, d.name, d.malignancy, d.status, d.malignancy_source, tuple(d.synonyms)
            )
            aliases.update({alias: d.id for alias in d.aliases})
        taxonomy = nx.DiGraph()
        taxonomy.add_nodes_from(nodes)
        accepted = store.edges("is_a")
        taxonomy.add_edges_from((s, o) for s, o in accepted if s in nodes and o in nodes)
        if include_proposed:  # proposed is_a edges may contradict each other: skip any closing a cycle
            for s, o in sorted(set(store.edges("is_a", include_proposed=True)) - set(accepted)):
                if s in nodes and o in nodes and not nx.has_path(taxonomy, o, s):
                    taxonomy.add_edge(s, o)
        ddx = nx.Graph()
        ddx.add_nodes_from(nodes)
        ddx.add_edges_from(
            (s, o)
            for s, o in store.edges("ddx", include_proposed=include_proposed)
            if s in nodes and o in nodes
        )
        counts = {k: v for k, v in store.case_counts(status="accepted").items() if v > 0}
        return cls(revision, include_proposed, nodes, taxonomy, ddx, counts, aliases)

    @classmethod
    def build(
        cls,
        nodes: list[NodeInfo],
        is_a: list[tuple[str, str]],
        ddx: list[tuple[str, str]] | None = None,
        *,
        revision: int = 0,
    ) -> GraphView:
        """A view from plain rows (benchmarks, tests): edges whose ends are not nodes are dropped."""
        by_id = {n.id: n for n in nodes}
        taxonomy = nx.DiGraph()
        taxonomy.add_nodes_from(by_id)
        taxonomy.add_edges_from((s, o) for s, o in is_a if s in by_id and o in by_id)
        graph = nx.Graph()
        graph.add_nodes_from(by_id)
        graph.add_edges_from((s, o) for s, o in ddx or [] if s in by_id and o in by_id)
        return cls(revision, False, by_id, taxonomy, graph, {})

    def resolve(self, id: str) -> str:
        """The surviving id of ``id`` (merged ids are aliases); NotFoundError when not in the view."""
        real = self.aliases.get(id, id)
        if real not in self.nodes:
            raise NotFoundError(f"diagnosis {id!r} is not in the accepted graph (revision {self.revision})")
        return real

    def __contains__(self, id: object) -> bool:
        return isinstance(id, str) and self.aliases.get(id, id) in self.nodes

    def name(self, id: str) -> str:
        return self.nodes[self.resolve(id)].name

    def cases(self, id: str) -> int:
        return self.case_counts.get(id, 0)
