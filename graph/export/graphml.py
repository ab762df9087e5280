"""GraphML for networkx, igraph, Cytoscape and yEd: the projection statement by statement.

Every statement is one edge (id = statement IRI) with all its attributes (predicate, event, event_type, modality, time,
article, confidence, sentence); aliases are joined into one string and missing values left out, as GraphML has no
lists or nulls. Key ids are the attribute names.

>>> import io, networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("isis", label="ISIS", aliases=["Daesh"])
>>> buf = io.BytesIO(); write_graphml(G, buf)
>>> nx.read_graphml(io.BytesIO(buf.getvalue())).nodes["isis"]
{'label': 'ISIS', 'aliases': 'Daesh'}
"""

from __future__ import annotations

from typing import TYPE_CHECKING, BinaryIO

from graph.export.flat import sorted_graph

if TYPE_CHECKING:  # for annotations; at run time it is imported where it is used
    import networkx as nx


def write_graphml(G: nx.MultiDiGraph, fileobj: BinaryIO) -> None:
    """Write the projection ``G`` as GraphML (UTF-8) to a binary file object, nodes and edges in sorted order."""
    import networkx as nx  # on first use: the server loads it only for analytics and exports
    nx.write_graphml(sorted_graph(G, flat=True), fileobj, named_key_ids=True)
