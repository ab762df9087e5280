"""SPARQL 1.1 Protocol: queries at ``/sparql`` (GET, POST form, POST ``application/sparql-query``), updates at
``/sparql/update`` when enabled and authorised. The service description answers ``GET /sparql`` without a query."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.deps import PoolDep, SettingsDep, TokenDep, WriterDep
from graph import sparql

router = APIRouter(tags=["sparql"])

# Media types clients also send for the same formats, by query form.
_ALIASES = {
    "results": {"application/json": "application/sparql-results+json", "application/xml": "application/sparql-results+xml",
                "text/xml": "application/sparql-results+xml"},
    "graph": {"application/json": "application/ld+json", "application/x-json+ld": "application/ld+json",
              "application/turtle": "text/turtle", "application/x-turtle": "text/turtle",
              "application/xml": "application/rdf+xml", "text/plain": "application/n-triples"},
}
_QUERY_BODY = {"content": {
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["query"], "properties": {
        "query": {"type": "string"}, "default-graph-uri": {"type": "array", "items": {"type": "string"}},
        "named-graph-uri": {"type": "array", "items": {"type": "string"}}}}},
    "application/sparql-query": {"schema": {"type": "string"}}}}
_UPDATE_BODY = {"content": {
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["update"],
                                                     "properties": {"update": {"type": "string"}}}},
    "application/sparql-update": {"schema": {"type": "string"}}}}
_RESULTS = {200: {"description": "Results in the negotiated format.", "content": {
    media: {} for media in [*sparql.RESULT_FORMATS, *sparql.GRAPH_FORMATS]}}}

DefaultGraphs = Annotated[list[str], Query(alias="default-graph-uri", description="Graphs forming the default graph.")]
NamedGraphs = Annotated[list[str], Query(alias="named-graph-uri", description="Graphs GRAPH may range over.")]


def negotiate(accept: str | None, offered: tuple[str, ...], aliases: dict[str, str]) -> str | None:
    """The offered media type the ``Accept`` header prefers (q-values, wildcards, most specific range wins), the
    first offered on a tie or without a header; None when nothing offered is acceptable.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", ("application/sparql-results+json",
    ...           "application/sparql-results+xml", "text/csv"), {})
    'application/sparql-results+xml'
    """
    if not accept or not accept.strip():
        return offered[0]
    ranges = []
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        media = media.lower()
        ranges.append((aliases.get(media, media), q))

    def quality(candidate: str) -> float:
        kind = candidate.split("/")[0] + "/*"
        for pattern in (candidate, kind, "*/*"):  # the most specific matching range decides
            matches = [q for media, q in ranges if media == pattern]
            if matches:
                return max(matches)
        return 0.0

    best = max(offered, key=lambda c: (quality(c), -offered.index(c)))
    return best if quality(best) > 0 else None


async def _answer(request: Request, pool: sparql.QueryPool, settings, text: str,
                  default_graphs: list[str], named_graphs: list[str]) -> Response:
    prepared = sparql.prepare(text)
    kind = "results" if prepared.form in ("SELECT", "ASK") else "graph"
    media = negotiate(request.headers.get("accept"), prepared.media_types, _ALIASES[kind])
    if media is None:
        raise HTTPException(406, f"a {prepared.form} result can be given as: {', '.join(prepared.media_types)}")
    job = sparql.Job(prepared, media, tuple(default_graphs), tuple(named_graphs), settings.max_result_rows)
    body = await pool.run(job)  # awaits the worker process: the event loop goes on serving
    charset = "; charset=utf-8" if media.startswith("text/") else ""
    headers = {"Vary": "Accept"}
    if prepared.volatile:  # keeps it out of the response cache too (api.app.CachedAnswers)
        headers["Cache-Control"] = "no-store"
    return Response(body, media_type=media + charset, headers=headers)


@router.get("/sparql", responses=_RESULTS, summary="SPARQL query by GET (service description without a query)")
async def query_get(request: Request, pool: PoolDep, settings: SettingsDep, default_graphs: DefaultGraphs = [],
                    named_graphs: NamedGraphs = [], query: Annotated[str | None, Query()] = None) -> Response:
    if query is None:
        return Response(sparql.service_description(str(request.url.replace(query=None))), media_type="text/turtle")
    return await _answer(request, pool, settings, query, default_graphs, named_graphs)


@router.post("/sparql", responses=_RESULTS, openapi_extra={"requestBody": _QUERY_BODY},
             summary="SPARQL query by POST (form-encoded or application/sparql-query)")
async def query_post(request: Request, pool: PoolDep, settings: SettingsDep, default_graphs: DefaultGraphs = [],
                     named_graphs: NamedGraphs = []) -> Response:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sparql-query":
        text = await _text_body(request)
    elif content_type == "application/x-www-form-urlencoded":
        form = await request.form()
        text = form.get("query")
        default_graphs = default_graphs or [str(v) for v in form.getlist("default-graph-uri")]
        named_graphs = named_graphs or [str(v) for v in form.getlist("named-graph-uri")]
        if not isinstance(text, str):
            raise HTTPException(400, "the form has no 'query' field")
    else:
        raise HTTPException(415, "send application/sparql-query or an application/x-www-form-urlencoded form")
    return await _answer(request, pool, settings, text, default_graphs, named_graphs)


@router.post("/sparql/update", status_code=204, openapi_extra={"requestBody": _UPDATE_BODY},
             dependencies=[TokenDep], summary="SPARQL Update (only when enabled; bearer token)")
async def update(request: Request, settings: SettingsDep, writer: WriterDep) -> Response:
    if not settings.enable_update:
        raise HTTPException(403, "SPARQL Update is disabled (setting EVENTKG_ENABLE_UPDATE)")
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "application/sparql-update":
        text = await _text_body(request)
    elif content_type == "application/x-www-form-urlencoded":
        text = (await request.form()).get("update")
        if not isinstance(text, str):
            raise HTTPException(400, "the form has no 'update' field")
    else:
        raise HTTPException(415, "send application/sparql-update or an application/x-www-form-urlencoded form")
    await run_in_threadpool(writer.write, lambda store: sparql.run_update(store, text))
    return Response(status_code=204)


async def _text_body(request: Request) -> str:
    try:
        return (await request.body()).decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the body is not UTF-8 text") from None
