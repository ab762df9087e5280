"""``/analytics``: centrality, communities and the shortest connection between two entities, computed by
:mod:`graph.analytics` on the networkx projection of the graph (filtered like ``eventkg analyze``); the event timeline
and the entities with most events, from the counters the store maintains."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api import models
from api.deps import StoreDep
from api.params import LABELS, GraphFilter, MinConfidence, Modalities, NetworkView, Time, Types
from api.responses import json_response, read_inline
from graph import reading
from graph.analytics import Community, described
from graph.analytics.centrality import MEASURES, RankedEntity, centrality
from graph.analytics.communities import communities
from graph.analytics.network import Network, network
from graph.analytics.paths import Hop, shortest_connection
from graph.analytics.timeline import GRANULARITIES, Timeline, timeline, timeline_from_counters
from graph.analytics.top import KINDS, RankedCount, ranking_from_counters, top_entities
from graph.filters import Filter
from graph.projection import shared_projection

router = APIRouter(prefix="/analytics", tags=["analytics"])
Entity = Annotated[str, Query(max_length=500, description="Entity key, IRI, label or alias.")]


@router.get("/centrality", response_model=list[RankedEntity], summary="Entities ranked by centrality")
def rank(store: StoreDep, filter: GraphFilter, measure: Literal[MEASURES] = "pagerank",  # type: ignore[valid-type]
         top: Annotated[int, Query(ge=1, le=10_000)] = 20):
    return centrality(shared_projection(store, filter), measure, top=top)


@router.get("/communities", response_model=list[Community], summary="Louvain communities, with labels and types")
def find_communities(store: StoreDep, filter: GraphFilter,
                     resolution: Annotated[float, Query(gt=0, le=100)] = 1.0):
    G = shared_projection(store, filter)
    return described(G, communities(G, resolution=resolution))


@router.get("/network", response_model=Network, summary="The most connected entities, or an entity's strongest "
            "connections, and the edges among them")
def network_part(store: StoreDep, filter: GraphFilter, view: NetworkView):
    """What the explorer draws; ``/export/{format}`` with the same parameters downloads the same part."""
    return network(shared_projection(store, filter), view)


@router.get("/path", response_model=list[Hop], summary="Shortest connection between two entities, with evidence",
            responses={400: {"model": models.Ambiguous, "description": "A name that fits several entities."}})
def path(store: StoreDep, filter: GraphFilter, source: Entity, target: Entity):
    """``source`` and ``target`` as keys, IRIs, labels or aliases; a name that fits several entities is a 400 with
    the candidates, the most mentioned first; one not in the network (with the filters given) a 404."""
    ends = [str(store.iris.entity(reading.resolve(store, name))) for name in (source, target)]
    return shortest_connection(shared_projection(store, filter), *ends)


@router.get("/timeline", response_model=Timeline, summary="Events per period and type, zero-filled")
async def events_timeline(store: StoreDep, type: Types = None,
                          modality: Modalities = ("asserted",),
                          start: Annotated[Time, Query(alias="from")] = None,
                          end: Annotated[Time, Query(alias="to")] = None,
                          min_confidence: MinConfidence = 0.0,
                          place: Annotated[list[str] | None, Query(description=(
                              "Places (key, label or alias, repeatable): events in them or in places inside them."))] = None,
                          granularity: Literal[tuple(GRANULARITIES)] = "month"):  # type: ignore[valid-type]
    """One row per period of ``granularity`` and event type, every period from the first event (or ``from``) to the
    last (or ``to``), zero where nothing happened; events dated more coarsely than the granularity (a year in a
    monthly timeline) are counted in ``coarser``, undated ones in ``undated``."""
    filter = Filter.parse(event_types=type, modalities=modality, start=start, end=end,
                          min_confidence=min_confidence, labels=LABELS)
    if place:  # names to resolve, and a count by SPARQL: off the event loop
        return json_response(await read_inline(False, _placed_timeline, store, filter, place, granularity))
    # from the counters kept at write time: cheaper on the event loop than a trip through the thread pool
    inline = not store.remote and timeline_from_counters(store, filter, granularity)
    return json_response(await read_inline(inline, timeline, store, filter, granularity=granularity))


def _placed_timeline(store, filter: Filter, names: list[str], granularity: str) -> Timeline:
    places = tuple(reading.resolve(store, name, entity_type="Place", what="place") for name in names)
    return timeline(store, replace(filter, places=places), granularity=granularity)


@router.get("/top/{kind}", response_model=list[RankedCount],
            summary="The agents or places with the most events")
async def top(store: StoreDep, kind: Literal[tuple(KINDS)], type: Types = None,  # type: ignore[valid-type]
              modality: Modalities = ("asserted",), start: Annotated[Time, Query(alias="from")] = None,
              end: Annotated[Time, Query(alias="to")] = None, min_confidence: MinConfidence = 0.0,
              top: Annotated[int, Query(ge=1, le=1000)] = 20):
    """``agent``: the entities that were agents of most events; ``place``: the places where most events took place
    (the place named, not the places around it)."""
    filter = Filter.parse(event_types=type, modalities=modality, start=start, end=end,
                          min_confidence=min_confidence, labels=LABELS)
    # from the counters kept at write time: cheaper on the event loop than a trip through the thread pool
    inline = not store.remote and top <= 100 and ranking_from_counters(store, filter)
    return json_response(await read_inline(inline, top_entities, store, kind, filter, top=top))
