"""The processes that run user SPARQL (:mod:`graph.sparql.worker`): sandboxed, killed at the timeout.

Oxigraph cannot interrupt a query from another thread, so a query past its timeout is stopped by killing the process
that runs it; a fresh one takes its place. Every process that runs user SPARQL is such a worker and turns its network
off before it reads its first job: :class:`QueryPool` for queries (``/sparql``, ``eventkg query``), each worker on a
read-only snapshot of the store, and :class:`UpdatePool` for ``/sparql/update``, one worker that opens the store for
writing for each update (waiting for another writer's lock, :func:`graph.store.open_for_writing`) and closes it after.

:meth:`WorkerPool.run` is a coroutine: it waits for the worker's answer on the event loop itself (each worker's socket
is watched for as long as the worker lives, no thread is tied up), so any number of slow queries never block other
requests.
"""

from __future__ import annotations

import asyncio
import collections
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import graph
from graph.namespaces import DEFAULT_BASE_IRI, PREFIXES
from graph.sparql import frames
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
    """One worker process and the Unix socket to it, watched by the event loop for as long as the worker lives (no
    per-job registration). Messages are frames (:mod:`graph.sparql.frames`): a job goes pickled, a query's answer
    comes back as its media type and the serialised bytes, which the server sends on as they are."""

    def __init__(self, kind: str, settings: dict):
        ours, theirs = socket.socketpair()  # made before the worker turns its network off
        package_root = str(Path(graph.__file__).resolve().parent.parent)
        path = os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "graph.sparql.worker", kind, str(theirs.fileno()), json.dumps(settings)],
            pass_fds=[theirs.fileno()], env={**os.environ, "PYTHONPATH": path}, stdin=subprocess.DEVNULL)
        theirs.close()
        self.socket = ours
        self.channel: _Channel | None = None
        self.ready = False

    async def ask(self, job: object, timeout: float | None) -> tuple[str, object]:
        """Send ``job`` and wait for the answer (or the worker's death). A new worker is first waited for until it
        says it is ready (Python and Oxigraph loaded, sandbox on): its start does not count against the query's
        timeout."""
        try:
            if self.channel is None:
                self.channel = _Channel()
                await asyncio.get_running_loop().create_unix_connection(lambda: self.channel, sock=self.socket)
            if not self.ready:
                frames.decode(await asyncio.wait_for(self.channel.next(), _START_TIMEOUT))
                self.ready = True
            if self.process.poll() is not None:  # died while idle; the loop may not have read the socket's end yet
                raise EOFError
            self.channel.send(frames.encode_job(job))
        except (EOFError, OSError) as err:
            raise _Gone from err
        return frames.decode(await asyncio.wait_for(self.channel.next(), timeout))

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()
        if self.channel is None or not self.channel.close():
            self.socket.close()


class _Channel(asyncio.Protocol):
    """The server's end of a worker's socket: whole frames, in order; EOF once the worker is gone."""

    def __init__(self):
        self.buffer = bytearray()
        self.frames: collections.deque[bytes] = collections.deque()
        self.waiter: asyncio.Future | None = None
        self.transport: asyncio.Transport | None = None
        self.gone = False

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while (frame := frames.take(self.buffer)) is not None:
            self.frames.append(frame)
        self._wake()

    def connection_lost(self, exc) -> None:
        self.gone = True
        self._wake()

    def next(self) -> asyncio.Future:
        """A future of the next frame, which may have come already (EOFError when the worker is gone first)."""
        self.waiter = asyncio.get_running_loop().create_future()
        self._wake()
        return self.waiter

    def send(self, data: bytes) -> None:
        if self.gone or self.transport is None:
            raise EOFError
        self.transport.write(data)

    def close(self) -> bool:
        """Close the transport; False when its event loop is over (the socket is then closed by the caller)."""
        if self.transport is None or self.transport.get_extra_info("socket") is None:
            return False
        try:
            self.transport.close()
        except RuntimeError:  # the event loop that ran it is closed
            return False
        return True

    def _wake(self) -> None:
        waiter = self.waiter
        if waiter is None or waiter.done():
            return
        if self.frames:
            waiter.set_result(self.frames.popleft())
        elif self.gone:
            waiter.set_exception(EOFError("the worker is gone"))
