"""``/stats`` (counts of what the graph holds) and ``/health``."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api import models
from api.deps import SettingsDep, StoreDep

router = APIRouter(tags=["service"])


@router.get("/stats", response_model=models.Stats, summary="Articles, events, entities and relations by type")
def stats(store: StoreDep):
    return store.stats()


@router.get("/health", response_model=models.Health, summary="The server is up and its store readable")
def health(request: Request, store: StoreDep, settings: SettingsDep):
    # the folder's name only: HTTP answers never show where files are
    if settings.store_is_remote:
        return models.Health(status="ok", store="server", quads=len(store))
    # counted once per version of the store, without filling this process's caches (graph.sparql.Snapshot.quads)
    return models.Health(status="ok", store=settings.store_path.name, quads=request.app.state.snapshot.quads())
