"""What endpoints get injected: settings, the store (a read-only snapshot), the SPARQL worker pool, the writer, the
token check and the extractor. Everything lives on ``app.state``, set up by :func:`api.app.create_app`.

Every dependency is ``async def``: FastAPI runs a sync dependency in its thread pool, a trip that costs more than
the dependency itself (each took 0.2–0.5 ms under load)."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.settings import Settings
from graph.sparql import Snapshot, UpdatePool
from graph.store import EventStore, StoreBusy, open_for_writing

T = TypeVar("T")


class Writer:
    """Opens the store read-write only for the time of one write, so that ``eventkg ingest`` in another process can
    write between the server's writes, and readers (read-only snapshots) never block anyone.

    RocksDB allows one writing process: while another holds the lock, :meth:`write` waits (the setting
    ``store_lock_wait``, at most 10 s: a request should not hang longer) and then raises :class:`StoreBusy`.
    """

    def __init__(self, settings: Settings):
        self.settings, self.wait = settings, min(settings.store_lock_wait, 10.0)
        self._lock = threading.Lock()  # one write at a time inside this process
        self.on_write: Callable[[], None] | None = None  # told after each write (a server store's answer cache)

    def write(self, change: Callable[[EventStore], T]) -> T:
        with self._lock:
            store = open_for_writing(self.settings.store, base_iri=self.settings.base_iri, wait=self.wait,
                                     **self.settings.store_access)
            try:
                return change(store)
            finally:
                store.close()
                if self.on_write is not None:
                    self.on_write()


class Extractors:
    """The spaCy extractor, loaded on the first ingest (seconds) and then shared."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.Lock()
        self._extractor = None

    def get(self):
        with self._lock:
            if self._extractor is None:
                from extract.pipeline import Extractor

                self._extractor = Extractor(model=self.settings.model, batch_size=self.settings.batch_size,
                                            piece_chars=self.settings.piece_chars)
            return self._extractor


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


STORE_VERSION = "store_version"  # request state: the store version the response cache read for this request


def current_store(request: Request) -> EventStore:
    """The store snapshot as of now (reopened only after a write); at the version the response cache already read
    for this request, when it did, so that the store is looked at once per request."""
    snapshot: Snapshot = request.app.state.snapshot
    return snapshot.current(getattr(request.state, STORE_VERSION, None))


async def get_store(request: Request) -> EventStore:
    return current_store(request)


async def get_updates(request: Request) -> UpdatePool | None:
    """The update worker, or None when SPARQL Update is disabled."""
    return request.app.state.update_pool


async def get_writer(request: Request) -> Writer:
    return request.app.state.writer


async def get_extractors(request: Request) -> Extractors:
    return request.app.state.extractors


_bearer = HTTPBearer(auto_error=False, description="The API token (setting EVENTKG_API_TOKEN).")


async def require_token(
    settings: Annotated[Settings, Depends(get_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> None:
    """Writes need ``Authorization: Bearer <EVENTKG_API_TOKEN>``; with no token configured, writes are disabled."""
    if not settings.api_token:
        raise HTTPException(403, "writes are disabled: no API token is configured (EVENTKG_API_TOKEN)")
    if credentials is None or not secrets.compare_digest(credentials.credentials, settings.api_token):
        raise HTTPException(401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"})


SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[EventStore, Depends(get_store)]
UpdatesDep = Annotated[UpdatePool | None, Depends(get_updates)]
WriterDep = Annotated[Writer, Depends(get_writer)]
ExtractorsDep = Annotated[Extractors, Depends(get_extractors)]
TokenDep = Depends(require_token)
