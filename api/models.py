"""The public contract of the REST API: the JSON every endpoint answers with, documented in OpenAPI.

The models read the plain dataclasses of :mod:`graph.views` (``from_attributes``), so the graph layer stays free of
HTTP and these classes say, with a description per field, exactly what clients may rely on. The analytics answers
(``RankedEntity``, ``Hop``, ``TimelineRow``) are the dataclasses of :mod:`graph.analytics` themselves, which FastAPI
documents as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any, Generic, TypeVar

from fastapi import Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from api.deps import current_store
from api.routers import paginated

T = TypeVar("T")


class Model(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def json_response(view: Any) -> Response:
    """A :mod:`graph.views` dataclass as the JSON answer, serialised by pydantic's core without building the models
    again: on hot endpoints, validating every item into a model cost as much as reading it from a memoised store. The
    route's ``response_model`` still documents the answer; the dataclasses have the models' fields, in their order
    (``tests/test_api_rest.py`` checks that each answer is its model's)."""
    return Response(_adapter(type(view)).dump_json(view), media_type="application/json")


def json_page(request: Request, page: Any) -> Response:
    """:func:`json_response` for a :class:`graph.views.Page`, with the paging headers of :func:`api.routers.paginated`."""
    answer = json_response(page)
    paginated(request, answer, page)
    return answer


@cache
def _adapter(kind: type) -> TypeAdapter:
    return TypeAdapter(kind)


INLINE_ITEMS = 20  # reads listing at most this many items of each kind run on the event loop


async def read_small(request: Request, items: int, read: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """``read(store, *args, **kwargs)`` on the request's store snapshot, for a read whose size is bounded by ``items``.

    Up to :data:`INLINE_ITEMS` it runs right here on the event loop: from a memoised snapshot it takes a fraction of
    a millisecond, less than handing it to the thread pool and back, which halved the requests/s of /entities/{key}
    (docs/benchmarks.md). Bigger reads go to the thread pool so that they do not hold up other requests (Oxigraph
    lets go of the GIL while it queries)."""
    store = current_store(request)
    if items <= INLINE_ITEMS:
        return read(store, *args, **kwargs)
    return await run_in_threadpool(read, store, *args, **kwargs)


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


class Community(Model):
    size: int
    members: list[str] = Field(description="Entity IRIs.")


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
