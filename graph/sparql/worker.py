"""A worker process that runs user SPARQL: ``python -m graph.sparql.worker KIND FD SETTINGS`` (started by
:mod:`graph.sparql.pool` through :mod:`graph.sparql.sandbox`, never by hand).

It runs with no network from its start (the sandbox's filter; it checks, :func:`graph.sparql.sandbox.ensure`), says it
is ready, then answers the jobs that come over the Unix socket ``FD`` (:mod:`graph.sparql.frames`) until it closes:
``query`` workers run :class:`~graph.sparql.jobs.Job` s on a read-only :class:`~graph.sparql.snapshot.Snapshot` of
the store; the ``update`` worker opens the store for writing for each :class:`~graph.sparql.jobs.UpdateJob`,
re-resolves entities and incidents after it (``EventStore.reresolve``) and brings the dashboards' counters up to date
(:func:`graph.aggregates.settle`). Each answer is ``("ok", result)`` or ``("error", exception)``. After a job that took more
than 50 ms the worker hands the memory it freed back to the system, and once it has had nothing to do for 2 s after
one, it lets its store go with the caches the job filled (the next job opens it again).

A process of its own, started with only what it needs (no FastAPI, no rdflib for queries): light, and nothing of the
server's state or sockets comes along.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time

import pyoxigraph as ox

from graph.errors import GraphError
from graph.sparql import frames, sandbox
from graph.sparql.errors import StoreUnavailable
from graph.sparql.running import execute, settle_update, update
from graph.sparql.snapshot import Snapshot, release_memory

_LONG = 0.05  # seconds: a job that ran longer may have left much memory in malloc's free lists (a trim takes ~1 ms)
# Seconds without a job after a long one before a query worker lets its store go, with the block cache and tables the
# long job filled (40 MiB at 1M quads that malloc_trim cannot give back); opening the store again takes 40-60 ms.
_RELEASE_AFTER = 2.0


def main(kind: str, descriptor: int, settings: dict) -> None:
    # A job arriving does not preempt the server that sent it (SCHED_BATCH: no wake-up preemption, the same share
    # of the CPU): the server finishes what it was doing (other requests, other answers) before the worker takes
    # over. Measured with wrk at 8 connections on the loaded 2-core machine: 1.28-1.92x the uncached lookups/s.
    os.sched_setscheduler(0, os.SCHED_BATCH, os.sched_param(0))
    sandbox.ensure()
    channel = socket.socket(fileno=descriptor)
    jobs = frames.JobReader(channel)
    prefixes = settings["prefixes"]
    snapshot = None
    if kind == "query":
        snapshot = Snapshot(settings["path"], opener=ox.Store.read_only)
        # at the store version the server read for the request, if it says (no stat calls here then)
        answer = lambda job: execute(snapshot.current(job.version), job, prefixes)  # noqa: E731
    else:
        from graph.store import open_for_writing

        def answer(job):
            store = open_for_writing(settings["path"], base_iri=settings["base_iri"], wait=settings["lock_wait"])
            try:
                update(store.native, job, prefixes)
                settle_update(store)
            finally:
                store.close()
    channel.sendall(frames.encode_answer("ok", "ready"))
    heavy = False  # a long job ran since the store was opened: its caches are full
    while True:
        try:
            job = jobs.next(_RELEASE_AFTER if heavy and snapshot is not None else None)
        except TimeoutError:  # idle after a long job: the store's caches go (tens of MiB at 1M quads)
            snapshot.close()
            release_memory()
            heavy = False
            continue
        except EOFError:
            return
        started = time.monotonic()
        try:
            reply = frames.encode_answer("ok", answer(job))
        except GraphError as err:
            reply = frames.encode_answer("error", err)
        except (OSError, RuntimeError):  # opening the store failed (the engine's errors and later ones are GraphErrors)
            reply = frames.encode_answer("error", StoreUnavailable("the store could not be opened, try again"))
        channel.sendall(reply)
        if time.monotonic() - started > _LONG:  # a scan or a big answer: its memory back to the system
            release_memory()
            heavy = True


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3]))
