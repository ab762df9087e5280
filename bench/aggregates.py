"""The dashboard aggregates from counters kept at write time, against the same aggregates counted by SPARQL (issue 9).

    python -m bench.aggregates [--quads 100000 1000000] [--repeats 30] [--http-requests 100]

For each size a synthetic graph (``bench.synthetic``) is bulk-loaded into a store in a temporary folder (the load ends
by counting the counters: ``graph.aggregates.recount``, timed on its own) and compacted, as ``eventkg load`` does.
Then, on a read-only snapshot as the server reads it, each aggregate a dashboard asks for is computed ``--repeats``
times both ways, nothing cached between runs (a new query each time; only RocksDB's block cache stays warm, for both):

- the monthly timeline of asserted events per type (``graph.analytics.timeline``: the counters' tables, against
  ``event_counts``, one aggregate SPARQL query over the events, both bucketed and zero-filled the same way);
- the 20 agents of the most asserted events and the 20 places with the most (``graph.analytics.top``: the counters'
  tables, against ``counted_ranking``, one GROUP BY query);

and printed side by side: p50 and p90 in milliseconds, and the ratio. Over HTTP, ``eventkg serve`` runs with the
response cache off (``EVENTKG_RESPONSE_CACHE=0``) and ``--http-requests`` sequential requests go to
``/analytics/timeline`` and ``/analytics/top/agent`` (counters) and to the same with ``min_confidence=0.01`` (which the
counters do not hold, so the server counts by SPARQL; every synthetic event is more confident than that, so the answer
is the same). Last, the write-time cost: keeping the counters for one article write (its contribution computed from its triples,
the counters it touches read, the SPARQL Update run; added, then subtracted), p50.
"""

from __future__ import annotations

import argparse
import statistics
from collections import Counter
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pyoxigraph as ox
from rdflib import URIRef

from bench.api_load import build_store, serve, stop
from graph import aggregates
from graph.analytics.timeline import counted, event_counts, zero_filled
from graph.analytics.top import counted_ranking
from graph.filters import Filter
from graph.store import open_store

ASSERTED = Filter()


def timed(run: Callable[[], object], repeats: int) -> list[float]:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return times


def p(times: list[float], q: float) -> float:
    return statistics.quantiles(times, n=100, method="inclusive")[int(q) - 1] if len(times) > 1 else times[0]


def in_process(path: Path, repeats: int) -> list[tuple[str, list[float], list[float]]]:
    with open_store(path, read_only=True) as store:
        cases = [
            ("timeline, month x type", lambda: zero_filled(counted(store, ASSERTED), ASSERTED, "month"),
             lambda: zero_filled(event_counts(store, ASSERTED), ASSERTED, "month")),
            ("top 20 agents", lambda: aggregates.ranking(store, "agent", modalities=("asserted",), top=20),
             lambda: counted_ranking(store, "agent", ASSERTED, 20)),
            ("top 20 places", lambda: aggregates.ranking(store, "place", modalities=("asserted",), top=20),
             lambda: counted_ranking(store, "place", ASSERTED, 20)),
        ]
        results = []
        for name, counters, sparql in cases:
            assert _same(counters(), sparql()), name
            results.append((name, timed(counters, repeats), timed(sparql, repeats)))
        return results


def _same(a, b) -> bool:
    """The two ways give the same answer (rankings: the same counts; ties may list different entities)."""
    if isinstance(a, list):
        return [n for _, n in a] == [n for _, n in b]
    return a == b


def over_http(path: Path, requests: int) -> list[tuple[str, list[float], list[float]]]:
    process, url = serve(path, 1, RESPONSE_CACHE="0")
    try:
        with httpx.Client(base_url=url, timeout=120) as client:
            results = []
            for name, endpoint in (("GET /analytics/timeline", "/analytics/timeline"),
                                   ("GET /analytics/top/agent", "/analytics/top/agent?modality=asserted")):
                sparql_endpoint = endpoint + ("&" if "?" in endpoint else "?") + "min_confidence=0.01"
                assert client.get(endpoint).json() == client.get(sparql_endpoint).json(), name
                results.append((name, _get_times(client, endpoint, requests), _get_times(client, sparql_endpoint, requests)))
            return results
    finally:
        stop(process)


def _get_times(client: httpx.Client, endpoint: str, requests: int) -> list[float]:
    def get():
        assert client.get(endpoint).status_code == 200

    return timed(get, requests)


def write_cost(path: Path, articles: int = 50) -> float:
    """p50 ms of keeping the counters for one article write: its contribution computed from its triples, the counters
    it touches read, and the update run (added, then subtracted: the store ends as it was)."""
    with open_store(path) as store:
        graphs = sorted(g.value for g in store.native.named_graphs()
                        if g.value.startswith(store.iris.article_graph_prefix))
        times = []
        for graph in graphs[:articles]:
            for sign in (1, -1):
                start = time.perf_counter()
                delta = aggregates.stored(store, URIRef(graph))
                if sign < 0:
                    delta = Counter({key: -n for key, n in delta.items()})
                store.native.update(" ;\n".join(aggregates.counter_changes(store, delta)))
                times.append((time.perf_counter() - start) * 1000)
        return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quads", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--http-requests", type=int, default=100)
    args = parser.parse_args()
    print("| quads | aggregate | counters p50 ms | p90 | SPARQL p50 ms | p90 | SPARQL / counters |")
    print("|---|---|---|---|---|---|---|")
    notes = []
    for quads in args.quads:
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
            rows = in_process(path, args.repeats) + over_http(path, args.http_requests)
            for name, by_counters, by_sparql in rows:
                a, b = statistics.median(by_counters), statistics.median(by_sparql)
                print(f"| {quads:,} | {name} | {a:.2f} | {p(by_counters, 90):.2f} | {b:.2f} | {p(by_sparql, 90):.2f} "
                      f"| {b / a:.1f}x |", flush=True)
            notes.append(f"{quads:,} quads: {counters:,} counter quads; recount {recount_s:.2f} s "
                         f"(load with its recount and compaction {load_s:.1f} s); counter updates of one article "
                         f"p50 {write_cost(path):.2f} ms")
    print()
    for note in notes:
        print(note)


if __name__ == "__main__":
    main()
