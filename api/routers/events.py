"""``/events``: events filtered by type, actor, place, time and modality; one event with its roles and evidence.

An event's id is ``<article id>/<event id>``: ``/events/isis-global-offensive/ev3``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request

from api import models
from api.deps import StoreDep
from api.routers import IsoTime, Limit, Offset
from extract.model import EVENT_TYPES, MODALITIES
from graph import views

router = APIRouter(prefix="/events", tags=["events"])
EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]
Modality = Literal[MODALITIES]  # type: ignore[valid-type]
EntityKey = Annotated[str | None, Query(max_length=500, description="An entity key, e.g. organization/isis.")]


@router.get("", response_model=models.Page[models.EventSummary], summary="Events, filtered")
def list_events(request: Request, store: StoreDep, type: EventType | None = None,
                actor: EntityKey = None, place: EntityKey = None, modality: Modality | None = None,
                start: Annotated[IsoTime, Query(alias="from")] = None, end: Annotated[IsoTime, Query(alias="to")] = None,
                limit: Limit = 50, offset: Offset = 0):
    page = views.events(store, type=type, actor=actor, place=place, modality=modality, start=start, end=end,
                        limit=limit, offset=offset)
    return models.json_page(request, page)


@router.get("/{event_id:path}", response_model=models.EventDetail, summary="One event: roles, time, evidence")
async def event(event_id: str, request: Request):
    # One event and its few edges: small enough for the event loop (see models.read_small).
    try:
        found = await models.read_small(request, 1, views.event, event_id)
    except views.InvalidFilter:
        found = None
    if found is None:
        raise HTTPException(404, f"no event '{event_id}'")
    return models.json_response(found)
