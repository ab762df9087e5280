"""The public contract of the REST API: the JSON every endpoint answers with, documented in OpenAPI. Schemas only:
parameters are in :mod:`api.params`, how answers are made in :mod:`api.responses`.

The resources' schemas are the records :mod:`graph.reading` returns (plain dataclasses, each field's description in
its metadata), named here: a field lives in one place, and the answers are those records serialised as they are. The
analytics answers (``RankedEntity``, ``RankedCount``, ``Hop``, ``Timeline``, ``Community``) are the dataclasses of
:mod:`graph.analytics` in the same way. What only the API says (errors, ingest results, stats) is below.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from graph.reading.records import (ArticleDetail, ArticleSummary, Candidate, Change, EntityDetail, EntitySummary,
                                   EventDetail, EventSummary, IncidentDetail, IncidentReport, IncidentSummary,
                                   NeighborEdge, Neighborhood, Page, Ref, Relation, Role)

__all__ = [
    "Ambiguous", "ArticleDetail", "ArticleSummary", "Candidate", "Change", "EntityDetail", "EntitySummary",
    "EventDetail", "EventSummary", "Health", "IncidentDetail", "IncidentReport", "IncidentSummary", "IngestResult",
    "NeighborEdge", "Neighborhood", "Page", "Problem", "Ref", "Relation", "Role", "Stats",
]


class Model(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Problem(Model):
    detail: str = Field(description="What went wrong, for a person to read.")


class IngestResult(Model):
    id: str
    status: str = Field(description="new, updated or unchanged")
    extraction: dict[str, Any] = Field(description="What was extracted, in the form of `eventkg extract --format json`.")


class Ambiguous(Problem):
    candidates: list[Candidate] = Field(description="The entities the name fits, the most mentioned first.")


class Stats(Model):
    articles: int
    events: int
    events_by_type: dict[str, int]
    entities: int
    entities_by_type: dict[str, int]
    relations: int
    relations_by_predicate: dict[str, int]
    graphs: int
    quads: int


class Health(Model):
    status: str
    store: str
    quads: int


