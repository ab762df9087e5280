"""Who is central: degree, betweenness and PageRank, ranked with labels.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_nodes_from([("isis", {"label": "ISIS", "type": "Organization"}), ("a", {"label": "A"}), ("b", {})])
>>> G.add_edge("isis", "a", predicate="attacked")
0
>>> G.add_edge("isis", "b", predicate="attacked")
0
>>> [(r.label, r.score) for r in centrality(G, "degree", top=1)]
[('ISIS', 1.0)]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.analytics.aggregate import undirected_weighted
from graph.analytics.entities import node_label
from graph.errors import InvalidInput

if TYPE_CHECKING:  # for annotations; at run time it is imported where it is used
    import networkx as nx

MEASURES = ("degree", "betweenness", "pagerank")
EXACT_BETWEENNESS_NODES = 1000
BETWEENNESS_SAMPLES = 100


@dataclass(frozen=True)
class RankedEntity:
    rank: int
    entity: str
    label: str
    type: str | None
    score: float


def centrality(
    G: nx.MultiDiGraph, measure: str = "pagerank", *, top: int | None = None, samples: int | None = None
) -> list[RankedEntity]:
    """Entities ranked by ``measure``, best first; ties in label then IRI order.

    - ``degree``: share of the other entities an entity is linked to, in either direction (networkx
      ``degree_centrality`` of the undirected simple graph).
    - ``betweenness``: share of shortest paths between other entities that pass through it, on the same undirected
      graph (unweighted). Exact up to :data:`EXACT_BETWEENNESS_NODES` entities; beyond that (exact betweenness costs a
      search from every entity: minutes at a million quads) it is estimated from ``samples`` source entities
      (default :data:`BETWEENNESS_SAMPLES`, drawn with a fixed seed: deterministic). ``samples`` at least the number of
      entities means exact.
    - ``pagerank``: PageRank of the directed multigraph, each statement one unit of weight, so rank flows from actors
      to what they act on and repeated evidence counts.
    """
    import networkx as nx  # on first use: the server loads it only for analytics and exports
    if measure == "degree":
        scores = nx.degree_centrality(undirected_weighted(G))
    elif measure == "betweenness":
        H = undirected_weighted(G)
        if samples is None:
            samples = len(H) if len(H) <= EXACT_BETWEENNESS_NODES else BETWEENNESS_SAMPLES
        scores = nx.betweenness_centrality(H, k=samples if samples < len(H) else None, seed=0)
    elif measure == "pagerank":
        scores = nx.pagerank(G) if len(G) else {}
    else:
        raise InvalidInput(f"unknown centrality measure '{measure}'; choose one of {', '.join(MEASURES)}")
    order = sorted(scores, key=lambda n: (-scores[n], node_label(G, n).casefold(), n))
    return [
        RankedEntity(rank, n, node_label(G, n), G.nodes[n].get("type"), scores[n])
        for rank, n in enumerate(order[:top] if top is not None else order, start=1)
    ]
