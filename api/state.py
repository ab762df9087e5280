"""What the server keeps for its requests (on ``app.state``, set up by :class:`api.app.Server` at startup): the writer,
the spaCy extractor, and the store version a request is read at. No FastAPI here: the server loads the REST app
(:mod:`api.rest`) only when a request needs it."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from api.settings import Settings
from graph.errors import Unavailable

if TYPE_CHECKING:
    from graph.store import EventStore

T = TypeVar("T")

STORE_VERSION = "store_version"  # request state: the store version the response cache read for this request


async def health(state) -> dict:
    """``/health``: the store readable, and its number of quads, as the readers' snapshot counts them
    (:meth:`graph.sparql.Snapshot.quads`: a store folder's by a process of its own; a server store's by the server;
    each once per version of the store), in a thread: a count at 1M quads takes about half a second. The store's
    name only (its folder's, or ``server``): HTTP answers never show where files are."""
    return {"status": "ok", "store": state.settings.store_name, "quads": await asyncio.to_thread(state.snapshot.quads)}


class Writer:
    """Opens the store read-write only for the time of one write, so that ``eventkg ingest`` in another process can
    write between the server's writes, and readers (read-only snapshots) never block anyone.

    RocksDB allows one writing process: while another holds the lock, :meth:`write` waits (the setting
    ``store_lock_wait``, at most 10 s: a request should not hang longer) and then raises
    :class:`graph.errors.StoreBusy`.
    """

    def __init__(self, settings: Settings):
        self.settings, self.wait = settings, min(settings.store_lock_wait, 10.0)
        self._lock = threading.Lock()  # one write at a time inside this process
        self.on_write: Callable[[], None] | None = None  # told after each write (a server store's answer cache)

    def write(self, change: Callable[[EventStore], T]) -> T:
        from graph.store import open_for_writing  # rdflib and the writer's modules: loaded by the first write

        with self._lock:
            store = open_for_writing(self.settings.store, base_iri=self.settings.base_iri, wait=self.wait,
                                     **self.settings.store_access)
            try:
                with store:
                    return change(store)
            finally:  # a close that failed may still have written part of the change: the cache must hear of it
                if self.on_write is not None:
                    self.on_write()


class Extractors:
    """The spaCy extractor, loaded on the first ingest (seconds) and then shared; :class:`graph.errors.Unavailable`
    (HTTP 503) while the model of the settings cannot be loaded."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._extractor = None

    def get(self):
        with self._lock:
            if self._extractor is None:
                try:
                    self._extractor = self.settings.extractor()
                except OSError as err:  # spaCy's "can't find model" (its words name folders)
                    raise Unavailable(f"the spaCy model {self.settings.model!r} cannot be loaded: set EVENTKG_MODEL "
                                      "to an installed spaCy pipeline") from err
            return self._extractor
