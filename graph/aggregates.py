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
each table's text. Dashboards read the digests, and a table's text only when its digest is new to them (see
"reading" below); a write rewrites only the tables of its events' types, and the digests.

An article's contribution is computed from its triples (:func:`contribution`, :func:`stored`); ``EventStore.put`` and
``delete_article`` add the new version's and subtract the old one's in the same SPARQL Update as the article itself
(:func:`counter_changes`), reading the counters' current values first: RocksDB admits one writing process and the
store holds its write lock, so nothing changes them in between. Counts are sums, so any order of puts and deletes
gives the counters that :func:`recount` gives from scratch (``tests/test_aggregates.py``). A bulk load recounts, and
so does a SPARQL Update sent to the server (``graph.sparql.worker``); the first writable opening of a store without
counters (or with tables from before their digests) counts them (:func:`ensure`).

>>> from graph.store import EventStore
>>> period_counts(EventStore(None), modalities=("asserted",))
{}
"""

from __future__ import annotations

import hashlib
import json
import threading
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING
from urllib.parse import quote, unquote

import pyoxigraph as ox
from rdflib import URIRef

from extract.model import EVENT_TYPES, MODALITIES
from graph.namespaces import EKG, RDF, XSD, IRIs

if TYPE_CHECKING:  # graph.store hooks this module into its writes
    from graph.store import EventStore

KINDS = {"period": (EKG.EventsPerPeriod, EKG.inPeriod), "place": (EKG.EventsPerPlace, EKG.ofPlace),
         "agent": (EKG.EventsPerAgent, EKG.ofAgent)}
Key = tuple[str, str, str, str | None]  # (kind, event type, modality, period or entity IRI)

_EVENT_TYPES = {str(EKG[t]): t for t in EVENT_TYPES}
_MODALITY, _TYPE, _TIME = str(EKG.modality), str(RDF.type), str(EKG.time)
_ROLES = {str(EKG.place): "place", str(EKG.agent): "agent"}
_COUNT = ox.NamedNode(str(EKG.eventCount))
_COUNTS = ox.NamedNode(str(EKG.counts))
_DIGESTS = ox.NamedNode(str(EKG.tableDigests))
_UNDATED = "undated"


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


def recount(store: EventStore) -> None:
    """Count every counter afresh from the article graphs: in one transaction on the embedded store, one request per
    count table (and one for their digests) on a server store."""
    counts: Counter[Key] = Counter()
    prefix = store.iris.article_graph_prefix
    for graph in store.native.named_graphs():
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(prefix):
            counts.update(stored(store, URIRef(graph.value)))
    graphs = [_ox(graph_of(store.iris, kind)) for kind in KINDS]
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
    if _digests(store, kind):
        return True
    graph = _ox(graph_of(store.iris, kind))  # counted, and no events; or tables from before their digests
    return (store.native.contains_named_graph(graph)
            and next(store.native.quads_for_pattern(None, _COUNTS, None, graph), None) is None)


# -- reading ---------------------------------------------------------------------------------------------------------
#
# Reading a count table costs decoding its literal and parsing its JSON (some 0.1 ms per thousand entries), and a
# ranking over every event type sums some 13,000 entries at 1M quads: 7-30 ms a request, done again and again for the
# same tables. So the digests of a kind's tables are read first, as one quad (one request on a server store;
# remembered with a read-only snapshot: 78 quads, one per table, took 2 ms to read from a snapshot just opened), and a
# table is parsed once per content: :data:`_PARSED` holds parsed tables by digest. Rankings keep their sums, and the sums sorted,
# in :data:`_SUMS` by the tables summed; after a write only the tables whose digest changed are read and moved in
# the sum. Both are keyed by content, so they are right for any store and any snapshot; they are only ever replaced,
# never changed in place, so threads can share them.

_PARSED: dict[str, dict[str, int]] = {}  # digest -> parsed count table (shared: never modified)
_PARSED_MAX = 4096  # tables kept (a store has 3 kinds x types x modalities: 234 at most today)
_SUMS: dict[tuple, "_Sum"] = {}  # (base IRI, kind, tables summed) -> their sum
_SUMS_MAX = 64  # filter combinations kept
_SUMS_LOCK = threading.Lock()  # requests answered in the thread pool rank too
_FEW = 4  # changed tables read one by one; more, all the tables of the kind in one read


def period_counts(store: EventStore, *, modalities=None, event_types=None) -> dict[tuple[str | None, str], int]:
    """(month ``2022-03``, year ``2022`` for events dated by year, or None, event type) -> events."""
    counts: dict[tuple[str | None, str], int] = {}
    tables = _tables(store, "period", _wanted(modalities, event_types))
    for (event_type, _), (_, table) in tables.items():
        for period, n in table.items():
            key = (None if period == _UNDATED else period, event_type)
            counts[key] = counts.get(key, 0) + n
    return counts


def ranking(store: EventStore, kind: str, *, modalities=None, event_types=None,
            top: int | None = None) -> list[tuple[str, int]]:
    """``kind`` ``"place"`` or ``"agent"``: (entity IRI, events) for the ``top`` places or agents (all by default), most
    events first (ties by IRI)."""
    wanted = _wanted(modalities, event_types)
    tables = _tables(store, kind, wanted)
    key = (store.iris.base, kind, tuple(wanted))
    with _SUMS_LOCK:
        before = _SUMS.pop(key, None)  # popped and put back: the most recently used last
    digests = {table: digest for table, (digest, _) in tables.items()}
    if before is not None and digests == {table: digest for table, (digest, _) in before.tables.items()}:
        summed = before  # no table changed
    else:
        summed = _Sum(store.iris, kind, tables, before)
    with _SUMS_LOCK:
        _SUMS[key] = summed
        while len(_SUMS) > _SUMS_MAX:
            del _SUMS[next(iter(_SUMS))]
    ranked = summed.ranked if top is None else summed.ranked[:top]
    return [(iri, -negated) for negated, iri in ranked]


def forget() -> None:
    """Drop the parsed tables and sums this process keeps (what a process that has read nothing yet sees)."""
    _PARSED.clear()
    with _SUMS_LOCK:
        _SUMS.clear()


class _Sum:
    """The sum of some count tables, and its entries as (-count, IRI) sorted: most first, ties by IRI. Made from the
    sum of the same tables in other versions by moving only the entries of the tables that changed."""

    def __init__(self, iris: IRIs, kind: str, tables: dict[tuple[str, str], tuple[str, dict]], before: _Sum | None):
        self.tables = tables
        if before is None:
            totals: Counter[str] = Counter()
            for _, table in tables.values():
                totals.update(table)
            self.totals = dict(totals)
            self.ranked = sorted((-n, _dimension(iris, kind, k)) for k, n in self.totals.items())
            return
        changed = [(before.tables.get(t, (None, {}))[1], table) for t, (digest, table) in tables.items()
                   if before.tables.get(t, (None,))[0] != digest]
        changed += [(table, {}) for t, (_, table) in before.tables.items() if t not in tables]  # tables gone
        totals = dict(before.totals)
        moved: dict[str, int] = {}  # entry -> its total before
        for old, new in changed:
            for entry in {entry for entry, _ in old.items() ^ new.items()}:  # the entries whose count changed
                moved.setdefault(entry, totals.get(entry, 0))
                n = totals.get(entry, 0) - old.get(entry, 0) + new.get(entry, 0)
                if n:
                    totals[entry] = n
                else:
                    totals.pop(entry, None)
        ranked = list(before.ranked)
        for entry, was in moved.items():
            iri, now = _dimension(iris, kind, entry), totals.get(entry, 0)
            if was == now:
                continue
            if was:
                del ranked[bisect_left(ranked, (-was, iri))]
            if now:
                insort(ranked, (-now, iri))
        self.totals, self.ranked = totals, ranked


def _wanted(modalities, event_types) -> list[tuple[str, str]]:
    """(event type, modality) of the count tables the filters keep."""
    return [(event_type, modality) for modality in (modalities if modalities is not None else MODALITIES)
            for event_type in (event_types if event_types is not None else EVENT_TYPES)]


def _tables(store: EventStore, kind: str, wanted: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, dict]]:
    """(event type, modality) -> (digest, parsed counts) of the count tables of ``kind`` among ``wanted`` that exist;
    a table is read from the store only when its digest is not parsed already (see above)."""
    digests = _digests(store, kind)
    found: dict[tuple[str, str], tuple[str, dict]] = {}
    missing = []
    for table in wanted:
        digest = digests.get(table)
        if digest is None:
            continue
        parsed = _PARSED.get(digest)
        if parsed is None:
            missing.append(table)
        else:
            found[table] = (digest, parsed)
    if missing:
        graph = _ox(graph_of(store.iris, kind))
        if len(missing) <= _FEW:
            quads = [q for table in missing for q in store.native.quads_for_pattern(
                _ox(_table_iri(store.iris, kind, *table)), _COUNTS, None, graph)]
        else:
            quads = store.native.quads_for_pattern(None, _COUNTS, None, graph)
        wanted_iris = {str(_table_iri(store.iris, kind, *table)): table for table in missing}
        for quad in quads:
            table = wanted_iris.get(quad.subject.value)
            if table is not None:
                found[table] = _parsed(quad.object.value)
    return {table: found[table] for table in wanted if table in found}


def _parsed(text: str) -> tuple[str, dict[str, int]]:
    """(digest, parsed counts) of a count table's text, parsed once per content."""
    digest = _digest(text)
    parsed = _PARSED.get(digest)
    if parsed is None:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        parsed = _PARSED[digest] = json.loads(text)
    return digest, parsed


def _digests(store: EventStore, kind: str) -> dict[tuple[str, str], str]:
    """(event type, modality) -> the digest of its count table's text, for every table of ``kind``; read in one go,
    and remembered with a read-only snapshot."""
    from graph.reading.cache import memo  # graph.reading reads the store, which writes through this module

    return memo(store, _read_digests, kind)


def _read_digests(store: EventStore, kind: str) -> dict[tuple[str, str], str]:
    quad = next(store.native.quads_for_pattern(_ox(_digests_iri(store.iris, kind)), _DIGESTS, None,
                                               _ox(graph_of(store.iris, kind))), None)
    if quad is None:
        return {}
    return {tuple(table.split("/", 1)): digest for table, digest in json.loads(quad.object.value).items()}


def _digests_iri(iris: IRIs, kind: str) -> URIRef:
    return URIRef(f"{iris.base}aggregate/{kind}")


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()  # tells versions apart; 2^-64 to mistake one


def _table(store: EventStore, kind: str, event_type: str, modality: str) -> dict[str, int]:
    """The count table of ``kind``, ``event_type`` and ``modality`` (empty if none), for the writer to change."""
    quad = next(store.native.quads_for_pattern(_ox(_table_iri(store.iris, kind, event_type, modality)), _COUNTS, None,
                                               _ox(graph_of(store.iris, kind))), None)
    return json.loads(quad.object.value) if quad is not None else {}


def _table_iri(iris: IRIs, kind: str, event_type: str, modality: str) -> URIRef:
    return URIRef(f"{iris.base}aggregate/{kind}/{event_type}/{quote(modality, safe='')}")


# -- writing ---------------------------------------------------------------------------------------------------------


def stored(store: EventStore, graph: URIRef) -> Counter[Key]:
    """The contribution of the article graph as stored."""
    node = _ox(graph)
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
        graph, node = _ox(graph_of(store.iris, kind)), _ox(_table_iri(store.iris, kind, event_type, modality))
        dropped.append(f"DELETE WHERE {{ GRAPH {graph} {{ {node} ?p ?o }} }}")  # the old table, if any
        text = json.dumps(table, sort_keys=True, separators=(",", ":")) if table else None
        digests.setdefault(kind, {})[(event_type, modality)] = _digest(text) if text else None
        if text:
            facts = f"{node} {_ox(RDF.type)} {_ox(EKG.CountTable)} . {node} {_COUNTS} {ox.Literal(text)}"
            inserted.append(f"GRAPH {graph} {{ {facts} }}\n")
    operations = [] if fresh else dropped
    operations += [f"DELETE DATA {{ {''.join(deleted)} }}"] if deleted else []
    return operations + ([f"INSERT DATA {{ {''.join(inserted)} }}"] if inserted else []), digests


def _digest_changes(store: EventStore, changed: dict, *, fresh: bool) -> list[str]:
    """Operations rewriting the digests of each kind with the ``changed`` ones (see :func:`_table_changes`)."""
    operations = []
    for kind, tables in sorted(changed.items()):
        digests = {} if fresh else _read_digests(store, kind)
        for table, digest in tables.items():
            if digest is None:
                digests.pop(table, None)
            else:
                digests[table] = digest
        graph, node = _ox(graph_of(store.iris, kind)), _ox(_digests_iri(store.iris, kind))
        if not fresh:
            operations.append(f"DELETE WHERE {{ GRAPH {graph} {{ {node} ?p ?o }} }}")
        if digests:
            text = json.dumps({f"{t}/{m}": d for (t, m), d in digests.items()}, sort_keys=True, separators=(",", ":"))
            facts = f"{node} {_ox(RDF.type)} {_ox(EKG.CountTableDigests)} . {node} {_DIGESTS} {ox.Literal(text)}"
            operations.append(f"INSERT DATA {{ GRAPH {graph} {{ {facts} }} }}")
    return operations


def counter_iri(iris: IRIs, key: Key) -> URIRef:
    kind, event_type, modality, dimension = key
    modality, dimension = quote(modality, safe=""), _encode(iris, kind, dimension)
    return URIRef(f"{iris.base}aggregate/{kind}/{event_type}/{modality}/{dimension}")


def _encode(iris: IRIs, kind: str, dimension: str | None) -> str:
    """A counter's dimension as the last part of its IRI and its key in the count table."""
    if kind == "period":
        return dimension or _UNDATED
    if dimension.startswith(iris.base + "entity/"):
        return dimension[len(iris.base):]  # entity/organization/isis: entity IRIs are URL-safe already
    return quote(dimension, safe="")


def _dimension(iris: IRIs, kind: str, text: str) -> str | None:
    """The inverse of :func:`counter_iri` for the last part of the IRI."""
    if kind == "period":
        return None if text == _UNDATED else text
    return iris.base + text if text.startswith("entity/") else unquote(text)


def _counter_quads(iris: IRIs, key: Key, count: int | None, *, describe: bool = True) -> str:
    """The counter's quads in SPARQL syntax: its description (unless not ``describe``) and count (unless None)."""
    kind, event_type, modality, dimension = key
    cls, predicate = KINDS[kind]
    node = _ox(counter_iri(iris, key))
    facts = []
    if describe:
        facts += [f"{node} {_ox(RDF.type)} {_ox(cls)}", f"{node} {_ox(EKG.ofType)} {_ox(EKG[event_type])}",
                  f"{node} {_ox(EKG.ofModality)} {ox.Literal(modality)}"]
        if dimension is not None:
            value = ox.Literal(dimension) if kind == "period" else ox.NamedNode(dimension)
            facts.append(f"{node} {_ox(predicate)} {value}")
    if count is not None:
        facts.append(f"{node} {_COUNT} {ox.Literal(str(count), datatype=ox.NamedNode(str(XSD.integer)))}")
    return f"GRAPH {_ox(graph_of(iris, kind))} {{ {' . '.join(facts)} }}\n"


def _order(item: tuple[Key, int]) -> tuple:
    kind, event_type, modality, dimension = item[0]
    return kind, event_type, modality, dimension or ""


def _text(term) -> str:
    """The IRI or lexical form of an rdflib or Oxigraph term."""
    return term.value if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)) else str(term)


def _ox(term: URIRef) -> ox.NamedNode:
    return ox.NamedNode(str(term))

