"""networkx analytics over the entity projection (:func:`graph.projection.project`).

Plain functions ``f(G, ...)`` grouped by topic; each takes the projection (a ``MultiDiGraph`` of entities, one edge per
statement) and entities by IRI, label or alias. ``timeline`` is the exception: events are in the store, so it takes
the store.
"""

from graph.analytics.aggregate import AggregatedEdge, aggregate_edges
from graph.times import time_bounds
from graph.analytics.centrality import MEASURES, RankedEntity, centrality
from graph.analytics.communities import Community, Member, communities, described
from graph.analytics.cooccurrence import cooccurrence_network, event_participants, strongest_pairs
from graph.analytics.ego import neighbourhood
from graph.analytics.entities import AmbiguousEntity, UnknownEntity, node_label, resolve_entity
from graph.analytics.network import Network, top_network
from graph.analytics.paths import Hop, NoConnection, shortest_connection
from graph.analytics.timeline import GRANULARITIES, Timeline, TimelineRow, timeline

__all__ = [
    "GRANULARITIES",
    "MEASURES",
    "Network",
    "AggregatedEdge",
    "AmbiguousEntity",
    "Hop",
    "NoConnection",
    "RankedEntity",
    "Timeline",
    "TimelineRow",
    "UnknownEntity",
    "Community",
    "Member",
    "aggregate_edges",
    "centrality",
    "communities",
    "cooccurrence_network",
    "described",
    "strongest_pairs",
    "top_network",
    "event_participants",
    "neighbourhood",
    "node_label",
    "resolve_entity",
    "shortest_connection",
    "time_bounds",
    "timeline",
]
