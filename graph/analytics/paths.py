"""How two entities are connected, hop by hop, with the evidence for each hop.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_nodes_from([("isis", {"label": "ISIS"}), ("muhajir", {"label": "Abu-Omar al-Muhajir"}), ("west", {})])
>>> G.add_edge("muhajir", "isis", key="st1", predicate="spokespersonOf", sentence="…spokesperson…", confidence=0.9)
'st1'
>>> G.add_edge("isis", "west", key="st2", predicate="threatened", event="ev1", sentence="ISIS has…", confidence=0.7)
'st2'
>>> [(h.source_label, h.predicate, h.target_label) for h in shortest_connection(G, "Abu-Omar al-Muhajir", "west")]
[('Abu-Omar al-Muhajir', 'spokespersonOf', 'ISIS'), ('ISIS', 'threatened', 'west')]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.analytics.aggregate import undirected_weighted
from graph.analytics.entities import node_label, resolve_entity
from graph.errors import NotFound

if TYPE_CHECKING:  # for annotations; at run time it is imported where it is used
    import networkx as nx


class NoConnection(NotFound):
    """The two entities are not connected (with the filters given)."""


@dataclass(frozen=True)
class Hop:
    """One step of a connection, in the direction the statement really has (which may run against the path)."""

    source: str
    source_label: str
    predicate: str
    target: str
    target_label: str
    statement: str
    event: str | None
    event_type: str | None
    time: str | None
    article: str | None
    sentence: str | None
    confidence: float | None
    support: int  # statements linking these two entities in either direction; the hop shows the best of them


def shortest_connection(G: nx.MultiDiGraph, a: str, b: str) -> list[Hop]:
    """The fewest hops from ``a`` to ``b`` (IRIs, labels or aliases), ignoring edge direction for reachability.

    Each hop reports the most confident statement between its two entities (ties: the smallest statement IRI).
    Raises :class:`~graph.analytics.entities.UnknownEntity` for a name not in ``G`` and :class:`NoConnection`
    when the two are not connected.
    """
    import networkx as nx  # on first use: the server loads it only for analytics and exports
    source, target = resolve_entity(G, a), resolve_entity(G, b)
    try:
        nodes = nx.shortest_path(undirected_weighted(G), source, target)
    except nx.NetworkXNoPath:
        raise NoConnection(
            f"no connection between {node_label(G, source)} and {node_label(G, target)} (with the filters given)"
        ) from None
    return [_best_hop(G, u, v) for u, v in zip(nodes, nodes[1:])]


def _best_hop(G: nx.MultiDiGraph, u: str, v: str) -> Hop:
    statements = [(u, v, key, data) for key, data in G.get_edge_data(u, v, default={}).items()]
    statements += [(v, u, key, data) for key, data in G.get_edge_data(v, u, default={}).items()]
    s, t, key, data = min(statements, key=lambda st: (-(st[3].get("confidence") or 0.0), str(st[2])))
    return Hop(
        source=s,
        source_label=node_label(G, s),
        predicate=data.get("predicate", ""),
        target=t,
        target_label=node_label(G, t),
        statement=str(key),
        event=data.get("event"),
        event_type=data.get("event_type"),
        time=data.get("time"),
        article=data.get("article"),
        sentence=data.get("sentence"),
        confidence=data.get("confidence"),
        support=len(statements),
    )
