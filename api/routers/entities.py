"""``/entities``: search by label or alias, one entity with its relations and events, its neighbourhood.

An entity's id in URLs is its key as is, slash included: ``/entities/organization/isis``,
``/entities/organization/isis/neighbors?depth=2``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query, Request

from api import models
from api.deps import StoreDep
from api.params import Limit, Offset
from api.responses import json_page, json_response, read_small
from graph import reading

router = APIRouter(prefix="/entities", tags=["entities"])
EntityType = Literal["Person", "Organization", "Group", "Place"]


@router.get("", response_model=models.Page[models.EntitySummary], summary="Search entities by label and alias")
def search(request: Request, store: StoreDep,
           q: Annotated[str | None, Query(max_length=200, description="Part of a label or alias, any case.")] = None,
           type: EntityType | None = None, limit: Limit = 20, offset: Offset = 0):
    return json_page(request, reading.search_entities(store, q, type, limit=limit, offset=offset))


@router.get("/{key:path}/neighbors", response_model=models.Neighborhood, summary="Entities within depth hops")
def neighbors(key: str, store: StoreDep, depth: Annotated[int, Query(ge=1, le=3)] = 1,
              limit: Annotated[int, Query(ge=1, le=1000, description=(
                  "Entities at most, the center included: each hop adds those linked by the most statements."))] = 200):
    """The entities linked to this one, hop by hop, the most linked first; at most 1,000 statements are read (a hub
    has thousands), and ``truncated`` says when that or ``limit`` cut the neighbourhood short."""
    found = reading.neighbors(store, key, depth, limit=limit)
    if found is None:
        raise HTTPException(404, f"no entity '{key}'")
    return json_response(found)


@router.get("/{key:path}", response_model=models.EntityDetail, summary="One entity, its relations and events")
async def entity(key: str, request: Request, limit: Annotated[int, Query(
        ge=1, le=1000, description="Articles, relations (each direction) and events listed; the totals count all, "
        "and /relations?subject=…, /relations?object=…, /events?actor=… page through them.")] = 10):
    # The store comes from read_small, not StoreDep: a sync dependency is a trip through the thread pool.
    found = await read_small(request, limit, reading.entity, key, limit=limit)
    if found is None:
        raise HTTPException(404, f"no entity '{key}'")
    return json_response(found)
