"""The HTTP API under load: requests/s and latency percentiles for entity lookups, event lists and SPARQL (issue 5).

    python -m bench.api_load [--quads 100000] [--duration 10] [--warmup 3] [--connections 16] [--workers 1 2]
                             [--store DIR]

The load tool is wrk (Debian package ``wrk``; ``apt-get install -y wrk``): a C load generator, so the client does not
compete with the server for the interpreter. Without wrk the benchmark stops and says so.

A synthetic graph (``bench.synthetic``: the project's data model, Zipf-popular entities) is bulk-loaded into a store
in a temporary folder, unless ``--store`` names an existing one. For each worker count, ``eventkg serve`` runs in its
own process on a free loopback port and wrk drives ``--connections`` keep-alive connections at each endpoint in turn:

- ``/entities/{key}``: entity detail (description, relations in and out, events), cycling over 200 entities drawn
  across the popularity range (a Lua script rotates the paths);
- ``/events?type=Attack&from=…&to=…&limit=20``: a filtered, paginated event list;
- ``/sparql``: a label lookup (SELECT, JSON results) through the worker-process pool.

Each row is measured after ``--warmup`` seconds of the same load, unmeasured, so that it shows the steady state; the
first round on a fresh snapshot is what the in-process "fresh snapshot" column shows. Each endpoint runs twice: with
the response cache bypassed (a counter parameter makes every URL new, so every answer
is computed: the page queries on the store and the JSON) and with its hits (the same URLs again while the store is
unchanged). Each row prints requests/s, p50 and p99 latency, and the share of non-2xx answers (it must be 0).

Computed answers still use what the server remembers of its store snapshot (``graph.reading``: each relation, event and
node read once per snapshot, each filter counted once): after the first round over the 200 entities, that memo is
warm. So the benchmark first prints, in process, the cost of one answer on a freshly opened snapshot (cold) and on the
second round (warm), which is what a server sees right after a write and in a steady state.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx

from bench.servers import free_port
from graph.store import open_store

LABEL_LOOKUP = ('SELECT ?e ?type WHERE { ?e rdfs:label|skos:altLabel "%s" ; a ?type } LIMIT 10')


def build_store(folder: Path, quads: int) -> Path:
    from bench.synthetic import write_synthetic

    source = folder / "synthetic.nq"
    write_synthetic(source, quads=quads)
    with open_store(folder / "kg") as store:
        store.load(source)
        store.compact()  # as `eventkg load` does
    source.unlink()
    return folder / "kg"


def sample_entities(store_path: Path, count: int = 200) -> list[tuple[str, str]]:
    """(key, label) of ``count`` entities spread over the popularity range (every n-th by mentions)."""
    with open_store(store_path, read_only=True) as store:
        rows = list(store.select(
            "SELECT ?e ?label (COUNT(?a) AS ?n) WHERE { ?e rdfs:label ?label ; ekg:mentionedIn ?a } "
            "GROUP BY ?e ?label ORDER BY DESC(?n) ?e"))
        prefix = str(store.iris.entity(""))
    step = max(1, len(rows) // count)
    return [(r["e"].value[len(prefix):], r["label"].value) for r in rows[::step][:count]]


def in_process(store_path: Path, keys: list[str]) -> list[tuple[str, float, float]]:
    """ms per answer (view and JSON, no HTTP) on a freshly opened read-only snapshot, and on the second round."""
    from api.models import json_response
    from graph import views

    reads = {
        "/entities/{key}": [lambda store, key=key: views.entity(store, key) for key in keys],
        "/events?type=Attack&from&to": [lambda store: views.events(store, type="Attack", start="2021-01",
                                                                   end="2023-12", limit=20)],
    }
    rows = []
    with open_store(store_path, read_only=True) as store:
        for name, calls in reads.items():
            rounds = []
            for _ in range(2):
                start = time.perf_counter()
                for call in calls:
                    json_response(call(store))
                rounds.append((time.perf_counter() - start) * 1000 / len(calls))
            rows.append((name, *rounds))
    return rows


def serve(store: Path, workers: int | None = None, *, wait: float = 60.0, probe: str = "/health",
          cwd: Path | None = None, env: dict[str, str] | None = None, **settings: str) -> tuple[subprocess.Popen, str]:
    """``eventkg serve`` on a free loopback port, waiting up to ``wait`` seconds for its ``probe`` path to answer
    (a 1M-quad store on a loaded machine takes longer than the default; ``/health`` counts a server store's quads,
    which can take longer than the probe's 2 s); ``workers``: uvicorn's (None: the server's default); started in
    ``cwd`` with ``env`` over this process's environment; ``settings`` become ``EVENTKG_*`` variables."""
    port = free_port()
    eventkg = Path(sys.executable).with_name("eventkg")
    env = {**os.environ, **(env or {}), **{f"EVENTKG_{name.upper()}": value for name, value in settings.items()}}
    command = [str(eventkg), "serve", "--store", str(store), "--port", str(port)]
    if workers is not None:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL, start_new_session=True, env=env, cwd=cwd)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + probe, timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit("the server did not start")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(30)


def wrk(url: str, paths: list[str], *, duration: int, connections: int, folder: Path, cached: bool,
        headers: dict[str, str] | None = None, counter_only: bool = False) -> dict:
    """Run wrk over ``paths`` (rotated by a Lua script); requests/s, p50/p99 in ms, non-2xx share.

    ``cached=False`` appends a counter parameter (``_=n``, ignored by the API) so that no request hits the server's
    response cache and every one is computed; with ``counter_only``, just the number (the path ends where it
    belongs, e.g. in a SPARQL comment)."""
    script = folder / "paths.lua"
    lua_paths = ", ".join('"' + p.replace("\\", "\\\\").replace('"', '\\"') + '"' for p in paths)
    header_lines = "".join(f'wrk.headers["{k}"] = "{v}"\n' for k, v in (headers or {}).items())
    script.write_text(header_lines + f"local paths = {{{lua_paths}}}\nlocal i = 0\n"
                      "local n = 0\nrequest = function()\n  i = i % #paths + 1\n  n = n + 1\n"
                      + ("  return wrk.format(nil, paths[i])\n" if cached else
                         "  return wrk.format(nil, paths[i] .. n)\n" if counter_only else
                         '  local sep = string.find(paths[i], "?", 1, true) and "&" or "?"\n'
                         '  return wrk.format(nil, paths[i] .. sep .. "_=" .. n)\n')
                      + "end\n")
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "--latency", "-s", str(script), url],
                         capture_output=True, text=True, check=True).stdout
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    errors = int(m.group(1)) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out)) else 0
    errors += sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "errors": errors / max(requests, 1),
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quads", type=int, default=100_000, help="Size of the synthetic graph.")
    parser.add_argument("--store", type=Path, help="Use this store instead of a synthetic one.")
    parser.add_argument("--duration", type=int, default=10, help="Seconds per endpoint.")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--warmup", type=int, default=3, help="Seconds of unmeasured load before each row (0: none).")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="uvicorn worker counts to compare.")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench.api_load needs wrk, the HTTP load tool: apt-get install -y wrk (Debian/Ubuntu)")

    with tempfile.TemporaryDirectory(prefix="eventkg-api-load-") as tmp:
        folder = Path(tmp)
        store = args.store or build_store(folder, args.quads)
        entities = sample_entities(store)
        if not entities:
            raise SystemExit(f"no entities in {store}")
        with open_store(store, read_only=True) as opened:
            quads = len(opened)
        endpoints = {
            "/entities/{key}": [f"/entities/{quote(key)}" for key, _ in entities],
            "/events?type=Attack&from&to": ["/events?" + urlencode({"type": "Attack", "from": "2021-01",
                                                                    "to": "2023-12", "limit": 20})],
            "/sparql (label lookup)": ["/sparql?" + urlencode({"query": LABEL_LOOKUP % label.replace('"', '\\"')})
                                       for _, label in entities],
        }
        print(f"In process ({quads:,} quads): one answer, view and JSON, no HTTP\n")
        print("| endpoint | fresh snapshot ms | second round ms |")
        print("|---|---:|---:|")
        for name, cold, warm in in_process(store, [key for key, _ in entities]):
            print(f"| `{name}` | {cold:.2f} | {warm:.2f} |")
        print(f"\nAPI under load: {quads:,} quads, {args.connections} connections, {args.duration} s per row, "
              f"wrk on loopback, {os.cpu_count()} CPUs\n")
        print("| workers | endpoint | response cache | requests/s | p50 ms | p99 ms | errors |")
        print("|---:|---|---|---:|---:|---:|---:|")
        for workers in args.workers:
            process, url = serve(store, workers)
            try:
                for name, paths in endpoints.items():
                    headers = {"Accept": "application/sparql-results+json"} if name.startswith("/sparql") else None
                    for cached in (False, True):
                        if args.warmup:  # steady state: the memo, the store's block cache and the threads warmed
                            wrk(url, paths, duration=args.warmup, connections=args.connections, folder=folder,
                                cached=cached, headers=headers)
                        r = wrk(url, paths, duration=args.duration, connections=args.connections, folder=folder,
                                cached=cached, headers=headers)
                        print(f"| {workers} | `{name}` | {'hits' if cached else 'bypassed'} | {r['rps']:,.0f} | "
                              f"{r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['errors']:.1%} |", flush=True)
            finally:
                stop(process)


if __name__ == "__main__":
    main()
