"""``/relations``: direct edges (who did what to whom) with their evidence, filtered."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api import models
from api.deps import StoreDep
from api.params import LABELS, EntityName, Limit, Offset, Predicate, Time
from api.responses import json_page
from graph import reading
from graph.filters import Filter

router = APIRouter(prefix="/relations", tags=["relations"])


@router.get("", response_model=models.Page[models.Relation], summary="Direct edges with evidence, filtered")
def list_relations(request: Request, store: StoreDep, predicate: Predicate | None = None,
                   subject: EntityName = None, object: EntityName = None,
                   start: Annotated[Time, Query(alias="from")] = None,
                   end: Annotated[Time, Query(alias="to")] = None, limit: Limit = 50, offset: Offset = 0):
    times = Filter.parse(start=start, end=end, labels=LABELS)
    subject, object = (reading.resolve(store, name) if name is not None else None for name in (subject, object))
    page = reading.relations(store, predicate=predicate, subject=subject, object=object, start=times.start,
                             end=times.end, limit=limit, offset=offset)
    return json_page(request, page)
