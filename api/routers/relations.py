"""``/relations``: direct edges (who did what to whom) with their evidence, filtered."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from api import models
from api.deps import StoreDep
from api.routers import IsoTime, Limit, Offset
from api.routers.events import EntityKey
from extract.model import PREDICATES
from graph import views

router = APIRouter(prefix="/relations", tags=["relations"])
Predicate = Literal[PREDICATES]  # type: ignore[valid-type]


@router.get("", response_model=models.Page[models.Relation], summary="Direct edges with evidence, filtered")
def list_relations(request: Request, store: StoreDep, predicate: Predicate | None = None,
                   subject: EntityKey = None, object: EntityKey = None,
                   start: Annotated[IsoTime, Query(alias="from")] = None,
                   end: Annotated[IsoTime, Query(alias="to")] = None, limit: Limit = 50, offset: Offset = 0):
    page = views.relations(store, predicate=predicate, subject=subject, object=object, start=start, end=end,
                           limit=limit, offset=offset)
    return models.json_page(request, page)
