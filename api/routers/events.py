"""``/events``: events filtered by type, actor, place, time, modality, confidence and text, sorted, or changed since a
time; one event with its roles and evidence.

An event's id is ``<article id>/<event id>``: ``/events/isis-global-offensive/ev3``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request

from api import models
from api.deps import StoreDep
from api.params import LABELS, EntityName, Limit, MinConfidence, Modalities, Offset, Since, Time, Types
from api.responses import json_page, json_response, read_small
from graph import reading
from graph.filters import Filter, InvalidFilter

router = APIRouter(prefix="/events", tags=["events"])
AMBIGUOUS = {400: {"model": models.Ambiguous, "description": "A bad value, or a name that fits several entities."}}


@router.get("", response_model=models.Page[models.EventSummary], responses=AMBIGUOUS, summary="Events, filtered")
def list_events(request: Request, store: StoreDep, type: Types = None, actor: EntityName = None,
                place: EntityName = None, modality: Modalities = None,
                start: Annotated[Time, Query(alias="from")] = None, end: Annotated[Time, Query(alias="to")] = None,
                min_confidence: MinConfidence = 0.0,
                q: Annotated[str | None, Query(max_length=200,
                                               description="Part of the label or sentence, any case.")] = None,
                since: Since = None,
                article: Annotated[str | None, Query(max_length=1000, description="An article's id.")] = None,
                sort: Annotated[Literal[reading.SORTS] | None, Query(  # type: ignore[valid-type]
                    description="time (oldest first), -time (newest first), confidence, -confidence; undated events "
                    "last. Without it: the store's index order, cheapest.")] = None,
                limit: Limit = 50, offset: Offset = 0):
    places = [reading.resolve(store, place, entity_type="Place", what="place")] if place is not None else None
    filter = Filter.parse(event_types=type, modalities=modality, start=start, end=end, min_confidence=min_confidence,
                          places=places, labels=LABELS)
    actor_key = reading.resolve(store, actor, what="actor") if actor is not None else None
    page = reading.events(store, filter, actor=actor_key, article=article, q=q, since=since, sort=sort, limit=limit,
                          offset=offset)
    return json_page(request, page)


@router.get("/{event_id:path}", response_model=models.EventDetail, summary="One event: roles, time, evidence")
async def event(event_id: str, request: Request):
    # One event and its few edges: small enough for the event loop (see api.responses.read_small).
    try:
        found = await read_small(request, 1, reading.event, event_id)
    except InvalidFilter:
        found = None
    if found is None:
        raise HTTPException(404, f"no event '{event_id}'")
    return json_response(found)
