"""Entities: search by label or alias, one entity with its relations and events, its neighbourhood.

An entity is named by its key (``organization/isis``), as in docs/data-model.md."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from itertools import islice

from extract.model import ENTITY_TYPES
from graph.namespaces import EKG, GEO, RDF, RDFS, SCHEMA, local_name
from graph.reading.cache import memo
from graph.reading.events import taking_part
from graph.reading.query import (OX_ALT_LABEL, OX_LABEL, OX_MENTIONED_IN, OX_TYPE, check_name, entity_iri,
                                 label_and_type, node_ref, number_of, ontology_type, ref, select, value_of)
from graph.reading.records import EntityDetail, EntitySummary, NeighborEdge, Neighborhood, Page
from graph.reading.relations import relations
from graph.store import EventStore
from graph.terms import to_ox


def search_entities(
    store: EventStore, q: str | None = None, type: str | None = None, *, limit: int = 20, offset: int = 0
) -> Page[EntitySummary]:
    """Entities whose label or any alias contains ``q`` (case-insensitive), of ``type`` if given, by label.

    Read from the store's :func:`names` (a pass over a list in memory: a few milliseconds for the 11,586 names of a
    1M-quad store, where a SPARQL filter over every label took 1.4 s)."""
    check_name(type, ENTITY_TYPES, "entity type")
    wanted = q.casefold() if q else None
    found = [entity for entity in names(store)
             if (type is None or entity.summary.type == type)
             and (wanted is None or wanted in entity.folded)]
    items = [replace(e.summary, aliases=list(e.summary.aliases)) for e in found[offset:offset + limit]]
    return Page(items, len(found), limit, offset)


@dataclass(frozen=True)
class Named:
    """An entity as name searches see it: its summary (kept with the snapshot and shared: hand out copies), and all
    its names case-folded in one text (joined by a character no name has, so a search looks once per entity and never
    across two names)."""

    summary: EntitySummary
    folded: str


def names(store: EventStore) -> list[Named]:
    """Every entity with a label and a type in the entity graph, by label (any case) and IRI, with its aliases (from
    any graph): two queries, remembered with a read-only snapshot, so a type-ahead's requests on one snapshot share
    them (0.3-0.6 s at 1M quads, once per snapshot)."""
    return memo(store, _read_names, "names")


def _read_names(store: EventStore, _: str) -> list[Named]:
    # Read from the indexes: three scans of one predicate each (a query joining them took 3x as long at 1M quads).
    graph = to_ox(store.iris.entities_graph)
    aliases: dict[str, set[str]] = defaultdict(set)
    for quad in store.native.quads_for_pattern(None, OX_ALT_LABEL, None, None):
        aliases[quad.subject.value].add(quad.object.value)
    types: dict[str, list[str]] = defaultdict(list)
    for quad in store.native.quads_for_pattern(None, OX_TYPE, None, graph):
        types[quad.subject.value].append(quad.object.value)
    found = []
    for quad in store.native.quads_for_pattern(None, OX_LABEL, None, graph):
        iri, label = quad.subject.value, quad.object.value
        others = aliases.get(iri, set())
        everything = "\x1f".join(name.casefold() for name in sorted({label, *others}))
        found += [Named(EntitySummary(ref(store, iri).id, iri, label, local_name(type_iri), sorted(others - {label})),
                        everything) for type_iri in types.get(iri, ())]
    return sorted(found, key=lambda e: (e.summary.label.lower(), e.summary.iri))


def entity_summary(store: EventStore, iri: str, label: str, type_iri: str) -> EntitySummary:
    return EntitySummary(ref(store, iri).id, iri, label, local_name(type_iri), [])


def entity(store: EventStore, key: str, *, limit: int = 10) -> EntityDetail | None:
    """Everything about one entity: its description, aliases, the articles that mention it, its relations out and in
    and the events it takes part in (the first ``limit`` of each; totals for relations and events)."""
    iri = entity_iri(store, key)
    node = to_ox(iri)
    # The description is in the entity graph; aliases and mentions also in article graphs. Mentions are read only as
    # far as listed: a hub is mentioned in thousands of articles.
    facts: dict[str, list] = defaultdict(list)
    for quad in store.native.quads_for_pattern(node, None, None, to_ox(store.iris.entities_graph)):
        facts[quad.predicate.value].append(quad.object)
    if str(RDFS.label) not in facts:
        return None
    mentions = store.native.quads_for_pattern(node, OX_MENTIONED_IN, None, None)
    articles = [ref(store, quad.object.value) for quad in islice(mentions, limit)]
    aliases = {q.object.value for q in store.native.quads_for_pattern(node, OX_ALT_LABEL, None, None)}
    one = {p: values[0] for p, values in facts.items()}
    label = one[str(RDFS.label)].value
    type_iri = ontology_type(o.value for o in facts[str(RDF.type)])
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


def neighbors(store: EventStore, key: str, depth: int = 1, *, limit: int = 200,
              statements: int = 1000) -> Neighborhood | None:
    """The entities within ``depth`` hops of an entity along direct edges (either direction), breadth first, the most
    linked first.

    Each hop reads the edges of the entities the hop before added, in one query grouped per edge, and adds the
    entities linked to them by the most statements (ties by IRI), until ``limit`` entities in all. A hub at 1M quads
    has thousands of statements, each a few reads; at most ``statements`` are read in all, in the store's index
    order. ``truncated`` says when either bound cut the neighbourhood short. Edges are aggregated per (source,
    predicate, target) with the number of statements behind them, among the entities kept.
    """
    center = str(entity_iri(store, key))
    described = memo(store, _described, center)
    if described is None:
        return None
    nodes = {center: EntitySummary(key, center, *described)}
    edges: dict[tuple[str, str, str], int] = {}
    frontier, budget, truncated = [center], statements, False
    for _ in range(depth):
        if not frontier or budget <= 0:
            break
        strength: dict[str, int] = defaultdict(int)
        rows = list(select(store, _NEIGHBOR_EDGES % (" ".join(f"<{iri}>" for iri in frontier), budget + 1)))
        read = sum(int(row["n"].value) for row in rows)
        truncated |= read > budget
        budget -= read
        for row in rows:
            end, other, n = row["e"].value, row["other"].value, int(row["n"].value)
            outward = row["out"].value == "true"
            edges[(end, local_name(row["p"].value), other) if outward else (other, local_name(row["p"].value), end)] = n
            if other not in nodes:
                strength[other] += n
        frontier = []
        for other in sorted(strength, key=lambda iri: (-strength[iri], iri)):
            if len(nodes) >= limit:
                truncated = True
                break
            described = memo(store, _described, other)
            if described is not None:  # an entity (the object of a statement could be anything)
                nodes[other] = EntitySummary(ref(store, other).id, other, *described)
                frontier.append(other)
    keys = {iri: summary.key for iri, summary in nodes.items()}
    return Neighborhood(
        center=key,
        depth=depth,
        nodes=sorted(nodes.values(), key=lambda n: n.key),
        edges=[NeighborEdge(keys[s], keys[o], p, n) for (s, p, o), n in sorted(edges.items())
               if s in keys and o in keys],
        truncated=truncated,
    )


def _described(store: EventStore, iri: str) -> tuple[str, str] | None:
    """An entity's label and type (local name) from the entity graph; None if it lacks either."""
    label, type_name = label_and_type(store, iri, any_type=True)
    return None if label is None or type_name is None else (label, type_name)


# The edges of the frontier's entities, grouped per edge, from at most a budget of statements. The entities' IRIs are
# written into the text (minted by IRIs.entity, which percent-encodes keys): Oxigraph plans before substituting bound
# values, and with them unknown it joined every statement of the store first.
_NEIGHBOR_EDGES = """
SELECT ?e ?other ?p ?out (COUNT(?st) AS ?n) WHERE {
  { SELECT ?e ?st ?other ?p ?out WHERE {
      VALUES ?e { %s }
      { ?st rdf:subject ?e ; rdf:object ?other ; rdf:predicate ?p BIND(true AS ?out) }
      UNION
      { ?st rdf:object ?e ; rdf:subject ?other ; rdf:predicate ?p BIND(false AS ?out) }
    } LIMIT %d }
} GROUP BY ?e ?other ?p ?out
"""
