"""The counts behind ``GET /stats`` and ``eventkg stats``: what a store holds, by kind and type.

>>> from graph.store import EventStore
>>> store = EventStore(None)
>>> stats(store)["articles"]
0
"""

from __future__ import annotations

from typing import Any

from graph.namespaces import local_name
from graph.store import EventStore
from graph.terms import graphs_under, sparql_term


def stats(store: EventStore) -> dict[str, Any]:
    """Counts: articles, events by type, entities by type, relations by predicate, named graphs, quads.

    Event and entity types are local names (``"Attack"``, ``"Person"``).
    """
    in_articles = graphs_under(store.iris.article_graph_prefix)

    def counts(query: str) -> dict[str, int]:
        return {local_name(r["k"].value): int(r["n"].value) for r in store.select(query)}

    events = counts(
        f"SELECT ?k (COUNT(?e) AS ?n) WHERE {{ GRAPH ?g {{ ?e a ?k ; ekg:modality ?m }} {in_articles} }} "
        "GROUP BY ?k ORDER BY ?k"
    )
    entities = counts(
        f"SELECT ?k (COUNT(?x) AS ?n) WHERE {{ GRAPH {sparql_term(store.iris.entities_graph)} "
        "{ ?x a ?k ; rdfs:label ?l } } GROUP BY ?k ORDER BY ?k"
    )
    relations = counts(
        f"SELECT ?k (COUNT(?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a rdf:Statement ; rdf:predicate ?k }} {in_articles} }} "
        "GROUP BY ?k ORDER BY ?k"
    )
    (articles,) = store.select("SELECT (COUNT(?a) AS ?n) WHERE { GRAPH ?g { ?a a ekg:Article } }")
    return {
        "articles": int(articles["n"].value),
        "events": sum(events.values()),
        "events_by_type": events,
        "entities": sum(entities.values()),
        "entities_by_type": entities,
        "relations": sum(relations.values()),
        "relations_by_predicate": relations,
        "graphs": sum(1 for _ in store.native.named_graphs()),
        "quads": len(store.native),
    }
