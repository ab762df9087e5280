"""The "worker serves the connection" prototype of ``bench.request_floor`` (issue 9): the design that issue's notes
propose and eventkg does not have, run as a server of its own so that its processes can be measured.

    python -m bench.handoff_prototype PORT STORE WORKERS [THREADS]

A parent process accepts each connection and passes its socket (``SCM_RIGHTS``) to one of ``WORKERS`` worker
processes in turn; each worker parses the requests (httptools, yarl), runs the query on its read-only store
(pyoxigraph, eventkg's prefixes, under a ``SIGALRM`` timer whose default action kills it) and writes the answer
itself. With ``THREADS``, each worker runs its queries in that many threads (pyoxigraph lets go of the GIL while it
evaluates), so that one worker parses and writes for some connections while others' queries run; there is no
timeout then (a timer is per process). Nothing else of eventkg's endpoint is there (no answer cache, negotiation,
errors, sandbox): it measures what the design costs, in CPU and in memory. The module imports only the standard library and what a worker needs (the
workers are forked from the parent), so that the parent's and the workers' resident sets are what the design itself
takes, not what a benchmark loaded.
"""

from __future__ import annotations

import array
import asyncio
import itertools
import os
import signal
import socket
import sys


def serve(port: int, store: str, workers: int, threads: int = 0) -> None:
    """Accept on ``port``, hand each connection to a worker (round robin); the worker answers (its queries in
    ``threads`` threads, or in its event loop's)."""
    channels = []
    for _ in range(workers):
        parent, child = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
        if os.fork() == 0:
            parent.close()
            _worker(child, store, threads)
            os._exit(0)
        child.close()
        channels.append(parent)
    with socket.create_server(("127.0.0.1", port)) as server:
        for n in itertools.count():
            connection, _ = server.accept()
            channels[n % workers].sendmsg([b"c"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS,
                                                    array.array("i", [connection.fileno()]))])
            connection.close()  # the worker holds it now


def _worker(channel: socket.socket, store_path: str, threads: int) -> None:
    from concurrent.futures import ThreadPoolExecutor

    import httptools
    import pyoxigraph as ox
    import uvloop
    import yarl

    from graph.prefixes import PREFIXES

    store, prefixes = ox.Store.read_only(store_path), dict(PREFIXES)
    pool = ThreadPoolExecutor(threads) if threads else None

    def run(text: str) -> bytes:
        answer = store.query(text, base_iri="http://127.0.0.1/sparql", prefixes=prefixes,
                             use_default_graph_as_union=True)
        return answer.serialize(format=ox.QueryResultsFormat.JSON)

    class Connection(asyncio.Protocol):
        def connection_made(self, transport) -> None:
            self.transport, self.parser = transport, httptools.HttpRequestParser(self)
            self.url = self.body = b""

        def data_received(self, data: bytes) -> None:
            self.parser.feed_data(data)

        def on_url(self, url: bytes) -> None:
            self.url += url

        def on_body(self, body: bytes) -> None:
            self.body += body

        def on_message_complete(self) -> None:
            form = self.body or httptools.parse_url(self.url).query or b""  # a POSTed form, or the query string
            self.url = self.body = b""
            text = dict(yarl.URL.build(query_string=form.decode(), encoded=True).query).get("query", "ASK {}")
            if pool is None:
                signal.setitimer(signal.ITIMER_REAL, 30.0)  # the timeout: SIGALRM's default action ends the process
                self.respond(run(text))
                signal.setitimer(signal.ITIMER_REAL, 0)
            else:  # wrk sends a connection's next request after the answer: no pipelining to keep in order
                future = asyncio.get_running_loop().run_in_executor(pool, run, text)
                future.add_done_callback(lambda done: self.respond(done.result()))

        def respond(self, body: bytes) -> None:
            self.transport.write(b"HTTP/1.1 200 OK\r\ncontent-type: application/sparql-results+json\r\n"
                                 b"content-length: %d\r\n\r\n%s" % (len(body), body))

    async def adopt_connections() -> None:
        loop = asyncio.get_running_loop()

        def adopt() -> None:
            _, ancillary, _, _ = channel.recvmsg(1, socket.CMSG_LEN(4))
            for _, _, data in ancillary:
                sock = socket.socket(fileno=array.array("i", data[:4])[0])
                loop.create_task(loop.connect_accepted_socket(Connection, sock))

        loop.add_reader(channel.fileno(), adopt)
        await asyncio.Event().wait()

    uvloop.run(adopt_connections())


if __name__ == "__main__":
    serve(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), *map(int, sys.argv[4:5]))
