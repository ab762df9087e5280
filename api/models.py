"""The public contract of the REST API: the JSON every endpoint answers with, documented in OpenAPI. Schemas only:
parameters are in :mod:`api.params`, how answers are made in :mod:`api.responses`.

The models read the plain dataclasses of :mod:`graph.reading` (``from_attributes``), so the graph layer stays free of
HTTP and these classes say, with a description per field, exactly what clients may rely on. The analytics answers
(``RankedEntity``, ``Hop``, ``Timeline``, ``Community``) are the dataclasses of :mod:`graph.analytics` themselves,
which FastAPI documents as they are.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Model(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Problem(Model):
    detail: str = Field(description="What went wrong, for a person to read.")


class Ref(Model):
    """A link to another resource: ``/entities/{id}`` for kind ``entity``, ``/events/{id}``, ``/articles/{id}``."""

    kind: str = Field(description="entity, event, article or other")
    id: str | None = Field(description="The id to put in the resource's URL (entity key, event id, article id).")
    iri: str
    label: str | None = None
    type: str | None = None


class Page(Model, Generic[T]):
    items: list[T]
    total: int = Field(description="Items matching the filters, over all pages.")
    limit: int
    offset: int


class EntitySummary(Model):
    key: str = Field(description="Stable entity key, e.g. organization/isis; the id in /entities/{key}.")
    iri: str
    label: str
    type: str = Field(description="Person, Organization, Group or Place")
    aliases: list[str] = []


class Relation(Model):
    id: str = Field(description="IRI of the statement node that carries the evidence.")
    subject: Ref
    predicate: str = Field(description="Local name in the ekg: ontology, e.g. killed, spokespersonOf.")
    object: Ref
    event: Ref | None = Field(description="The event the edge was derived from (none for standing relations).")
    time: str | None = Field(description="ISO day, month or year of that event.")
    modality: str | None
    confidence: float | None
    sentence: str | None = Field(description="The sentence the edge was extracted from.")
    role: str | None = Field(description="A title qualifying the relation, e.g. president.")
    article: Ref


class EventSummary(Model):
    id: str = Field(description="<article id>/<event id>; the id in /events/{id}.")
    iri: str
    type: str
    label: str | None
    modality: str
    time: str | None
    confidence: float | None
    article: Ref
    actors: list[Ref] = Field(description="Its agents, with their labels and types.")
    places: list[Ref] = Field(description="Where it took place.")
    ingested: str | None = Field(description="When its article was last written (UTC, ISO 8601); none for data "
                                 "bulk-loaded as RDF.")


class Role(Model):
    role: str = Field(description="agent, target, victim, place, instrument or topic")
    node: Ref


class EventDetail(EventSummary):
    time_text: str | None
    trigger: str | None
    trigger_start: int | None
    trigger_end: int | None
    sentence: str | None
    sentence_start: int | None
    sentence_end: int | None
    according_to: Ref | None = Field(description="The source a reported event is attributed to.")
    extractor: str | None
    roles: list[Role]
    relations: list[Relation]


class EntityDetail(EntitySummary):
    description: str | None
    latitude: float | None
    longitude: float | None
    geonames_id: int | None
    located_in: Ref | None
    articles: list[Ref]
    relations_out: Page[Relation]
    relations_in: Page[Relation]
    events: Page[EventSummary] = Field(description="Events the entity takes part in, in any role.")


class NeighborEdge(Model):
    source: str
    target: str
    predicate: str
    statements: int = Field(description="Statements (pieces of evidence) behind this edge.")


class Neighborhood(Model):
    center: str
    depth: int
    nodes: list[EntitySummary]
    edges: list[NeighborEdge]
    truncated: bool = Field(description="True when the node limit cut the neighbourhood short.")


class ArticleSummary(Model):
    id: str
    iri: str
    headline: str | None
    publisher: str | None
    url: str | None
    published: str | None
    ingested: str | None = Field(description="When it was last written (UTC, ISO 8601); none for data bulk-loaded "
                                 "as RDF.")


class ArticleDetail(ArticleSummary):
    content_hash: str | None
    extractor: str | None
    characters: int
    entities: list[EntitySummary]
    events: list[EventSummary]
    relations: list[Relation]


class IngestResult(Model):
    id: str
    status: str = Field(description="new, updated or unchanged")
    extraction: dict[str, Any] = Field(description="What was extracted, in the form of `eventkg extract --format json`.")


class Candidate(Model):
    key: str
    iri: str
    label: str
    type: str
    mentions: int = Field(description="Articles that mention it.")


class Ambiguous(Problem):
    candidates: list[Candidate] = Field(description="The entities the name fits, the most mentioned first.")


class Change(Model):
    article: str = Field(description="The article's id: fetch /articles/{id} and /events?article=… again, or drop "
                         "them when deleted.")
    change: str = Field(description="ingested (new or replaced, with all its events) or deleted")
    at: str = Field(description="When (UTC, ISO 8601, microseconds): the `since` of the next request.")


class RankedCount(Model):
    rank: int
    key: str
    iri: str
    label: str | None
    type: str | None
    events: int


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


class IncidentSummary(Model):
    """One real-world incident: the events of several articles that report it (docs/data-model.md, "Incidents")."""

    id: str = Field(description="The id in /incidents/{id}.")
    incident: str = Field(description="The incident's IRI (an ekg:Incident in the incidents graph).")
    type: str = Field(description="The event type of its reports: Attack, Killing, …")
    sources: int = Field(description="Independent sources: distinct publishers of the reporting articles.")
    articles: list[str] = Field(description="IRIs of the articles that report it.")
    victim_counts: list[int] = Field(description="Every victim figure its reports give; two or more: they disagree.")


class IncidentReport(Model):
    event: Ref = Field(description="The reporting event (/events/{id}).")
    time: str | None = Field(description="The event's own time, ISO, if it has one.")
    article: Ref = Field(description="The article it comes from (/articles/{id}), labelled with its title.")
    publisher: str | None


class IncidentDetail(Model):
    id: str
    incident: str
    type: str
    sources: int
    victim_counts: list[int]
    reports: list[IncidentReport] = Field(description="Every event that reports the incident, by article.")
