"""The processes that run user SPARQL (:mod:`graph.sparql.worker`): sandboxed, killed at the timeout.

Oxigraph cannot interrupt a query from another thread, so a query past its timeout is stopped by killing the process
that runs it; a fresh one takes its place. Every process that runs user SPARQL is such a worker and turns its network
off before it reads its first job: :class:`QueryPool` for queries (``/sparql``, ``eventkg query``), each worker on a
read-only snapshot of the store, and :class:`UpdatePool` for ``/sparql/update``, one worker that opens the store for
writing for each update (waiting for another writer's lock, :func:`graph.store.open_for_writing`) and closes it after.

:meth:`WorkerPool.run` is a coroutine: it waits for the worker's answer on the event loop itself (the socket's file
descriptor is watched, no thread is tied up), so any number of slow queries never block other requests.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
from multiprocessing.connection import Connection
from pathlib import Path

import graph
from graph.namespaces import DEFAULT_BASE_IRI, PREFIXES
from graph.sparql.errors import QueryTimeout, StoreUnavailable

_START_TIMEOUT = 120.0  # seconds a new worker may take to start, on a machine under load


class WorkerPool:
    """``size`` worker processes of ``kind`` (``"query"`` or ``"update"``, see :mod:`graph.sparql.worker`)."""

    def __init__(self, kind: str, settings: dict, *, size: int, timeout: float | None):
        self.kind, self.timeout = kind, timeout
        self.settings = {**settings, "prefixes": {prefix: str(iri) for prefix, iri in PREFIXES.items()}}
        self._idle = [self._start() for _ in range(size)]
        self._free = asyncio.Semaphore(size)

    def _start(self) -> _Worker:
        return _Worker(self.kind, self.settings)

    async def run(self, job: object, timeout: float | None = None) -> object:
        timeout = self.timeout if timeout is None else timeout
        try:
            await asyncio.wait_for(self._free.acquire(), timeout)
        except TimeoutError:
            raise QueryTimeout(f"every worker stayed busy for {timeout:g} s; try again later") from None
        worker = self._idle.pop()
        try:
            try:
                status, payload = await worker.ask(job, timeout)
            except _Gone:  # it died while idle (the kernel's OOM killer?), before the job reached it: start afresh
                worker.kill()
                worker = await asyncio.to_thread(self._start)
                status, payload = await worker.ask(job, timeout)
        except TimeoutError:
            worker.kill()
            worker = await asyncio.to_thread(self._start)  # starting a process takes a moment: not on the loop
            raise QueryTimeout(f"the request ran for more than {timeout:g} s (setting query_timeout) and was "
                               "stopped") from None
        except (EOFError, OSError):  # the worker died with the job (out of memory?): replace it
            worker.kill()
            code = worker.process.returncode
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
    """``size`` query workers on the store at ``path``. :meth:`run` takes a :class:`~graph.sparql.running.Job` and
    gives ``(media type, body)``."""

    def __init__(self, path: str | Path, *, size: int = 2, timeout: float | None = 30.0):
        super().__init__("query", {"path": str(path)}, size=size, timeout=timeout)


class UpdatePool(WorkerPool):
    """One update worker for the store at ``path``: updates run one at a time, each in its own transaction; another
    process's write lock is waited for up to ``lock_wait`` seconds. :meth:`run` takes an
    :class:`~graph.sparql.running.UpdateJob`."""

    def __init__(self, path: str | Path, *, base_iri: str = DEFAULT_BASE_IRI, timeout: float = 30.0,
                 lock_wait: float = 10.0):
        super().__init__("update", {"path": str(path), "base_iri": base_iri, "lock_wait": lock_wait}, size=1,
                         timeout=timeout + lock_wait)


class _Gone(EOFError):
    """The worker was dead before it got the job."""


class _Worker:
    def __init__(self, kind: str, settings: dict):
        ours, theirs = socket.socketpair()  # made before the worker turns its network off
        package_root = str(Path(graph.__file__).resolve().parent.parent)
        path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "graph.sparql.worker", kind, str(theirs.fileno()), json.dumps(settings)],
            pass_fds=[theirs.fileno()], env={**os.environ, "PYTHONPATH": path}, stdin=subprocess.DEVNULL)
        theirs.close()
        self.conn = Connection(ours.detach())
        self.ready = False

    async def ask(self, job: object, timeout: float | None) -> tuple[str, object]:
        """Send ``job`` and wait until the answer (or the worker's death) makes the pipe readable. A new worker is
        first waited for until it says it is ready (Python and Oxigraph loaded, sandbox on): its start does not count
        against the query's timeout."""
        try:
            if not self.ready:
                await self._readable(_START_TIMEOUT)
                self.conn.recv()
                self.ready = True
            self.conn.send(job)
        except (EOFError, OSError) as err:
            raise _Gone from err
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
        self.process.wait()
        self.conn.close()
