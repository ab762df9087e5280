"""Direct edges (who did what to whom) with their evidence, filtered."""

from __future__ import annotations

from itertools import islice

import pyoxigraph as ox

from extract.model import PREDICATES
from graph.namespaces import EKG, PROV, RDF, local_name
from graph.reading.cache import memo
from graph.reading.query import (all_facts, check_name, entity_iri, event_iri, first_object, node_ref, node_type,
                                 number_of, page_of, ref, select, time_fragments, value_of, window)
from graph.reading.records import Page, Relation
from graph.store import EventStore
from graph.terms import to_ox


def relations(
    store: EventStore,
    *,
    predicate: str | None = None,
    subject: str | None = None,
    object: str | None = None,
    event: str | None = None,
    article: str | None = None,
    start: str | None = None,
    end: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[Relation]:
    """Direct edges with their evidence, filtered by predicate (local name), subject/object (entity keys), the event
    they come from, the article, and the time of that event (``start``/``end``: ISO dates, overlap).

    In the store's index order, which is stable while the store does not change (sorting would make Oxigraph decode
    and compare every matching IRI before the first page)."""
    check_name(predicate, PREDICATES, "predicate")
    bounds = start is not None or end is not None
    # Every statement has exactly one subject, predicate, object and article: the required part names only those a
    # filter binds (one row per statement, so the count needs no DISTINCT); the rest is read for the page only.
    # Ids from the user are bound variables; the predicate, checked against the ontology's, is written in the text.
    bindings = {name: value for name, value in (
        ("s", entity_iri(store, subject) if subject else None),
        ("o", entity_iri(store, object) if object else None),
        ("ev", event_iri(store, event) if event else None),
        ("article", store.iris.article(article) if article is not None else None)) if value is not None}
    # The most selective bound part first: Oxigraph plans before the values are substituted, in the written order.
    where = [f"?st {part} ?{name} ." for name, part in _STATEMENT_PARTS.items() if name in bindings]
    if predicate is not None:
        where.append(f"?st rdf:predicate ekg:{predicate} .")
    if "s" not in bindings and "o" not in bindings:  # makes ?st a statement (events too come from articles)
        where.append("?st rdf:subject ?s .")
    if bounds:
        where.append("?st ekg:event ?ev . ?ev ekg:time ?time .")
    elif event:
        where.append("?st ekg:event ?ev .")
    where += time_fragments(start, end)
    where_text = "\n".join(where)
    if predicate is None and not bounds and bindings.keys() in ({"s"}, {"o"}):
        # An entity's edges out or in (every entity detail): read from the index, the same rows in the same order
        # as the query, without planning one.
        (side, entity), = bindings.items()
        quads = store.native.quads_for_pattern(None, _OX_ENDS[side], to_ox(entity), None)
        statements = [quad.subject for quad in islice(quads, offset, offset + limit)]
    else:
        # one article's few statements are sorted (a server store's index order is its own); the rest is not
        order = "ORDER BY ?st" if "article" in bindings else ""
        rows = select(store, f"SELECT DISTINCT ?st {{bound}} WHERE {{ {where_text} }} {order} {window(limit, offset)}",
                      **bindings)
        statements = [row["st"] for row in rows]
    items = [memo(store, relation, statement) for statement in statements]
    return page_of(store, items, limit, offset, where_text, "st", bindings, distinct=False)


_STATEMENT_PARTS = {"s": "rdf:subject", "o": "rdf:object", "article": "prov:wasDerivedFrom"}
_OX_ENDS = {"s": to_ox(RDF.subject), "o": to_ox(RDF.object)}


def relation(store: EventStore, statement: ox.NamedNode) -> Relation:
    """One statement as a :class:`Relation`."""
    facts = all_facts(store, statement)
    event = facts.get(_EVENT)
    return Relation(
        id=statement.value,
        subject=memo(store, node_ref, facts[_SUBJECT]),
        predicate=local_name(facts[_PREDICATE].value),
        object=memo(store, node_ref, facts[_OBJECT]),
        event=memo(store, node_type, event) if event is not None else None,
        time=value_of(first_object(store, event, EKG.time)) if event is not None else None,
        modality=value_of(first_object(store, event, EKG.modality)) if event is not None else None,
        confidence=number_of(facts.get(_CONFIDENCE)),
        sentence=value_of(facts.get(_SENTENCE)),
        role=value_of(facts.get(_ROLE)),
        article=ref(store, facts[_DERIVED_FROM].value),
    )


_EVENT, _SUBJECT, _PREDICATE, _OBJECT = str(EKG.event), str(RDF.subject), str(RDF.predicate), str(RDF.object)
_CONFIDENCE, _SENTENCE, _ROLE, _DERIVED_FROM = str(EKG.confidence), str(EKG.sentence), str(EKG.role), str(PROV.wasDerivedFrom)
