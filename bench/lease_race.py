"""Why the writer lease of a server store is Lamport's bakery (graph/lease.py), and that it holds: processes racing on
the Oxigraph server and on Virtuoso, each started fresh (bench/servers.py).

    python -m bench.lease_race [--rounds 200] [--takes 50] [--processes 2]

- **A conditional insert as a lock**: in each of ``--rounds`` rounds, ``--processes`` processes, released together by
  a barrier, each send ``INSERT { the lease with my token } WHERE { no lease }`` (the condition written as
  ``FILTER NOT EXISTS`` or as a ``COUNT`` subquery), then read whose the lease is; counted: rounds in which more than
  one process found its own token (more than one writer).
- **The lease**: each process takes :class:`graph.lease.Lease` and releases it ``--takes`` times, marking a shared
  counter while it holds it; counted: times a process took it while another held it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from bench.servers import oxigraph_available, oxigraph_server, virtuoso_available, virtuoso_server

_LEASE = "<urn:eventkg:bench:race>"
_HELD_BY = "<urn:eventkg:bench:heldBy>"
_ANY = f"GRAPH {_LEASE} {{ {_LEASE} {_HELD_BY} ?any }}"
CONDITIONS = {"FILTER NOT EXISTS": f"FILTER NOT EXISTS {{ {_ANY} }}",
              "COUNT subquery": f"{{ SELECT (COUNT(?any) AS ?n) WHERE {{ {_ANY} }} }} FILTER (?n = 0)"}


def _service(access: dict):
    from graph.remote import SparqlService

    return SparqlService(access["query_url"], access["update_url"], graphs_prefix="urn:eventkg:bench:",
                         user=access["user"], password=access["password"])


def _conditional(access: dict, condition: str, me: int, rounds: int, barrier, found) -> None:
    service = _service(access)
    for n in range(rounds):
        barrier.wait()
        token = f"{me}-{n}"
        service.update(f'INSERT {{ GRAPH {_LEASE} {{ {_LEASE} {_HELD_BY} "{token}" }} }} WHERE {{ {condition} }}')
        rows = service.query(f"SELECT ?h WHERE {{ GRAPH {_LEASE} {{ {_LEASE} {_HELD_BY} ?h }} }}")
        holders = [row["h"].value for row in rows]
        found.put((n, token in holders))
        barrier.wait()
        if me == 0:
            service.update(f"DROP SILENT GRAPH {_LEASE}")
        barrier.wait()


def _taking(access: dict, takes: int, inside, overlaps) -> None:
    from graph.lease import Lease

    lease = Lease(_service(access), "urn:eventkg:bench:")
    for _ in range(takes):
        lease.take(wait=600)
        with inside.get_lock():
            inside.value += 1
            overlaps.value += inside.value > 1
        time.sleep(0.01)
        with inside.get_lock():
            inside.value -= 1
        lease.release()


def _run(processes: list[multiprocessing.Process]) -> None:
    for process in processes:
        process.start()
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"a racing process failed (exit {process.exitcode})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--takes", type=int, default=50)
    parser.add_argument("--processes", type=int, default=2)
    args = parser.parse_args()
    starts = {"oxigraph": (oxigraph_available, oxigraph_server), "virtuoso": (virtuoso_available, virtuoso_server)}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        for name, (available, start) in starts.items():
            if not available():
                print(f"{name}: not installed, skipped")
                continue
            server = stack.enter_context(start(Path(tmp) / name))
            access = {"query_url": server.query_url, "update_url": server.update_url, "user": server.user,
                      "password": server.password}
            for label, condition in CONDITIONS.items():
                barrier, found = multiprocessing.Barrier(args.processes), multiprocessing.Queue()
                _run([multiprocessing.Process(target=_conditional,
                                              args=(access, condition, me, args.rounds, barrier, found))
                      for me in range(args.processes)])
                winners: dict[int, int] = {}
                for _ in range(args.rounds * args.processes):
                    n, won = found.get()
                    winners[n] = winners.get(n, 0) + won
                doubles = sum(1 for count in winners.values() if count > 1)
                nobody = sum(1 for count in winners.values() if count == 0)
                print(f"{name}: conditional insert ({label}), {args.processes} processes, {args.rounds} rounds: "
                      f"more than one holder in {doubles}, none in {nobody}")
            inside, overlaps = multiprocessing.Value("i", 0), multiprocessing.Value("i", 0)
            started = time.perf_counter()
            _run([multiprocessing.Process(target=_taking, args=(access, args.takes, inside, overlaps))
                  for _ in range(args.processes)])
            print(f"{name}: graph.lease.Lease, {args.processes} processes x {args.takes} takes: taken while held "
                  f"{overlaps.value} times ({time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    main()
