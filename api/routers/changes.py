"""``/changes``: the change feed. Articles written (new or replaced, with their events) or deleted after a time."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api import models
from api.deps import StoreDep
from api.params import Limit, Offset, Since
from api.responses import json_page
from graph import reading

router = APIRouter(prefix="/changes", tags=["changes"])


@router.get("", response_model=models.Page[models.Change], summary="What changed since a time, deletions included")
def changes(request: Request, store: StoreDep, since: Since = None, limit: Limit = 100, offset: Offset = 0):
    """Oldest first. Keep the ``at`` of the last item and ask ``?since=<at>`` next; for each ``ingested`` article
    fetch ``/articles/{id}`` (or ``/events?article=…``) again, for each ``deleted`` one drop what you had of it.
    Articles bulk-loaded as RDF (``eventkg load``) have no entry."""
    return json_page(request, reading.changes(store, since, limit=limit, offset=offset))
