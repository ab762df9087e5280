"""SPARQL over HTTP: our ``/sparql`` against rdflib-endpoint and against native pyoxigraph in-process (issue 5).

    python -m bench.sparql_http [--quads 100000] [--runs 30]

rdflib-endpoint is what people would run instead; it is not a project dependency: install it into the venv for this
benchmark only (``.venv/bin/pip install rdflib-endpoint``). Without it the benchmark stops and says so.

The synthetic graph of ``bench.synthetic`` is written as N-Quads; the same file is bulk-loaded into our store and
loaded by ``rdflib-endpoint serve --store Oxigraph``. A fixed set of researcher and dashboard queries (below) runs
``--runs`` times each, one request at a time, after three warm-up runs, the systems taking turns run by run:

- ``ours, disk``: ``eventkg serve`` (1 worker) with its response cache off (``EVENTKG_RESPONSE_CACHE=0``), so every
  answer is computed, and its query workers reading the store on disk (``EVENTKG_QUERY_MEMORY_QUADS=0``); POST
  form-encoded to ``/sparql``, JSON results;
- ``ours, memory``: the same with the default settings for the query workers, which answer from a copy of the store
  in memory once it has settled (the benchmark waits for the copy before measuring); still every answer computed;
- ``ours, cached``: the default settings, response cache on: after the first run of a query, its answer comes from
  the cache until the store changes, as for a dashboard polling the same queries;
- ``rdflib-endpoint``: the same requests to its ``/sparql``;
- ``native``: ``pyoxigraph.Store.query`` on the same store on disk in this process, results iterated to the end (no
  HTTP, no serialisation).

Requests go through the standard library's ``http.client`` on a kept-alive connection per server (httpx would add
0.6–0.7 ms of its own to every request of every server).

It prints p50 and p95 latency in milliseconds per query and system, our p50 over native's, rdflib-endpoint's p50 over
each of ours, and the result rows each system returned (they must agree).
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
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import httpx

from bench.api_load import free_port, serve, stop
from bench.synthetic import write_synthetic
from graph.namespaces import PREFIXES
from graph.store import open_store

PROLOGUE = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

# {entity} and {label} are filled with an actor of middling popularity drawn from the data.
QUERIES = {
    "label lookup": 'SELECT ?e ?type WHERE { ?e rdfs:label|skos:altLabel "{label}" ; a ?type }',
    "neighbours": """SELECT DISTINCT ?n ?p WHERE {
        { ?st rdf:subject <{entity}> ; rdf:predicate ?p ; rdf:object ?n }
        UNION { ?st rdf:object <{entity}> ; rdf:predicate ?p ; rdf:subject ?n } } LIMIT 100""",
    "top actors by event type": """SELECT ?actor (COUNT(?e) AS ?events) WHERE { ?e a ekg:Attack ; ekg:agent ?actor }
        GROUP BY ?actor ORDER BY DESC(?events) ?actor LIMIT 10""",
    "events of a type in a date range": """SELECT ?e ?time WHERE { ?e a ekg:Attack ; ekg:time ?time
        FILTER(STR(?time) >= "2021-01" && STR(?time) < "2021-04") }""",
    "monthly timeline": """SELECT ?month (COUNT(?e) AS ?events) WHERE { ?e a ekg:Killing ; ekg:time ?t
        BIND(SUBSTR(STR(?t), 1, 7) AS ?month) } GROUP BY ?month ORDER BY ?month""",
    "two-hop paths": """SELECT DISTINCT ?mid ?end WHERE { ?a rdf:subject <{entity}> ; rdf:object ?mid .
        ?b rdf:subject ?mid ; rdf:object ?end . FILTER(?end != <{entity}>) } LIMIT 100""",
    "evidence of an entity's events": """SELECT ?e ?type ?sentence ?article ?confidence WHERE {
        ?e ekg:agent <{entity}> ; a ?type ; ekg:sentence ?sentence ; prov:wasDerivedFrom ?article ;
           ekg:confidence ?confidence } LIMIT 100""",
}


def pick_actor(store) -> tuple[str, str]:
    """An agent of events ranked about 10th by number of events, and its label."""
    rows = list(store.native.query(
        PROLOGUE + "SELECT ?a ?label (COUNT(?e) AS ?n) WHERE { ?e ekg:agent ?a . ?a rdfs:label ?label } "
        "GROUP BY ?a ?label ORDER BY DESC(?n) ?a LIMIT 10", use_default_graph_as_union=True))
    return rows[-1]["a"].value, rows[-1]["label"].value


def measure(systems: dict, runs: int) -> dict[str, tuple[list[float], int]]:
    """Times in ms of ``runs`` runs of each system's query, after three warm-ups; the systems take turns run by run,
    so a busy moment of the (shared) machine falls on all of them alike. Also the rows each returned."""
    rows = {name: [run() for _ in range(3)][-1] for name, run in systems.items()}
    times: dict[str, list[float]] = {name: [] for name in systems}
    for _ in range(runs):
        for name, run in systems.items():
            started = time.perf_counter()
            rows[name] = run()
            times[name].append((time.perf_counter() - started) * 1000)
    return {name: (times[name], rows[name]) for name in systems}


def over_http(url: str, query: str):
    """A run: POST ``query`` to ``url`` on a kept-alive connection of the standard library's client, whose own cost
    per request is a fraction of httpx's (0.6–0.7 ms less), so that the figures are the servers'."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=600)
    body = urlencode({"query": query})
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"}

    def run() -> int:
        try:
            connection.request("POST", parts.path or "/", body=body, headers=headers)
            response = connection.getresponse()
        except (BrokenPipeError, ConnectionResetError, http.client.RemoteDisconnected):
            # the server closed the idle connection (uvicorn keeps one alive for 5 s): open a new one
            connection.close()
            connection.request("POST", parts.path or "/", body=body, headers=headers)
            response = connection.getresponse()
        answer = response.read()
        if response.status != 200:
            raise SystemExit(f"{url} answered {response.status}: {answer[:500]!r}\n{query}")
        return len(json.loads(answer)["results"]["bindings"])

    return run


def start_rdflib_endpoint(source: Path) -> tuple[subprocess.Popen, str]:
    executable = Path(sys.executable).with_name("rdflib-endpoint")
    port = free_port()
    process = subprocess.Popen([str(executable), "serve", "--store", "Oxigraph", "--host", "127.0.0.1",
                                "--port", str(port), str(source)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}/"  # `rdflib-endpoint serve` answers SPARQL at the root
    deadline = time.monotonic() + 1800  # it parses the file triple by triple through rdflib
    while time.monotonic() < deadline:
        try:
            httpx.post(url, data={"query": "ASK {}"}, headers={"Accept": "application/sparql-results+json"},
                       timeout=5).raise_for_status()
            return process, url
        except httpx.HTTPStatusError as err:
            stop(process)
            raise SystemExit(f"rdflib-endpoint answered {err.response.status_code} at {url}") from None
        except httpx.HTTPError:
            if process.poll() is not None:
                raise SystemExit("rdflib-endpoint stopped while loading the file") from None
            time.sleep(1)
    stop(process)
    raise SystemExit("rdflib-endpoint did not come up")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quads", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    if shutil.which("rdflib-endpoint", path=str(Path(sys.executable).parent)) is None:
        raise SystemExit("bench.sparql_http compares with rdflib-endpoint: .venv/bin/pip install rdflib-endpoint")

    with tempfile.TemporaryDirectory(prefix="eventkg-sparql-http-") as tmp:
        source = Path(tmp) / "synthetic.nq"
        write_synthetic(source, quads=args.quads)
        with open_store(Path(tmp) / "kg") as store:
            store.load(source)
            store.compact()  # as `eventkg load` does
            quads = len(store)
        reader = open_store(Path(tmp) / "kg", read_only=True)
        entity, label = pick_actor(reader)
        queries = {name: PROLOGUE + q.replace("{entity}", entity).replace("{label}", label)
                   for name, q in QUERIES.items()}

        loading = time.perf_counter()
        theirs, theirs_url = start_rdflib_endpoint(source)
        loading = time.perf_counter() - loading
        servers = {"ours, disk": serve(Path(tmp) / "kg", 1, response_cache="0", query_memory_quads="0"),
                   "ours, memory": serve(Path(tmp) / "kg", 1, response_cache="0"),
                   "ours, cached": serve(Path(tmp) / "kg", 1)}
        try:
            wait_for_memory_copy(servers["ours, memory"][1] + "/sparql", quads)
            figures = {name: measure({
                **{system: over_http(url + "/sparql", query) for system, (_, url) in servers.items()},
                "rdflib-endpoint": over_http(theirs_url, query),
                "native": lambda q=query: sum(1 for _ in reader.native.query(q, use_default_graph_as_union=True)),
            }, args.runs) for name, query in queries.items()}
        finally:
            for process in [theirs, *(process for process, _ in servers.values())]:
                stop(process)

    print(f"SPARQL over HTTP: {quads:,} quads (bench.synthetic), {args.runs} runs per query after 3 warm-ups, "
          f"one request at a time; rdflib-endpoint took {loading:.0f} s to load the file\n")
    systems = ("ours, disk", "ours, memory", "ours, cached", "rdflib-endpoint", "native")
    print("| query | " + " | ".join(f"{s} p50 / p95 ms" for s in systems) + " | ours, disk ÷ native | "
          "rdflib-endpoint ÷ ours: disk / memory / cached | rows |")
    print("|---|" + "---:|" * (len(systems) + 2) + "---|")
    for name, measured in figures.items():
        p = {s: (statistics.median(t), statistics.quantiles(t, n=20)[18]) for s, (t, _) in measured.items()}
        cells = " | ".join(f"{p[s][0]:.2f} / {p[s][1]:.2f}" for s in systems)
        theirs_p50 = p["rdflib-endpoint"][0]
        speedups = " / ".join(f"{theirs_p50 / p[s][0]:.1f}×" for s in systems[:3])
        rows = "/".join(str(measured[s][1]) for s in systems)
        print(f"| {name} | {cells} | {p['ours, disk'][0] / p['native'][0]:.1f}× | {speedups} | {rows} |")


def wait_for_memory_copy(url: str, quads: int) -> None:
    """Give the query worker that answers one request at a time its copy in memory: a first query, the 2 s the store
    must stay unchanged, a query that starts the copy, and the copy's time (under 10 s per million quads)."""
    query = over_http(url, "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    query()
    time.sleep(2.5)
    query()
    time.sleep(1 + 10 * quads / 1_000_000)


if __name__ == "__main__":
    main()
