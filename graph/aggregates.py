"""Counters behind the dashboards' time series and rankings, kept up to date at write time.

A dashboard asks the same aggregates again and again: events per type per month, per place, the most active agents.
Counted per request they cost a scan of every event; kept as counters they cost a read of the counters. There are
three kinds, each in a graph of its own (``IRIs.aggregates_graph`` + ``/period``, ``/place``, ``/agent``), one node per
(event type, modality, dimension):

- ``ekg:EventsPerPeriod``: ``ekg:inPeriod`` the month of the event's time (``2022-03``), or its year when it is dated
  by year only; absent for undated events;
- ``ekg:EventsPerPlace``: ``ekg:ofPlace`` a place the event took place in (``ekg:place``, not the places around it);
- ``ekg:EventsPerAgent``: ``ekg:ofAgent`` an agent of the event;

each with ``ekg:ofType``, ``ekg:ofModality`` and ``ekg:eventCount`` (never 0: a counter that reaches 0 is removed),
for SPARQL (docs/queries.md). Reading thousands of counter nodes would cost milliseconds per thousand (each term read
from the store is decoded), so each kind also keeps, per event type and modality, the same counts as one table: an
``ekg:CountTable`` node (``<base>aggregate/period/Attack/asserted``) whose ``ekg:counts`` is a JSON object
``{dimension: count}`` (keys sorted: the same counts give the same text); and one node per kind
(``<base>aggregate/agent``, an ``ekg:CountTableDigests``) whose ``ekg:tableDigests`` is a JSON object ``{"Attack/asserted": digest}``, a digest of
each table's text. Dashboards read the digests, and a table's text only when its digest is new to them
(:mod:`graph.reading.count_tables`); a write rewrites only the tables of its events' types, and the digests.

An article's contribution is computed from its triples (:func:`contribution`, :func:`stored`); ``EventStore.put`` and
``delete_article`` add the new version's and subtract the old one's in the same SPARQL Update as the article itself
(:func:`counter_changes`), reading the counters' current values first: RocksDB admits one writing process and the store
holds its write lock (a server store: its writer lease, :mod:`graph.lease`), so nothing changes them in between. Counts
are sums, so any order of puts and deletes gives the counters that :func:`recount` gives from scratch
(``tests/test_aggregates.py``). A bulk load recounts; after a user's SPARQL Update (``graph.sparql.worker``, and the
forwarding pool of a server store) :func:`settle` writes only the counters that differ from a fresh count; the first writable opening of a store without counters (or with tables from before their digests) counts
them (:func:`ensure`).

Dashboards read them through :mod:`graph.reading.count_tables`.

>>> from graph.store import EventStore
>>> maintained(EventStore(None))
False
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

import pyoxigraph as ox
from rdflib import URIRef

from extract.model import EVENT_TYPES
from graph.namespaces import EKG, RDF, XSD, IRIs
from graph.terms import graphs_under, to_ox

if TYPE_CHECKING:  # graph.store hooks this module into its writes
    from graph.store import EventStore

KINDS = {"period": (EKG.EventsPerPeriod, EKG.inPeriod), "place": (EKG.EventsPerPlace, EKG.ofPlace),
         "agent": (EKG.EventsPerAgent, EKG.ofAgent)}
Key = tuple[str, str, str, str | None]  # (kind, event type, modality, period or entity IRI)

_EVENT_TYPES = {str(EKG[t]): t for t in EVENT_TYPES}
_MODALITY, _TYPE, _TIME = str(EKG.modality), str(RDF.type), str(EKG.time)
_ROLES = {str(EKG.place): "place", str(EKG.agent): "agent"}
_COUNT = to_ox(EKG.eventCount)
COUNTS = to_ox(EKG.counts)
_DIGESTS = to_ox(EKG.tableDigests)
UNDATED = "undated"


def graph_of(iris: IRIs, kind: str) -> URIRef:
    return URIRef(f"{iris.aggregates_graph}/{kind}")


_READ = [ox.NamedNode(p) for p in (_MODALITY, _TYPE, _TIME, *_ROLES)]


def contribution(triples: Iterable[tuple]) -> Counter[Key]:
    """What the events among ``triples`` (rdflib or Oxigraph terms) add to each counter."""
    facts: dict[str, dict[str, set[str]]] = {}
    for s, p, o in triples:
        predicate = _text(p)
        if predicate in (_MODALITY, _TYPE, _TIME) or predicate in _ROLES:
            facts.setdefault(_text(s), {}).setdefault(predicate, set()).add(_text(o))
    counts: Counter[Key] = Counter()
    for event in facts.values():
        types = [_EVENT_TYPES[t] for t in event.get(_TYPE, ()) if t in _EVENT_TYPES]
        for modality in event.get(_MODALITY, ()):
            for event_type in types:
                times = event.get(_TIME) or {None}
                for time in times:
                    counts[("period", event_type, modality, time[:7] if time else None)] += 1
                for role, kind in _ROLES.items():
                    for entity in event.get(role, ()):
                        counts[(kind, event_type, modality, entity)] += 1
    return counts


def counted(store: EventStore) -> Counter[Key]:
    """Every counter's count from the article graphs, as :func:`contribution` counts, computed by the store's SPARQL
    engine: one grouped query per kind, so that on a server store the server counts and only the counts travel."""
    counts: Counter[Key] = Counter()
    articles = graphs_under(store.iris.article_graph_prefix)
    for kind, role in (("period", None), *((kind, role) for role, kind in _ROLES.items())):
        # a period is the first 7 characters of the time (the month, or the year of a time given by year only)
        facts = (f"OPTIONAL {{ ?e <{_TIME}> ?t }} }} BIND(SUBSTR(STR(?t), 1, 7) AS ?d)" if role is None
                 else f"?e <{role}> ?d }}")
        rows = store.native.query(f"SELECT ?type ?m ?d (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?e <{_TYPE}> ?type ; "
                                  f"<{_MODALITY}> ?m . {facts} {articles} }} GROUP BY ?type ?m ?d")
        for row in rows:
            event_type = _EVENT_TYPES.get(row["type"].value)
            if event_type is not None:
                dimension = row["d"].value if row["d"] is not None else None
                counts[(kind, event_type, row["m"].value, dimension or None)] += int(row["n"].value)
    return counts


def recount(store: EventStore) -> None:
    """Count every counter afresh (:func:`counted`) and write them all anew: in one transaction on the embedded store,
    one request per count table (and one for their digests) on a server store."""
    counts = counted(store)
    graphs = [to_ox(graph_of(store.iris, kind)) for kind in KINDS]
    reset = [f"DROP SILENT GRAPH {g}" for g in graphs] + [f"CREATE SILENT GRAPH {g}" for g in graphs]
    if not store.remote:
        store.native.update(" ;\n".join(reset + counter_changes(store, +counts, fresh=True)))
        return
    # A SPARQL server may refuse one long request (Virtuoso: texts over 10 MB; 1M quads make 29 MB of counters), so a
    # server store gets one request per count table: each table is whole in its request.
    store.native.update(" ;\n".join(reset))
    tables: dict[tuple, Counter[Key]] = {}
    for key, count in (+counts).items():
        tables.setdefault(key[:3], Counter())[key] = count
    digests: dict[str, dict] = {}
    for table in sorted(tables):
        operations, written = _table_changes(store, tables[table], fresh=True)
        store.native.update(" ;\n".join(operations))
        for kind, tables_written in written.items():
            digests.setdefault(kind, {}).update(tables_written)
    store.native.update(" ;\n".join(_digest_changes(store, digests, fresh=True)))


def settle(store: EventStore) -> None:
    """After a write the counters did not follow (a user's SPARQL Update): count afresh (:func:`counted`) and move
    each counter that differs, with its table and the digests, in one update (a store without counters gets them all,
    :func:`ensure`). Only what changed is written; more than one request of text (a server store) is recounted whole
    (:func:`recount`). As :func:`counter_changes`, to be called by the store's only writer."""
    if not maintained(store):
        ensure(store)
        return
    delta = counted(store)
    delta.subtract(_current(store))
    operations = counter_changes(store, delta)  # counters with no change left out
    if not operations:
        return
    text = " ;\n".join(operations)
    if store.remote and len(text) > store.native.request_bytes:
        recount(store)
    else:
        store.native.update(text)


def _current(store: EventStore) -> Counter[Key]:
    """The counts the count tables hold now."""
    counts: Counter[Key] = Counter()
    for kind in KINDS:
        start = len(f"{store.iris.base}aggregate/{kind}/")
        for row in store.native.query(f"SELECT ?table ?counts WHERE {{ ?table {COUNTS} ?counts }}",
                                      default_graph=to_ox(graph_of(store.iris, kind))):
            event_type, modality = row["table"].value[start:].split("/", 1)
            for text, count in json.loads(row["counts"].value).items():
                counts[(kind, event_type, unquote(modality), dimension(store.iris, kind, text))] += count
    return counts


def ensure(store: EventStore) -> None:
    """Count the counters of a writable store that has articles but no counters (made before they existed, or whose
    counters a user dropped). An empty store stays empty: its counters come with its first events."""
    prefix = store.iris.article_graph_prefix
    if not maintained(store) and any(g.value.startswith(prefix) for g in store.native.named_graphs()
                                     if isinstance(g, ox.NamedNode)):
        recount(store)


def maintained(store: EventStore) -> bool:
    """Whether ``store`` has counters (every store written by this version has; a read-only copy of an older one
    may not, or only tables without digests, which :func:`ensure` counts again); remembered with a read-only
    snapshot."""
    from graph.reading.cache import memo  # graph.reading reads the store, which writes through this module

    return memo(store, _maintained, "period")


def _maintained(store: EventStore, kind: str) -> bool:
    if read_digests(store, kind):
        return True
    graph = to_ox(graph_of(store.iris, kind))  # counted, and no events; or tables from before their digests
    return (store.native.contains_named_graph(graph)
            and next(store.native.quads_for_pattern(None, COUNTS, None, graph), None) is None)


def read_digests(store: EventStore, kind: str) -> dict[tuple[str, str], str]:
    """(event type, modality) -> the digest of its count table's text, for every table of ``kind``, read now."""
    quad = next(store.native.quads_for_pattern(to_ox(digests_iri(store.iris, kind)), _DIGESTS, None,
                                               to_ox(graph_of(store.iris, kind))), None)
    if quad is None:
        return {}
    return {tuple(table.split("/", 1)): digest for table, digest in json.loads(quad.object.value).items()}


def digests_iri(iris: IRIs, kind: str) -> URIRef:
    return URIRef(f"{iris.base}aggregate/{kind}")


def table_digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()  # tells versions apart; 2^-64 to mistake one


def _table(store: EventStore, kind: str, event_type: str, modality: str) -> dict[str, int]:
    """The count table of ``kind``, ``event_type`` and ``modality`` (empty if none), for the writer to change."""
    quad = next(store.native.quads_for_pattern(to_ox(table_iri(store.iris, kind, event_type, modality)), COUNTS, None,
                                               to_ox(graph_of(store.iris, kind))), None)
    return json.loads(quad.object.value) if quad is not None else {}


def table_iri(iris: IRIs, kind: str, event_type: str, modality: str) -> URIRef:
    return URIRef(f"{iris.base}aggregate/{kind}/{event_type}/{quote(modality, safe='')}")


# -- writing ---------------------------------------------------------------------------------------------------------


def stored(store: EventStore, graph: URIRef) -> Counter[Key]:
    """The contribution of the article graph as stored."""
    node = to_ox(graph)
    return contribution((q.subject, q.predicate, q.object) for predicate in _READ
                        for q in store.native.quads_for_pattern(None, predicate, None, node))


def counter_changes(store: EventStore, delta: Counter[Key], *, fresh: bool = False) -> list[str]:
    """Update operations moving each counter, and the count tables and their digests, by ``delta`` from their current
    values (read now: call it under the store's write lock), or from none (``fresh``: the counters were just dropped)."""
    operations, digests = _table_changes(store, delta, fresh=fresh)
    return operations + _digest_changes(store, digests, fresh=fresh)


def _table_changes(store: EventStore, delta: Counter[Key], *, fresh: bool) -> tuple[list[str], dict]:
    """The operations of :func:`counter_changes` but the digests, and the new digest of each table rewritten
    (``{kind: {(event type, modality): digest, or None for a table that goes}}``)."""
    deleted, inserted, dropped = [], [], []
    digests: dict[str, dict[tuple[str, str], str | None]] = {}
    groups: dict[tuple[str, str, str], list[tuple[Key, int]]] = {}
    for key, change in sorted(delta.items(), key=_order):
        if change:
            groups.setdefault(key[:3], []).append((key, change))
    for (kind, event_type, modality), changes in groups.items():
        table = {} if fresh else _table(store, kind, event_type, modality)
        for key, change in changes:
            dimension = _encode(store.iris, kind, key[3])
            value = table.get(dimension, 0)
            if value:
                deleted.append(_counter_quads(store.iris, key, value, describe=False))
            if value + change > 0:
                table[dimension] = value + change
                inserted.append(_counter_quads(store.iris, key, value + change))
            else:  # the counter goes: its description too
                table.pop(dimension, None)
                deleted.append(_counter_quads(store.iris, key, None))
        graph, node = to_ox(graph_of(store.iris, kind)), to_ox(table_iri(store.iris, kind, event_type, modality))
        dropped.append(f"DELETE WHERE {{ GRAPH {graph} {{ {node} ?p ?o }} }}")  # the old table, if any
        text = json.dumps(table, sort_keys=True, separators=(",", ":")) if table else None
        digests.setdefault(kind, {})[(event_type, modality)] = table_digest(text) if text else None
        if text:
            facts = f"{node} {to_ox(RDF.type)} {to_ox(EKG.CountTable)} . {node} {COUNTS} {ox.Literal(text)}"
            inserted.append(f"GRAPH {graph} {{ {facts} }}\n")
    operations = [] if fresh else dropped
    operations += [f"DELETE DATA {{ {''.join(deleted)} }}"] if deleted else []
    return operations + ([f"INSERT DATA {{ {''.join(inserted)} }}"] if inserted else []), digests


def _digest_changes(store: EventStore, changed: dict, *, fresh: bool) -> list[str]:
    """Operations rewriting the digests of each kind with the ``changed`` ones (see :func:`_table_changes`)."""
    operations = []
    for kind, tables in sorted(changed.items()):
        digests = {} if fresh else read_digests(store, kind)
        for table, digest in tables.items():
            if digest is None:
                digests.pop(table, None)
            else:
                digests[table] = digest
        graph, node = to_ox(graph_of(store.iris, kind)), to_ox(digests_iri(store.iris, kind))
        if not fresh:
            operations.append(f"DELETE WHERE {{ GRAPH {graph} {{ {node} ?p ?o }} }}")
        if digests:
            text = json.dumps({f"{t}/{m}": d for (t, m), d in digests.items()}, sort_keys=True, separators=(",", ":"))
            facts = f"{node} {to_ox(RDF.type)} {to_ox(EKG.CountTableDigests)} . {node} {_DIGESTS} {ox.Literal(text)}"
            operations.append(f"INSERT DATA {{ GRAPH {graph} {{ {facts} }} }}")
    return operations


def counter_iri(iris: IRIs, key: Key) -> URIRef:
    kind, event_type, modality, dimension = key
    modality, dimension = quote(modality, safe=""), _encode(iris, kind, dimension)
    return URIRef(f"{iris.base}aggregate/{kind}/{event_type}/{modality}/{dimension}")


def _encode(iris: IRIs, kind: str, dimension: str | None) -> str:
    """A counter's dimension as the last part of its IRI and its key in the count table."""
    if kind == "period":
        return dimension or UNDATED
    if dimension.startswith(iris.entity_prefix):
        return dimension[len(iris.base):]  # entity/organization/isis: entity IRIs are URL-safe already
    return quote(dimension, safe="")


def dimension(iris: IRIs, kind: str, text: str) -> str | None:
    """The inverse of :func:`counter_iri` for the last part of the IRI."""
    if kind == "period":
        return None if text == UNDATED else text
    return iris.base + text if text.startswith("entity/") else unquote(text)


def _counter_quads(iris: IRIs, key: Key, count: int | None, *, describe: bool = True) -> str:
    """The counter's quads in SPARQL syntax: its description (unless not ``describe``) and count (unless None)."""
    kind, event_type, modality, dimension = key
    cls, predicate = KINDS[kind]
    node = to_ox(counter_iri(iris, key))
    facts = []
    if describe:
        facts += [f"{node} {to_ox(RDF.type)} {to_ox(cls)}", f"{node} {to_ox(EKG.ofType)} {to_ox(EKG[event_type])}",
                  f"{node} {to_ox(EKG.ofModality)} {ox.Literal(modality)}"]
        if dimension is not None:
            value = ox.Literal(dimension) if kind == "period" else ox.NamedNode(dimension)
            facts.append(f"{node} {to_ox(predicate)} {value}")
    if count is not None:
        facts.append(f"{node} {_COUNT} {ox.Literal(str(count), datatype=to_ox(XSD.integer))}")
    return f"GRAPH {to_ox(graph_of(iris, kind))} {{ {' . '.join(facts)} }}\n"


def _order(item: tuple[Key, int]) -> tuple:
    kind, event_type, modality, dimension = item[0]
    return kind, event_type, modality, dimension or ""


def _text(term) -> str:
    """The IRI or lexical form of an rdflib or Oxigraph term."""
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)) else str(term)

