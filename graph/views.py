"""The read side of the REST API: entities, events, relations and articles as plain dataclasses.

Every function takes an :class:`~graph.store.EventStore` and runs SPARQL on Oxigraph's native engine, or reads its
indexes directly. Ids and text from users enter a query only as bound variables (pyoxigraph ``substitutions``); the
query text is assembled from fixed fragments chosen by which filters are present, plus values validated first:
integers for LIMIT/OFFSET, names from the data model's closed lists (event types, predicates, modalities) and ISO dates.
On a read-only store (the server's snapshot) what is read is remembered until the snapshot is replaced (:func:`_memo`).

Resources are named by the ids the data model gives them (docs/data-model.md): an entity by its key
(``organization/isis``), an event by ``<article id>/<event id>``, an article by its id.

>>> from graph.store import EventStore
>>> store = EventStore(None)
>>> search_entities(store, "isis").total
0
>>> entity(store, "organization/isis") is None
True
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Generic, TypeVar
from urllib.parse import unquote
from weakref import WeakKeyDictionary

import pyoxigraph as ox
from rdflib import Literal, URIRef

from extract.model import ENTITY_TYPES, EVENT_TYPES, MODALITIES, PREDICATES, ROLES
from graph.errors import InvalidInput
from graph.namespaces import EKG, GEO, PREFIXES, PROV, RDF, RDFS, SCHEMA, SEM, SKOS, local_name
from graph.store import EventStore, sparql_term, to_ox

T = TypeVar("T")
K = TypeVar("K")

# An ISO day, month or year: what event times and the from/to filters are.
ISO_TIME = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# Joins a variable number of aliases inside one result row; the unit separator never occurs in a name.
_SEPARATOR = "\u001f"


class InvalidFilter(InvalidInput):
    """A filter value outside what the data model allows (an unknown event type, a malformed date …)."""


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass
class Ref:
    """A link to a node: an entity (``key``), an event (``id``) or an article (``id``)."""

    kind: str  # "entity", "event", "article" or "other"
    id: str | None
    iri: str
    label: str | None = None
    type: str | None = None


@dataclass
class EntitySummary:
    key: str
    iri: str
    label: str
    type: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class Relation:
    """A direct edge ``subject predicate object`` with the evidence it was extracted from."""

    id: str  # statement IRI
    subject: Ref
    predicate: str
    object: Ref
    event: Ref | None
    time: str | None
    modality: str | None
    confidence: float | None
    sentence: str | None
    role: str | None
    article: Ref


@dataclass
class EventSummary:
    id: str
    iri: str
    type: str
    label: str | None
    modality: str
    time: str | None
    confidence: float | None
    article: Ref


@dataclass
class Role:
    role: str
    node: Ref


@dataclass
class EventDetail(EventSummary):
    time_text: str | None = None
    trigger: str | None = None
    trigger_start: int | None = None
    trigger_end: int | None = None
    sentence: str | None = None
    sentence_start: int | None = None
    sentence_end: int | None = None
    according_to: Ref | None = None
    extractor: str | None = None
    roles: list[Role] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


@dataclass
class EntityDetail(EntitySummary):
    description: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geonames_id: int | None = None
    located_in: Ref | None = None
    articles: list[Ref] = field(default_factory=list)
    relations_out: Page[Relation] | None = None
    relations_in: Page[Relation] | None = None
    events: Page[EventSummary] | None = None


@dataclass
class NeighborEdge:
    source: str
    target: str
    predicate: str
    statements: int


@dataclass
class Neighborhood:
    center: str
    depth: int
    nodes: list[EntitySummary]
    edges: list[NeighborEdge]
    truncated: bool


@dataclass
class ArticleSummary:
    id: str
    iri: str
    headline: str | None
    publisher: str | None
    url: str | None
    published: str | None


@dataclass
class ArticleDetail(ArticleSummary):
    content_hash: str | None = None
    extractor: str | None = None
    characters: int = 0
    entities: list[EntitySummary] = field(default_factory=list)
    events: list[EventSummary] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


# -- ids and IRIs ---------------------------------------------------------------------------------------------------


def ref(store: EventStore, iri: str, label: str | None = None, type_iri: str | None = None) -> Ref:
    """What kind of node ``iri`` names in the data model, and its id there."""
    base = store.iris.base
    type_name = local_name(type_iri)
    if iri.startswith(base + "entity/"):
        return Ref("entity", unquote(iri[len(base + "entity/") :]), iri, label, type_name)
    if iri.startswith(base + "event/"):
        article_id, event_id = iri[len(base + "event/") :].rsplit("/", 1)
        return Ref("event", f"{unquote(article_id)}/{unquote(event_id)}", iri, label, type_name)
    if iri.startswith(base + "article/"):
        return Ref("article", unquote(iri[len(base + "article/") :]), iri, label, type_name)
    return Ref("other", None, iri, label, type_name)


def entity_iri(store: EventStore, key: str) -> URIRef:
    return store.iris.entity(key)


def event_iri(store: EventStore, event_id: str) -> URIRef:
    """``"<article id>/<event id>"`` -> the event's IRI."""
    article_id, _, local = event_id.rpartition("/")
    if not article_id or not local:
        raise InvalidFilter(f"an event id is '<article id>/<event id>', not {event_id!r}")
    return store.iris.event(article_id, local)


def time_filter_values(start: str | None, end: str | None) -> dict[str, str]:
    """The validated ``start``/``end`` (``{"start": "2022-03"}``); raises :class:`InvalidFilter` for a value that is
    not an ISO date, month or year."""
    bounds = {}
    for name, value in (("start", start), ("end", end)):
        if value is not None:
            if not ISO_TIME.match(value):
                raise InvalidFilter(f"'{value}' is not an ISO date, month or year (2022-03-01, 2022-03, 2022)")
            bounds[name] = value
    return bounds


def _time_fragments(bounds: dict[str, str]) -> list[str]:
    # Times compare as ISO strings; a coarse time ("2022-03") overlaps every day inside it, so its end is the string
    # followed by "~" (above every digit and "-"), and so is the end of the range. The bounds are written into the
    # text (ISO_TIME lets only digits and "-" through): Oxigraph plans before substituting values, and with the bounds
    # unknown it joined the times of every event before filtering (14x slower for a type and a range).
    fragments = []
    if "start" in bounds:
        fragments.append(f'FILTER(CONCAT(STR(?time), "~") >= "{bounds["start"]}")')
    if "end" in bounds:
        fragments.append(f'FILTER(STR(?time) <= "{bounds["end"]}~")')
    return fragments


def _check(value: str | None, allowed: Iterable[str], what: str) -> None:
    allowed = tuple(allowed)
    if value is not None and value not in allowed:
        raise InvalidFilter(f"unknown {what} '{value}'; use one of {', '.join(allowed)}")


def _value(term) -> str | None:
    return term.value if term is not None else None


def _number(term, kind=float):
    return kind(term.value) if term is not None else None


def _window(limit: int, offset: int) -> str:
    return f"LIMIT {int(limit)} OFFSET {int(offset)}"


def _select(store: EventStore, query: str, **bindings) -> ox.QuerySolutions:
    """SELECT over the union of all graphs, with the usual prefixes and the user's values bound to variables.

    Oxigraph substitutes only projected variables, so every ``{bound}`` in ``query`` becomes the bound variables that
    the projection before the first ``{bound}`` does not name already (GROUP BY takes the same list).
    """
    head = query.split("{bound}", 1)[0]
    bound = " ".join(f"?{name}" for name in bindings if not re.search(rf"\?{name}\b", head))
    return store.native.query(
        query.replace("{bound}", bound),
        use_default_graph_as_union=True,
        prefixes=PREFIXES,
        substitutions={ox.Variable(name): to_ox(value) for name, value in bindings.items()},
    )


def _page(store: EventStore, items: list, limit: int, offset: int, where: str, variable: str, bindings: dict,
          distinct: bool = True) -> Page:
    """A page of ``items`` with the total count of matches; a short first page is all there is, so it needs no count.

    ``distinct=False`` when ``where`` yields one row per ``variable``: a plain count is much cheaper. The count is
    remembered with a read-only snapshot (see :func:`_memo`): paging through a filter counts once."""
    if offset == 0 and len(items) < limit:
        return Page(items, len(items), limit, offset)
    return Page(items, _memo(store, _count, (where, variable, tuple(bindings.items()), distinct)), limit, offset)


def _count(store: EventStore, match: tuple[str, str, tuple, bool]) -> int:
    """The number of (distinct) ``variable`` in ``where``; ``match`` is ``(where, variable, bindings, distinct)``."""
    where, variable, bindings, distinct = match
    group = "GROUP BY {bound}" if bindings else ""
    counted = f"DISTINCT ?{variable}" if distinct else f"?{variable}"
    rows = list(_select(store, f"SELECT (COUNT({counted}) AS ?n) {{bound}} WHERE {{ {where} }} {group}",
                        **dict(bindings)))
    return int(rows[0]["n"].value) if rows else 0


# -- entities ----------------------------------------------------------------------------------------------------------


def search_entities(
    store: EventStore, q: str | None = None, type: str | None = None, *, limit: int = 20, offset: int = 0
) -> Page[EntitySummary]:
    """Entities whose label or any alias contains ``q`` (case-insensitive), of ``type`` if given, by label."""
    _check(type, ENTITY_TYPES, "entity type")
    bindings: dict = {"eg": store.iris.entities_graph}
    where = ["GRAPH ?eg { ?e a ?type ; rdfs:label ?label }"]
    if type is not None:
        bindings["type"] = EKG[type]
    if q:
        bindings["q"] = Literal(q.casefold())
        where.append("FILTER EXISTS { ?e rdfs:label|skos:altLabel ?name FILTER CONTAINS(LCASE(STR(?name)), ?q) }")
    where_text = "\n".join(where)
    rows = _select(store, 
        f"""SELECT ?e ?label ?type {{bound}} (GROUP_CONCAT(DISTINCT ?alias; SEPARATOR="{_SEPARATOR}") AS ?aliases) WHERE {{
          {where_text} OPTIONAL {{ ?e skos:altLabel ?alias }}
        }} GROUP BY ?e ?label ?type {{bound}} ORDER BY LCASE(?label) ?e {_window(limit, offset)}""",
        **bindings,
    )
    items = [_entity_summary(store, r["e"].value, r["label"].value, r["type"].value, r["aliases"]) for r in rows]
    return _page(store, items, limit, offset, where_text, "e", bindings)


def _entity_summary(store: EventStore, iri: str, label: str, type_iri: str, aliases) -> EntitySummary:
    names = sorted(set(aliases.value.split(_SEPARATOR)) - {"", label}) if aliases is not None else []
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
    mentions = store.native.quads_for_pattern(node, _OX_MENTIONED_IN, None, None)
    articles = [ref(store, quad.object.value) for quad in islice(mentions, limit)]
    aliases = {q.object.value for q in store.native.quads_for_pattern(node, _OX_ALT_LABEL, None, None)}
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
        description=_value(one.get(str(SCHEMA.description))),
        latitude=_number(one.get(str(GEO.lat))),
        longitude=_number(one.get(str(GEO.long))),
        geonames_id=_number(one.get(str(EKG.geonamesId)), int),
        located_in=_memo(store, _node_ref, located) if located is not None else None,
        articles=articles,
        relations_out=relations(store, subject=key, limit=limit),
        relations_in=relations(store, object=key, limit=limit),
        events=_taking_part(store, node, limit),
    )


def neighbors(store: EventStore, key: str, depth: int = 1, *, max_nodes: int = 200) -> Neighborhood | None:
    """The entities within ``depth`` hops of an entity along direct edges (either direction), breadth first.

    Stops adding nodes at ``max_nodes`` (``truncated`` says so). Edges are aggregated per (source, predicate, target)
    with the number of statements behind them.
    """
    center = entity_iri(store, key)
    start = list(_select(store, "SELECT ?label ?type {bound} WHERE { GRAPH ?eg { ?e rdfs:label ?label ; a ?type } }",
                              e=center, eg=store.iris.entities_graph))
    if not start:
        return None
    nodes = {str(center): _entity_summary(store, str(center), start[0]["label"].value, start[0]["type"].value, None)}
    edges: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    frontier, truncated = [str(center)], False
    for _ in range(depth):
        next_frontier = []
        for node in frontier:
            for row in _select(store, _NEIGHBOR_EDGES, e=URIRef(node), eg=store.iris.entities_graph):
                other = row["other"].value
                if other not in nodes:
                    if len(nodes) >= max_nodes:
                        truncated = True
                        continue
                    nodes[other] = _entity_summary(store, other, row["label"].value, row["type"].value, None)
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


# -- relations ---------------------------------------------------------------------------------------------------------


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
    _check(predicate, PREDICATES, "predicate")
    bounds = time_filter_values(start, end)
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
    where += _time_fragments(bounds)
    where_text = "\n".join(where)
    if predicate is None and not bounds and bindings.keys() in ({"s"}, {"o"}):
        # An entity's edges out or in (every entity detail): read from the index, the same rows in the same order
        # as the query, without planning one.
        (end, entity), = bindings.items()
        quads = store.native.quads_for_pattern(None, _OX_ENDS[end], to_ox(entity), None)
        statements = [quad.subject for quad in islice(quads, offset, offset + limit)]
    else:
        rows = _select(store, f"SELECT DISTINCT ?st {{bound}} WHERE {{ {where_text} }} {_window(limit, offset)}",
                       **bindings)
        statements = [row["st"] for row in rows]
    items = [_memo(store, _relation, statement) for statement in statements]
    return _page(store, items, limit, offset, where_text, "st", bindings, distinct=False)


_STATEMENT_PARTS = {"s": "rdf:subject", "o": "rdf:object", "article": "prov:wasDerivedFrom"}
_OX_ENDS = {"s": ox.NamedNode(str(RDF.subject)), "o": ox.NamedNode(str(RDF.object))}


def _relation(store: EventStore, statement: ox.NamedNode) -> Relation:
    """One statement as a :class:`Relation`."""
    facts = _facts(store, statement)
    event = facts.get(_EVENT)
    return Relation(
        id=statement.value,
        subject=_memo(store, _node_ref, facts[_SUBJECT]),
        predicate=local_name(facts[_PREDICATE].value),
        object=_memo(store, _node_ref, facts[_OBJECT]),
        event=_memo(store, _node_type, event) if event is not None else None,
        time=_value(_first(store, event, EKG.time)) if event is not None else None,
        modality=_value(_first(store, event, EKG.modality)) if event is not None else None,
        confidence=_number(facts.get(_CONFIDENCE)),
        sentence=_value(facts.get(_SENTENCE)),
        role=_value(facts.get(_ROLE)),
        article=ref(store, facts[_DERIVED_FROM].value),
    )


_EVENT, _SUBJECT, _PREDICATE, _OBJECT = str(EKG.event), str(RDF.subject), str(RDF.predicate), str(RDF.object)
_CONFIDENCE, _SENTENCE, _ROLE, _DERIVED_FROM = str(EKG.confidence), str(EKG.sentence), str(EKG.role), str(PROV.wasDerivedFrom)


# Details of the nodes on a page are read straight from the indexes: a few microseconds each, where OPTIONAL joins in
# the page's query would be evaluated over every node of the graph. Still, each quad read from disk costs about 5 µs
# (ten times a store in memory), and an entity detail reads some 500. A read-only store (the server's snapshot) never
# changes, so what is built from it is kept with it: pages that share statements, events and nodes (every page of a
# hub, a dashboard going back and forth) read each once per snapshot, and a filter paged through is counted once.
# A write makes a new snapshot, and so a new memo.

_MEMO_ENTRIES = 50_000  # per snapshot: about 1.4 KB each (measured), so up to some 70 MB per server process
_memos: WeakKeyDictionary[EventStore, dict] = WeakKeyDictionary()


def _memo(store: EventStore, read: Callable[[EventStore, K], T], key: K) -> T:
    """``read(store, key)``, remembered with ``store`` when it is read-only (emptied when full: simple, and safe
    from several threads). What it returns is shared: never modified."""
    if not store.read_only:
        return read(store, key)
    memo = _memos.get(store)
    if memo is None:
        memo = _memos.setdefault(store, {})
    found = memo.get((read, key))
    if found is None:
        if len(memo) >= _MEMO_ENTRIES:
            memo.clear()
        found = memo[(read, key)] = read(store, key)
    return found


def _facts(store: EventStore, node) -> dict[str, object]:
    """Predicate IRI -> one object, for every property of ``node`` (in any graph)."""
    return {q.predicate.value: q.object for q in store.native.quads_for_pattern(node, None, None, None)}


def _first(store: EventStore, node, predicate: URIRef):
    """One object of ``node predicate ?o`` (in any graph), or None."""
    quad = next(store.native.quads_for_pattern(node, ox.NamedNode(str(predicate)), None, None), None)
    return quad.object if quad is not None else None


def _node_ref(store: EventStore, node) -> Ref:
    """A :class:`Ref` to ``node`` with its label and its type in the ontology."""
    name = _first(store, node, RDFS.label)
    return replace(_node_type(store, node), label=name.value if name is not None else None)


def _node_type(store: EventStore, node) -> Ref:
    """A :class:`Ref` to ``node`` with its type in the ontology (no label: events have long ones)."""
    types = (q.object.value for q in store.native.quads_for_pattern(node, _OX_TYPE, None, None))
    return ref(store, node.value, None, next((t for t in types if t.startswith(str(EKG))), None))


_OX_TYPE, _OX_MENTIONED_IN, _OX_ALT_LABEL = (ox.NamedNode(str(p)) for p in (RDF.type, EKG.mentionedIn, SKOS.altLabel))
_OX_ROLES = [ox.NamedNode(str(EKG[role])) for role in ROLES]


# -- events ------------------------------------------------------------------------------------------------------------


def events(
    store: EventStore,
    *,
    type: str | None = None,
    actor: str | None = None,
    place: str | None = None,
    modality: str | None = None,
    start: str | None = None,
    end: str | None = None,
    article: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Page[EventSummary]:
    """Events filtered by type, actor (the agent's key), place (a place's key; places inside it count), modality,
    article, and ``start``/``end`` (ISO dates, overlap), in the store's index
    order (stable while the store does not change; see :func:`relations`)."""
    _check(type, EVENT_TYPES, "event type")
    _check(modality, MODALITIES, "modality")
    bounds = time_filter_values(start, end)
    # Every event has one modality, type and article: the required part names those a filter binds (see relations).
    # The most selective bound parts first (Oxigraph plans in the written order, before substituting values). Ids
    # from the user are bound variables; the type and modality, checked against the data model's, are in the text.
    bindings: dict = {}
    where = []
    if actor is not None:
        bindings["actor"] = entity_iri(store, actor)
        where.append("?ev ekg:agent ?actor .")
    if place is not None:
        bindings["place"] = entity_iri(store, place)
        where.append("?ev ekg:place/ekg:locatedIn* ?place .")
    if article is not None:
        bindings["article"] = store.iris.article(article)
        where.append("?ev prov:wasDerivedFrom ?article .")
    if type is not None:
        where.append(f"?ev a ekg:{type} .")
    if modality is not None:
        where.append(f"?ev ekg:modality {sparql_term(Literal(modality))} .")
    elif type is None:  # makes ?ev an event (statements too are derived from articles); an event type does that too
        where.append("?ev ekg:modality ?modality .")
    if bounds:
        where.append("?ev ekg:time ?time .")
    where += _time_fragments(bounds)
    # A place path can match an event twice.
    repeats = place is not None
    where_text = "\n".join(where)
    rows = _select(store, f"SELECT DISTINCT ?ev {{bound}} WHERE {{ {where_text} }} {_window(limit, offset)}", **bindings)
    items = [_memo(store, _event_summary, row["ev"]) for row in rows]
    return _page(store, items, limit, offset, where_text, "ev", bindings, distinct=repeats)


def _taking_part(store: EventStore, node: ox.NamedNode, limit: int) -> Page[EventSummary]:
    """The first ``limit`` events ``node`` takes part in, in any role (role by role, each in the index's order), and
    their number. Read from the role indexes: the same as a query, without a query to plan (a third of an entity
    detail's time went to planning and running it)."""
    takers = (q.subject for role in _OX_ROLES for q in store.native.quads_for_pattern(None, role, node, None))
    first = islice(_unique(takers), limit)
    items = [_memo(store, _event_summary, event) for event in first]
    where = "VALUES ?role { %s } ?ev ?role ?participant ." % " ".join(f"ekg:{r}" for r in ROLES)
    return _page(store, items, limit, 0, where, "ev", {"participant": URIRef(node.value)})


def _unique(items: Iterable[T]) -> Iterator[T]:
    """``items`` without repeats, lazily."""
    seen = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item


def _event_summary(store: EventStore, event: ox.NamedNode) -> EventSummary:
    facts = _facts(store, event)
    return EventSummary(
        id=ref(store, event.value).id,
        iri=event.value,
        type=local_name(facts[str(RDF.type)].value),
        label=_value(facts.get(str(RDFS.label))),
        modality=facts[str(EKG.modality)].value,
        time=_value(facts.get(str(EKG.time))),
        confidence=_number(facts.get(str(EKG.confidence))),
        article=ref(store, facts[str(PROV.wasDerivedFrom)].value),
    )


def event(store: EventStore, event_id: str) -> EventDetail | None:
    """One event: type, modality, roles, time, place, evidence (trigger, sentence, offsets), source, article, and the
    direct edges that came from it."""
    iri = event_iri(store, event_id)
    facts: dict[str, list] = defaultdict(list)
    rows = _select(store, 
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
        return ref(store, row["o"].value, _value(row["olabel"]), _value(row["otype"]))

    roles = [Role(r, node(row)) for r in ROLES for row in facts.get(str(EKG[r]), [])]
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
        article=ref(store, article_row["o"].value, _value(article_row["olabel"])),
        time_text=one(EKG.timeText),
        trigger=one(EKG.triggerText),
        trigger_start=one(EKG.triggerStart, lambda t: int(t.value)),
        trigger_end=one(EKG.triggerEnd, lambda t: int(t.value)),
        sentence=one(EKG.sentence),
        sentence_start=one(EKG.sentenceStart, lambda t: int(t.value)),
        sentence_end=one(EKG.sentenceEnd, lambda t: int(t.value)),
        according_to=node(source[0]) if source else None,
        extractor=_value(facts[str(PROV.wasGeneratedBy)][0]["olabel"]) if str(PROV.wasGeneratedBy) in facts else None,
        roles=sorted(_unique_roles(roles), key=lambda r: (ROLES.index(r.role), r.node.iri)),
        relations=relations(store, event=event_id, limit=1000).items,
    )


def _unique_roles(roles: list[Role]) -> list[Role]:
    return list({(r.role, r.node.iri): r for r in roles}.values())


# -- articles ----------------------------------------------------------------------------------------------------------

_ARTICLE = """
  GRAPH ?g { ?a a ekg:Article ; ekg:articleId ?id .
    OPTIONAL { ?a schema:headline ?headline } OPTIONAL { ?a schema:publisher ?publisher }
    OPTIONAL { ?a schema:url ?url } OPTIONAL { ?a schema:datePublished ?published } }
"""


def articles(store: EventStore, *, limit: int = 50, offset: int = 0) -> Page[ArticleSummary]:
    """Stored articles by id."""
    rows = _select(store, f"SELECT ?a ?id ?headline ?publisher ?url ?published WHERE {{ {_ARTICLE} }} "
                        f"ORDER BY ?id {_window(limit, offset)}")
    return _page(store, [_article_summary(r) for r in rows], limit, offset, _ARTICLE, "a", {})


def _article_summary(row) -> ArticleSummary:
    return ArticleSummary(row["id"].value, row["a"].value, _value(row["headline"]), _value(row["publisher"]),
                          _value(row["url"]), _value(row["published"]))


def article(store: EventStore, article_id: str) -> ArticleDetail | None:
    """One article's metadata and what was extracted from it: entities, events and direct edges."""
    graph = store.iris.article_graph(article_id)
    rows = list(_select(store, 
        f"SELECT ?a ?id ?headline ?publisher ?url ?published ?hash ?run ?chars {{bound}} WHERE {{ {_ARTICLE} "
        "GRAPH ?g { ?a ekg:contentHash ?hash ; ekg:text ?text OPTIONAL { ?run a prov:Activity } } "
        "BIND(STRLEN(?text) AS ?chars) }",
        g=graph,
    ))
    if not rows:
        return None
    row = rows[0]
    mentioned = _select(store, 
        "SELECT ?e ?label ?type {bound} WHERE { GRAPH ?g { ?e ekg:mentionedIn ?a } GRAPH ?eg { ?e rdfs:label ?label ; a ?type } }"
        " ORDER BY ?e",
        g=graph, eg=store.iris.entities_graph,
    )
    run = row["run"]
    return ArticleDetail(
        **vars(_article_summary(row)),
        content_hash=row["hash"].value,
        extractor=local_name(run.value) if run is not None else None,
        characters=int(row["chars"].value),
        entities=[_entity_summary(store, r["e"].value, r["label"].value, r["type"].value, None) for r in mentioned],
        events=events(store, article=article_id, limit=10_000).items,
        relations=relations(store, article=article_id, limit=10_000).items,
    )


__all__ = [
    "ArticleDetail", "ArticleSummary", "EntityDetail", "EntitySummary", "EventDetail", "EventSummary",
    "InvalidFilter", "NeighborEdge", "Neighborhood", "Page", "Ref", "Relation", "Role",
    "article", "articles", "entity", "event", "events", "neighbors", "relations", "search_entities",
]
