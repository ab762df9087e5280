"""SPARQL 1.1 Protocol: queries at ``/sparql`` (GET, POST form, POST ``application/sparql-query``), updates at
``/sparql/update`` when enabled and authorised. The service description answers ``GET /sparql`` without a query.

The router only reads the protocol: it checks sizes, parameters and graph IRIs, negotiates a media type for each
kind of answer, and hands the text as it came to a sandboxed worker (:mod:`graph.sparql`), which parses and runs it
under the timeout. Nothing that grows with the query runs on the event loop."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import URL

from api.deps import SettingsDep, TokenDep, UpdatesDep, get_pool, get_settings
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
    "application/x-www-form-urlencoded": {"schema": {"type": "object", "required": ["update"], "properties": {
        "update": {"type": "string"}, "using-graph-uri": {"type": "array", "items": {"type": "string"}},
        "using-named-graph-uri": {"type": "array", "items": {"type": "string"}}}}},
    "application/sparql-update": {"schema": {"type": "string"}}}}
_RESULTS = {200: {"description": "Results in the negotiated format.", "content": {
    media: {} for media in [*sparql.RESULT_FORMATS, *sparql.GRAPH_FORMATS]}}}



def _parameters(*described: tuple[str, str, bool]) -> dict:
    """OpenAPI for query-string parameters the endpoints read themselves (``request.query_params``): FastAPI's
    validation of declared parameters cost a third of a computed query's time on the server."""
    return {"parameters": [{"name": name, "in": "query", "description": what, "schema": (
        {"type": "array", "items": {"type": "string"}} if many else {"type": "string"})}
        for name, what, many in described]}


_GRAPHS = (("default-graph-uri", "Graphs forming the default graph.", True),
           ("named-graph-uri", "Graphs GRAPH may range over.", True))
_USING = (("using-graph-uri", "Graphs forming the default graph of the update's WHERE.", True),
          ("using-named-graph-uri", "Graphs GRAPH may range over in the update's WHERE.", True))


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


@lru_cache(maxsize=256)
def _media(accept: str | None) -> tuple[str | None, str | None]:
    """The media types of a SELECT/ASK and of a CONSTRUCT/DESCRIBE answer for an ``Accept`` header (clients send
    the same few headers: negotiated once each)."""
    return (negotiate(accept, tuple(sparql.RESULT_FORMATS), _ALIASES["results"]),
            negotiate(accept, tuple(sparql.GRAPH_FORMATS), _ALIASES["graph"]))


def _graphs(values: list[str], name: str) -> tuple[str, ...]:
    """Protocol graph IRIs, checked here (a bad one is the client's error, not the worker's)."""
    for iri in values:
        try:
            ox.NamedNode(iri)
        except ValueError as err:
            raise HTTPException(400, f"{name} {iri!r} is not an absolute IRI: {err}") from None
    return tuple(values)


def _one(values: list, name: str) -> str:
    if len(values) != 1:
        raise HTTPException(400, f"give exactly one '{name}' parameter" if values else f"no '{name}' parameter")
    if not isinstance(values[0], str) or not values[0].strip():
        raise HTTPException(400, f"the {name} is empty")
    return values[0]


def _check_size(text: str, settings, status: int) -> None:
    if len(text.encode("utf-8", "surrogatepass")) > settings.max_query_bytes:
        raise HTTPException(status, f"the text is over {settings.max_query_bytes} bytes (max_query_bytes)")


async def _answer(request: Request, settings, text: str, default_graphs: list[str],
                  named_graphs: list[str]) -> Response:
    results, graph = _media(request.headers.get("accept"))
    if results is None and graph is None:
        raise HTTPException(406, "answers can be given as: "
                            + ", ".join([*sparql.RESULT_FORMATS, *sparql.GRAPH_FORMATS]))
    protocol = bool(default_graphs or named_graphs)  # either replaces the query's FROM / FROM NAMED
    job = sparql.Job(text, results, graph,
                     _graphs(default_graphs, "default-graph-uri") if protocol else None,
                     _graphs(named_graphs, "named-graph-uri") if protocol else None,
                     base_iri=_service_iri(request), max_rows=settings.max_result_rows)
    try:
        media, body = await (await get_pool(request)).run(job)  # awaits the worker: the event loop goes on serving
    except sparql.NotAcceptable as err:
        raise HTTPException(406, str(err)) from None
    charset = "; charset=utf-8" if media.startswith("text/") else ""
    headers = {"Vary": "Accept"}
    if sparql.is_volatile(text):  # keeps it out of the response cache too (api.app.CachedAnswers)
        headers["Cache-Control"] = "no-store"
    return Response(body, media_type=media + charset, headers=headers)


def _service_iri(request: Request) -> str:
    """The base IRI of relative IRIs in a request: the endpoint's own URL (built without the query string)."""
    scope = request.scope
    return _url(scope.get("scheme", "http"), scope.get("server"), scope.get("root_path", ""), scope["path"],
                request.headers.get("host"))


@lru_cache(maxsize=64)
def _url(scheme: str, server: tuple | None, root_path: str, path: str, host: str | None) -> str:
    headers = [(b"host", host.encode("latin-1"))] if host is not None else []
    return str(URL(scope={"type": "http", "scheme": scheme, "server": server, "root_path": root_path, "path": path,
                          "query_string": b"", "headers": headers}))


@router.get("/sparql", responses=_RESULTS, summary="SPARQL query by GET (service description without a query)",
            openapi_extra=_parameters(("query", "The SPARQL query.", False), *_GRAPHS))
async def query_get(request: Request) -> Response:
    settings = await get_settings(request)
    params = request.query_params
    query = params.get("query")
    if query is None:
        if negotiate(request.headers.get("accept"), ("text/turtle", "text/html"), {}) == "text/html":
            return RedirectResponse("/#/sparql", status_code=303)  # a person with a browser: the explorer's editor
        return Response(sparql.service_description(_service_iri(request), update=settings.enable_update),
                        media_type="text/turtle")
    _check_size(query, settings, 400)
    text = _one(params.getlist("query"), "query")
    return await _answer(request, settings, text, params.getlist("default-graph-uri"),
                         params.getlist("named-graph-uri"))


@router.post("/sparql", responses=_RESULTS, openapi_extra={"requestBody": _QUERY_BODY, **_parameters(*_GRAPHS)},
             summary="SPARQL query by POST (form-encoded or application/sparql-query)")
async def query_post(request: Request) -> Response:
    settings = await get_settings(request)
    text, form_default, form_named = await _posted(request, settings, "query", "application/sparql-query",
                                                   ("default-graph-uri", "named-graph-uri"))
    params = request.query_params
    return await _answer(request, settings, text, params.getlist("default-graph-uri") or form_default,
                         params.getlist("named-graph-uri") or form_named)


@router.post("/sparql/update", status_code=204, openapi_extra={"requestBody": _UPDATE_BODY, **_parameters(*_USING)},
             dependencies=[TokenDep], summary="SPARQL Update (only when enabled; bearer token)")
async def update(request: Request, settings: SettingsDep, updates: UpdatesDep) -> Response:
    if updates is None:
        raise HTTPException(403, "SPARQL Update is disabled (setting EVENTKG_ENABLE_UPDATE)")
    text, form_using, form_named = await _posted(request, settings, "update", "application/sparql-update",
                                                 ("using-graph-uri", "using-named-graph-uri"))
    params = request.query_params
    using_graphs = params.getlist("using-graph-uri") or form_using
    using_named_graphs = params.getlist("using-named-graph-uri") or form_named
    protocol = bool(using_graphs or using_named_graphs)
    await updates.run(sparql.UpdateJob(text, _service_iri(request),
                                       _graphs(using_graphs, "using-graph-uri") if protocol else None,
                                       _graphs(using_named_graphs, "using-named-graph-uri") if protocol else None))
    return Response(status_code=204)


async def _posted(request: Request, settings, field: str, body_type: str,
                  graph_params: tuple[str, str]) -> tuple[str, list[str], list[str]]:
    """The text of a POSTed query or update (a ``body_type`` body, or the form's ``field``), and the values of the
    two graph parameters a form may carry."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == body_type:
        text = await _text_body(request, settings)
        if not text.strip():
            raise HTTPException(400, f"the {field} is empty")
        return text, [], []
    if content_type == "application/x-www-form-urlencoded":
        # parsed by urllib (C-speed splitting) rather than Starlette's form parser, a Python callback per character
        try:
            pairs = parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True, errors="strict")
        except UnicodeDecodeError:
            raise HTTPException(400, "the form is not UTF-8 text") from None
        texts = [value for name, value in pairs if name == field]
        for value in texts:
            _check_size(value, settings, 413)
        first, second = ([value for name, value in pairs if name == wanted] for wanted in graph_params)
        return _one(texts, field), first, second
    raise HTTPException(415, f"send {body_type} or an application/x-www-form-urlencoded form")


async def _text_body(request: Request, settings) -> str:
    body = await request.body()
    if len(body) > settings.max_query_bytes:
        raise HTTPException(413, f"the text is over {settings.max_query_bytes} bytes (max_query_bytes)")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPException(400, "the body is not UTF-8 text") from None


class QueryShortcut:
    """ASGI middleware: ``GET`` and ``POST /sparql`` go straight to their endpoint functions above, past FastAPI's
    route matching, dependency solving and exception middleware (together more of a light query's time on the server
    than the endpoint itself). Errors are answered by the app's own exception handlers, as FastAPI would; every other
    request goes on to the app. Installed innermost by :func:`api.app.create_app`, so the answer cache and the body
    limit still apply."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        endpoint = _SHORTCUTS.get(scope.get("method")) if scope["type"] == "http" else None
        if endpoint is None or scope["path"] != scope.get("root_path", "") + "/sparql":
            return await self.app(scope, receive, send)
        request = Request(scope, receive)
        try:
            response = await endpoint(request)
        except Exception as exc:
            handler = _handler(scope["app"].exception_handlers, exc)
            if handler is None:
                raise
            response = await handler(request, exc)
        await response(scope, receive, send)


_SHORTCUTS = {"GET": query_get, "POST": query_post}


def _handler(handlers: dict, exc: Exception):
    """The app's handler for ``exc``: the one registered for the nearest class (as Starlette looks it up)."""
    return next((handlers[cls] for cls in type(exc).__mro__ if cls in handlers), None)
