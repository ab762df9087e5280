"""The event graph as a networkx ``MultiDiGraph`` of entities (docs/data-model.md §3).

Every direct-edge statement becomes one edge (or several, see below) from its subject entity to its object entity,
keyed by the statement IRI and carrying its evidence. The edges of every filter come from one SPARQL query on Oxigraph's
native engine and the node attributes from a second one (what actors belong to, for ``roll_up``, from a third), read
once per store snapshot (:class:`_Tables`) and filtered in Python, so that every filter after the first on the same
version of the store is a pass over some 30,000 rows per million quads; order is deterministic (nodes by IRI, edges
by article and statement number).

- An edge whose object is an event (``calledFor``, ``threatened``, ``declared``, …) goes to that event's target, victim
  and place entities, one edge each, and keeps ``event`` = that event (``event_type`` is its type).
- An edge whose subject is an event (``<operation> killed <X>``) starts at that event's agents.
- ``modality`` is the modality of the statement's own event (the call, the killing); standing relations such as
  ``leaderOf`` have none and pass the modality filter whatever it is.
- ``start``/``end`` (ISO dates; a month or year means all of it) keep edges whose time overlaps the range; an event edge
  without a time is dropped by a date filter, a standing relation is kept.
- ``roll_up=True`` moves the edges of an unnamed actor of one article ("police", "gunmen") to the named entity the
  article says it belongs to (``ekg:belongsTo``: the country's force for state forces, "police of Syria"; the group
  that carried out or claimed the attack), so that actors connect across articles; an actor with nowhere to go stays.

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
from datetime import date
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from graph.filters import Filter, InvalidFilter
from graph.namespaces import EKG, local_name
from graph.store import EventStore
from graph.terms import sparql_term
from graph.times import overlaps, time_bounds

if TYPE_CHECKING:  # for annotations; at run time it is imported where it is used
    import networkx as nx

# One query for every edge, whatever the filter: each block is a subquery of its own so that Oxigraph evaluates it
# once and hash-joins it, instead of probing the indexes once per statement (about 1.7x faster at 1M quads,
# docs/benchmarks.md). Its rows are read once per store snapshot (:class:`_Tables`) and filtered in Python: joining
# four flat reads in Python instead was slower (docs/benchmarks.md). A statement, its event, the events it names and
# their agents and participants are all in the statement's article graph, so the whole join is inside one GRAPH:
# 2-4x faster than the same join over the union default graph, whose every pattern is deduplicated across graphs.
_EDGES = """
SELECT ?st ?s ?p ?o ?ev ?type ?modality ?time ?article ?conf ?sentence WHERE { GRAPH ?g {
  { SELECT ?st ?s0 ?p ?o0 WHERE { ?st rdf:subject ?s0 ; rdf:predicate ?p ; rdf:object ?o0 } }
  { SELECT ?st ?article WHERE { ?st a rdf:Statement ; prov:wasDerivedFrom ?article } }
  { SELECT ?st ?conf WHERE { ?st ekg:confidence ?conf } }
  OPTIONAL { SELECT ?st ?sentence WHERE { ?st ekg:sentence ?sentence } }
  OPTIONAL { SELECT ?st ?src ?srcType ?modality ?srcTime WHERE {
    ?st ekg:event ?src . ?src a ?srcType ; ekg:modality ?modality . OPTIONAL { ?src ekg:time ?srcTime } } }
  OPTIONAL { SELECT ?s0 ?subjectIsEvent WHERE { ?s0 ekg:modality ?subjectIsEvent } }
  OPTIONAL { SELECT ?s0 ?agent WHERE { ?s0 ekg:agent ?agent } }
  OPTIONAL { SELECT ?o0 ?objectType ?objectIsEvent ?objectTime WHERE {
    ?o0 a ?objectType ; ekg:modality ?objectIsEvent . OPTIONAL { ?o0 ekg:time ?objectTime } } }
  OPTIONAL { SELECT ?o0 ?participant WHERE { ?o0 ekg:target|ekg:victim|ekg:place ?participant } }
  BIND(IF(BOUND(?subjectIsEvent), ?agent, ?s0) AS ?s)
  BIND(IF(BOUND(?objectIsEvent), ?participant, ?o0) AS ?o)
  BIND(IF(BOUND(?objectIsEvent), ?o0, ?src) AS ?ev)
  BIND(IF(BOUND(?objectIsEvent), ?objectType, ?srcType) AS ?type)
  BIND(COALESCE(?objectTime, ?srcTime) AS ?time)
  FILTER(BOUND(?s) && BOUND(?o))
} }
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

_OWNERS = "SELECT ?a ?b WHERE { ?a ekg:belongsTo ?b }"


def project(store: EventStore, filter: Filter | None = None, **criteria) -> nx.MultiDiGraph:
    """The entity network of ``store``, kept to ``filter`` (or to the :meth:`Filter.parse` of ``criteria``:
    ``project(store, predicates=["killed"])``); ``places`` is for events and timelines, not for edges. ``roll_up``
    (a :class:`Filter` field): article-local actors replaced by what they belong to (module doc).
    """
    import networkx as nx  # on first use: the server loads it only for analytics and exports
    filter = filter if filter is not None else Filter.parse(**criteria)
    if filter.places is not None:
        raise InvalidFilter("the entity network is not filtered by place; filter events or the timeline instead")
    tables = _tables(store)
    edges = list(_edges(tables, filter))
    if filter.roll_up:
        owner = tables.owners(store)
        edges = [(k, owner.get(s, s), owner.get(o, o), a) for k, s, o, a in edges if owner.get(s, s) != owner.get(o, o)]
    edges.sort(key=lambda e: (_natural(e[0]), e[1], e[2]))

    G = nx.MultiDiGraph()
    endpoints = {iri for _, s, o, _ in edges for iri in (s, o)}
    for iri in sorted(endpoints):
        G.add_node(iri, **tables.node(iri))
    for key, s, o, attributes in edges:
        if not G.has_edge(s, o, key):  # an event's participant can fill two roles (target and place): one edge
            G.add_edge(s, o, key=key, **attributes)
    return G


def _edges(tables: _Tables, filter: Filter):
    """(statement, source, target, attributes) of every edge ``filter`` keeps."""
    predicates = None if filter.predicates is None else {str(EKG[p]) for p in filter.predicates}
    types = None if filter.event_types is None else set(filter.event_types)
    modalities = None if filter.modalities is None else set(filter.modalities)
    low, high = _bound(filter.start, 0), _bound(filter.end, 1)
    for st, s, o, p, event, event_type, modality, time, article, confidence, sentence in tables.edges:
        if (confidence < filter.min_confidence or (predicates is not None and p not in predicates)
                or (types is not None and event_type not in types)
                or (modalities is not None and modality is not None and modality not in modalities)
                or ((low or high) and not _overlaps(time, low, high, standing=event is None))):
            continue
        yield st, s, o, {"predicate": local_name(p), "event": event, "event_type": event_type, "modality": modality,
                         "time": time, "article": article, "confidence": confidence, "sentence": sentence}


class _Tables:
    """What the projection reads from one version of the store, as plain Python: every edge whatever the filter
    (the rows of :data:`_EDGES`), the entities' attributes, and what each unnamed actor belongs to (``roll_up`` only,
    read when first asked for)."""

    def __init__(self, store: EventStore):
        self.edges = [(r["st"].value, r["s"].value, r["o"].value, r["p"].value, _value(r["ev"]),
                       local_name(_value(r["type"])), _value(r["modality"]), _value(r["time"]), r["article"].value,
                       float(r["conf"].value), _value(r["sentence"])) for r in store.select(_EDGES)]
        self.nodes, self.aliases = _nodes(store)
        self._owners: dict[str, str] | None = None

    def owners(self, store: EventStore) -> dict[str, str]:
        """What each unnamed actor of ``store`` (the version these tables were read from) belongs to. The store is
        passed, not kept: the tables are the value of a weak mapping keyed by the store, and would keep it alive."""
        if self._owners is None:  # two first readers at once read the same rows twice; both get the same dict contents
            self._owners = {r["a"].value: r["b"].value for r in store.select(_OWNERS)}
        return self._owners

    def node(self, iri: str) -> dict:
        """The attributes of an entity (a copy): label, type, aliases and, for places, lat, lon and country."""
        node = {"label": local_name(iri), "type": None, **self.nodes.get(iri, {})}
        return {**node, "aliases": sorted(self.aliases.get(iri, set()) - {node["label"]})}


_tables_kept: WeakKeyDictionary[EventStore, _Tables] = WeakKeyDictionary()
_tables_lock = threading.Lock()


def _tables(store: EventStore) -> _Tables:
    """The tables of a read-only snapshot, read once for it (a write makes a new snapshot); a writable store is read
    each time."""
    if not store.read_only:
        return _Tables(store)
    with _tables_lock:  # one reading per snapshot, however many requests ask at once
        if store not in _tables_kept:
            _tables_kept[store] = _Tables(store)
        return _tables_kept[store]


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
    import networkx as nx  # on first use: the server loads it only for analytics and exports
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


def _nodes(store: EventStore) -> tuple[dict[str, dict], dict[str, set[str]]]:
    """Attributes of every entity of the entity graph (label, type and, for places, lat, lon and country), and the
    aliases of every node that has some."""
    nodes: dict[str, dict] = {}
    for row in store.select(_NODES.format(entities=sparql_term(store.iris.entities_graph))):
        if row["e"].value not in nodes:
            node = nodes[row["e"].value] = {"label": row["label"].value, "type": local_name(row["type"].value)}
            if row["lat"] is not None:
                node.update(lat=float(row["lat"].value), lon=float(row["lon"].value), country=_value(row["country"]))
    aliases: dict[str, set[str]] = {}
    for row in store.select(_ALIASES):
        aliases.setdefault(row["e"].value, set()).add(row["alias"].value)
    return nodes, aliases


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
