"""The neighbourhood of one entity.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("isis", label="ISIS", aliases=["Daesh"])
>>> G.add_edges_from([("isis", "west"), ("muhajir", "isis"), ("west", "far")])
[0, 0, 0]
>>> sorted(ego_network(G, "Daesh"))
['isis', 'muhajir', 'west']
"""

from __future__ import annotations

import networkx as nx

from graph.analytics.entities import resolve_entity


def ego_network(G: nx.MultiDiGraph, center: str, *, radius: int = 1) -> nx.MultiDiGraph:
    """The subgraph of entities within ``radius`` hops of ``center`` (IRI, label or alias), in either direction.

    It keeps every statement among those entities, with all attributes, so any export or analytics function takes it.
    """
    return nx.ego_graph(G, resolve_entity(G, center), radius=radius, undirected=True)
