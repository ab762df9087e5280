"""User SPARQL and the readers' snapshot when the store is a SPARQL 1.1 server (:mod:`graph.remote`).

The server does the work: :class:`ForwardingPool` hands each query or update to it over the protocol, with the query
timeout as the HTTP timeout. A query whose answer the server writes correctly in the format the client asked for is
sent from the event loop and its answer handed on unparsed (:meth:`graph.remote.SparqlService.forward`), the row limit
checked on the bytes; any other is answered as the local workers answer (:func:`graph.sparql.running.execute`: parsed
and written again), so the endpoint's answers, row limit and errors are the same on either store. An update is
followed by :func:`graph.sparql.running.settle_update` (entities, incidents, counters), as in the embedded store's
update worker (docs/scale-out.md).

:class:`RemoteSnapshot` is always the same store; its version (for the answer cache) is the number of writes by this
process, counted at once, and the change log's size and newest entry (:mod:`graph.changes`), read at most once per
:data:`VERSION_TTL` seconds: in a thread of its own once half of it has passed and at once after a write by this
process, so that requests do not wait for the read (a request past the whole TTL reads it itself). A write by another
eventkg process is seen within :data:`VERSION_TTL` (when it leaves a change-log entry, as every article written or
deleted does); writes by other tools directly to the server, which leave no change-log entry, are not seen by the
cache (docs/scale-out.md).

What leaves the server here is what the operator configured: the store's own URLs. A query's ``SERVICE`` or an
update's ``LOAD`` runs on the SPARQL server, under its own policy (docs/scale-out.md).
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from functools import partial

import pyoxigraph as ox

from graph import changes
from graph.errors import GraphError, InvalidInput
from graph.namespaces import PREFIXES
from graph.remote import query_form
from graph.sparql.errors import QueryTimeout, SparqlError
from graph.sparql.running import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    ROW_MARKS,
    Job,
    UpdateJob,
    too_large,
    execute,
    settle_update,
    update,
)
from graph.sparql.snapshot import PerVersion
from graph.store import EventStore

VERSION_TTL = 1.0  # seconds a change-log version is trusted for (writes of this process: seen at once)


class RemoteSnapshot:
    """The readers' view of a server store: the one :class:`EventStore` over HTTP."""

    def __init__(self, store: EventStore, ttl: float = VERSION_TTL):
        self.store, self.ttl = store, ttl
        self._log: tuple | None = None  # the change log's size and newest entry, as last read
        self._read_at = float("-inf")
        self._writes = 0  # writes by this process so far
        self._reading = False  # a read in the background is under way
        self._lock = threading.Lock()
        self._quads = PerVersion(self.version, partial(len, store))

    def version(self) -> tuple:
        age = time.monotonic() - self._read_at
        if age > self.ttl:
            self._read()
        elif age > self.ttl / 2:  # read it again beside the requests, so that none waits for the read (on the loop)
            self._read_soon()
        # this process's writes count at once: not every write leaves a change-log entry (a SPARQL update, a curation)
        return (self._writes, *self._log)

    def _read_soon(self) -> None:
        with self._lock:
            if self._reading:
                return
            self._reading = True
        threading.Thread(target=self._read_beside, name="eventkg-version", daemon=True).start()

    def _read_beside(self) -> None:
        try:
            self._read()
        except (GraphError, RuntimeError):  # the server did not answer (or the store closed at shutdown): the next
            pass                            # request past the TTL reads it and says so
        finally:
            with self._lock:
                self._reading = False

    def _read(self) -> None:
        read_at = time.monotonic()
        log = changes.log_version(self.store)
        with self._lock:
            self._log, self._read_at = log, read_at

    def changed(self) -> None:
        """A write by this process: it counts in the version at once, and the change log is read again beside the
        requests (a request does not wait on the event loop for that read)."""
        with self._lock:
            self._writes += 1
        self._read_soon()

    def current(self, version: tuple | None = None) -> EventStore:
        return self.store

    current_now = current  # the one store: nothing to open, nothing to wait for (as Snapshot.current_now)

    def quads(self) -> int:
        """The number of quads in the store (``/health``), counted by the server once per :meth:`version`: a count
        reads every quad (at millions of quads an expensive query per health probe), the version a change-log entry
        per article. Writes the version does not see (other tools') are not counted until the next one it sees."""
        return self._quads()


class ForwardingPool:
    """Queries (:class:`Job`) and updates (:class:`UpdateJob`) answered by the server store; an update waits up to
    ``lock_wait`` seconds for the store's writer lease, and ``on_write`` is called once it may have written (the
    answer cache's :meth:`RemoteSnapshot.changed`)."""

    def __init__(self, store: EventStore, *, timeout: float | None = 30.0, lock_wait: float = 10.0,
                 on_write: Callable[[], None] | None = None):
        self.store, self.timeout, self.lock_wait, self.on_write = store, timeout, lock_wait, on_write

    async def run(self, job: Job | UpdateJob, timeout: float | None = None) -> object:
        timeout = self.timeout if timeout is None else timeout
        try:
            async with asyncio.timeout(timeout):  # in this task: no task of its own per request, as wait_for makes
                if isinstance(job, Job):
                    answer = await self._forwarded(job)
                    return answer if answer is not None else await asyncio.to_thread(
                        execute, self.store.native, job, PREFIXES)
                return await asyncio.to_thread(self._update, job)
        except TimeoutError:
            raise QueryTimeout(f"the SPARQL server did not answer within {timeout:g} s (setting query_timeout)") \
                from None

    def _update(self, job: UpdateJob) -> None:
        """The update on the server, then the derived graphs and the dashboard counters after it, as the embedded
        store's update worker does (:func:`graph.sparql.running.settle_update`), holding the
        store's writer lease (:mod:`graph.lease`) as the worker holds the store's lock. ``on_write`` is told here,
        in the thread that writes, after the writing (also when the request's time ran out before it ended): not
        when the update was refused (a :class:`SparqlError`, by :func:`update`'s checks or by the server, which
        runs an update as one transaction), nor when the lease was not had."""
        with self.store.writing(self.lock_wait):
            refused = False
            try:
                update(self.store.native, job, PREFIXES)
                settle_update(self.store)
            except SparqlError:
                refused = True
                raise
            finally:
                if not refused and self.on_write is not None:  # written, or maybe (no answer from the server)
                    self.on_write()

    async def _forwarded(self, job: Job) -> tuple[str, bytes] | None:
        """The media type and the server's own answer, when it can be handed on unparsed; else None."""
        form = query_form(job.text)
        if form is None:  # parsed and written again, as on the embedded store: never a wrong guess of the form
            return None
        graph = form in ("CONSTRUCT", "DESCRIBE")
        media = job.graph_media if graph else job.results_media
        if media is None:  # nothing the client accepts: execute says so
            return None
        params = [("default-graph-uri", g) for g in job.default_graphs or ()]
        params += [("named-graph-uri", g) for g in job.named_graphs or ()]
        try:
            body = await self.store.native.forward(job.text, params, media, prefixes=PREFIXES, base_iri=job.base_iri)
        except InvalidInput as err:  # as execute words the server's refusal
            raise SparqlError(f"the query could not be evaluated: {err}") from None
        if body is not None and job.max_rows is not None and _rows(body, media, job.max_rows) > job.max_rows:
            raise too_large(job.max_rows)
        return None if body is None else (media, body)

    def close(self) -> None:
        """Nothing to stop: the server runs the queries (:meth:`aclose` closes the connections to it)."""

    async def aclose(self) -> None:
        """Close the connections :meth:`run` kept alive, from the event loop that ran it."""
        await self.store.native.aclose()


def _rows(body: bytes, media: str, limit: int) -> int:
    """The number of rows or triples in ``body``, or a bound on it when that is at most ``limit``: its row marks
    (:data:`graph.sparql.running.ROW_MARKS`), and one more for a last line another server may leave without its end."""
    mark = ROW_MARKS.get(media)
    if mark is not None and (bound := body.count(mark) + 1) <= limit:
        return bound
    if media in RESULT_FORMATS:
        answer = ox.parse_query_results(body, RESULT_FORMATS[media])
        return 1 if isinstance(answer, ox.QueryBoolean) else sum(1 for _ in answer)
    return sum(1 for _ in ox.parse(body, GRAPH_FORMATS[media]))
