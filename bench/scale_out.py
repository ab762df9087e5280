"""The graph in Virtuoso (issue 13): eventkg's ``/sparql`` over Virtuoso against Virtuoso directly, and a small scale
table (bulk-load time, server memory, query latency) with its straight-line projection.

    python -m bench.scale_out [--quads 100000 1000000] [--runs 15] [--also CHECKOUT] [--floors]

For each size, a fresh Virtuoso database (bench/servers.py, the project's ini) is bulk-loaded with the synthetic graph
of ``bench.synthetic`` written as N-Quads, by Virtuoso's own loader (``ld_dir`` + ``rdf_loader_run()`` + ``checkpoint``
through ``isql-vt``). Measured: the load's wall time, eventkg's first open of the loaded store (it computes the
dashboard counters it keeps at write time, which the bulk load bypassed), the server's resident memory after the load
and after the queries, and the p50/p95 of the queries of ``bench.sparql_http`` (light lookups and walks from one entity; aggregates
over every event of a type, the dashboard's kind of query) sent straight to Virtuoso's ``/sparql`` and to eventkg's
``/sparql`` (``eventkg serve --store <virtuoso /sparql>``, updates at ``/sparql-auth`` as dba), the two taking turns
run by run after three warm-ups, one request at a time, a new query text per request (a ``# n`` comment), so no cache
of either helps. eventkg ÷ Virtuoso is the overhead of eventkg's endpoint (target ≤ 1.2×); beside it the CPU time
``eventkg serve``'s event loop spent per request (the scheduler's count), steadier than latency on a busy machine.
``--also CHECKOUT`` times a second ``eventkg serve`` run from another checkout (e.g. a worktree of an earlier commit)
in the same turns, as "eventkg@other", so that a change is measured side by side with what it replaces.
``--floors`` times, in the same turns, the two floors of ``bench.forwarders`` in front of the same Virtuoso: a byte
relay (the extra process and its hops alone) and the least Python HTTP forwarder (parse, prologue, forward, write).

The projection to 1B quads is a straight line through the largest measured size: labelled as such, not a measurement.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from bench.api_load import serve, stop
from bench.servers import ACTOR_QUERY, checkout_env, python_server, virtuoso_available, virtuoso_server
from bench.sparql_http import PROLOGUE, QUERIES, measure, over_http
from bench.synthetic import write_synthetic
from graph.namespaces import DEFAULT_BASE_IRI
from graph.store import EventStore

BILLION = 1_000_000_000


def select(url: str, query: str) -> list[dict]:
    """The bindings of a SELECT sent straight to ``url``."""
    body = urllib.parse.urlencode({"query": PROLOGUE + query}).encode()
    request = urllib.request.Request(url, body, {"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.load(response)["results"]["bindings"]


def cpu_ns(pid: int) -> int:
    """CPU time of process ``pid``'s main thread so far, in ns (the scheduler's own count: the 10 ms ticks of
    ``/proc/PID/stat`` are too coarse for a few dozen requests of a millisecond). In ``eventkg serve`` that is the
    event loop, which forwards the queries; the change-log version is read in a short-lived thread besides."""
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def bulk_load(server, folder: Path, name: str) -> float:
    """Virtuoso's bulk loader on ``folder/name`` (N-Quads: each quad keeps its graph); wall seconds, checkpoint
    included. Stops with the loader's error if a file failed."""
    isql = ["isql-vt", f"127.0.0.1:{server.sql_port}", server.user, server.password]
    started = time.perf_counter()
    subprocess.run([*isql, f"exec=ld_dir('{folder}', '{name}', '{DEFAULT_BASE_IRI}graph/default'); "
                    "rdf_loader_run(); checkpoint;"], check=True, capture_output=True)
    seconds = time.perf_counter() - started
    report = subprocess.run([*isql, "exec=SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;"],
                            check=True, capture_output=True, text=True).stdout
    if "ll_error" in report and f"{name}" in report:
        raise SystemExit(f"Virtuoso's loader failed:\n{report}")
    return seconds


def pick_actor(url: str) -> tuple[str, str]:
    """An agent of events ranked 10th by number of events, and its label (as bench.sparql_http does)."""
    rows = select(url, ACTOR_QUERY)
    return rows[-1]["a"]["value"], rows[-1]["label"]["value"]


def one_size(quads: int, runs: int, tmp: Path, compare_max: int, also: str | None, floors: bool = False) -> dict:
    folder = tmp / f"virtuoso-{quads}"
    with virtuoso_server(folder) as server:
        written = write_synthetic(folder / "synthetic.nq", quads=quads)
        load_s = bulk_load(server, folder, "synthetic.nq")
        (folder / "synthetic.nq").unlink()
        (count,) = select(server.query_url, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                                            f"FILTER(STRSTARTS(STR(?g), \"{DEFAULT_BASE_IRI}graph/\")) }}")
        rss_loaded = server.rss_mib()
        entity, label = pick_actor(server.query_url)
        queries = {name: (kind, PROLOGUE + q.replace("{entity}", entity).replace("{label}", label))
                   for name, (kind, q) in QUERIES.items()}
        cpu_ms = {}
        if quads > compare_max:  # Virtuoso alone
            first_open_s = None
            latency = {name: measure({"virtuoso": over_http(server.query_url, query, fresh=True)}, runs)
                       for name, (_, query) in queries.items()}
        else:
            # The first open by eventkg computes the dashboard counters it keeps at write time, which a bulk load
            # bypassing eventkg lacks: timed apart, so the server then starts at once.
            started = time.perf_counter()
            EventStore(server.query_url, update_url=server.update_url, user=server.user,
                       password=server.password).close()
            first_open_s = time.perf_counter() - started
            access = {"store_update": server.update_url, "store_user": server.user, "store_password": server.password}
            urls, servers = {}, {}
            with ExitStack() as stack:
                for name, checkout in (("eventkg", None), ("eventkg@other", also)):
                    if name != "eventkg" and checkout is None:
                        continue
                    # /health counts the quads: over 2 s at 1M under load; the API's description is up as soon as the
                    # app is. Another checkout's code is served from its folder: `eventkg serve` runs `python -m
                    # uvicorn`, which puts the current folder first on the import path.
                    where = {} if checkout is None else {"cwd": Path(checkout), "env": checkout_env(Path(checkout))}
                    process, url = serve(server.query_url, 1, wait=300, probe="/openapi.json", **where, **access)
                    stack.callback(stop, process)
                    urls[name] = url + "/sparql"
                    servers[name] = process.pid  # eventkg serve runs as uvicorn in its own pid
                for kind in ("relay", "forward") if floors else ():
                    urls[kind], process = python_server(
                        stack, ["-m", "bench.forwarders", kind, "{port}", server.query_url], folder, kind)
                    servers[kind] = process.pid
                urls["virtuoso"] = server.query_url
                latency, cpu_ms = {}, {}
                for name, (_, query) in queries.items():
                    before = {s: cpu_ns(pid) for s, pid in servers.items()}
                    latency[name] = measure({s: over_http(url, query, fresh=True) for s, url in urls.items()}, runs)
                    cpu_ms[name] = {s: (cpu_ns(pid) - before[s]) / 1e6 / (runs + 3) for s, pid in servers.items()}
        return {"written": written, "quads": int(count["n"]["value"]), "load_s": load_s, "first_open_s": first_open_s,
                "rss_loaded": rss_loaded,
                "rss_after": server.rss_mib(), "latency": latency, "cpu_ms": cpu_ms,
                "kinds": {n: k for n, (k, _) in queries.items()}}


def _seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quads", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--compare-max", type=int, default=100_000,
                        help="compare with eventkg's /sparql up to this size (larger: Virtuoso alone; eventkg's first "
                             "open of a bulk-loaded store counts its dashboard counters over HTTP: 88 s at 1M quads)")
    parser.add_argument("--also", metavar="CHECKOUT",
                        help="also time eventkg served from this checkout of eventkg (shown as eventkg@other)")
    parser.add_argument("--floors", action="store_true",
                        help="also time a byte relay and the least Python forwarder in front of Virtuoso "
                             "(bench.forwarders)")
    args = parser.parse_args()
    if not virtuoso_available() or shutil.which("isql-vt") is None:
        raise SystemExit("bench.scale_out needs Virtuoso: apt-get install -y virtuoso-opensource")

    results = {}
    with tempfile.TemporaryDirectory(prefix="eventkg-scale-out-") as tmp:
        for quads in args.quads:
            results[quads] = one_size(quads, args.runs, Path(tmp), args.compare_max, args.also, args.floors)
            print(f"… {quads:,} quads done", flush=True)

    print(f"\nVirtuoso, synthetic graph (bench.synthetic); {args.runs} runs per query after 3 warm-ups, one request at "
          "a time, a new query text per request\n")
    print("| quads in Virtuoso | bulk load s | quads/s | eventkg's first open s | RSS MiB after load | "
          "RSS MiB after queries |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in results.values():
        print(f"| {r['quads']:,} | {r['load_s']:.1f} | {r['quads'] / r['load_s']:,.0f} | {_seconds(r['first_open_s'])} | "
              f"{r['rss_loaded']:.0f} | {r['rss_after']:.0f} |")
    for quads, r in results.items():
        ours = [s for s in next(iter(r["latency"].values())) if s != "virtuoso"]
        print(f"\n{r['quads']:,} quads:\n")
        print("| query | kind | " + "".join(f"{s} p50 / p95 ms | " for s in ours) + "virtuoso p50 / p95 ms | "
              + "".join(f"{s} ÷ virtuoso (p50) | " for s in ours)
              + "".join(f"{s} CPU ms / request | " for s in ours) + "rows |")
        print("|---|---|" + "---:|" * (3 * len(ours) + 1) + "---|")
        for name, measured in r["latency"].items():
            p = {s: (statistics.median(t), statistics.quantiles(t, n=20)[18]) for s, (t, _) in measured.items()}
            cpu = r["cpu_ms"].get(name, {})
            print(f"| {name} | {r['kinds'][name]} | " + "".join(f"{p[s][0]:.1f} / {p[s][1]:.1f} | " for s in ours)
                  + f"{p['virtuoso'][0]:.1f} / {p['virtuoso'][1]:.1f} | "
                  + "".join(f"{p[s][0] / p['virtuoso'][0]:.2f}× | " for s in ours)
                  + "".join(f"{cpu[s]:.2f} | " if s in cpu else "– | " for s in ours)
                  + "/".join(str(rows) for _, rows in measured.values()) + " |")
    largest = results[max(results)]
    factor = BILLION / largest["quads"]
    print(f"\nPROJECTION, not measured: a straight line from {largest['quads']:,} quads to 1B (×{factor:,.0f}): bulk load "
          f"{largest['load_s'] * factor / 3600:,.1f} h on this machine's load rate; RSS grows with the buffer pool "
          "(NumberOfBuffers), not with the data, once the data outgrows it; aggregate queries that scan every event of "
          "a type grow with the data:")
    for name, measured in largest["latency"].items():
        if largest["kinds"][name] == "aggregate":
            print(f"  {name}: ~{statistics.median(measured['virtuoso'][0]) * factor / 1000:,.0f} s")


if __name__ == "__main__":
    main()
