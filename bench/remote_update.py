"""What a ``/sparql/update`` costs eventkg on a server store after the update itself (issue 13): the re-resolve
(``EventStore.reresolve``) and the dashboard counters' recount (``graph.aggregates.settle``), which
``graph.sparql.remote.ForwardingPool`` runs after forwarding the update, holding the writer lease.

    python -m bench.remote_update [--quads 100000 1000000] [--servers oxigraph virtuoso]

For each size and server, a fresh server holding the synthetic graph of ``bench.synthetic`` (Virtuoso: its own bulk
loader, as ``bench.scale_out``; the Oxigraph server: pyoxigraph's bulk loader on its folder before it starts), opened
once by eventkg (which counts the counters a bulk load lacks). Then timed, one after the other: the server's count of
every counter (``graph.aggregates.counted``: three grouped SELECTs); the update dropping one article's graph; the
re-resolve; the recount with its write; and, for comparison, a recount with nothing to change. Wall seconds.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox

from bench.scale_out import bulk_load
from bench.servers import oxigraph_server, virtuoso_server
from bench.synthetic import write_synthetic
from graph import aggregates
from graph.store import EventStore


@contextmanager
def _loaded(name: str, folder: Path, quads: int) -> Iterator:
    """The server ``name`` holding the synthetic graph of ``quads`` quads."""
    folder.mkdir(parents=True)
    write_synthetic(folder / "synthetic.nq", quads=quads)
    if name == "oxigraph":
        loader = ox.Store(str(folder / "db"))
        loader.bulk_load(path=str(folder / "synthetic.nq"), format=ox.RdfFormat.N_QUADS)
        del loader  # its lock on the folder goes with it, before the server opens the folder
        with oxigraph_server(folder / "db") as server:
            yield server
    else:
        with virtuoso_server(folder) as server:
            bulk_load(server, folder, "synthetic.nq")
            yield server


def one(name: str, quads: int, tmp: Path) -> dict[str, float]:
    times: dict[str, float] = {}
    with _loaded(name, tmp / f"{name}-{quads}", quads) as server:
        access = {"update_url": server.update_url, "user": server.user, "password": server.password}
        started = time.perf_counter()
        EventStore(server.query_url, **access).close()
        times["first open"] = time.perf_counter() - started
        store = EventStore(server.query_url, lease=False, **access)  # eventkg serve's store
        try:
            with store.writing():
                for step, run in (("count (3 grouped SELECTs)", lambda: aggregates.counted(store)),
                                  ("update: drop an article", lambda: store.native.update(
                                      f"DROP SILENT GRAPH <{store.iris.article_graph('synthetic-0000001')}>")),
                                  ("re-resolve", store.reresolve),
                                  ("recount and write", lambda: aggregates.settle(store)),
                                  ("recount, nothing to write", lambda: aggregates.settle(store))):
                    started = time.perf_counter()
                    run()
                    times[step] = time.perf_counter() - started
        finally:
            store.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quads", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--servers", nargs="+", default=["oxigraph", "virtuoso"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for quads in args.quads:
            for name in args.servers:
                times = one(name, quads, Path(tmp))
                print(f"{name}, {quads:,} quads: " + ", ".join(f"{step} {s:.2f} s" for step, s in times.items()),
                      flush=True)


if __name__ == "__main__":
    main()
