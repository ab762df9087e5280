"""Query parameters the routers share: paging, entity names and the graph :class:`~graph.filters.Filter`.

Values FastAPI can check from the schema alone (an event type from the closed list, a limit) are checked there (422);
the rest go to the graph layer's one parser (:meth:`graph.filters.Filter.parse`), whose errors are 400 with a message
that names the parameter and the accepted forms (``from 'last-week' is not an ISO date, month or year; use …``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query

from api.deps import StoreDep
from extract.model import EVENT_TYPES, MODALITIES, PREDICATES
from graph import reading
from graph.analytics.network import View
from graph.filters import Filter

Limit = Annotated[int, Query(ge=1, le=1000, description="Items per page.")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Items to skip.")]
EventType = Literal[EVENT_TYPES]  # type: ignore[valid-type]
Modality = Literal[MODALITIES]  # type: ignore[valid-type]
Predicate = Literal[PREDICATES]  # type: ignore[valid-type]
EntityName = Annotated[str | None, Query(max_length=500, description=(
    "An entity key (organization/isis), a label or an alias (ISIS, Daesh); a name that fits several entities is "
    "a 400 listing them, the most mentioned first."))]
Time = Annotated[str | None, Query(max_length=40, description=(
    "ISO date, month or year (2022-03-15, 2022-03, 2022); events whose time overlaps are kept."))]
Since = Annotated[str | None, Query(max_length=40, description=(
    "Only what was written after this time (ISO 8601, UTC unless it says otherwise): pass the `at` of the last "
    "change read from /changes."))]
Types = Annotated[list[EventType] | None, Query(description="Event types to keep (repeatable).")]
Modalities = Annotated[list[Modality] | None, Query(description="Modalities to keep (repeatable).")]
MinConfidence = Annotated[float, Query(ge=0, le=1, description="Events and edges at least this confident.")]

# How the REST parameters are spelled, for the parser's messages.
LABELS = {"event_types": "type", "predicates": "predicate", "modalities": "modality", "start": "from", "end": "to",
          "places": "place"}


async def graph_filter(
    type: Types = None,
    predicate: Annotated[list[Predicate] | None, Query(description="Predicates to keep (repeatable).")] = None,
    modality: Annotated[list[Modality], Query(description="Modalities to keep (repeatable).")] = ("asserted",),
    start: Annotated[Time, Query(alias="from")] = None,
    end: Annotated[Time, Query(alias="to")] = None,
    min_confidence: MinConfidence = 0.0,
    roll_up: Annotated[bool, Query(description=(
        "Replace article-local actors (police, gunmen, 11 people) by the named entity their article says they belong "
        "to (a country's forces, the group that claimed the attack), so actors connect across articles."))] = False,
) -> Filter:
    """The filters of the entity network (analytics and graph exports), as ``eventkg analyze``/``export`` take them."""
    return Filter.parse(event_types=type, predicates=predicate, modalities=modality, start=start, end=end,
                        min_confidence=min_confidence, roll_up=roll_up, labels=LABELS)


GraphFilter = Annotated[Filter, Depends(graph_filter)]


_TOP = Query(ge=1, le=2000, description=(
    "Entities to keep: those with the most distinct neighbours or, with `center`, its neighbours with the most "
    "statements with it."))
Top = Annotated[int, _TOP]
MaxEdges = Annotated[int, Query(ge=0, le=20_000, description="Edges to keep among them, those with most statements.")]
Center = Annotated[str | None, Query(max_length=500, description=(
    "An entity (key, label or alias): its ego network instead of the most connected entities."))]


def network_view(store: StoreDep, top: Top = 150, max_edges: MaxEdges = 1000, center: Center = None) -> View:
    """The part of the filtered network a picture shows (``/analytics/network``)."""
    return View(top, max_edges, str(store.iris.entity(reading.resolve(store, center))) if center else None)


def export_view(store: StoreDep, top: Annotated[int | None, _TOP] = None, max_edges: MaxEdges = 1000,
                center: Center = None) -> View | None:
    """With ``top`` or ``center``, the part of the network ``/analytics/network`` answers with the same parameters;
    otherwise (None) the whole filtered network."""
    return network_view(store, top or View.top, max_edges, center) if top or center else None


NetworkView = Annotated[View, Depends(network_view)]
ExportView = Annotated[View | None, Depends(export_view)]
