"""SPARQL 1.1 Protocol routes: queries at ``/sparql`` (GET, POST form, POST ``application/sparql-query``), updates at
``/sparql/update`` when enabled and authorised. The service description answers ``GET /sparql`` without a query.

Queries are read by :mod:`api.sparql_protocol` (the server answers ``GET``/``POST /sparql`` there directly, in front of
the REST app); the routes here describe them in the OpenAPI document, and run updates."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request, Response

from api import sparql_protocol as protocol
from api.deps import SettingsDep, TokenDep, UpdatesDep
from graph.sparql.jobs import GRAPH_MEDIA, RESULT_MEDIA, UpdateJob

router = APIRouter(tags=["sparql"])

_QUERY_BODY = {"content": {
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["query"], "properties": {
        "query": {"type": "string"}, "default-graph-uri": {"type": "array", "items": {"type": "string"}},
        "named-graph-uri": {"type": "array", "items": {"type": "string"}}}}},
    "application/sparql-query": {"schema": {"type": "string"}}}}
_UPDATE_BODY = {"content": {
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["update"], "properties": {
        "update": {"type": "string"}, "using-graph-uri": {"type": "array", "items": {"type": "string"}},
        "using-named-graph-uri": {"type": "array", "items": {"type": "string"}}}}},
    "application/sparql-update": {"schema": {"type": "string"}}}}
_RESULTS = {200: {"description": "Results in the negotiated format.", "content": {
    media: {} for media in [*RESULT_MEDIA, *GRAPH_MEDIA]}}}


def _parameters(*described: tuple[str, str, bool]) -> dict:
    """OpenAPI for query-string parameters the endpoints read themselves (:func:`api.sparql_protocol.query_params`):
    FastAPI's validation of declared parameters cost a third of a computed query's time on the server."""
    return {"parameters": [{"name": name, "in": "query", "description": what, "schema": (
        {"type": "array", "items": {"type": "string"}} if many else {"type": "string"})}
        for name, what, many in described]}


_GRAPHS = (("default-graph-uri", "Graphs forming the default graph.", True),
           ("named-graph-uri", "Graphs GRAPH may range over.", True))
_USING = (("using-graph-uri", "Graphs forming the default graph of the update's WHERE.", True),
          ("using-named-graph-uri", "Graphs GRAPH may range over in the update's WHERE.", True))


@router.get("/sparql", responses=_RESULTS, summary="SPARQL query by GET (service description without a query)",
            openapi_extra=_parameters(("query", "The SPARQL query.", False), *_GRAPHS))
async def query_get(request: Request) -> Response:
    return await protocol.query(request.scope, request.receive)


@router.post("/sparql", responses=_RESULTS, openapi_extra={"requestBody": _QUERY_BODY, **_parameters(*_GRAPHS)},
             summary="SPARQL query by POST (form-encoded or application/sparql-query)")
async def query_post(request: Request) -> Response:
    return await protocol.query(request.scope, request.receive)


@router.post("/sparql/update", status_code=204, openapi_extra={"requestBody": _UPDATE_BODY, **_parameters(*_USING)},
             dependencies=[TokenDep], summary="SPARQL Update (only when enabled; bearer token)")
async def update(request: Request, settings: SettingsDep, updates: UpdatesDep) -> Response:
    if updates is None:
        raise HTTPException(403, "SPARQL Update is disabled (setting EVENTKG_ENABLE_UPDATE)")
    scope = request.scope
    params = protocol.query_params(scope)
    text, form_using, form_named = await protocol.posted(scope, request.receive, settings, "update",
                                                         "application/sparql-update",
                                                         ("using-graph-uri", "using-named-graph-uri"))
    using_graphs = protocol.values(params, "using-graph-uri") or form_using
    using_named_graphs = protocol.values(params, "using-named-graph-uri") or form_named
    await updates.run(UpdateJob(text, protocol.service_iri(scope), *protocol.dataset(
        using_graphs, using_named_graphs, ("using-graph-uri", "using-named-graph-uri"))))
    return Response(status_code=204)
