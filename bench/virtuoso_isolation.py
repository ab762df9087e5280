"""What Virtuoso's readers see while eventkg replaces a graph, and what the isolation setting costs the queries: the
project's ini (bench/virtuoso.ini) side by side with the same ini plus ``DefaultIsolation = N`` (issue 13).

    python -m bench.virtuoso_isolation [--isolation 2] [--quads 100000] [--runs 15] [--triples 300 20000] [--seconds 60]

Two fresh Virtuoso databases run at once, each bulk-loaded with the same synthetic graph (``bench.synthetic``, by
Virtuoso's loader as in ``bench.scale_out``). Then, on each:

- **queries**: the queries of ``bench.sparql_http`` sent straight to Virtuoso, the two servers taking turns run by run
  (``bench.sparql_http.measure``), a new text per request: p50 of each, and the ratio;
- **readers during a replace**: a graph of ``--triples`` triples is replaced in a loop for ``--seconds`` seconds by the
  request eventkg sends for an article or a loaded graph (``DROP SILENT GRAPH g ; INSERT DATA { … }``, the triples in
  blocks of ``graph.terms.BLOCK_TRIPLES``: every triple's object is the version number), while another thread counts
  the graph's triples by object over and over: a read that finds anything but all of one version is *mixed*. Counted:
  writes, reads, mixed reads, the p50 of either.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import httpx

from bench.scale_out import bulk_load, pick_actor
from bench.servers import virtuoso_available, virtuoso_server
from bench.sparql_http import PROLOGUE, QUERIES, measure, over_http
from bench.synthetic import write_synthetic
from graph.terms import blocks

_GRAPH = "<https://example.org/bench/replaced>"


def replacing(server, triples: int, seconds: float) -> dict:
    """Replace a graph of ``triples`` triples for ``seconds`` while a thread reads it (see the module)."""
    def version(k: int) -> str:
        lines = [f'<https://example.org/s{i}> <https://example.org/p> "{k}" .' for i in range(triples)]
        return f"DROP SILENT GRAPH {_GRAPH} ;\nINSERT DATA {{ {' '.join(blocks(_GRAPH, lines))} }}"

    reads, mixed, read_ms, write_ms = 0, 0, [], []
    stop = threading.Event()

    def reader() -> None:
        nonlocal reads, mixed
        query = f"SELECT ?o (COUNT(*) AS ?n) WHERE {{ GRAPH {_GRAPH} {{ ?s ?p ?o }} }} GROUP BY ?o"
        with httpx.Client(timeout=600) as client:
            while not stop.is_set():
                started = time.perf_counter()
                rows = client.post(server.query_url, data={"query": query},
                                   headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
                read_ms.append((time.perf_counter() - started) * 1000)
                reads += 1
                mixed += len(rows) != 1 or int(rows[0]["n"]["value"]) != triples

    with httpx.Client(auth=httpx.DigestAuth(server.user, server.password), timeout=600) as writer:
        writer.post(server.update_url, data={"update": version(0)}).raise_for_status()
        thread = threading.Thread(target=reader)
        thread.start()
        try:
            k, end = 0, time.monotonic() + seconds
            while time.monotonic() < end:
                k += 1
                started = time.perf_counter()
                writer.post(server.update_url, data={"update": version(k)}).raise_for_status()
                write_ms.append((time.perf_counter() - started) * 1000)
        finally:
            stop.set()
            thread.join()
    return {"writes": len(write_ms), "reads": reads, "mixed": mixed, "read_p50": statistics.median(read_ms),
            "write_p50": statistics.median(write_ms)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--isolation", type=int, default=2, help="DefaultIsolation of the other server (1, 2, 4, 8)")
    parser.add_argument("--quads", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--triples", type=int, nargs="+", default=[300, 20_000])
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args()
    if not virtuoso_available():
        raise SystemExit("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    names = {"shipped ini": "", f"DefaultIsolation = {args.isolation}": f"DefaultIsolation = {args.isolation}\n"}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        servers = {}
        for n, (name, parameters) in enumerate(names.items()):
            folder = Path(tmp) / f"virtuoso-{n}"
            servers[name] = server = stack.enter_context(virtuoso_server(folder, parameters=parameters))
            write_synthetic(folder / "synthetic.nq", quads=args.quads)
            bulk_load(server, folder, "synthetic.nq")
        entity, label = pick_actor(next(iter(servers.values())).query_url)
        print(f"queries straight at Virtuoso, {args.quads:,} quads, p50 ms of {args.runs} runs (the servers in turns):")
        print(f"{'query':<34}" + "".join(f"{name:>26}" for name in servers) + f"{'ratio':>8}")
        for query, (_, text) in QUERIES.items():
            text = PROLOGUE + text.replace("{entity}", entity).replace("{label}", label)
            times = measure({name: over_http(s.query_url, text, fresh=True) for name, s in servers.items()}, args.runs)
            p50 = [statistics.median(times[name][0]) for name in servers]
            print(f"{query:<34}" + "".join(f"{v:>26.1f}" for v in p50) + f"{p50[1] / p50[0]:>7.2f}x")
        print(f"\nreaders while a graph is replaced in one request, {args.seconds:g} s each:")
        for triples in args.triples:
            for name, server in servers.items():
                got = replacing(server, triples, args.seconds)
                print(f"{triples:>7,} triples, {name:<22} writes {got['writes']:>5} (p50 {got['write_p50']:7.1f} ms)"
                      f"  reads {got['reads']:>6} (p50 {got['read_p50']:6.1f} ms)  mixed {got['mixed']}")


if __name__ == "__main__":
    main()
