"""Communities of entities that are linked more among themselves than to the rest (Louvain).

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_edges_from([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x"), ("c", "x")])
[0, 0, 0, 0, 0, 0, 0]
>>> communities(G)
[['a', 'b', 'c'], ['x', 'y', 'z']]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.analytics.aggregate import undirected_weighted
from graph.analytics.entities import node_label

if TYPE_CHECKING:  # for annotations; at run time it is imported where it is used
    import networkx as nx


def communities(G: nx.MultiDiGraph, *, resolution: float = 1.0, seed: int = 0) -> list[list[str]]:
    """Louvain communities of the undirected graph weighted by the number of statements between two entities.

    A fixed ``seed`` and a graph built in sorted order make the result deterministic. Communities come largest first
    (then by their first member), members in label order (then IRI).
    """
    import networkx as nx  # on first use: the server loads it only for analytics and exports
    H = undirected_weighted(G)
    found = nx.community.louvain_communities(H, weight="weight", resolution=resolution, seed=seed)
    members = [sorted(c, key=lambda n: (node_label(G, n).casefold(), n)) for c in found]
    return sorted(members, key=lambda c: (-len(c), node_label(G, c[0]).casefold(), c[0]))


@dataclass(frozen=True)
class Member:
    entity: str  # IRI
    label: str
    type: str | None


@dataclass(frozen=True)
class Community:
    size: int
    members: list[Member]


def described(G: nx.MultiDiGraph, found: list[list[str]]) -> list[Community]:
    """:func:`communities` with each member's label and type."""
    return [Community(len(c), [Member(n, node_label(G, n), G.nodes[n].get("type")) for n in c]) for c in found]
