"""The dashboard aggregates from counters kept at write time, against the same aggregates counted by SPARQL (issue 9).

    python -m bench.aggregates [--quads 100000 1000000] [--repeats 30] [--http-requests 100] [--store DIR]

For each size a synthetic graph (``bench.synthetic``) is bulk-loaded into a store in a temporary folder (the load ends
by counting the counters: ``graph.aggregates.recount``, timed on its own) and compacted, as ``eventkg load`` does.
Three aggregates a dashboard asks for, of asserted events: the monthly timeline per type (``graph.analytics.timeline``),
the 20 agents of the most events and the 20 places with the most (``graph.analytics.top``). Each is computed
``--repeats`` times from the counters and counted by SPARQL (one aggregate query over the events, a new query each
time; only RocksDB's block cache stays warm, for both), on a read-only snapshot as the server reads it:

- *counters*: again and again on one snapshot (what a server does between writes: the tables it parsed and the sums
  it made are kept by content, see ``graph/reading/count_tables.py``);
- *after a write*: each time right after a write that moved the counters of one article (its contribution added, or
  subtracted again), on a snapshot opened after it (not timed: the opening is the snapshot's cost, printed apart), so
  the digests are read again and the tables that changed are parsed and moved in the sums (a read that loses a file
  to the writer's compaction, which the server answers 503 "try again", is timed again on the next snapshot);
- *cold*: each time on a new snapshot in a process that has parsed nothing (``graph.reading.count_tables.forget``);
- *SPARQL*: counted per request.

Over HTTP, ``eventkg serve`` runs with the response cache off (``EVENTKG_RESPONSE_CACHE=0``); a keep-alive
``http.client`` connection (a lighter client than httpx) sends ``--http-requests`` sequential GETs to
``/analytics/timeline``, ``/analytics/top/agent`` and ``/analytics/top/place`` (counters), each followed by a GET of an
unrouted path (a 404: the floor of server and client under the same load), then the same right after a write by
this process (the server reopens its snapshot first: that is in the figure), then the same URLs with
``min_confidence=0.01``, which the counters do not hold, so the server counts by SPARQL (every synthetic event is
more confident than that: the answer is the same, which is checked). Last, the write-time cost: keeping the counters
for one article write (its contribution computed from its triples, the counters it touches read, the SPARQL Update
run; added, then subtracted), p50. Print ``uptime`` beside the figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlsplit

import pyoxigraph as ox
from rdflib import URIRef

from bench.api_load import build_store, serve, stop
from graph import aggregates
from graph.analytics.timeline import counted, event_counts, zero_filled
from graph.analytics.top import counted_ranking
from graph.filters import Filter
from graph.reading import count_tables
from graph.sparql import Snapshot
from graph.store import EventStore, open_store

ASSERTED = Filter()
SPARQL = "min_confidence=0.01"  # a filter the counters do not hold: the server counts by SPARQL
HTTP_PATHS = {"timeline, month x type": "/analytics/timeline?modality=asserted",
              "top 20 agents": "/analytics/top/agent?modality=asserted",
              "top 20 places": "/analytics/top/place?modality=asserted"}
Read = Callable[[EventStore], object]
CASES: dict[str, tuple[Read, Read]] = {  # name: (from the counters, counted by SPARQL)
    "timeline, month x type": (lambda store: zero_filled(counted(store, ASSERTED), ASSERTED, "month"),
                               lambda store: zero_filled(event_counts(store, ASSERTED), ASSERTED, "month")),
    "top 20 agents": (lambda store: count_tables.ranking(store, "agent", modalities=("asserted",), top=20),
                      lambda store: counted_ranking(store, "agent", ASSERTED, 20)),
    "top 20 places": (lambda store: count_tables.ranking(store, "place", modalities=("asserted",), top=20),
                      lambda store: counted_ranking(store, "place", ASSERTED, 20)),
}


def timed(run: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p(times: list[float], q: float) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[int(q) - 1] if len(times) > 1 else times[0]


class Writes:
    """Writes that move the counters as an article write does: one article's contribution added, then subtracted
    (every second write leaves the store as it was)."""

    def __init__(self, store: EventStore):
        self.store = store
        self.graphs = sorted(g.value for g in store.native.named_graphs()
                             if g.value.startswith(store.iris.article_graph_prefix))
        self.done = 0

    def next(self) -> None:
        graph = self.graphs[(self.done // 2) % len(self.graphs)]
        delta = aggregates.stored(self.store, URIRef(graph))
        if self.done % 2:
            delta = Counter({key: -n for key, n in delta.items()})
        self.store.native.update(" ;\n".join(aggregates.counter_changes(self.store, delta)))
        self.store.native.flush()
        self.done += 1


def in_process(path: Path, repeats: int) -> tuple[list[tuple], list[float]]:
    """Rows (name, counters, after a write, cold, SPARQL: ms each) and the snapshot openings' ms."""
    rows, openings = [], []
    with open_store(path, read_only=True) as snapshot:
        for name, (counters, sparql) in CASES.items():
            assert _same(counters(snapshot), sparql(snapshot)), name
            rows.append([name, timed(lambda: counters(snapshot), repeats), [], [], timed(lambda: sparql(snapshot), repeats)])
    snapshots = Snapshot(path)  # reopens after a write, as the server's does (and retries while files move)
    with open_store(path) as writer:
        writes = Writes(writer)
        for row, (counters, sparql) in zip(rows, CASES.values()):
            for _ in range(repeats):
                writes.next()
                start = time.perf_counter()
                snapshot = snapshots.current()
                openings.append((time.perf_counter() - start) * 1000)
                row[2] += _retried(snapshots, snapshot, counters)
            if writes.done % 2:  # the counters hold one article twice: put them back as they were
                writes.next()
            snapshot = snapshots.current()  # the sums moved there and back by the tables that changed: still right
            assert _same(counters(snapshot), sparql(snapshot)), row[0]
    for row, (counters, _) in zip(rows, CASES.values()):
        for _ in range(repeats):
            count_tables.forget()
            snapshot = Snapshot(path).current()
            row[3] += timed(lambda: counters(snapshot), 1)
    return [tuple(row) for row in rows], openings


def _retried(snapshots: Snapshot, snapshot: EventStore, read: Read) -> list[float]:
    """The time of ``read(snapshot)``; if the writer's compaction removed a file the snapshot was reading (the
    server answers that 503, try again), the time on the snapshot opened next."""
    for _ in range(3):
        try:
            return timed(lambda: read(snapshot), 1)
        except (OSError, RuntimeError):
            snapshot = snapshots.current()
    return timed(lambda: read(snapshot), 1)


def _same(a, b) -> bool:
    """The two ways give the same answer (rankings: the same counts; ties may list different entities)."""
    if isinstance(a, list):
        return [n for _, n in a] == [n for _, n in b]
    return a == b


def over_http(path: Path, requests: int) -> tuple[list[tuple], list[float]]:
    """Rows (name, counters, after a write, SPARQL: ms each) and the floor (an unrouted GET's ms) under the same load."""
    process, url = serve(path, 1, RESPONSE_CACHE="0")
    address = urlsplit(url)
    connection = HTTPConnection(address.hostname, address.port)
    rows, floor = [], []
    try:
        for name, endpoint in HTTP_PATHS.items():
            by_sparql = f"{endpoint}&{SPARQL}"
            assert _get(connection, endpoint, 200) == _get(connection, by_sparql, 200), name
            counters = []
            for _ in range(requests):
                counters += timed(lambda: _get(connection, endpoint, 200), 1)
                floor += timed(lambda: _get(connection, "/no-such-path", 404), 1)
            rows.append([name, counters, [], timed(lambda: _get(connection, by_sparql, 200), requests)])
        with open_store(path) as writer:
            writes = Writes(writer)
            for row in rows:
                for _ in range(requests):
                    writes.next()
                    row[2] += timed(lambda: _get_again(connection, HTTP_PATHS[row[0]]), 1)
            while writes.done % 2:
                writes.next()
    finally:
        connection.close()
        stop(process)
    return [tuple(row) for row in rows], floor


def _get(connection: HTTPConnection, path: str, status: int) -> bytes:
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    assert response.status == status, (path, response.status, body[:200])
    return body


def _get_again(connection: HTTPConnection, path: str) -> bytes:
    """GET ``path``; once more after a 503 (the writer's compaction removed a file the server's snapshot was reading:
    it answers "try again" and opens the next snapshot)."""
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    if response.status == 503:
        return _get(connection, path, 200)
    assert response.status == 200, (path, response.status, body[:200])
    return body


def write_cost(path: Path, articles: int = 50) -> float:
    """p50 ms of keeping the counters for one article write: its contribution computed from its triples, the counters
    it touches read, and the update run (added, then subtracted: the store ends as it was)."""
    with open_store(path) as store:
        writes = Writes(store)
        return statistics.median(timed(writes.next, 2 * min(articles, len(writes.graphs))))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quads", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--http-requests", type=int, default=100)
    parser.add_argument("--store", type=Path, help="an existing store with its counters, instead of synthetic ones "
                        "(the writes timed are undone)")
    args = parser.parse_args()
    print("| quads | aggregate | counters p50 ms (p90) | after a write p50 (p90) | cold p50 (p90) | SPARQL p50 (p90) "
          "| SPARQL / counters |")
    print("|---|---|---|---|---|---|---|")
    notes = []
    if args.store is not None:
        report(args.store, "store", args.repeats, args.http_requests, notes)
    for quads in args.quads if args.store is None else ():
        with tempfile.TemporaryDirectory(prefix="eventkg-bench-") as folder:
            start = time.perf_counter()
            path = build_store(Path(folder), quads)
            load_s = time.perf_counter() - start
            with open_store(path) as store:
                start = time.perf_counter()
                aggregates.recount(store)
                recount_s = time.perf_counter() - start
                counters = sum(1 for kind in aggregates.KINDS for _ in store.native.quads_for_pattern(
                    None, None, None, ox.NamedNode(str(aggregates.graph_of(store.iris, kind)))))
                store.compact()
            notes.append(f"{quads:,} quads: {counters:,} counter quads; recount {recount_s:.2f} s "
                         f"(load with its recount and compaction {load_s:.1f} s)")
            report(path, f"{quads:,}", args.repeats, args.http_requests, notes)
    print()
    for note in notes:
        print(note)


def report(path: Path, size: str, repeats: int, requests: int, notes: list[str]) -> None:
    """Print the rows of the store at ``path`` (``size`` names it in the table); add its note to ``notes``."""
    rows, openings = in_process(path, repeats)
    for name, steady, written, cold, sparql in rows:
        print(f"| {size} | {name} | {cell(steady)} | {cell(written)} | {cell(cold)} | {cell(sparql)} "
              f"| {statistics.median(sparql) / statistics.median(steady):.0f}x |", flush=True)
    http_rows, floor = over_http(path, requests)
    for name, steady, written, sparql in http_rows:
        print(f"| {size} | GET {HTTP_PATHS[name]} | {cell(steady)} | {cell(written)} | - | {cell(sparql)} "
              f"| {statistics.median(sparql) / statistics.median(steady):.0f}x |", flush=True)
    notes.append(f"{size}: counter updates of one article p50 {write_cost(path):.2f} ms; opening a snapshot p50 "
                 f"{statistics.median(openings):.1f} ms; an unrouted GET (404) between the counters' GETs p50 "
                 f"{cell(floor)} ms")


def cell(times: list[float]) -> str:
    return f"{statistics.median(times):.2f} ({p(times, 90):.2f})"


if __name__ == "__main__":
    main()
