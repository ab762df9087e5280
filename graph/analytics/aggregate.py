"""Statements between the same two entities with the same predicate, folded into one weighted edge.

The projection has one edge per statement; exports and summaries want one edge per (source, target, predicate) with the
number of supporting events as its weight and the span of time its evidence covers.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_edge("a", "b", key="s1", predicate="attacked", event="e1", time="2022-03")
's1'
>>> G.add_edge("a", "b", key="s2", predicate="attacked", event="e2", time="2022-04-07")
's2'
>>> (edge,) = aggregate_edges(G)
>>> edge.weight, edge.start.isoformat(), edge.end.isoformat()
(2, '2022-03-01', '2022-04-07')
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from graph.times import time_bounds

if TYPE_CHECKING:  # for annotations; at run time it is imported where it is used
    import networkx as nx


@dataclass(frozen=True)
class AggregatedEdge:
    source: str
    target: str
    predicate: str
    weight: int  # supporting events; a statement with no event (a standing relation) counts as one
    statements: int
    confidence: float  # the highest of its statements
    start: date | None  # first day of the earliest evidence time
    end: date | None  # last day of the latest evidence time


def aggregate_edges(G: nx.MultiDiGraph) -> list[AggregatedEdge]:
    """One :class:`AggregatedEdge` per (source, target, predicate), sorted by those three."""
    groups: dict[tuple[str, str, str], list[tuple[str, dict]]] = {}
    for source, target, key, data in G.edges(keys=True, data=True):
        groups.setdefault((source, target, data.get("predicate", "")), []).append((key, data))
    edges = []
    for (source, target, predicate), statements in sorted(groups.items()):
        events = {data.get("event") or ("statement", key) for key, data in statements}
        bounds = [b for b in (time_bounds(data.get("time")) for _, data in statements) if b]
        edges.append(
            AggregatedEdge(
                source=source,
                target=target,
                predicate=predicate,
                weight=len(events),
                statements=len(statements),
                confidence=max(float(data.get("confidence") or 0.0) for _, data in statements),
                start=min(b[0] for b in bounds) if bounds else None,
                end=max(b[1] for b in bounds) if bounds else None,
            )
        )
    return edges


def undirected_weighted(G: nx.MultiDiGraph) -> nx.Graph:
    """The simple undirected graph of ``G``: weight = number of statements between two entities, either direction.

    Nodes and edges are inserted in sorted order so that algorithms whose result depends on iteration order (Louvain,
    BFS tie-breaks) give the same answer however the projection was built.
    """
    import networkx as nx  # on first use: the server loads it only for analytics and exports
    H = nx.Graph()
    H.add_nodes_from(sorted(G.nodes(data=True)))
    for u, v in sorted((min(u, v), max(u, v)) for u, v in G.edges()):
        if H.has_edge(u, v):
            H[u][v]["weight"] += 1
        else:
            H.add_edge(u, v, weight=1)
    return H
