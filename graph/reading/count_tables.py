"""The counters of :mod:`graph.aggregates` as the dashboards read them: time series and rankings in milliseconds.

Reading a count table costs decoding its literal and parsing its JSON (some 0.1 ms per thousand entries), and a
ranking over every event type sums some 13,000 entries at 1M quads: 7-30 ms a request, done again and again for the
same tables. So the digests of a kind's tables are read first, as one quad (one request on a server store;
remembered with a read-only snapshot: 78 quads, one per table, took 2 ms to read from a snapshot just opened), and a
table is parsed once per content: :data:`_PARSED` holds parsed tables by digest. Rankings keep their sums, and the
sums sorted, in :data:`_SUMS` by the tables summed; after a write only the tables whose digest changed are read and
moved in the sum. Both are keyed by content, so they are right for any store and any snapshot; they are only ever
replaced, never changed in place, so threads can share them.

>>> from graph.store import EventStore
>>> period_counts(EventStore(None), modalities=("asserted",))
{}
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_left, insort
from collections import Counter

from extract.model import EVENT_TYPES, MODALITIES
from graph.aggregates import COUNTS, UNDATED, dimension, graph_of, read_digests, table_digest, table_iri
from graph.namespaces import IRIs
from graph.reading.cache import memo
from graph.store import EventStore
from graph.terms import to_ox

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
            key = (None if period == UNDATED else period, event_type)
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
            self.ranked = sorted((-n, dimension(iris, kind, k)) for k, n in self.totals.items())
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
            iri, now = dimension(iris, kind, entry), totals.get(entry, 0)
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
        graph = to_ox(graph_of(store.iris, kind))
        if len(missing) <= _FEW:
            quads = [q for table in missing for q in store.native.quads_for_pattern(
                to_ox(table_iri(store.iris, kind, *table)), COUNTS, None, graph)]
        else:
            quads = store.native.quads_for_pattern(None, COUNTS, None, graph)
        wanted_iris = {str(table_iri(store.iris, kind, *table)): table for table in missing}
        for quad in quads:
            table = wanted_iris.get(quad.subject.value)
            if table is not None:
                found[table] = _parsed(quad.object.value)
    return {table: found[table] for table in wanted if table in found}


def _parsed(text: str) -> tuple[str, dict[str, int]]:
    """(digest, parsed counts) of a count table's text, parsed once per content."""
    digest = table_digest(text)
    parsed = _PARSED.get(digest)
    if parsed is None:
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        parsed = _PARSED[digest] = json.loads(text)
    return digest, parsed


def _digests(store: EventStore, kind: str) -> dict[tuple[str, str], str]:
    """(event type, modality) -> the digest of its count table's text, for every table of ``kind``; read in one go,
    and remembered with a read-only snapshot."""
    return memo(store, read_digests, kind)
