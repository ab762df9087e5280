"""Entities that take part in the same events.

Participants come from the projection: every entity at either end of a statement that carries an ``event`` takes part
in that event. So the co-occurrence network honours the same filters (event type, dates, modality, confidence) as the
projection it is built from. Participants named only in an event's roles, with no typed triple, are not seen.

>>> import networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_edge("isis", "israel", predicate="attacked", event="ev2")
0
>>> G.add_edge("sympathisers", "israel", predicate="attacked", event="ev2")
0
>>> C = cooccurrence_network(G)
>>> sorted(C.edges(data="weight"))
[('isis', 'israel', 1), ('isis', 'sympathisers', 1), ('israel', 'sympathisers', 1)]
>>> strongest_pairs(C, top=1)
[('isis', 'israel', 1)]
"""

from __future__ import annotations

from itertools import combinations
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # for annotations; at run time it is imported where it is used
    import networkx as nx


def event_participants(G: nx.MultiDiGraph) -> dict[str, set[str]]:
    """Event IRI -> the entities at either end of the statements that carry it."""
    participants: dict[str, set[str]] = {}
    for u, v, event in G.edges(data="event"):
        if event:
            participants.setdefault(event, set()).update((u, v))
    return participants


def cooccurrence_network(G: nx.MultiDiGraph) -> nx.Graph:
    """Undirected graph of entities sharing events: ``weight`` = number of shared events, ``events`` = their IRIs.

    Nodes keep the projection's attributes; entities in no event are left out. Built in sorted order (deterministic).
    """
    import networkx as nx  # on first use: the server loads it only for analytics and exports
    pairs: dict[tuple[str, str], list[str]] = {}
    for event, entities in sorted(event_participants(G).items()):
        for pair in combinations(sorted(entities), 2):
            pairs.setdefault(pair, []).append(event)
    C = nx.Graph()
    C.add_nodes_from((n, G.nodes[n]) for n in sorted({n for pair in pairs for n in pair}))
    for (u, v), events in sorted(pairs.items()):
        C.add_edge(u, v, weight=len(events), events=events)
    return C


def strongest_pairs(C: nx.Graph, top: int = 20) -> list[tuple[str, str, int]]:
    """The ``top`` entity pairs of a co-occurrence network sharing the most events, as ``(a, b, events)``.

    Ties and each pair's order follow the entities' labels (then IRIs), so the ranking reads and repeats the same.
    """
    def name(n: str) -> tuple[str, str]:
        return (C.nodes[n].get("label") or n, n)

    pairs = [(*sorted((u, v), key=name), w) for u, v, w in C.edges(data="weight")]
    pairs.sort(key=lambda pair: (-pair[2], name(pair[0]), name(pair[1])))
    return pairs[:top]
