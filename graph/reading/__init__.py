"""The read side of the REST API: entities, events, relations, articles and the change feed as plain dataclasses
(incidents as dicts).

- :mod:`~graph.reading.records`: the dataclasses the readers return;
- :mod:`~graph.reading.query`: the toolkit they share (bound SELECTs, pages and totals, nodes read from the indexes);
- :mod:`~graph.reading.cache`: what is built from a read-only snapshot, kept with it;
- :mod:`~graph.reading.names`: what entity a key, IRI, label or alias means;
- one module per resource: :mod:`~graph.reading.entities`, :mod:`~graph.reading.events`,
  :mod:`~graph.reading.relations`, :mod:`~graph.reading.articles`, :mod:`~graph.reading.incidents`, and the store's
  counts, :mod:`~graph.reading.stats`.

Every reader takes an :class:`~graph.store.EventStore` and runs SPARQL on Oxigraph's native engine, or reads its
indexes directly. Resources are named by the ids the data model gives them (docs/data-model.md): an entity by its key
(``organization/isis``), an event by ``<article id>/<event id>``, an article by its id.

>>> from graph.store import EventStore
>>> store = EventStore(None)
>>> search_entities(store, "isis").total
0
>>> entity(store, "organization/isis") is None
True
"""

from graph.reading.articles import article, articles, changes
from graph.reading.entities import entity, neighbors, search_entities
from graph.reading.events import SORTS, event, events
from graph.reading.incidents import incident, incident_count, incidents
from graph.reading.names import AmbiguousName, UnknownName, resolve
from graph.reading.records import (ArticleDetail, ArticleSummary, Candidate, Change, EntityDetail, EntitySummary,
                                   EventDetail, EventSummary, NeighborEdge, Neighborhood, Page, Ref, Relation, Role)
from graph.reading.relations import relations
from graph.reading.stats import stats

__all__ = [
    "SORTS", "AmbiguousName", "ArticleDetail", "ArticleSummary", "Candidate", "Change", "EntityDetail", "EntitySummary",
    "EventDetail", "EventSummary", "NeighborEdge", "Neighborhood", "Page", "Ref", "Relation", "Role", "UnknownName",
    "article", "articles", "changes", "entity", "event", "events", "incident", "incident_count", "incidents",
    "neighbors", "relations", "resolve", "search_entities", "stats",
]
