"""The neighbourhood of one entity: everything within a radius, every statement kept (``eventkg analyze ego``).

Not :func:`graph.analytics.network.ego_network`, the explorer's ego graph: the top neighbours by statement count.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("isis", label="ISIS", aliases=["Daesh"])
>>> G.add_edges_from([("isis", "west"), ("muhajir", "isis"), ("west", "far")])
[0, 0, 0]
>>> sorted(neighbourhood(G, "Daesh"))
['isis', 'muhajir', 'west']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph.analytics.entities import resolve_entity

if TYPE_CHECKING:  # for annotations; at run time it is imported where it is used
    import networkx as nx


def neighbourhood(G: nx.MultiDiGraph, center: str, *, radius: int = 1) -> nx.MultiDiGraph:
    """The subgraph of entities within ``radius`` hops of ``center`` (IRI, label or alias), in either direction.

    It keeps every statement among those entities, with all attributes, so any export or analytics function takes it.
    """
    import networkx as nx  # on first use: the server loads it only for analytics and exports
    return nx.ego_graph(G, resolve_entity(G, center), radius=radius, undirected=True)
