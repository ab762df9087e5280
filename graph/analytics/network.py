"""The part of the network a picture shows: the ``top`` entities by degree (or the ``top`` strongest connections of
one entity) and the strongest edges among them, one per (source, target, predicate); :func:`shown` is the same part
statement by statement, for the exports of a view.

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
>>> ego = network(G, View(top=1, center="x"))
>>> [n.iri for n in ego.nodes], [(e.source, e.target) for e in ego.edges]
(['x', 'isis'], [('isis', 'x')])
>>> sorted(shown(G, View(top=1, center="x")).edges())
[('isis', 'x')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.analytics.aggregate import AggregatedEdge, aggregate_edges
from graph.analytics.entities import node_label
from graph.errors import NotFound

if TYPE_CHECKING:  # for annotations; at run time it is imported where it is used
    import networkx as nx


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
class View:
    """What a picture of the filtered network keeps: the ``top`` entities with the most distinct neighbours or, with
    ``center`` (an entity IRI), that entity and its ``top`` neighbours with the most statements with it either way;
    and at most ``max_edges`` edges among them (for an ego network, besides every edge with the centre)."""

    top: int = 150
    max_edges: int = 1000
    center: str | None = None


@dataclass(frozen=True)
class Network:
    nodes: list[NetworkNode]  # by degree, then label and IRI (an ego network: the centre, then by statements with it)
    edges: list[NetworkEdge]  # among those nodes, by source, target and predicate
    total_nodes: int  # entities in the filtered network
    total_edges: int  # (source, target, predicate) edges in it
    edges_among_nodes: int  # of which between two of the nodes kept (``edges`` has at most ``max_edges`` of them)


def network(G: nx.MultiDiGraph, view: View) -> Network:
    """The part of ``G`` that ``view`` keeps; :class:`NotFound` when its centre has no edge in ``G``."""
    if view.center is None:
        return top_network(G, view.top, view.max_edges)
    return ego_network(G, view.center, view.top, view.max_edges)


def shown(G: nx.MultiDiGraph, view: View) -> nx.MultiDiGraph:
    """The statements behind :func:`network`: its entities, and the statements of its edges (a read-only view of
    ``G``, with every attribute, for the graph exports)."""
    import networkx as nx  # on first use: the server loads it only for analytics and exports
    net = network(G, view)
    nodes = {n.iri for n in net.nodes}
    edges = {(e.source, e.target, e.predicate) for e in net.edges}
    return nx.subgraph_view(G, filter_node=nodes.__contains__,
                            filter_edge=lambda s, t, key: (s, t, G.edges[s, t, key].get("predicate", "")) in edges)


def top_network(G: nx.MultiDiGraph, top: int = 150, max_edges: int = 1000) -> Network:
    """The ``top`` entities of ``G`` with the most distinct neighbours and the ``max_edges`` aggregated edges among
    them with the most statements (ties: by source, target and predicate)."""
    degrees = {n: _degree(G, n) for n in G}
    ranked = sorted(G.nodes, key=lambda n: (-degrees[n], node_label(G, n), n))[:top]
    among = aggregate_edges(G.subgraph(ranked))
    return _network(G, ranked, among, _strongest(among, max_edges))


def ego_network(G: nx.MultiDiGraph, center: str, top: int = 50, max_edges: int = 1000) -> Network:
    """``center`` and its ``top`` neighbours with the most statements with it (either way; ties by IRI), every edge
    between the centre and them, and the ``max_edges`` edges among the neighbours with the most statements."""
    if center not in G or not G.degree(center):
        raise NotFound(f"{center} has no relations with these filters")
    statements: dict[str, int] = {}
    for s, t in [*G.out_edges(center), *G.in_edges(center)]:
        other = t if s == center else s
        if other != center:
            statements[other] = statements.get(other, 0) + 1
    ranked = [center, *sorted(statements, key=lambda n: (-statements[n], n))[:top]]
    among = aggregate_edges(G.subgraph(ranked))
    spokes = [e for e in among if center in (e.source, e.target)]
    others = [e for e in among if center not in (e.source, e.target)]
    return _network(G, ranked, among, spokes + _strongest(others, max_edges))


def _degree(G: nx.MultiDiGraph, node: str) -> int:
    return len((set(G.predecessors(node)) | set(G.successors(node))) - {node})


def _strongest(edges: list[AggregatedEdge], count: int) -> list[AggregatedEdge]:
    return sorted(edges, key=lambda e: (-e.statements, e.source, e.target, e.predicate))[:count]


def _network(G: nx.MultiDiGraph, ranked: list[str], among: list[AggregatedEdge], kept: list[AggregatedEdge]) -> Network:
    nodes = [NetworkNode(n, node_label(G, n), G.nodes[n].get("type"), _degree(G, n)) for n in ranked]
    edges = [NetworkEdge(e.source, e.target, e.predicate, e.statements)
             for e in sorted(kept, key=lambda e: (e.source, e.target, e.predicate))]
    total_edges = len({(s, t, data.get("predicate", "")) for s, t, data in G.edges(data=True)})
    return Network(nodes, edges, G.number_of_nodes(), total_edges, len(among))
