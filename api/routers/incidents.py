"""``/incidents``: real-world incidents, each the events of several articles that report it, with their source count
and victim figures (:mod:`graph.reading.incidents`); which ones only one source reports, and which have conflicting figures."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response

from api import models
from api.deps import StoreDep
from api.params import Limit, Offset
from api.responses import paginated
from graph.incidents import OCCURRENCES
from graph.reading.incidents import incident, incident_count, incidents
from graph.reading.records import Page

router = APIRouter(prefix="/incidents", tags=["incidents"])


@router.get("", response_model=models.Page[models.IncidentSummary], summary="Incidents, most sources first")
def list_incidents(
    request: Request, response: Response, store: StoreDep,
    single_source: Annotated[bool | None, Query(description=(
        "true: only incidents a single source reports; false: only those reported by several."))] = None,
    conflicting: Annotated[bool | None, Query(description=(
        "true: only incidents whose reports give different victim figures; false: only those that agree."))] = None,
    type: Annotated[Literal[OCCURRENCES] | None, Query(  # type: ignore[valid-type]
        description="The incident's event type.")] = None,
    limit: Limit = 50, offset: Offset = 0,
):
    criteria = {"single_source": single_source, "conflicting": conflicting, "incident_type": type}
    page = Page(incidents(store, **criteria, limit=limit, offset=offset), incident_count(store, **criteria),
                limit, offset)
    return paginated(request, response, page)


@router.get("/{incident_id}", response_model=models.IncidentDetail,
            summary="One incident: its reports (events and articles), sources and victim figures")
def one_incident(incident_id: Annotated[str, Path(max_length=200)], store: StoreDep):
    found = incident(store, incident_id)
    if found is None:
        raise HTTPException(404, f"no incident '{incident_id}'")
    return found
