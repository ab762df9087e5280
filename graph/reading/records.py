"""The records the readers return: plain dataclasses, which the API serialises as they are (``api/schemas.py``
documents the same fields)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


@dataclass
class Ref:
    """A link to a node: an entity (``key``), an event (``id``) or an article (``id``)."""

    kind: str  # "entity", "event", "article" or "other"
    id: str | None
    iri: str
    label: str | None = None
    type: str | None = None


@dataclass
class EntitySummary:
    key: str
    iri: str
    label: str
    type: str
    aliases: list[str] = field(default_factory=list)


@dataclass
class Relation:
    """A direct edge ``subject predicate object`` with the evidence it was extracted from."""

    id: str  # statement IRI
    subject: Ref
    predicate: str
    object: Ref
    event: Ref | None
    time: str | None
    modality: str | None
    confidence: float | None
    sentence: str | None
    role: str | None
    article: Ref


@dataclass
class EventSummary:
    id: str
    iri: str
    type: str
    label: str | None
    modality: str
    time: str | None
    confidence: float | None
    article: Ref
    actors: list[Ref] = field(default_factory=list)  # its agents
    places: list[Ref] = field(default_factory=list)
    ingested: str | None = None  # when its article was last written (UTC, ISO 8601)


@dataclass
class Role:
    role: str
    node: Ref


@dataclass
class EventDetail(EventSummary):
    time_text: str | None = None
    trigger: str | None = None
    trigger_start: int | None = None
    trigger_end: int | None = None
    sentence: str | None = None
    sentence_start: int | None = None
    sentence_end: int | None = None
    according_to: Ref | None = None
    extractor: str | None = None
    roles: list[Role] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)


@dataclass
class EntityDetail(EntitySummary):
    description: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geonames_id: int | None = None
    located_in: Ref | None = None
    articles: list[Ref] = field(default_factory=list)
    relations_out: Page[Relation] | None = None
    relations_in: Page[Relation] | None = None
    events: Page[EventSummary] | None = None


@dataclass
class NeighborEdge:
    source: str
    target: str
    predicate: str
    statements: int


@dataclass
class Neighborhood:
    center: str
    depth: int
    nodes: list[EntitySummary]
    edges: list[NeighborEdge]
    truncated: bool


@dataclass
class ArticleSummary:
    id: str
    iri: str
    headline: str | None
    publisher: str | None
    url: str | None
    published: str | None
    ingested: str | None = None  # when it was last written (UTC, ISO 8601)


@dataclass
class ArticleDetail(ArticleSummary):
    content_hash: str | None = None
    extractor: str | None = None
    characters: int = 0
    entities: list[EntitySummary] = field(default_factory=list)
    events: list[EventSummary] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)



@dataclass
class Candidate:
    """An entity a name may mean, with the number of articles that mention it."""

    key: str
    iri: str
    label: str
    type: str
    mentions: int


@dataclass
class Change:
    """An article written (``ingested``: new or replaced, with its events) or deleted, at a time."""

    article: str
    change: str  # "ingested" or "deleted"
    at: str  # UTC, ISO 8601 with microseconds: the cursor for the next ?since=
