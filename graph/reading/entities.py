"""Entities: search by label or alias, one entity with its relations and events, its neighbourhood.

An entity is named by its key (``organization/isis``), as in docs/data-model.md."""

from __future__ import annotations

from collections import defaultdict
from itertools import islice

import pyoxigraph as ox
from rdflib import Literal, URIRef

from extract.model import ENTITY_TYPES
from graph.namespaces import EKG, GEO, RDF, RDFS, SCHEMA, local_name
from graph.reading.cache import memo
from graph.reading.events import taking_part
from graph.reading.query import (OX_ALT_LABEL, OX_MENTIONED_IN, SEPARATOR, check_name, entity_iri, node_ref, number_of,
                                 page_of, ref, select, value_of, window)
from graph.reading.records import EntityDetail, EntitySummary, NeighborEdge, Neighborhood, Page
from graph.reading.relations import relations
from graph.store import EventStore


def search_entities(
    store: EventStore, q: str | None = None, type: str | None = None, *, limit: int = 20, offset: int = 0
) -> Page[EntitySummary]:
    """Entities whose label or any alias contains ``q`` (case-insensitive), of ``type`` if given, by label."""
    check_name(type, ENTITY_TYPES, "entity type")
    bindings: dict = {"eg": store.iris.entities_graph}
    where = ["GRAPH ?eg { ?e a ?type ; rdfs:label ?label }"]
    if type is not None:
        bindings["type"] = EKG[type]
    if q:
        bindings["q"] = Literal(q.casefold())
        where.append("FILTER EXISTS { ?e rdfs:label|skos:altLabel ?name FILTER CONTAINS(LCASE(STR(?name)), ?q) }")
    where_text = "\n".join(where)
    rows = select(
        store,
        f"""SELECT ?e ?label ?type {{bound}} (GROUP_CONCAT(DISTINCT ?alias; SEPARATOR="{SEPARATOR}") AS ?aliases) WHERE {{
          {where_text} OPTIONAL {{ ?e skos:altLabel ?alias }}
        }} GROUP BY ?e ?label ?type {{bound}} ORDER BY LCASE(?label) ?e {window(limit, offset)}""",
        **bindings,
    )
    items = [entity_summary(store, r["e"].value, r["label"].value, r["type"].value, r["aliases"]) for r in rows]
    return page_of(store, items, limit, offset, where_text, "e", bindings)


def entity_summary(store: EventStore, iri: str, label: str, type_iri: str, aliases) -> EntitySummary:
    names = sorted(set(aliases.value.split(SEPARATOR)) - {"", label}) if aliases is not None else []
    return EntitySummary(ref(store, iri).id, iri, label, local_name(type_iri), names)


def entity(store: EventStore, key: str, *, limit: int = 10) -> EntityDetail | None:
    """Everything about one entity: its description, aliases, the articles that mention it, its relations out and in
    and the events it takes part in (the first ``limit`` of each; totals for relations and events)."""
    iri = entity_iri(store, key)
    node = ox.NamedNode(str(iri))
    # The description is in the entity graph; aliases and mentions also in article graphs. Mentions are read only as
    # far as listed: a hub is mentioned in thousands of articles.
    facts: dict[str, list] = defaultdict(list)
    for quad in store.native.quads_for_pattern(node, None, None, ox.NamedNode(str(store.iris.entities_graph))):
        facts[quad.predicate.value].append(quad.object)
    if str(RDFS.label) not in facts:
        return None
    mentions = store.native.quads_for_pattern(node, OX_MENTIONED_IN, None, None)
    articles = [ref(store, quad.object.value) for quad in islice(mentions, limit)]
    aliases = {q.object.value for q in store.native.quads_for_pattern(node, OX_ALT_LABEL, None, None)}
    one = {p: values[0] for p, values in facts.items()}
    label = one[str(RDFS.label)].value
    type_iri = next((o.value for o in facts[str(RDF.type)] if o.value.startswith(str(EKG))), None)
    located = one.get(str(EKG.locatedIn))
    return EntityDetail(
        key=key,
        iri=str(iri),
        label=label,
        type=local_name(type_iri),
        aliases=sorted(aliases - {label}),
        description=value_of(one.get(str(SCHEMA.description))),
        latitude=number_of(one.get(str(GEO.lat))),
        longitude=number_of(one.get(str(GEO.long))),
        geonames_id=number_of(one.get(str(EKG.geonamesId)), int),
        located_in=memo(store, node_ref, located) if located is not None else None,
        articles=articles,
        relations_out=relations(store, subject=key, limit=limit),
        relations_in=relations(store, object=key, limit=limit),
        events=taking_part(store, node, limit),
    )


def neighbors(store: EventStore, key: str, depth: int = 1, *, max_nodes: int = 200) -> Neighborhood | None:
    """The entities within ``depth`` hops of an entity along direct edges (either direction), breadth first.

    Stops adding nodes at ``max_nodes`` (``truncated`` says so). Edges are aggregated per (source, predicate, target)
    with the number of statements behind them.
    """
    center = entity_iri(store, key)
    start = list(select(store, "SELECT ?label ?type {bound} WHERE { GRAPH ?eg { ?e rdfs:label ?label ; a ?type } }",
                              e=center, eg=store.iris.entities_graph))
    if not start:
        return None
    nodes = {str(center): entity_summary(store, str(center), start[0]["label"].value, start[0]["type"].value, None)}
    edges: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    frontier, truncated = [str(center)], False
    for _ in range(depth):
        next_frontier = []
        for node in frontier:
            for row in select(store, _NEIGHBOR_EDGES, e=URIRef(node), eg=store.iris.entities_graph):
                other = row["other"].value
                if other not in nodes:
                    if len(nodes) >= max_nodes:
                        truncated = True
                        continue
                    nodes[other] = entity_summary(store, other, row["label"].value, row["type"].value, None)
                    next_frontier.append(other)
                edges[(row["s"].value, local_name(row["p"].value), row["o"].value)].add(row["st"].value)
        frontier = next_frontier
    keys = {iri: summary.key for iri, summary in nodes.items()}
    return Neighborhood(
        center=key,
        depth=depth,
        nodes=sorted(nodes.values(), key=lambda n: n.key),
        edges=[NeighborEdge(keys[s], keys[o], p, len(statements))
               for (s, p, o), statements in sorted(edges.items()) if s in keys and o in keys],
        truncated=truncated,
    )


_NEIGHBOR_EDGES = """
SELECT ?st ?s ?p ?o ?other ?label ?type {bound} WHERE {
  { ?st rdf:subject ?e ; rdf:predicate ?p ; rdf:object ?other . BIND(?e AS ?s) BIND(?other AS ?o) }
  UNION
  { ?st rdf:object ?e ; rdf:predicate ?p ; rdf:subject ?other . BIND(?other AS ?s) BIND(?e AS ?o) }
  GRAPH ?eg { ?other rdfs:label ?label ; a ?type }
} ORDER BY ?other ?p ?st
"""
