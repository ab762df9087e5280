"""Events filtered by type, actor, place, time and modality; one event with its roles and evidence.

An event is named by ``<article id>/<event id>``."""

from __future__ import annotations

from collections import defaultdict
from itertools import islice

import pyoxigraph as ox
from rdflib import Literal, URIRef

from extract.model import ROLES
from graph.filters import Filter
from graph.namespaces import EKG, PROV, RDF, RDFS, SEM, local_name
from graph.reading.cache import memo
from graph.reading.query import (OX_ROLES, all_facts, check_name, entity_iri, event_iri, first_object, node_ref,
                                 number_of, page_of, ref, select, since_literal, time_fragments, unique, value_of,
                                 window)
from graph.reading.records import EventDetail, EventSummary, Page, Ref, Role
from graph.reading.relations import relations
from graph.store import EventStore
from graph.terms import sparql_term, to_ox

ALL_EVENTS = Filter(modalities=None)  # what /events lists unless told otherwise: every modality


SORTS = ("time", "-time", "confidence", "-confidence")
# ORDER BY of each sort; undated events last either way, ties by IRI (deterministic).
_ORDER = {"time": "(!BOUND(?time)) STR(?time) STR(?ev)", "-time": "(!BOUND(?time)) DESC(STR(?time)) STR(?ev)",
          "confidence": "?confidence STR(?ev)", "-confidence": "DESC(?confidence) STR(?ev)"}


def events(
    store: EventStore,
    filter: Filter = ALL_EVENTS,
    *,
    actor: str | None = None,
    article: str | None = None,
    q: str | None = None,
    since: str | None = None,
    sort: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[EventSummary]:
    """Events kept by ``filter`` (types, modalities, time range by overlap, minimum confidence, places: a place's key,
    places inside it count), an ``actor`` (an agent's key), an ``article``, ``q`` (a part of the label or sentence,
    any case), ``since`` (articles written after that time: the change feed), sorted by ``sort`` (:data:`SORTS`) or in
    the store's index order (stable while the store does not change; see :func:`relations`).
    """
    check_name(sort, SORTS, "sort")
    # Every event has one modality, type and article: the required part names those a filter binds (see relations).
    # The most selective bound parts first (Oxigraph plans in the written order, before substituting values). Ids
    # from the user are bound variables; the types and modalities, checked against the data model's, are in the text.
    bindings: dict = {}
    where = []
    if actor is not None:
        bindings["actor"] = entity_iri(store, actor)
        where.append("?ev ekg:agent ?actor .")
    if filter.places is not None:
        places = " ".join(sparql_term(entity_iri(store, key)) for key in filter.places)
        where.append(f"VALUES ?place {{ {places} }} ?ev ekg:place/ekg:locatedIn* ?place .")
    if article is not None:
        bindings["article"] = store.iris.article(article)
        where.append("?ev prov:wasDerivedFrom ?article .")
    if since is not None:
        bindings.update(since=since_literal(since), changes=store.iris.changes_graph)
        where.append("?ev prov:wasDerivedFrom ?article . GRAPH ?changes { ?article ekg:ingestedAt ?at } "
                     "FILTER(?at > ?since)")
    if filter.event_types is not None:
        where.append(_one_of("?ev a", [f"ekg:{t}" for t in filter.event_types], "?type"))
    if filter.modalities is not None:
        where.append(_one_of("?ev ekg:modality", [sparql_term(Literal(m)) for m in filter.modalities], "?modality"))
    elif filter.event_types is None:  # makes ?ev an event (statements too come from articles); a type does that too
        where.append("?ev ekg:modality ?modality .")
    if filter.start is not None or filter.end is not None:
        where.append("?ev ekg:time ?time .")
    where += time_fragments(filter.start, filter.end)
    if filter.min_confidence or sort in ("confidence", "-confidence"):
        minimum = sparql_term(Literal(filter.min_confidence))
        where.append(f"?ev ekg:confidence ?confidence FILTER(?confidence >= {minimum})")
    if q:
        bindings["q"] = Literal(q.casefold())
        where.append("FILTER EXISTS { ?ev rdfs:label|ekg:sentence ?text FILTER(CONTAINS(LCASE(STR(?text)), ?q)) }")
    # A place path can match an event twice.
    repeats = filter.places is not None
    where_text = "\n".join(where)
    order = ""
    if sort is not None:
        order = "ORDER BY " + _ORDER[sort]
        if sort in ("time", "-time") and filter.start is None and filter.end is None:
            where_text += "\nOPTIONAL { ?ev ekg:time ?time }"
    rows = select(store, f"SELECT DISTINCT ?ev {{bound}} WHERE {{ {where_text} }} {order} {window(limit, offset)}",
                  **bindings)
    items = [memo(store, event_summary, row["ev"]) for row in rows]
    return page_of(store, items, limit, offset, where_text, "ev", bindings, distinct=repeats)


def _one_of(pattern: str, terms: list[str], variable: str) -> str:
    """``pattern term .`` for one term, a VALUES over ``variable`` for several."""
    if len(terms) == 1:
        return f"{pattern} {terms[0]} ."
    return f"VALUES {variable} {{ {' '.join(terms)} }} {pattern} {variable} ."


def taking_part(store: EventStore, node: ox.NamedNode, limit: int) -> Page[EventSummary]:
    """The first ``limit`` events ``node`` takes part in, in any role (role by role, each in the index's order), and
    their number. Read from the role indexes: the same as a query, without a query to plan (a third of an entity
    detail's time went to planning and running it)."""
    takers = (q.subject for role in OX_ROLES for q in store.native.quads_for_pattern(None, role, node, None))
    first = islice(unique(takers), limit)
    items = [memo(store, event_summary, event) for event in first]
    where = "VALUES ?role { %s } ?ev ?role ?participant ." % " ".join(f"ekg:{r}" for r in ROLES)
    return page_of(store, items, limit, 0, where, "ev", {"participant": URIRef(node.value)})


def event_summary(store: EventStore, event: ox.NamedNode) -> EventSummary:
    facts = all_facts(store, event)
    article = facts[str(PROV.wasDerivedFrom)]
    return EventSummary(
        id=ref(store, event.value).id,
        iri=event.value,
        type=local_name(facts[str(RDF.type)].value),
        label=value_of(facts.get(str(RDFS.label))),
        modality=facts[str(EKG.modality)].value,
        time=value_of(facts.get(str(EKG.time))),
        confidence=number_of(facts.get(str(EKG.confidence))),
        article=ref(store, article.value),
        # sorted: an index's order is the engine's own (a server store's differs)
        actors=[memo(store, node_ref, o) for o in sorted(q.object for q in store.native.quads_for_pattern(
            event, _OX_AGENT, None, None))],
        places=[memo(store, node_ref, o) for o in sorted(q.object for q in store.native.quads_for_pattern(
            event, _OX_PLACE, None, None))],
        ingested=value_of(first_object(store, article, EKG.ingestedAt)),
    )


_OX_AGENT, _OX_PLACE = to_ox(EKG.agent), to_ox(EKG.place)


def event(store: EventStore, event_id: str) -> EventDetail | None:
    """One event: type, modality, roles, time, place, evidence (trigger, sentence, offsets), source, article, and the
    direct edges that came from it."""
    iri = event_iri(store, event_id)
    facts: dict[str, list] = defaultdict(list)
    rows = select(
        store,
        "SELECT ?p ?o ?olabel ?otype {bound} WHERE { ?ev ?p ?o OPTIONAL { ?o rdfs:label ?olabel } OPTIONAL { ?o a ?otype } }",
        ev=iri,
    )
    for row in rows:
        facts[row["p"].value].append(row)
    if str(EKG.modality) not in facts:
        return None

    def one(term, convert=lambda t: t.value):
        rows = facts.get(str(term))
        return convert(rows[0]["o"]) if rows else None

    def node(row) -> Ref:
        return ref(store, row["o"].value, value_of(row["olabel"]), value_of(row["otype"]))

    roles = sorted(_unique_roles([Role(r, node(row)) for r in ROLES for row in facts.get(str(EKG[r]), [])]),
                   key=lambda r: (ROLES.index(r.role), r.node.iri))
    article_row = facts[str(PROV.wasDerivedFrom)][0]
    source = facts.get(str(SEM.accordingTo))
    return EventDetail(
        id=event_id,
        iri=str(iri),
        type=one(RDF.type, lambda t: local_name(t.value)),
        label=one(RDFS.label),
        modality=one(EKG.modality),
        time=one(EKG.time),
        confidence=one(EKG.confidence, lambda t: float(t.value)),
        article=ref(store, article_row["o"].value, value_of(article_row["olabel"])),
        time_text=one(EKG.timeText),
        trigger=one(EKG.triggerText),
        trigger_start=one(EKG.triggerStart, lambda t: int(t.value)),
        trigger_end=one(EKG.triggerEnd, lambda t: int(t.value)),
        sentence=one(EKG.sentence),
        sentence_start=one(EKG.sentenceStart, lambda t: int(t.value)),
        sentence_end=one(EKG.sentenceEnd, lambda t: int(t.value)),
        according_to=node(source[0]) if source else None,
        extractor=value_of(facts[str(PROV.wasGeneratedBy)][0]["olabel"]) if str(PROV.wasGeneratedBy) in facts else None,
        roles=roles,
        actors=[r.node for r in roles if r.role == "agent"],
        places=[r.node for r in roles if r.role == "place"],
        ingested=value_of(first_object(store, ox.NamedNode(article_row["o"].value), EKG.ingestedAt)),
        relations=relations(store, event=event_id, limit=1000).items,
    )


def _unique_roles(roles: list[Role]) -> list[Role]:
    return list({(r.role, r.node.iri): r for r in roles}.values())
