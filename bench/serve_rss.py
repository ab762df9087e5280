"""Whole-server memory at rest: ``eventkg serve`` against ``oxigraph serve-read-only`` on the same store, each just
started and then asked one light query and (eventkg) ``/health``: what the server's imports and one query worker hold
before any aggregate fills the store's caches (``bench.sparql_http`` measures after its queries and under load). Then
eventkg's server process once more after ``GET /openapi.json``, the first request that needs the REST app (loaded on
use since session 6), and how long that request took.

    python -m bench.serve_rss --store /tmp/sparqlh/kg1m [--before CHECKOUT] [--rounds 2]

Prints, per server and round, the RSS of each process of its tree and their sum (MiB), the sum ÷ Oxigraph's, and the
server process after the first REST request.
With ``--before``, another checkout of the repository (the code before a change) is served too, the servers taking
turns in each round.
"""

from __future__ import annotations

import argparse
import time
import urllib.parse
import urllib.request
from pathlib import Path

from bench.api_load import serve, stop
from bench.servers import oxigraph_server
from bench.sparql_http import serve_checkout, tree

LIGHT = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 1"


def rss(process) -> list[float]:
    """MiB resident per process of ``process``'s tree, the server first."""
    time.sleep(1)  # let a worker that has just answered settle
    return [p.memory_info().rss / 2**20 for p in tree(process)]


def get(url: str) -> None:
    with urllib.request.urlopen(url, timeout=120) as response:
        response.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", type=Path, required=True, help="a store built before (e.g. by bench.sparql_http)")
    parser.add_argument("--before", type=Path, help="also serve this checkout (the code before a change)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    query = urllib.parse.quote(LIGHT)
    with oxigraph_server(args.store, read_only=True) as oxigraph:
        get(f"{oxigraph.query_url}?query={query}")
        base = sum(rss(oxigraph.process))
        print(f"oxigraph serve-read-only: {base:.1f} MiB after one query\n")
        print("| server | round | RSS per process (server first) | RSS sum | ÷ oxigraph | server process after "
              "/openapi.json (its time) |")
        print("|---|---:|---|---:|---:|---:|")
        checkouts = [("eventkg", None)] + ([("eventkg, before", args.before)] if args.before else [])
        for round_ in range(1, args.rounds + 1):
            for name, checkout in checkouts:
                process, url = serve(args.store.resolve(), 1) if checkout is None else serve_checkout(checkout,
                                                                                                    args.store)
                try:
                    get(f"{url}/sparql?query={query}")
                    get(f"{url}/health")
                    each = rss(process)
                    started = time.perf_counter()
                    get(f"{url}/openapi.json")
                    took = time.perf_counter() - started
                    rest = rss(process)[0]
                finally:
                    stop(process)
                print(f"| {name} | {round_} | {' + '.join(f'{m:.1f}' for m in each)} | {sum(each):.1f} | "
                      f"{sum(each) / base:.2f}× | {rest:.1f} ({took:.2f} s) |")


if __name__ == "__main__":
    main()
