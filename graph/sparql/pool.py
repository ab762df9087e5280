"""The processes that run user SPARQL (:mod:`graph.sparql.worker`): sandboxed, killed at the timeout.

Oxigraph cannot interrupt a query from another thread, so a query past its timeout is stopped by killing the process
that runs it; a fresh one takes its place. Every process that runs user SPARQL is such a worker and turns its network
off before it reads its first job: :class:`QueryPool` for queries (``/sparql``, ``eventkg query``), each worker on a
read-only snapshot of the store, and :class:`UpdatePool` for ``/sparql/update``, one worker that opens the store for
writing for each update (waiting for another writer's lock, :func:`graph.store.open_for_writing`) and closes it after.

:meth:`WorkerPool.run` is a coroutine: it waits for the worker's answer on the event loop itself (each worker's socket
is watched for as long as the worker lives, no thread is tied up), so any number of slow queries never block other
requests.

A query pool starts with one worker and sends it up to ``depth`` jobs at a time: the worker finds the next job waiting
when it finishes one, instead of sleeping until the server has read the answer and sent another (each of those
wake-ups cost more than a light query on a busy machine). Jobs go one after the other, so a job is only queued behind
one that started moments ago (:data:`PIPELINE_WINDOW`); a job queued behind one that turned out slow is taken back and
given to another worker (:data:`RESCUE_AFTER`). When every worker is busy with a slow query, another worker is started,
up to ``size``, and so when jobs keep waiting for a place (:data:`BACKLOG`: the workers cannot keep up, e.g. on a
machine where they get a small share of the CPU); a worker beyond the first stops after :data:`IDLE_EXIT` seconds
without work. Each job's timeout counts from when its worker starts it; when it expires the worker is killed, and the
jobs queued behind it, which never started, go to another worker.
"""

from __future__ import annotations

import asyncio
import collections
import json
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from graph.prefixes import DEFAULT_BASE_IRI, PREFIXES  # not graph.namespaces: no rdflib in the server
from graph.sparql import frames
from graph.sparql.cork import Cork
from graph.sparql.errors import QueryTimeout, StoreUnavailable
from graph.sparql.snapshot import child_env

_START_TIMEOUT = 120.0  # seconds a new worker may take to start, on a machine under load
PIPELINE_WINDOW = 0.02  # seconds: a job is queued behind one that started less than this long ago
RESCUE_AFTER = 0.25  # seconds: jobs queued behind one running longer are taken back; more workers start then
BACKLOG = 0.01  # seconds a job waits for a place before another worker starts (when there is room for one)
IDLE_EXIT = 60.0  # seconds without work after which a worker beyond the first stops


class WorkerPool:
    """Worker processes of ``kind`` (``"query"`` or ``"update"``, see :mod:`graph.sparql.worker`): at most ``size``,
    each sent up to ``depth`` jobs at a time; ``grow``: one at first, more while slow queries keep them busy (else
    ``size`` from the start)."""

    def __init__(self, kind: str, settings: dict, *, size: int, timeout: float | None, depth: int = 1,
                 grow: bool = False):
        self.kind, self.timeout, self.size, self.depth = kind, timeout, size, depth
        self.settings = {**settings, "prefixes": dict(PREFIXES)}
        self._workers = [_Worker(self) for _ in range(1 if grow else size)]
        self._waiting: collections.deque[asyncio.Future] = collections.deque()  # jobs waiting for a place

    async def run(self, job: object, timeout: float | None = None) -> object:
        timeout = self.timeout if timeout is None else timeout
        data = frames.encode_job(job)
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        waiting_since = None
        while True:
            now = loop.time()
            worker = self._place(now, waiting_since is not None and now - waiting_since >= BACKLOG)
            if worker is None:
                if deadline is not None and now >= deadline:
                    raise QueryTimeout(f"every worker stayed busy for {timeout:g} s; try again later")
                waiting_since = now if waiting_since is None else waiting_since
                await self._wait(loop, deadline)
                continue
            try:
                status, payload = await worker.submit(data, timeout)
            except _Resend:  # the job never started there (its worker is gone, or busy for long): elsewhere
                continue
            if status == "error":
                raise payload
            return payload

    def close(self) -> None:
        while self._workers:
            self._workers.pop().kill()

    def _place(self, now: float, backlog: bool = False) -> _Worker | None:
        """The worker to send a job to now: an idle one; else the least busy whose current job started moments ago;
        else, when there is room, a new one if every worker has been busy with one job for long or (``backlog``) the
        job has waited for a place for a while; else None (wait)."""
        best = None
        for worker in self._workers:
            if not worker.pending:
                return worker
            if (len(worker.pending) < self.depth and worker.started is not None
                    and now - worker.started < PIPELINE_WINDOW
                    and (best is None or len(worker.pending) < len(best.pending))):
                best = worker
        if best is None and len(self._workers) < self.size and (backlog or all(
                w.started is not None and now - w.started >= RESCUE_AFTER for w in self._workers)):
            best = _Worker(self)
            self._workers.append(best)
        return best

    async def _wait(self, loop: asyncio.AbstractEventLoop, deadline: float | None) -> None:
        """Until a worker may take a job: one answered or started, or :data:`BACKLOG` passed (room for one more
        worker?), or the deadline."""
        waiter = loop.create_future()
        self._waiting.append(waiter)
        delay = BACKLOG if deadline is None else max(0.0, min(BACKLOG, deadline - loop.time()))
        timer = loop.call_later(delay, _settle, waiter)
        try:
            await waiter
        finally:
            timer.cancel()
            if not waiter.done():
                self._waiting.remove(waiter)

    def _wake(self) -> None:
        """A worker can take a job: the first waiting job looks again."""
        while self._waiting:
            waiter = self._waiting.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return

    def _lost(self, worker: _Worker, error: Exception | None) -> None:
        """``worker`` is dead or stuck: it is killed and let go (:meth:`_let_go`)."""
        if worker in self._workers:
            worker.kill()
            self._let_go(worker, error)

    def _let_go(self, worker: _Worker, error: Exception | None) -> None:
        """``worker``, killed, leaves: its running job gets ``error``, the jobs queued behind it go elsewhere, and a
        fresh worker takes its place."""
        if worker not in self._workers:
            return
        self._workers.remove(worker)
        pending, worker.pending = list(worker.pending), collections.deque()
        for n, entry in enumerate(pending):
            if entry.future is not None and not entry.future.done():
                entry.future.set_exception(error if n == 0 and error is not None else _Resend())
        self._workers.append(_Worker(self))
        for _ in pending or [None]:
            self._wake()

    def _idle(self, worker: _Worker) -> None:
        """``worker`` has nothing to do: a worker beyond the first stops if it stays so for :data:`IDLE_EXIT` s (one
        timer per worker, looked at when it fires)."""
        worker.idle_since = worker.loop.time()
        if len(self._workers) > 1 and worker.retire is None:
            worker.retire = worker.loop.call_later(IDLE_EXIT, self._retire, worker)

    def _retire(self, worker: _Worker) -> None:
        worker.retire = None
        if worker not in self._workers or worker.pending or len(self._workers) == 1:
            return  # busy again: looked at when it is next idle
        left = worker.idle_since + IDLE_EXIT - worker.loop.time()
        if left > 0:
            worker.retire = worker.loop.call_later(left, self._retire, worker)
            return
        self._workers.remove(worker)
        worker.kill()


class QueryPool(WorkerPool):
    """Up to ``size`` query workers on the store at ``path`` (one at first, more while slow queries keep them busy),
    each sent up to ``depth`` jobs at a time. :meth:`run` takes a :class:`~graph.sparql.jobs.Job` and gives
    ``(media type, body)``."""

    def __init__(self, path: str | Path, *, size: int = 2, timeout: float | None = 30.0, depth: int = 8):
        super().__init__("query", {"path": str(path)}, size=size, timeout=timeout, depth=depth, grow=True)


class UpdatePool(WorkerPool):
    """One update worker for the store at ``path``: updates run one at a time, each in its own transaction; another
    process's write lock is waited for up to ``lock_wait`` seconds. :meth:`run` takes an
    :class:`~graph.sparql.jobs.UpdateJob`."""

    def __init__(self, path: str | Path, *, base_iri: str = DEFAULT_BASE_IRI, timeout: float = 30.0,
                 lock_wait: float = 10.0):
        super().__init__("update", {"path": str(path), "base_iri": base_iri, "lock_wait": lock_wait}, size=1,
                         timeout=timeout + lock_wait)


class _Resend(Exception):
    """The job never started on the worker it was sent to: send it to another."""


@dataclass
class _Entry:
    """A job sent to a worker: its future (None once taken back) and timeout."""

    future: asyncio.Future | None
    timeout: float | None


class _Worker:
    """One worker process and the Unix socket to it, watched by the event loop for as long as the worker lives.
    Messages are frames (:mod:`graph.sparql.frames`): a job goes pickled, a query's answer comes back as its media type
    and the serialised bytes, which the server sends on as they are. Answers come in the order of the jobs."""

    def __init__(self, pool: WorkerPool):
        self.pool = pool
        ours, theirs = socket.socketpair()  # made before the worker turns its network off
        self.process = subprocess.Popen(
            [sys.executable, "-m", "graph.sparql.sandbox", "graph.sparql.worker", pool.kind, str(theirs.fileno()),
             json.dumps(pool.settings)],
            pass_fds=[theirs.fileno()], env=child_env(), stdin=subprocess.DEVNULL)
        theirs.close()
        self.socket = ours
        self.channel: _Channel | None = None
        self.connected: asyncio.Future | None = None
        self.ready = False  # said so: Python and Oxigraph loaded, sandbox on
        self.pending: collections.deque[_Entry] = collections.deque()  # sent, not answered; the first runs
        self.started: float | None = None  # when the first pending job started (loop time)
        self.idle_since = 0.0
        self.retire: asyncio.TimerHandle | None = None  # the check whether it has been idle long enough to stop
        self.loop: asyncio.AbstractEventLoop | None = None
        self.starting: asyncio.TimerHandle | None = None  # the limit on the worker's start
        # One timer for the running job's timeout and for taking back the jobs queued behind it (a timer made and
        # cancelled per job was a noticeable part of a light query's time in the server): it fires at ``watch_at``,
        # looks at what is due then and sets itself for what comes next; it is made again before it fires only when
        # something falls due sooner (_watch_until).
        self.watchdog: asyncio.TimerHandle | None = None
        self.watch_at = 0.0
        self.deadline: float | None = None  # when the running job's timeout expires (loop time)

    async def submit(self, data: bytes, timeout: float | None) -> tuple[str, object]:
        """Send a job (the pool chose this worker for it) and wait for its answer. A new worker is first waited for
        until it is ready: its start does not count against the query's timeout."""
        if self.connected is None:
            self.loop = asyncio.get_running_loop()
            self.connected = self.loop.create_task(self._connect())
        if not self.connected.done():
            await asyncio.shield(self.connected)
        # Died while idle, and the loop may not know it yet? (With jobs pending, their answers tell: the running
        # one gets the error, the others, this one included, go elsewhere.)
        if self.channel.gone or (not self.pending and self.process.poll() is not None):
            self.pool._lost(self, None)
            raise _Resend
        entry = _Entry(self.loop.create_future(), timeout)
        self.pending.append(entry)
        self.channel.send(data)
        if self.ready:
            if len(self.pending) == 1:
                self._start_next()
            elif len(self.pending) == 2:  # the first job may turn out slow: take this one back then
                self._watch_until(self.started + RESCUE_AFTER)
        return frames.decode(await entry.future)

    async def _connect(self) -> None:
        self.channel = _Channel(self)
        # before the connection: a worker that is already ready says so as soon as it is made
        self.starting = self.loop.call_later(_START_TIMEOUT, self._never_ready)
        await self.loop.create_unix_connection(lambda: self.channel, sock=self.socket)

    def answer(self, frame: bytes) -> None:
        """A frame from the worker: first that it is ready, then the answer of the first pending job."""
        if not self.ready:
            self.ready = True
            self.starting.cancel()
        else:
            entry = self.pending.popleft()
            if entry.future is not None and not entry.future.done():
                entry.future.set_result(frame)
        if self.pending:
            self._start_next()
        else:
            self.started = self.deadline = None
            self.pool._idle(self)
        self.pool._wake()

    def _start_next(self) -> None:
        """The first pending job starts now: its timeout runs from here."""
        self.started = now = self.loop.time()
        timeout = self.pending[0].timeout
        self.deadline = None if timeout is None else now + timeout
        if self.deadline is not None:
            self._watch_until(self.deadline)
        if len(self.pending) > 1:
            self._watch_until(now + RESCUE_AFTER)

    def _watch_until(self, when: float) -> None:
        """Have the watchdog look at the worker at ``when`` at the latest."""
        if self.watchdog is None or when < self.watch_at:
            if self.watchdog is not None:
                self.watchdog.cancel()
            self.watch_at, self.watchdog = when, self.loop.call_at(when, self._watch)

    def _watch(self) -> None:
        """The running job's timeout or the time to take back the jobs behind it may be due: act, and look again
        when the next is."""
        self.watchdog = None
        if self.started is None:
            return
        now = self.loop.time()
        if self.deadline is not None and now >= self.deadline:
            timeout = self.pending[0].timeout
            self.pool._lost(self, QueryTimeout(f"the request ran for more than {timeout:g} s (setting "
                                               "query_timeout) and was stopped"))
            return
        if self.deadline is not None:
            self._watch_until(self.deadline)
        if len(self.pending) > 1:
            rescue_at = self.started + RESCUE_AFTER
            if now >= rescue_at:
                self._rescue()
            else:
                self._watch_until(rescue_at)

    def _never_ready(self) -> None:
        self.pool._lost(self, StoreUnavailable("a query worker did not start; try again"))

    def _rescue(self) -> None:
        """The running job has taken long: the jobs queued behind it go to another worker (their answers here,
        when they come, are dropped)."""
        for entry in list(self.pending)[1:]:
            if entry.future is not None and not entry.future.done():
                entry.future.set_exception(_Resend())
            entry.future = None
        self.pool._wake()

    def gone(self) -> None:
        """The worker's socket closed: it died (out of memory?). Killed (reaped) before the error is made: its
        exit code is known then."""
        self.kill()
        self.pool._let_go(self, StoreUnavailable(f"the worker stopped unexpectedly (exit code "
                                                 f"{self.process.returncode}) while answering; try again"))

    def kill(self) -> None:
        for timer in (self.starting, self.watchdog, self.retire):
            if timer is not None:
                timer.cancel()
        self.process.kill()
        self.process.wait()
        if self.channel is None or not self.channel.close():
            self.socket.close()


class _Channel(asyncio.Protocol):
    """The server's end of a worker's socket: each whole frame goes to the worker object as it comes."""

    def __init__(self, worker: _Worker):
        self.worker = worker
        self.buffer = bytearray()
        self.transport: asyncio.Transport | None = None
        self.gone = False
        self.outgoing = Cork(worker.loop, self._write)  # jobs sent once the loop has run the callbacks at hand

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while not self.gone and (frame := frames.take(self.buffer)) is not None:
            self.worker.answer(frame)

    def connection_lost(self, exc) -> None:
        if not self.gone:
            self.gone = True
            self.worker.gone()

    def send(self, data: bytes) -> None:
        """Send a job, with the others sent in the same turn of the event loop: one write and one wake-up of the
        worker for all the requests that came together."""
        self.outgoing.write(data)

    def _write(self, jobs: list[bytes]) -> None:
        if not self.gone:
            self.transport.writelines(jobs)

    def close(self) -> bool:
        """Close the transport; False when its event loop is over (the socket is then closed by the caller)."""
        self.gone = True
        if self.transport is None or self.transport.get_extra_info("socket") is None:
            return False
        try:
            self.transport.close()
        except RuntimeError:  # the event loop that ran it is closed
            return False
        return True


def _settle(waiter: asyncio.Future) -> None:
    if not waiter.done():
        waiter.set_result(None)
