"""SPARQL over HTTP: eventkg's ``/sparql`` against the Oxigraph server (same engine, Rust, no Python) on the same store,
and against Virtuoso on the same data (issue 9).

    python -m bench.sparql_http [--quads 100000 | --store FOLDER] [--runs 30] [--duration 10] [--rounds 3]
                                [--connections 8] [--no-virtuoso] [--before CHECKOUT]

The Oxigraph server is the PyPI package ``oxigraph`` (a dev extra: ``pip install -e '.[dev]'``), run as
``oxigraph serve-read-only --union-default-graph`` on the very store eventkg serves. Virtuoso is Debian's
``virtuoso-opensource`` (:func:`bench.servers.virtuoso_server`, on loopback), loaded with its own bulk loader
(:func:`bench.scale_out.bulk_load`); without it, or with ``--no-virtuoso``, its rows are left out. The load tool for
throughput is wrk (Debian ``wrk``). Without the Oxigraph server or wrk the benchmark stops and says so.

The synthetic graph of ``bench.synthetic`` is bulk-loaded into a store in a temporary folder and compacted (as
``eventkg load`` does), and the same N-Quads into Virtuoso; ``--store`` serves a store built before instead (the 1M
graph takes minutes to build; Virtuoso is then left out, it needs the N-Quads). The servers, each in its own processes:

- ``eventkg``: ``eventkg serve`` (1 server worker, default query workers) with its response cache off
  (``EVENTKG_RESPONSE_CACHE=0``), so every answer is computed;
- ``eventkg, cached``: the default settings; a repeated query is answered from the cache while the store is unchanged;
- ``oxigraph``: the Oxigraph server, which has no answer cache;
- ``virtuoso``: a new query text every time, so each is compiled and run afresh;
- ``virtuoso, cached``: one text repeated (Virtuoso keeps compiled queries; it has no answer cache by default);
- ``eventkg, before``: with ``--before CHECKOUT``, ``eventkg serve`` of another checkout of the repository (the code
  before a change, e.g. ``git worktree add /tmp/before main``) as ``eventkg``, so before and after come from one run.

Latency: each query runs ``--runs`` times per server, one request at a time, after three warm-ups, the servers taking
turns run by run (a busy moment of the shared machine falls on all alike). Uncached runs send a new query text every
time (a ``# n`` comment at the end), so no cache of any kind helps; the cached columns repeat one text. POST
form-encoded, JSON results, through the standard library's ``http.client`` on a kept-alive connection (httpx would add
0.6–0.7 ms of its own to every request). Printed: p50 and p95 in ms, eventkg over Oxigraph, and the rows each returned
(they must agree).

Throughput: wrk, ``--connections`` keep-alive connections for ``--duration`` seconds on the label lookup by GET
(uncached: a ``# n`` comment makes every query text new; cached: one text), after a warm-up of the same length, in
``--rounds`` rounds in which the servers take turns, each round starting one further on (medians printed, with each
round's figure: the load of the shared machine moves from one minute to the next), and the CPU time the server's
processes spent per request meanwhile, in all and split into the server process and its query workers.

CPU per request: ``--cpu-requests`` uncached label lookups one at a time (POST, JSON) after 20 more as a warm-up, and
the CPU time each process of the server spent on them (psutil), per request: for eventkg the server process and its
query workers apart. One request at a time, every process sleeps between requests and wakes with cold caches: on a
busy machine this costs several times the CPU per request of the wrk runs.

Memory, right after the latency runs (whose aggregates fill the store's caches) and at the end, two ways: the
**RSS sum** (the resident set of each process of the server's tree, added up: pages the processes share, such as the
Python interpreter and the Oxigraph library, count once per process) and the **PSS sum** (proportional set size: a
shared page counts as its share in each process, so the tree's pages count once in all; the kernel's
``smaps_rollup``). The targets of issue 9 are stated in RSS; the PSS sum says what the server really takes from the
machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import psutil

from bench.api_load import serve, stop, wrk
from bench.servers import ACTOR_QUERY, checkout_env, oxigraph_server, virtuoso_available, virtuoso_server
from bench.synthetic import write_synthetic
from graph.namespaces import PREFIXES
from graph.store import open_store

PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

# {entity} and {label} are filled with an actor of middling popularity drawn from the data. "light": lookups and walks
# from one entity (the target: p50 ≤ 2× Oxigraph's); "aggregate": scans of every event of a type (≤ 1.2×).
QUERIES = {
    "label lookup": ("light", 'SELECT ?e ?type WHERE { ?e rdfs:label|skos:altLabel "{label}" ; a ?type }'),
    "neighbours": ("light", """SELECT DISTINCT ?n ?p WHERE {
        { ?st rdf:subject <{entity}> ; rdf:predicate ?p ; rdf:object ?n }
        UNION { ?st rdf:object <{entity}> ; rdf:predicate ?p ; rdf:subject ?n } } LIMIT 100"""),
    "two-hop paths": ("light", """SELECT DISTINCT ?mid ?end WHERE { ?a rdf:subject <{entity}> ; rdf:object ?mid .
        ?b rdf:subject ?mid ; rdf:object ?end . FILTER(?end != <{entity}>) } LIMIT 100"""),
    "evidence of an entity's events": ("light", """SELECT ?e ?type ?sentence ?article ?confidence WHERE {
        ?e ekg:agent <{entity}> ; a ?type ; ekg:sentence ?sentence ; prov:wasDerivedFrom ?article ;
           ekg:confidence ?confidence } LIMIT 100"""),
    "top actors by event type": ("aggregate", """SELECT ?actor (COUNT(?e) AS ?events) WHERE {
        ?e a ekg:Attack ; ekg:agent ?actor } GROUP BY ?actor ORDER BY DESC(?events) ?actor LIMIT 10"""),
    "events of a type in a date range": ("aggregate", """SELECT ?e ?time WHERE { ?e a ekg:Attack ; ekg:time ?time
        FILTER(STR(?time) >= "2021-01" && STR(?time) < "2021-04") }"""),
    "monthly timeline": ("aggregate", """SELECT ?month (COUNT(?e) AS ?events) WHERE { ?e a ekg:Killing ; ekg:time ?t
        BIND(SUBSTR(STR(?t), 1, 7) AS ?month) } GROUP BY ?month ORDER BY ?month"""),
}
SERVERS = ("eventkg", "eventkg, cached", "oxigraph", "virtuoso", "virtuoso, cached")
BEFORE = "eventkg, before"


def pick_actor(store) -> tuple[str, str]:
    """An agent of events ranked about 10th by number of events, and its label."""
    rows = list(store.native.query(PROLOGUE + ACTOR_QUERY, use_default_graph_as_union=True))
    return rows[-1]["a"].value, rows[-1]["label"].value


def over_http(url: str, query: str, *, fresh: bool):
    """A run: POST ``query`` to ``url`` on a kept-alive connection; ``fresh`` makes every text new (a comment with a
    counter at the end). Returns the number of result rows."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}
    count = 0

    def run() -> int:
        nonlocal count
        count += 1
        body = urlencode({"query": f"{query}\n# {count}\n" if fresh else query})
        try:
            connection.request("POST", parts.path, body=body, headers=headers)
            response = connection.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            connection.close()  # the server closed the idle connection: open a new one
            connection.request("POST", parts.path, body=body, headers=headers)
            response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}: {answer[:500]!r}\n{query}")
        return len(json.loads(answer)["results"]["bindings"])

    return run


def measure(systems: dict, runs: int) -> dict[str, tuple[list[float], int]]:
    """Times in ms of ``runs`` runs of each system, after three warm-ups, the systems taking turns run by run, each
    run's turn starting one system further on: where a system's turn falls matters (the one right after Virtuoso's
    took 0.5 ms longer than the same code right after it, bench.scale_out, docs/benchmarks.md), so each system
    takes each place as often as ``runs`` allows (equally often when it is a multiple of the number of systems)."""
    rows = {name: [run() for _ in range(3)][-1] for name, run in systems.items()}
    times: dict[str, list[float]] = {name: [] for name in systems}
    for n in range(runs):
        for name in turns(list(systems), n):
            started = time.perf_counter()
            rows[name] = systems[name]()
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: (times[name], rows[name]) for name in systems}


def turns(names: list[str], n: int) -> list[str]:
    """The order of turn ``n``: each turn starts one further on, so that each takes each place in turn.

    >>> turns(["a", "b", "c"], 1)
    ['b', 'c', 'a']
    """
    return names[n % len(names):] + names[:n % len(names)]


def tree(process: subprocess.Popen) -> list[psutil.Process]:
    root = psutil.Process(process.pid)
    return [root, *root.children(recursive=True)]


def tree_memory(process: subprocess.Popen) -> tuple[float, float]:
    """MiB of ``process`` and all its descendants: the RSS sum (shared pages once per process) and the PSS sum
    (shared pages counted once in all)."""
    infos = [p.memory_full_info() for p in tree(process)]
    return sum(i.rss for i in infos) / 2**20, sum(i.pss for i in infos) / 2**20


def cpu_seconds(process: subprocess.Popen) -> dict[int, float]:
    """CPU seconds (user and system) so far of ``process`` and each of its descendants, by pid."""
    seconds = {}
    for p in tree(process):
        try:
            seconds[p.pid] = sum(p.cpu_times()[:2])
        except psutil.NoSuchProcess:  # a worker that stopped meanwhile
            pass
    return seconds


def cpu_spent(process: subprocess.Popen, before: dict[int, float], requests: float) -> dict[str, float]:
    """CPU ms per request since ``before`` (:func:`cpu_seconds`): the server process as "server", the others summed
    as "workers" (one started meanwhile counts whole; one that stopped meanwhile is left out)."""
    spent = {pid: t - before.get(pid, 0.0) for pid, t in cpu_seconds(process).items()}
    server = spent.pop(process.pid, 0.0)
    return {"server": server * 1000 / max(requests, 1), "workers": sum(spent.values()) * 1000 / max(requests, 1)}


def cpu_per_request(process: subprocess.Popen, run, requests: int) -> dict[str, float]:
    """CPU ms per request of the server process ("server") and its query workers ("workers") over ``requests``
    calls of ``run``."""
    for _ in range(20):  # warm-up (a worker that let its store go after the aggregates opens it again)
        run()
    before = cpu_seconds(process)
    for _ in range(requests):
        run()
    return cpu_spent(process, before, requests)


def throughput(servers: dict[str, tuple[str, subprocess.Popen, bool]], query: str, *, rounds: int, duration: int,
               connections: int, folder: Path) -> dict[str, dict]:
    """wrk on GET ``url?query=…`` of each server (``name: (url, process, fresh)``; with ``fresh`` a ``# n`` comment,
    URL-encoded, makes every text new), after a warm-up of each; then ``rounds`` rounds in which the servers take
    turns, each round starting one further on (:func:`turns`), so that a busy moment of the machine, and the place
    right after a given server, fall on all alike. Per server the medians over the rounds, each
    round's requests/s ("rounds") and the CPU time the server's processes spent per request while wrk ran ("cpu_ms";
    of it the server process's, "server_ms", and the query workers', "workers_ms")."""
    paths = {}
    for name, (url, _, fresh) in servers.items():
        paths[name] = urlsplit(url).path + "?query=" + quote(query, safe="") + ("%0A%23" if fresh else "")
        wrk(url, [paths[name]], duration=duration, connections=connections, folder=folder, cached=True,
            headers={"Accept": "application/sparql-results+json"})  # warm-up
    runs: dict[str, list[dict]] = {name: [] for name in servers}
    for n in range(rounds):
        for name in turns(list(servers), n):
            url, process, fresh = servers[name]
            before = cpu_seconds(process)
            rate = wrk(url, [paths[name]], duration=duration, connections=connections, folder=folder,
                       cached=not fresh, headers={"Accept": "application/sparql-results+json"}, counter_only=fresh)
            spent = cpu_spent(process, before, rate["rps"] * duration)
            runs[name].append({**rate, "server_ms": spent["server"], "workers_ms": spent["workers"],
                               "cpu_ms": spent["server"] + spent["workers"]})
    return {name: {**{key: statistics.median(r[key] for r in measured)
                      for key in ("rps", "p50_ms", "p99_ms", "cpu_ms", "server_ms", "workers_ms")},
                   "errors": max(r["errors"] for r in measured), "rounds": [r["rps"] for r in measured]}
            for name, measured in runs.items()}


def serve_checkout(checkout: Path, store: Path) -> tuple[subprocess.Popen, str]:
    """``eventkg serve`` (uncached) of the code in ``checkout``: started in that folder (``python -m uvicorn`` and
    ``python -m graph.sparql.worker`` put the current folder first on the path), which also goes first on
    ``PYTHONPATH``."""
    return serve(store.resolve(), 1, cwd=checkout, env=checkout_env(checkout), response_cache="0")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quads", type=int, default=100_000)
    parser.add_argument("--store", type=Path, help="serve this store (built before) instead of a synthetic one")
    parser.add_argument("--cpu-requests", type=int, default=500)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="wrk rounds per server, the servers taking turns")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--no-virtuoso", action="store_true", help="leave Virtuoso out")
    parser.add_argument("--before", type=Path, help="also serve this checkout (the code before a change), uncached")
    args = parser.parse_args()
    if shutil.which("oxigraph", path=str(Path(sys.executable).parent)) is None:
        raise SystemExit("bench.sparql_http compares with the Oxigraph server: pip install -e '.[dev]'")
    if shutil.which("wrk") is None:
        raise SystemExit("bench.sparql_http needs wrk: apt-get install -y wrk")
    virtuoso = virtuoso_available() and not args.no_virtuoso and args.store is None
    if not virtuoso and not args.no_virtuoso and args.store is None:
        print("Virtuoso is not installed (apt-get install -y virtuoso-opensource): its rows are left out\n")
    servers = (SERVERS if virtuoso else SERVERS[:3]) + ((BEFORE,) if args.before else ())

    with tempfile.TemporaryDirectory(prefix="eventkg-sparql-http-") as tmp, ExitStack() as stack:
        source, store_dir = Path(tmp) / "virtuoso" / "synthetic.nq", (args.store or Path(tmp) / "kg").resolve()
        if args.store is None:
            source.parent.mkdir()  # Virtuoso's folder: its loader reads only from there (DirsAllowed)
            write_synthetic(source, quads=args.quads)
            with open_store(store_dir) as store:
                store.load(source)
                store.compact()  # as `eventkg load` does
        with open_store(store_dir, read_only=True) as reader:
            entity, label = pick_actor(reader)
            quads = len(reader)
        queries = {name: (kind, PROLOGUE + q.replace("{entity}", entity).replace("{label}", label))
                   for name, (kind, q) in QUERIES.items()}
        processes, urls = {}, {}
        if virtuoso:
            from bench.scale_out import bulk_load  # here: bench.scale_out imports this module

            server = stack.enter_context(virtuoso_server(source.parent))
            load_s = bulk_load(server, source.parent, source.name)
            for name in ("virtuoso", "virtuoso, cached"):
                processes[name], urls[name] = server.process, server.query_url
        source.unlink(missing_ok=True)

        processes["eventkg"], url = serve(store_dir, 1, response_cache="0")
        urls["eventkg"] = url + "/sparql"
        processes["eventkg, cached"], url = serve(store_dir, 1)
        urls["eventkg, cached"] = url + "/sparql"
        if args.before:
            processes[BEFORE], url = serve_checkout(args.before, store_dir)
            urls[BEFORE] = url + "/sparql"
        try:
            oxigraph = stack.enter_context(oxigraph_server(store_dir, read_only=True))
            processes["oxigraph"], urls["oxigraph"] = oxigraph.process, oxigraph.query_url
            latency = {name: measure({server: over_http(urls[server], query, fresh=not server.endswith("cached"))
                                      for server in servers}, args.runs)
                       for name, (_, query) in queries.items()}
            after_queries = {server: tree_memory(processes[server]) for server in servers}
            lookup = queries["label lookup"][1]
            rates = throughput({server: (urls[server], processes[server], not server.endswith("cached"))
                                for server in servers}, lookup, rounds=args.rounds, duration=args.duration,
                               connections=args.connections, folder=Path(tmp))
            cpu = {server: cpu_per_request(processes[server], over_http(urls[server], lookup, fresh=True),
                                           args.cpu_requests) for server in ("eventkg", "oxigraph", BEFORE)
                   if server in servers}
            memory = {server: tree_memory(processes[server]) for server in servers}
        finally:
            for name in ("eventkg", "eventkg, cached", BEFORE):
                if name in processes:
                    stop(processes[name])

    print(f"SPARQL over HTTP: {quads:,} quads (bench.synthetic), {args.runs} runs per query after 3 warm-ups, one "
          "request at a time; uncached = a new query text per request"
          + (f"; Virtuoso's bulk load {load_s:.1f} s" if virtuoso else "") + "\n")
    print("| query | kind | " + " | ".join(f"{s} p50 / p95 ms" for s in servers) + " | rows |")
    print("|---|---|" + "---:|" * len(servers) + "---|")
    p50 = {}
    for name, measured in latency.items():
        p = {s: (statistics.median(t), statistics.quantiles(t, n=20)[18]) for s, (t, _) in measured.items()}
        p50[name] = {s: p[s][0] for s in servers}
        cells = " | ".join(f"{p[s][0]:.2f} / {p[s][1]:.2f}" for s in servers)
        rows = "/".join(str(measured[s][1]) for s in servers)
        print(f"| {name} | {queries[name][0]} | {cells} | {rows} |")
    ratios = [("eventkg", "oxigraph"), ("eventkg, cached", "oxigraph")]
    if args.before:
        ratios += [(BEFORE, "oxigraph"), ("eventkg", BEFORE)]
    if virtuoso:
        ratios += [("eventkg", "virtuoso"), ("eventkg, cached", "virtuoso, cached")]
    print("\np50 ratios (below 1: eventkg faster)\n")
    print("| query | kind | " + " | ".join(f"{a} ÷ {b}" for a, b in ratios) + " |")
    print("|---|---|" + "---:|" * len(ratios))
    for name, p in p50.items():
        print(f"| {name} | {queries[name][0]} | " + " | ".join(f"{p[a] / p[b]:.2f}×" for a, b in ratios) + " |")
    print(f"\nLabel lookup by GET, wrk, {args.connections} connections, {args.rounds} rounds of {args.duration} s "
          "(the servers taking turns) after a warm-up of as long; medians over the rounds:\n")
    print("| server | requests/s | each round | p50 ms | p99 ms | non-2xx | ÷ oxigraph | CPU ms per request (all "
          "processes) | of it the server process; query workers |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---|")
    for server in servers:
        r = rates[server]
        print(f"| {server} | {r['rps']:.0f} | {' / '.join(f'{x:.0f}' for x in r['rounds'])} | {r['p50_ms']:.2f} | "
              f"{r['p99_ms']:.2f} | {r['errors']:.1%} | {r['rps'] / rates['oxigraph']['rps']:.2f}× | "
              f"{r['cpu_ms']:.3f} | {r['server_ms']:.3f}; {r['workers_ms']:.3f} |")
    print("\nMemory in MiB, right after the latency runs (aggregates included) and at the end (after the lookups):\n")
    print("| server | RSS sum after queries | ÷ oxigraph | RSS sum at the end | ÷ oxigraph | PSS sum after queries "
          "| PSS sum at the end | ÷ oxigraph (end) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    (rss_q0, _), (rss_0, pss_0) = after_queries["oxigraph"], memory["oxigraph"]
    for server in servers:
        (rss_q, pss_q), (rss, pss) = after_queries[server], memory[server]
        print(f"| {server} | {rss_q:.0f} | {rss_q / rss_q0:.2f}× | {rss:.0f} | {rss / rss_0:.2f}× | {pss_q:.0f} | "
              f"{pss:.0f} | {pss / pss_0:.2f}× |")
    print("\nRSS sum: each process's resident set added up over the server's processes (pages they share counted once "
          "per process); PSS sum: shared pages counted once in all.")
    print(f"\nCPU per uncached label lookup ({args.cpu_requests} POSTs one at a time), ms: "
          + "; ".join(f"{server} server process {c['server']:.3f}, query workers {c['workers']:.3f}"
                      if server != "oxigraph" else f"oxigraph {c['server'] + c['workers']:.3f}"
                      for server, c in cpu.items()))


if __name__ == "__main__":
    main()
