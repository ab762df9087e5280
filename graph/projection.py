"""The event graph as a networkx ``MultiDiGraph`` of entities (docs/data-model.md §3).

Every direct-edge statement becomes one edge (or several, see below) from its subject entity to its object entity,
keyed by the statement IRI and carrying its evidence. The edges come from one SPARQL query on Oxigraph's native engine,
the node attributes from a second one over the entity graph; order is deterministic (nodes by IRI, edges by article and
statement number).

- An edge whose object is an event (``calledFor``, ``threatened``, ``declared``, …) goes to that event's target, victim
  and place entities, one edge each, and keeps ``event`` = that event (``event_type`` is its type).
- An edge whose subject is an event (``<operation> killed <X>``) starts at that event's agents.
- ``modality`` is the modality of the statement's own event (the call, the killing); standing relations such as
  ``leaderOf`` have none and pass the modality filter whatever it is.
- ``start``/``end`` (ISO dates; a month or year means all of it) keep edges whose time overlaps the range; an event edge
  without a time is dropped by a date filter, a standing relation is kept.
- ``roll_up=True`` moves the edges of an unnamed actor of one article ("police", "gunmen") to the named entity the
  article says it belongs to (``ekg:belongsTo``: the country of state forces, the group that carried out or claimed
  the attack), so that actors connect across articles; an actor with nowhere to go stays.

>>> from graph.store import EventStore
>>> G = project(EventStore(None))
>>> G.number_of_nodes(), G.number_of_edges()
(0, 0)
>>> G = project(EventStore(None), Filter(predicates=("killed",), start="2022-01-01", end="2022-12-31", min_confidence=0.5))
>>> type(G).__name__
'MultiDiGraph'
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from datetime import date
from weakref import WeakKeyDictionary

import networkx as nx
from rdflib import Literal

from graph.filters import Filter, InvalidFilter
from graph.namespaces import EKG, local_name
from graph.store import EventStore, sparql_term
from graph.times import overlaps, time_bounds

# Each block is a subquery of its own so that Oxigraph evaluates it once and hash-joins it, instead of probing the
# indexes once per statement: about 1.7x faster at 1M quads (docs/benchmarks.md). Statements and their events are in
# the same article graph, so the union default graph loses nothing.
_EDGES = """
SELECT ?st ?s ?p ?o ?ev ?type ?modality ?time ?article ?conf ?sentence WHERE {{
  {{ SELECT ?st ?s0 ?p ?o0 WHERE {{ ?st rdf:subject ?s0 ; rdf:predicate ?p ; rdf:object ?o0 . {predicates} }} }}
  {{ SELECT ?st ?article WHERE {{ ?st a rdf:Statement ; prov:wasDerivedFrom ?article }} }}
  {{ SELECT ?st ?conf WHERE {{ ?st ekg:confidence ?conf }} }}
  OPTIONAL {{ SELECT ?st ?sentence WHERE {{ ?st ekg:sentence ?sentence }} }}
  OPTIONAL {{ SELECT ?st ?src ?srcType ?modality ?srcTime WHERE {{
    ?st ekg:event ?src . ?src a ?srcType ; ekg:modality ?modality . OPTIONAL {{ ?src ekg:time ?srcTime }} }} }}
  OPTIONAL {{ SELECT ?s0 ?subjectIsEvent WHERE {{ ?s0 ekg:modality ?subjectIsEvent }} }}
  OPTIONAL {{ SELECT ?s0 ?agent WHERE {{ ?s0 ekg:agent ?agent }} }}
  OPTIONAL {{ SELECT ?o0 ?objectType ?objectIsEvent ?objectTime WHERE {{
    ?o0 a ?objectType ; ekg:modality ?objectIsEvent . OPTIONAL {{ ?o0 ekg:time ?objectTime }} }} }}
  OPTIONAL {{ SELECT ?o0 ?participant WHERE {{ ?o0 ekg:target|ekg:victim|ekg:place ?participant }} }}
  BIND(IF(BOUND(?subjectIsEvent), ?agent, ?s0) AS ?s)
  BIND(IF(BOUND(?objectIsEvent), ?participant, ?o0) AS ?o)
  BIND(IF(BOUND(?objectIsEvent), ?o0, ?src) AS ?ev)
  BIND(IF(BOUND(?objectIsEvent), ?objectType, ?srcType) AS ?type)
  BIND(COALESCE(?objectTime, ?srcTime) AS ?time)
  FILTER(BOUND(?s) && BOUND(?o) && ?conf >= {min_confidence})
  {filters}
}}
"""

_NODES = """
SELECT ?e ?type ?label ?lat ?lon ?country WHERE {{
  GRAPH {entities} {{
    ?e a ?type ; rdfs:label ?label .
    OPTIONAL {{ ?e geo:lat ?lat ; geo:long ?lon }}
    OPTIONAL {{ ?e ekg:locatedIn ?c . ?c rdfs:label ?country }}
  }}
}}
"""

_ALIASES = "SELECT DISTINCT ?e ?alias WHERE { ?e skos:altLabel ?alias }"


def project(store: EventStore, filter: Filter | None = None, **criteria) -> nx.MultiDiGraph:
    """The entity network of ``store``, kept to ``filter`` (or to the :meth:`Filter.parse` of ``criteria``:
    ``project(store, predicates=["killed"])``); ``places`` is for events and timelines, not for edges. ``roll_up``
    (a :class:`Filter` field): article-local actors replaced by what they belong to (module doc).
    """
    filter = filter if filter is not None else Filter.parse(**criteria)
    if filter.places is not None:
        raise InvalidFilter("the entity network is not filtered by place; filter events or the timeline instead")
    predicates, event_types, modalities = filter.predicates, filter.event_types, filter.modalities
    filters = []
    if event_types is not None:
        filters.append(f"FILTER(?type IN ({_iri_list(EKG[t] for t in event_types)}))")
    if modalities is not None:
        filters.append(f"FILTER(!BOUND(?modality) || ?modality IN ({_literal_list(modalities)}))")
    query = _EDGES.format(
        predicates=f"VALUES ?p {{ {' '.join(sparql_term(EKG[p]) for p in predicates)} }}" if predicates is not None else "",
        min_confidence=sparql_term(Literal(filter.min_confidence)),
        filters="\n  ".join(filters),
    )
    low, high = _bound(filter.start, 0), _bound(filter.end, 1)

    edges = []
    for row in store.select(query):
        time = _value(row["time"])
        if (low or high) and not _overlaps(time, low, high, standing=row["ev"] is None):
            continue
        edges.append((row["st"].value, row["s"].value, row["o"].value, {
            "predicate": local_name(row["p"].value),
            "event": _value(row["ev"]),
            "event_type": local_name(_value(row["type"])),
            "modality": _value(row["modality"]),
            "time": time,
            "article": row["article"].value,
            "confidence": float(row["conf"].value),
            "sentence": _value(row["sentence"]),
        }))
    if filter.roll_up:
        owner = {r["a"].value: r["b"].value for r in store.select("SELECT ?a ?b WHERE { ?a ekg:belongsTo ?b }")}
        edges = [(k, owner.get(s, s), owner.get(o, o), a) for k, s, o, a in edges if owner.get(s, s) != owner.get(o, o)]
    edges.sort(key=lambda e: (_natural(e[0]), e[1], e[2]))

    G = nx.MultiDiGraph()
    endpoints = {iri for _, s, o, _ in edges for iri in (s, o)}
    for iri, attributes in sorted(_nodes(store, endpoints).items()):
        G.add_node(iri, **attributes)
    for key, s, o, attributes in edges:
        if not G.has_edge(s, o, key):  # an event's participant can fill two roles (target and place): one edge
            G.add_edge(s, o, key=key, **attributes)
    return G


_SHARED_PER_SNAPSHOT = 2  # a projection of 1M quads holds about 300 MB
_shared: WeakKeyDictionary[EventStore, OrderedDict] = WeakKeyDictionary()
_shared_lock = threading.Lock()


def shared_projection(store: EventStore, filter: Filter | None = None, **criteria) -> nx.MultiDiGraph:
    """:func:`project` for readers of a read-only snapshot: the last projections made of it are kept with it (per
    filter set) and handed out frozen (``nx.freeze``), so that centrality, communities, paths and exports on the same
    filters build it once. A writable store gets a fresh projection each time.

    >>> kg = EventStore(None)
    >>> shared_projection(kg) is shared_projection(kg)
    False
    """
    filter = filter if filter is not None else Filter.parse(**criteria)
    if not store.read_only:
        return project(store, filter)
    key = filter.key()
    with _shared_lock:
        kept = _shared.setdefault(store, OrderedDict())
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
    G = nx.freeze(project(store, filter))  # computed outside the lock: other filters need not wait
    with _shared_lock:
        kept[key] = G
        while len(kept) > _SHARED_PER_SNAPSHOT:
            kept.popitem(last=False)
    return G


def _nodes(store: EventStore, iris: set[str]) -> dict[str, dict]:
    """Attributes of the given entity IRIs: label, type, aliases and, for places, lat, lon and country."""
    nodes = {iri: {"label": local_name(iri), "type": None, "aliases": []} for iri in iris}
    query = _NODES.format(entities=sparql_term(store.iris.entities_graph))
    for row in store.select(query):
        node = nodes.get(row["e"].value)
        if node is None or node["type"] is not None:
            continue
        node.update(label=row["label"].value, type=local_name(row["type"].value))
        if row["lat"] is not None:
            node.update(lat=float(row["lat"].value), lon=float(row["lon"].value), country=_value(row["country"]))
    aliases: dict[str, set[str]] = {}
    for row in store.select(_ALIASES):
        if row["e"].value in nodes:
            aliases.setdefault(row["e"].value, set()).add(row["alias"].value)
    for iri, names in aliases.items():
        nodes[iri]["aliases"] = sorted(names - {nodes[iri]["label"]})
    return nodes


def _bound(iso: str | None, side: int) -> date | None:
    """The first (side 0) or last (side 1) day of a filter's (checked) ISO day, month or year."""
    return time_bounds(iso)[side] if iso is not None else None


def _overlaps(time: str | None, low: date | None, high: date | None, *, standing: bool) -> bool:
    return standing if time_bounds(time) is None else overlaps(time, low, high)


def _value(term) -> str | None:
    return term.value if term is not None else None


def _natural(iri: str) -> tuple[str, int]:
    """``…/statement/a/10`` sorts after ``…/statement/a/9``."""
    prefix, _, number = iri.rpartition("/")
    return (prefix, int(number)) if number.isdigit() else (iri, 0)


def _iri_list(iris: Iterable) -> str:
    return ", ".join(sparql_term(i) for i in iris)


def _literal_list(values: Iterable[str]) -> str:
    return ", ".join(sparql_term(Literal(v)) for v in values)
