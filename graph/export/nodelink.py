"""Node-link JSON for web dashboards (D3, sigma.js, vis-network): ``networkx.node_link_data`` of the projection.

``{"directed": true, "multigraph": true, "graph": {}, "nodes": [{"id", "label", "type", "aliases": [...], …}],
"edges": [{"source", "target", "key": statement IRI, "predicate", "event", "time", "sentence", …}]}``, nodes and edges
in sorted order; ``networkx.node_link_graph(data, edges="edges")`` reads it back.

>>> import io, json, networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_edge("isis", "west", key="st1", predicate="threatened", event=None)
'st1'
>>> buf = io.BytesIO(); write_nodelink(G, buf)
>>> json.loads(buf.getvalue())["edges"]
[{'predicate': 'threatened', 'event': None, 'source': 'isis', 'target': 'west', 'key': 'st1'}]
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, BinaryIO

from graph.export.flat import sorted_graph, text_writer

if TYPE_CHECKING:  # for annotations; at run time it is imported where it is used
    import networkx as nx


def write_nodelink(G: nx.MultiDiGraph, fileobj: BinaryIO) -> None:
    """Write the projection ``G`` as node-link JSON (UTF-8) to a binary file object."""
    import networkx as nx  # on first use: the server loads it only for analytics and exports
    data = nx.node_link_data(sorted_graph(G), edges="edges")
    with text_writer(fileobj) as text:
        json.dump(data, text, ensure_ascii=False)
