"""User SPARQL and the readers' snapshot when the store is a SPARQL 1.1 server (:mod:`graph.remote`).

The server does the work: :class:`ForwardingPool` hands each query or update to it over the protocol, with the query
timeout as the HTTP timeout, and serialises the answer as the local workers do (:func:`graph.sparql.running.execute`),
so the endpoint's answers, row limit and errors are the same on either store. :class:`RemoteSnapshot` is always the
same store; its version (for the answer cache) is the change log's size and newest entry (:mod:`graph.changes`), one
small query per request, so a write through eventkg empties the cache. Writes by other tools directly to the server are
not seen by the cache (docs/scale-out.md).

What leaves the server here is what the operator configured: the store's own URLs. A query's ``SERVICE`` or an
update's ``LOAD`` runs on the SPARQL server, under its own policy (docs/scale-out.md).
"""

from __future__ import annotations

import asyncio

from graph.namespaces import PREFIXES
from graph.sparql.errors import QueryTimeout
from graph.sparql.running import Job, UpdateJob, execute, update
from graph.store import EventStore

_PREFIXES = {prefix: str(iri) for prefix, iri in PREFIXES.items()}


class RemoteSnapshot:
    """The readers' view of a server store: the one :class:`EventStore` over HTTP."""

    def __init__(self, store: EventStore):
        self.store = store

    def version(self) -> tuple:
        (row,) = self.store.select(
            f"SELECT (COUNT(*) AS ?n) (MAX(STR(?t)) AS ?last) WHERE {{ GRAPH <{self.store.iris.changes_graph}> "
            "{ ?article ?change ?t } }")
        return tuple(None if row[v] is None else row[v].value for v in ("n", "last"))

    def current(self, version: tuple | None = None) -> EventStore:
        return self.store


class ForwardingPool:
    """Queries (:class:`Job`) and updates (:class:`UpdateJob`) answered by the server store, off the event loop."""

    def __init__(self, store: EventStore, *, timeout: float | None = 30.0):
        self.store, self.timeout = store, timeout

    async def run(self, job: Job | UpdateJob, timeout: float | None = None) -> object:
        timeout = self.timeout if timeout is None else timeout
        work = (lambda: update(self.store.native, job, _PREFIXES)) if isinstance(job, UpdateJob) else (
            lambda: execute(self.store.native, job, _PREFIXES))
        try:
            return await asyncio.wait_for(asyncio.to_thread(work), timeout)
        except TimeoutError:
            raise QueryTimeout(f"the SPARQL server did not answer within {timeout:g} s (setting query_timeout)") \
                from None

    def close(self) -> None:
        """Nothing to stop: the server runs the queries."""
