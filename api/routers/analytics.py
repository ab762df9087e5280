"""``/analytics``: centrality, communities, the shortest connection between two entities, and the event timeline,
computed by :mod:`graph.analytics` on the networkx projection of the graph (filtered like ``eventkg analyze``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query

from api import models
from api.deps import StoreDep
from api.routers import IsoTime
from extract.model import EVENT_TYPES, MODALITIES, PREDICATES
from graph.analytics.centrality import MEASURES, RankedEntity, centrality
from graph.analytics.communities import communities
from graph.analytics.network import Network, top_network
from graph.analytics.paths import Hop, shortest_connection
from graph.analytics.timeline import GRANULARITIES, TimelineRow, timeline
from graph.projection import shared_projection
from graph.store import EventStore

router = APIRouter(prefix="/analytics", tags=["analytics"])


@dataclass
class Filters:
    """The projection filters every analytics and graph export endpoint takes."""

    type: Annotated[list[Literal[EVENT_TYPES]] | None, Query(description="Event types to keep.")] = None  # type: ignore[valid-type]
    predicate: Annotated[list[Literal[PREDICATES]] | None, Query(description="Predicates to keep.")] = None  # type: ignore[valid-type]
    modality: Annotated[list[Literal[MODALITIES]], Query(description="Modalities to keep.")] = ("asserted",)  # type: ignore[valid-type]
    start: Annotated[IsoTime, Query(alias="from")] = None
    end: Annotated[IsoTime, Query(alias="to")] = None
    min_confidence: Annotated[float, Query(ge=0, le=1)] = 0.0

    def project(self, store: EventStore):
        return shared_projection(store, **self.as_kwargs())

    def as_kwargs(self) -> dict:
        return dict(predicates=self.predicate, event_types=self.type, start=self.start, end=self.end,
                    min_confidence=self.min_confidence, modalities=list(self.modality))


FiltersDep = Annotated[Filters, Depends()]


@router.get("/centrality", response_model=list[RankedEntity], summary="Entities ranked by centrality")
def rank(store: StoreDep, filters: FiltersDep, measure: Literal[MEASURES] = "pagerank",  # type: ignore[valid-type]
         top: Annotated[int, Query(ge=1, le=10_000)] = 20):
    return centrality(filters.project(store), measure, top=top)


@router.get("/communities", response_model=list[models.Community], summary="Louvain communities")
def find_communities(store: StoreDep, filters: FiltersDep,
                     resolution: Annotated[float, Query(gt=0, le=100)] = 1.0):
    return [models.Community(size=len(c), members=c) for c in communities(filters.project(store), resolution=resolution)]


@router.get("/network", response_model=Network, summary="The most connected entities and the edges among them")
def network(store: StoreDep, filters: FiltersDep,
            top: Annotated[int, Query(ge=1, le=2000, description="Entities to keep, by degree.")] = 150):
    return top_network(filters.project(store), top)


@router.get("/path", response_model=list[Hop], summary="Shortest connection between two entities, with evidence")
def path(store: StoreDep, filters: FiltersDep,
         source: Annotated[str, Query(max_length=500, description="Entity key, IRI, label or alias.")],
         target: Annotated[str, Query(max_length=500, description="Entity key, IRI, label or alias.")]):
    G = filters.project(store)
    return shortest_connection(G, _node(store, G, source), _node(store, G, target))


def _node(store: EventStore, G, ref: str) -> str:
    """An entity key names its IRI; anything else (IRI, label, alias) is resolved by the analytics."""
    iri = str(store.iris.entity(ref))
    return iri if iri in G else ref


@router.get("/timeline", response_model=list[TimelineRow], summary="Events per period and type")
def events_timeline(store: StoreDep, filters: FiltersDep,
                    granularity: Literal[tuple(GRANULARITIES)] = "month"):  # type: ignore[valid-type]
    return timeline(store, granularity=granularity, event_types=filters.type, start=filters.start, end=filters.end,
                    min_confidence=filters.min_confidence or None, modalities=list(filters.modality))
