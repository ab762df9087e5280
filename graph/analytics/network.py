"""The most connected part of the network, small enough to draw: the ``top`` entities by degree and the strongest
edges among them, one per (source, target, predicate).

A browser cannot lay out a million-quad network; this is what the explorer's graph view shows of a filter, with the
totals so that it can say how much it left out. Hubs are densely linked (150 entities of a synthetic million-quad graph
have some 8,800 edges among them), so the edges are capped too, keeping those with the most statements.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_nodes_from([("isis", {"label": "ISIS", "type": "Organization"}), ("kabul", {"label": "Kabul"}), ("x", {})])
>>> G.add_edges_from([("isis", "kabul", {"predicate": "attacked"}), ("isis", "kabul", {"predicate": "attacked"}),
...                   ("isis", "x", {"predicate": "memberOf"})])
[0, 1, 0]
>>> net = top_network(G, top=2)
>>> [(n.iri, n.degree) for n in net.nodes], [(e.source, e.target, e.statements) for e in net.edges]
([('isis', 2), ('kabul', 1)], [('isis', 'kabul', 2)])
>>> net.total_nodes, net.total_edges, net.edges_among_nodes
(3, 2, 1)
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from graph.analytics.aggregate import aggregate_edges
from graph.analytics.entities import node_label


@dataclass(frozen=True)
class NetworkNode:
    iri: str
    label: str
    type: str | None
    degree: int  # distinct entities it is linked to in the whole filtered network, in either direction


@dataclass(frozen=True)
class NetworkEdge:
    source: str
    target: str
    predicate: str
    statements: int


@dataclass(frozen=True)
class Network:
    nodes: list[NetworkNode]  # by degree, then label and IRI
    edges: list[NetworkEdge]  # among those nodes, by source, target and predicate
    total_nodes: int  # entities in the filtered network
    total_edges: int  # (source, target, predicate) edges in it
    edges_among_nodes: int  # of which between two of the nodes kept (``edges`` has at most ``max_edges`` of them)


def top_network(G: nx.MultiDiGraph, top: int = 150, max_edges: int = 1000) -> Network:
    """The ``top`` entities of ``G`` with the most distinct neighbours and the ``max_edges`` aggregated edges among
    them with the most statements (ties: by source, target and predicate)."""
    degrees = {n: len((set(G.predecessors(n)) | set(G.successors(n))) - {n}) for n in G}
    ranked = sorted(G.nodes, key=lambda n: (-degrees[n], node_label(G, n), n))[:top]
    nodes = [NetworkNode(n, node_label(G, n), G.nodes[n].get("type"), degrees[n]) for n in ranked]
    among = aggregate_edges(G.subgraph(ranked))
    strongest = sorted(among, key=lambda e: (-e.statements, e.source, e.target, e.predicate))[:max_edges]
    edges = [NetworkEdge(e.source, e.target, e.predicate, e.statements)
             for e in sorted(strongest, key=lambda e: (e.source, e.target, e.predicate))]
    total_edges = len({(s, t, data.get("predicate", "")) for s, t, data in G.edges(data=True)})
    return Network(nodes, edges, G.number_of_nodes(), total_edges, len(among))
