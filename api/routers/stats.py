"""``/stats`` (counts of what the graph holds) and ``/health``."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api import models
from api.deps import StoreDep
from api.state import health as health_report
from graph import reading

router = APIRouter(tags=["service"])


@router.get("/stats", response_model=models.Stats, summary="Articles, events, entities and relations by type")
def stats(store: StoreDep):
    return reading.stats(store)


@router.get("/health", response_model=models.Health, summary="The server is up and its store readable")
async def health(request: Request):
    # GET is answered in front of this app (api.app.Server): this route describes it in the OpenAPI document
    return await health_report(request.app.state)
