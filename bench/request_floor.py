"""The floor under eventkg's ``/sparql`` (issues 9 and 13): what answering one HTTP request costs a Python server
before any query runs, side by side with the Oxigraph server in the same run.

    python -m bench.request_floor [--quads 20000] [--requests 1000] [--duration 6] [--rounds 3]

Eight servers on loopback, each a process of its own (a prototype a parent and its workers), answer the label
lookup of ``bench.sparql_http`` over the synthetic graph of ``bench.synthetic``:

- **asyncio + httptools**: an ``asyncio.Protocol`` on uvloop that parses requests with httptools and writes a
  constant answer in one write, no task, no framework: about the least a Python HTTP server does per request;
- **uvicorn + constant app**: uvicorn as ``eventkg serve`` runs it (uvloop, httptools, the protocol of
  ``api.http_protocol``), with an ASGI app answering the same constant;
- **eventkg, cached**: ``eventkg serve`` answering a repeated text from its answer cache;
- **eventkg**: ``eventkg serve``, a new text per request, parsed and run by a query worker;
- **oxigraph**: the Oxigraph server (``oxigraph serve-read-only``) on the same store, a new text per request;
- **worker serves the connection (prototype)**, with one worker, with two, and with one that runs its queries in two
  threads (``bench.handoff_prototype``): the design that issue 9's notes propose and eventkg does not have, where the
  process that runs the query also parses the request and writes the answer.

For each: the CPU time of the server's processes per request (psutil; for eventkg the server process and its query
workers apart), one request at a time and under wrk at 8 connections (``bench.sparql_http.throughput``: rounds in
which the servers take turns), with the requests/s; and the memory of each server's processes after the wrk rounds,
the RSS sum and the PSS sum as ``bench.sparql_http`` measures them (issue 9's memory target is stated in RSS).
``bench.sparql_http``'s throughput target (eventkg at least half of Oxigraph's uncached lookups/s) needs eventkg's CPU
per request, all processes together, within about twice Oxigraph's: this shows how much of that the HTTP layer alone
takes, and what the design that moves the HTTP layer into the workers gives and costs.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from contextlib import ExitStack
from pathlib import Path

from bench.api_load import serve, stop
from bench.servers import oxigraph_server, python_server
from bench.sparql_http import PROLOGUE, QUERIES, cpu_per_request, over_http, pick_actor, throughput, tree_memory
from bench.synthetic import write_synthetic
from graph.store import open_store

# What the constant servers answer: a SPARQL JSON result of the lookup's size.
ANSWER = (b'{"head":{"vars":["e","type"]},"results":{"bindings":[{"e":{"type":"uri","value":"https://w3id.org/eventkg/'
          b'entity/a0"},"type":{"type":"uri","value":"https://w3id.org/eventkg/ontology#Agent"}}]}}')
RESPONSE = (b"HTTP/1.1 200 OK\r\ncontent-type: application/sparql-results+json\r\ncontent-length: %d\r\n\r\n%s"
            % (len(ANSWER), ANSWER))


async def constant_app(scope, receive, send) -> None:
    """The ASGI app of "uvicorn + constant app": the request read, the constant answered."""
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        return await send({"type": "lifespan.shutdown.complete"})
    while (await receive()).get("more_body"):
        pass
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/sparql-results+json"),
                            (b"content-length", b"%d" % len(ANSWER))]})
    await send({"type": "http.response.body", "body": ANSWER})


class _Constant(asyncio.Protocol):
    """A connection of the "asyncio + httptools" server: every whole request answered with the constant."""

    def connection_made(self, transport) -> None:
        import httptools

        self.transport, self.parser = transport, httptools.HttpRequestParser(self)

    def data_received(self, data: bytes) -> None:
        self.parser.feed_data(data)

    def on_message_complete(self) -> None:
        self.transport.write(RESPONSE)


def _serve_constant(port: int) -> None:
    import uvloop

    async def forever() -> None:
        server = await asyncio.get_running_loop().create_server(_Constant, "127.0.0.1", port)
        await server.serve_forever()

    uvloop.run(forever())


def _constant_servers(stack: ExitStack, folder: Path) -> dict[str, tuple[str, object]]:
    """The two constant servers, their logs in ``folder``: name -> (URL of their /sparql, process)."""
    commands = {"asyncio + httptools": ["-m", "bench.request_floor", "--serve-constant", "{port}"],
                "uvicorn + constant app": ["-m", "uvicorn", "bench.request_floor:constant_app", "--port", "{port}",
                                           "--log-level", "warning", "--no-access-log",
                                           "--http", "api.http_protocol:CorkedHttpToolsProtocol"]}
    return {name: python_server(stack, arguments, folder, f"constant-{n}")
            for n, (name, arguments) in enumerate(commands.items())}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quads", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=1000, help="requests one at a time, per server")
    parser.add_argument("--duration", type=int, default=6, help="seconds of each wrk round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--serve-constant", type=int, metavar="PORT", help=argparse.SUPPRESS)  # the raw server
    args = parser.parse_args()
    if args.serve_constant:
        return _serve_constant(args.serve_constant)

    with tempfile.TemporaryDirectory(prefix="eventkg-request-floor-") as tmp, ExitStack() as stack:
        source, store_dir = Path(tmp) / "synthetic.nq", Path(tmp) / "kg"
        write_synthetic(source, quads=args.quads)
        with open_store(store_dir) as store:
            store.load(source)
            store.compact()
        with open_store(store_dir, read_only=True) as reader:
            entity, label = pick_actor(reader)
        lookup = PROLOGUE + QUERIES["label lookup"][1].replace("{entity}", entity).replace("{label}", label)
        servers = _constant_servers(stack, Path(tmp))
        for name, cache in (("eventkg, cached", {}), ("eventkg", {"response_cache": "0"})):
            process, url = serve(store_dir, 1, **cache)
            stack.callback(stop, process)
            servers[name] = (url + "/sparql", process)
        oxigraph = stack.enter_context(oxigraph_server(store_dir, read_only=True))
        servers["oxigraph"] = (oxigraph.query_url, oxigraph.process)
        for workers, threads in ((1, 0), (2, 0), (1, 2)):
            name = f"worker serves the connection (prototype), {workers} worker{'s' * (workers > 1)}"
            servers[name + (f", {threads} query threads" if threads else "")] = python_server(
                stack, ["-m", "bench.handoff_prototype", "{port}", str(store_dir), str(workers), str(threads)],
                Path(tmp), f"handoff-{workers}-{threads}")
        fresh = {name: name != "eventkg, cached" for name in servers}  # a new text per request
        one_at_a_time = {name: cpu_per_request(process, over_http(url, lookup, fresh=fresh[name]), args.requests)
                         for name, (url, process) in servers.items()}
        rates = throughput({name: (url, process, fresh[name]) for name, (url, process) in servers.items()},
                           lookup, rounds=args.rounds, duration=args.duration, connections=args.connections,
                           folder=Path(tmp))
        memory = {name: tree_memory(process) for name, (_, process) in servers.items()}

    print(f"The label lookup of bench.sparql_http, {args.quads:,} synthetic quads; one at a time: {args.requests} "
          f"POSTs after 20 warm-ups; under load: wrk, {args.connections} connections, {args.rounds} rounds of "
          f"{args.duration} s (the servers taking turns), medians\n")
    print("| server | CPU ms / request, one at a time (server; workers) | requests/s under wrk | ÷ oxigraph "
          "| CPU ms / request under wrk (server; workers) | RSS sum, MiB | ÷ oxigraph | PSS sum, MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for name, cpu in one_at_a_time.items():
        rate = rates[name]
        print(f"| {name} | {cpu['server'] + cpu['workers']:.3f} ({cpu['server']:.3f}; {cpu['workers']:.3f}) "
              f"| {rate['rps']:,.0f} | {rate['rps'] / rates['oxigraph']['rps']:.2f}× "
              f"| {rate['cpu_ms']:.3f} ({rate['server_ms']:.3f}; {rate['workers_ms']:.3f}) "
              f"| {memory[name][0]:.0f} | {memory[name][0] / memory['oxigraph'][0]:.2f}× | {memory[name][1]:.0f} |")


if __name__ == "__main__":
    main()
