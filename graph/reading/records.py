"""The records the readers return: plain dataclasses, which the API serialises as they are and documents as its
response schemas (``api/models.py`` names them; pydantic reads each field's ``description`` from its metadata), so a
field and what it means are written here once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")


def doc(description: str, **options: Any) -> Any:
    """A dataclass field with the ``description`` the API schema shows (``options``: ``default``, ``default_factory``)."""
    return field(metadata={"description": description}, **options)


@dataclass
class Page(Generic[T]):
    """One page of a list; ``total`` counts every item the filters match."""

    items: list[T]
    total: int = doc("Items matching the filters, over all pages.")
    limit: int = doc("Items per page asked for.")
    offset: int = doc("Items skipped before this page.")


@dataclass
class Ref:
    """A link to another resource: ``/entities/{id}`` for kind ``entity``, ``/events/{id}``, ``/articles/{id}``."""

    kind: str = doc("entity, event, article or other")
    id: str | None = doc("The id to put in the resource's URL (entity key, event id, article id).")
    iri: str
    label: str | None = None
    type: str | None = None


@dataclass
class EntitySummary:
    """An entity: its key, name, type and other names."""

    key: str = doc("Stable entity key, e.g. organization/isis; the id in /entities/{key}.")
    iri: str
    label: str
    type: str = doc("Person, Organization, Group or Place")
    aliases: list[str] = doc("Its other names (aliases), sorted.", default_factory=list)


@dataclass
class Relation:
    """A direct edge ``subject predicate object`` with the evidence it was extracted from."""

    id: str = doc("IRI of the statement node that carries the evidence.")
    subject: Ref
    predicate: str = doc("Local name in the ekg: ontology, e.g. killed, spokespersonOf.")
    object: Ref
    event: Ref | None = doc("The event the edge was derived from (none for standing relations).")
    time: str | None = doc("ISO day, month or year of that event.")
    modality: str | None
    confidence: float | None
    sentence: str | None = doc("The sentence the edge was extracted from.")
    role: str | None = doc("A title qualifying the relation, e.g. president.")
    article: Ref


@dataclass
class EventSummary:
    """An event, with its agents and places."""

    id: str = doc("<article id>/<event id>; the id in /events/{id}.")
    iri: str
    type: str
    label: str | None
    modality: str
    time: str | None
    confidence: float | None
    article: Ref
    actors: list[Ref] = doc("Its agents, with their labels and types.")
    places: list[Ref] = doc("Where it took place.")
    ingested: str | None = doc("When its article was last written (UTC, ISO 8601); none for data bulk-loaded as RDF.")


@dataclass
class Role:
    role: str = doc("agent, target, victim, place, instrument or topic")
    node: Ref


@dataclass(kw_only=True)
class EventDetail(EventSummary):
    """One event: its roles, time, evidence, source and the direct edges that came from it."""

    time_text: str | None
    trigger: str | None
    trigger_start: int | None
    trigger_end: int | None
    sentence: str | None
    sentence_start: int | None
    sentence_end: int | None
    according_to: Ref | None = doc("The source a reported event is attributed to.")
    extractor: str | None
    roles: list[Role]
    relations: list[Relation]


@dataclass(kw_only=True)
class EntityDetail(EntitySummary):
    """One entity: its description, the articles that mention it, its relations out and in, its events."""

    description: str | None
    latitude: float | None
    longitude: float | None
    geonames_id: int | None
    located_in: Ref | None
    articles: list[Ref]
    relations_out: Page[Relation]
    relations_in: Page[Relation]
    events: Page[EventSummary] = doc("Events the entity takes part in, in any role.")


@dataclass
class NeighborEdge:
    source: str
    target: str
    predicate: str
    statements: int = doc("Statements (pieces of evidence) behind this edge.")


@dataclass
class Neighborhood:
    """The entities within ``depth`` hops of ``center`` along direct edges, and the edges among them."""

    center: str
    depth: int
    nodes: list[EntitySummary]
    edges: list[NeighborEdge]
    truncated: bool = doc("True when the node limit cut the neighbourhood short.")


@dataclass
class ArticleSummary:
    id: str
    iri: str
    headline: str | None
    publisher: str | None
    url: str | None
    published: str | None
    ingested: str | None = doc("When it was last written (UTC, ISO 8601); none for data bulk-loaded as RDF.")


@dataclass(kw_only=True)
class ArticleDetail(ArticleSummary):
    """One article's metadata and what was extracted from it."""

    content_hash: str | None
    extractor: str | None
    characters: int
    entities: list[EntitySummary]
    events: list[EventSummary]
    relations: list[Relation]


@dataclass
class Candidate:
    """An entity a name may mean, with the number of articles that mention it."""

    key: str
    iri: str
    label: str
    type: str
    mentions: int = doc("Articles that mention it.")


@dataclass
class Change:
    """An article written (``ingested``: new or replaced, with its events) or deleted, at a time."""

    article: str = doc("The article's id: fetch /articles/{id} and /events?article=… again, or drop them when deleted.")
    change: str = doc("ingested (new or replaced, with all its events) or deleted")
    at: str = doc("When (UTC, ISO 8601, microseconds): the `since` of the next request.")


@dataclass
class Incident:
    """The fields :class:`IncidentSummary` and :class:`IncidentDetail` begin with (the detail has no ``articles``:
    its reports name them)."""

    id: str = doc("The id in /incidents/{id}.")
    incident: str = doc("The incident's IRI (an ekg:Incident in the incidents graph).")
    type: str = doc("The event type of its reports: Attack, Killing, …")
    sources: int = doc("Independent sources: distinct publishers of the reporting articles.")


@dataclass
class IncidentSummary(Incident):
    """One real-world incident: the events of several articles that report it (docs/data-model.md, "Incidents")."""

    articles: list[str] = doc("IRIs of the articles that report it.")
    victim_counts: list[int] = doc("Every victim figure its reports give; two or more: they disagree.")


@dataclass
class IncidentReport:
    """One report of an incident: an event and the article it comes from."""

    event: Ref = doc("The reporting event (/events/{id}).")
    time: str | None = doc("The event's own time, ISO, if it has one.")
    article: Ref = doc("The article it comes from (/articles/{id}), labelled with its title.")
    publisher: str | None


@dataclass
class IncidentDetail(Incident):
    """One incident with every report of it."""

    victim_counts: list[int]
    reports: list[IncidentReport] = doc("Every event that reports the incident, by article.")
