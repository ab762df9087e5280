"""Worker processes that run user SPARQL: sandboxed (:mod:`graph.sparql.sandbox`), killed at the timeout.

Oxigraph cannot interrupt a query from another thread, so a query past its timeout is stopped by killing the process
that runs it; a fresh one takes its place. Every process that runs user SPARQL is such a worker and installs the
no-network sandbox before it reads its first job: :class:`QueryPool` for queries (``/sparql``, ``eventkg query``),
each worker on a read-only :class:`~graph.sparql.snapshot.Snapshot`, and :class:`UpdatePool` for ``/sparql/update``,
one worker that opens the store for writing for each update (waiting for another writer's lock like
:func:`graph.store.open_for_writing`) and closes it after.

:meth:`WorkerPool.run` is a coroutine: it waits for the worker's answer on the event loop itself (the pipe's file
descriptor is watched, no thread is tied up), so any number of slow queries never block other requests.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from pathlib import Path

from graph.errors import GraphError
from graph.namespaces import DEFAULT_BASE_IRI
from graph.sparql import sandbox
from graph.sparql.errors import QueryTimeout, StoreUnavailable
from graph.sparql.running import UpdateJob, execute, update
from graph.sparql.snapshot import MemoryCopy, Snapshot
from graph.store import open_for_writing


class WorkerPool:
    """``size`` worker processes, each running ``target(connection, *args)``: it reads jobs from the connection and
    sends back ``("ok", answer)`` or ``("error", exception)``."""

    def __init__(self, target, args: tuple, *, size: int, timeout: float | None):
        self.target, self.args, self.timeout = target, args, timeout
        # "spawn": a fork of a threaded server process could inherit held locks.
        self._context = multiprocessing.get_context("spawn")
        self._idle = [self._start() for _ in range(size)]
        self._free = asyncio.Semaphore(size)

    def _start(self) -> _Worker:
        return _Worker(self._context, self.target, self.args)

    async def run(self, job: object, timeout: float | None = None) -> object:
        timeout = self.timeout if timeout is None else timeout
        try:
            await asyncio.wait_for(self._free.acquire(), timeout)
        except TimeoutError:
            raise QueryTimeout(f"every worker stayed busy for {timeout:g} s; try again later") from None
        worker = self._idle.pop()
        try:
            status, payload = await worker.ask(job, timeout)
        except TimeoutError:
            worker.kill()
            worker = await asyncio.to_thread(self._start)  # starting a process takes a moment: not on the loop
            raise QueryTimeout(f"the request ran for more than {timeout:g} s (setting query_timeout) and was "
                               "stopped") from None
        except (EOFError, OSError):  # the worker died (e.g. out of memory): replace it
            worker.kill()
            code = worker.process.exitcode
            worker = await asyncio.to_thread(self._start)
            raise StoreUnavailable(f"the worker stopped unexpectedly (exit code {code}) while answering; "
                                   "try again") from None
        finally:
            self._idle.append(worker)
            self._free.release()
        if status == "error":
            raise payload
        return payload

    def close(self) -> None:
        while self._idle:
            self._idle.pop().kill()


class QueryPool(WorkerPool):
    """Query workers on the store at ``path``; with ``memory_quads``, each answers from a
    :class:`~graph.sparql.snapshot.MemoryCopy` of stores up to that size. :meth:`run` takes a
    :class:`~graph.sparql.running.Job` and gives ``(media type, body)``."""

    def __init__(self, path: str | Path, *, base_iri: str = DEFAULT_BASE_IRI, size: int = 2,
                 timeout: float | None = 30.0, memory_quads: int = 0):
        super().__init__(_serve_queries, (str(path), base_iri, memory_quads), size=size, timeout=timeout)


class UpdatePool(WorkerPool):
    """One update worker for the store at ``path``: updates run one at a time, each in its own transaction; another
    process's write lock is waited for up to ``lock_wait`` seconds. :meth:`run` takes an
    :class:`~graph.sparql.running.UpdateJob`."""

    def __init__(self, path: str | Path, *, base_iri: str = DEFAULT_BASE_IRI, timeout: float = 30.0,
                 lock_wait: float = 10.0):
        super().__init__(_serve_updates, (str(path), base_iri, lock_wait), size=1, timeout=timeout + lock_wait)


_START_TIMEOUT = 120.0  # seconds a new worker may take to start, on a machine under load


class _Worker:
    def __init__(self, context, target, args: tuple):
        self.conn, child = context.Pipe()  # made before the sandbox closes the network
        self.process = context.Process(target=_sandboxed, args=(target, child, *args), daemon=True)
        self.process.start()
        child.close()
        self.ready = False

    async def ask(self, job: object, timeout: float | None) -> tuple[str, object]:
        """Send ``job`` and wait until the answer (or the worker's death) makes the pipe readable. A new worker is
        first waited for until it says it is ready (Python and Oxigraph loaded, sandbox on): its start does not count
        against the query's timeout."""
        if not self.ready:
            await self._readable(_START_TIMEOUT)
            self.conn.recv()
            self.ready = True
        self.conn.send(job)
        await self._readable(timeout)
        return self.conn.recv()

    async def _readable(self, timeout: float | None) -> None:
        loop = asyncio.get_running_loop()
        readable = loop.create_future()
        descriptor = self.conn.fileno()
        loop.add_reader(descriptor, lambda: readable.done() or readable.set_result(None))  # level-triggered
        try:
            await asyncio.wait_for(readable, timeout)
        finally:
            loop.remove_reader(descriptor)
            # uvloop leaves a watched descriptor non-blocking; Connection reads and writes need it blocking.
            os.set_blocking(descriptor, True)

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


def _sandboxed(target, conn, *args) -> None:
    """A worker process: no network from here on (should the filter fail to load, the worker dies before reading
    a job), then answer jobs until the pipe closes."""
    sandbox.deny_network()
    target(conn, *args)


def _serve_queries(conn, path: str, base_iri: str, memory_quads: int) -> None:
    snapshot = Snapshot(path, base_iri)
    copy = MemoryCopy(snapshot, memory_quads) if memory_quads else None
    _serve(conn, lambda job: execute(copy.current() if copy is not None else snapshot.current().native, job))


def _serve_updates(conn, path: str, base_iri: str, lock_wait: float) -> None:
    def run(job: UpdateJob) -> None:
        store = open_for_writing(path, base_iri=base_iri, wait=lock_wait)
        try:
            update(store.native, job)
        finally:
            store.close()

    _serve(conn, run)


def _serve(conn, answer) -> None:
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", answer(job)))
        except GraphError as err:
            conn.send(("error", err))
        except (OSError, RuntimeError):  # opening the store failed (the engine's own errors are GraphErrors)
            conn.send(("error", StoreUnavailable("the store could not be opened, try again")))
