"""What answers user SPARQL on a store, chosen in one place: for a store folder, the sandboxed worker pools and a
snapshot that follows other processes' writes; for a SPARQL server, the pool that forwards to it and its change-log
snapshot (:mod:`graph.sparql.remote`). ``eventkg serve`` and ``eventkg query`` both open it here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from graph.locations import is_service_url
from graph.sparql.pool import QueryPool, UpdatePool
from graph.sparql.snapshot import Snapshot

if TYPE_CHECKING:  # a server store's modules (rdflib, httpx) are loaded only for one
    from graph.sparql.remote import ForwardingPool, RemoteSnapshot
    from graph.store import EventStore


@dataclass
class Endpoint:
    """The readers' snapshot, the query pool, the update pool (None: updates off) and, for a server store, what to
    call after each REST write by this process (``on_write``; the pool tells it of SPARQL updates itself; a store
    folder's readers see writes in its files) and the store the pools forward to, which :meth:`aclose` closes with
    them."""

    snapshot: Snapshot | RemoteSnapshot
    queries: QueryPool | ForwardingPool
    updates: UpdatePool | ForwardingPool | None
    on_write: Callable[[], None] | None = None
    remote: EventStore | None = None

    async def aclose(self) -> None:
        """Stop the workers, or close the connections to the server (from the event loop that ran the queries)."""
        self.queries.close()
        if self.updates is not None and self.updates is not self.queries:
            self.updates.close()
        if self.remote is not None:
            await self.queries.aclose()
            self.remote.close()


def open_endpoint(store: str | Path, *, base_iri: str, access: dict | None = None, workers: int = 1,
                  timeout: float | None = 30.0, updates: bool = False, lock_wait: float = 10.0,
                  create: bool = False) -> Endpoint:
    """The endpoint of ``store`` (a folder, or a server's query URL reached with ``access``: update URL and
    credentials); ``workers`` query workers for a folder; ``lock_wait`` the seconds an update waits for another
    writer; ``updates`` whether updates are run; ``create``: a missing folder is made a fresh store with the
    ontology first (``eventkg serve``: its readers need a store to open; a server store gets the ontology when it
    is opened)."""
    if is_service_url(store):  # the server runs the queries (docs/scale-out.md)
        from graph.sparql.remote import ForwardingPool, RemoteSnapshot
        from graph.store import EventStore

        # open for the server's life: it holds the writer lease only while it writes (graph/lease.py)
        remote = EventStore(str(store), base_iri=base_iri, lease=False, **(access or {}))
        snapshot = RemoteSnapshot(remote)
        # the answer cache learns this process's writes at once (others' within a second): SPARQL updates from the
        # pool that runs them, REST writes from on_write
        queries = ForwardingPool(remote, timeout=timeout, lock_wait=lock_wait, on_write=snapshot.changed)
        return Endpoint(snapshot, queries, queries if updates else None, snapshot.changed, remote)
    if create and not Path(store).is_dir():
        from graph.store import EventStore  # rdflib and the writer's modules: loaded for a new store only

        EventStore(store, base_iri=base_iri).close()
    return Endpoint(Snapshot(store, base_iri), QueryPool(store, size=workers, timeout=timeout),
                    UpdatePool(store, base_iri=base_iri, timeout=timeout, lock_wait=lock_wait) if updates else None)
