"""What the REST endpoints get injected: settings, the store (a read-only snapshot), the update worker pool, the
writer, the token check and the extractor. Everything lives on ``app.state``, set up by :class:`api.app.Server`
(:mod:`api.state`).

Every dependency is ``async def``: FastAPI runs a sync dependency in its thread pool, a trip that costs more than
the dependency itself (each took 0.2–0.5 ms under load)."""

from __future__ import annotations

import asyncio
import secrets
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.settings import Settings
from api.state import STORE_VERSION, Extractors, Writer
from graph.sparql import Snapshot, UpdatePool
from graph.store import EventStore


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_store(request: Request) -> EventStore:
    """The store snapshot as of now (reopened only after a write), at the version the response cache already read for
    this request, when it did, so that the store is looked at once per request. The snapshot already open is handed
    out here, on the event loop (microseconds); one to reopen after a write is opened in a thread (tens of
    milliseconds, up to half a second while a writer compacts), so that it does not hold up every other request."""
    snapshot: Snapshot = request.app.state.snapshot
    version = getattr(request.state, STORE_VERSION, None)
    store = snapshot.current_now(version)
    return store if store is not None else await asyncio.to_thread(snapshot.current, version)


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
