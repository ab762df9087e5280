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
import yarl
from starlette.datastructures import URL

from api.asgi import read_body
from api.deps import STORE_VERSION, SettingsDep, TokenDep, UpdatesDep
from graph.sparql.description import service_description
from graph.sparql.errors import NotAcceptable
from graph.sparql.running import GRAPH_FORMATS, RESULT_FORMATS, Job, UpdateJob
from graph.sparql.text import is_volatile

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
    media: {} for media in [*RESULT_FORMATS, *GRAPH_FORMATS]}}}



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
    return (negotiate(accept, tuple(RESULT_FORMATS), _ALIASES["results"]),
            negotiate(accept, tuple(GRAPH_FORMATS), _ALIASES["graph"]))


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
    if len(text) * 4 > settings.max_query_bytes and len(text.encode("utf-8", "surrogatepass")) > settings.max_query_bytes:
        raise HTTPException(status, f"the text is over {settings.max_query_bytes} bytes (max_query_bytes)")


def _pairs(encoded: str) -> list[tuple[str, str]]:
    """The name-value pairs of a query string or an ``application/x-www-form-urlencoded`` body, as ``parse_qsl``
    gives them (blank values kept, UTF-8 strictly: a ``UnicodeDecodeError`` otherwise). yarl decodes in C: 19 µs
    against ``parse_qsl``'s 109 µs for a label lookup with the usual prefixes (1.1 KB, nearly all escapes). It puts
    U+FFFD for bytes that are not UTF-8, so a text with one goes through ``parse_qsl`` to be judged."""
    if not encoded:
        return []
    if encoded.isascii():
        pairs = list(yarl.URL.build(query_string=encoded, encoded=True).query.items())
        if not any("\ufffd" in name or "\ufffd" in value for name, value in pairs):
            return pairs
    return parse_qsl(encoded, keep_blank_values=True, errors="strict")


def _query_params(scope) -> list[tuple[str, str]]:
    try:
        return _pairs(scope["query_string"].decode("latin-1"))
    except UnicodeDecodeError:
        raise HTTPException(400, "the query string is not UTF-8 text") from None


def _header(scope, name: bytes) -> str | None:
    """The first value of a request header (names come lower-cased from the server)."""
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


def _values(pairs: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in pairs if key == name]


async def _answer(scope, settings, text: str, default_graphs: list[str], named_graphs: list[str]) -> Response:
    results, graph = _media(_header(scope, b"accept"))
    if results is None and graph is None:
        raise HTTPException(406, "answers can be given as: " + ", ".join([*RESULT_FORMATS, *GRAPH_FORMATS]))
    protocol = bool(default_graphs or named_graphs)  # either replaces the query's FROM / FROM NAMED
    job = Job(text, results, graph,
              _graphs(default_graphs, "default-graph-uri") if protocol else None,
              _graphs(named_graphs, "named-graph-uri") if protocol else None,
              _service_iri(scope), settings.max_result_rows, scope.get("state", _NO_STATE).get(STORE_VERSION))
    try:
        media, body = await scope["app"].state.query_pool.run(job)  # awaits the worker: the loop goes on serving
    except NotAcceptable as err:
        raise HTTPException(406, str(err)) from None
    return Answer(body, _CONTENT_TYPES.get(media) or _content_type(media),
                  _NO_STORE if is_volatile(text) else _VARY)  # no-store: kept out of the answer cache too


class Answer(Response):
    """A computed answer: a ``Response`` with its headers made directly (Starlette's header rendering was a
    noticeable part of a light query's time on the server)."""

    def __init__(self, body: bytes, content_type: bytes, headers: list[tuple[bytes, bytes]]):
        self.body, self.status_code, self.background = body, 200, None
        self.raw_headers = [(b"content-type", content_type), (b"content-length", b"%d" % len(body)), *headers]


def _content_type(media: str) -> bytes:
    return (media + "; charset=utf-8" if media.startswith("text/") else media).encode("latin-1")


_CONTENT_TYPES = {media: _content_type(media) for media in [*RESULT_FORMATS, *GRAPH_FORMATS]}
_VARY = [(b"vary", b"Accept")]
_NO_STATE: dict = {}
_NO_STORE = [*_VARY, (b"cache-control", b"no-store")]


def _service_iri(scope) -> str:
    """The base IRI of relative IRIs in a request: the endpoint's own URL (built without the query string)."""
    return _url(scope.get("scheme", "http"), scope.get("server"), scope.get("root_path", ""), scope["path"],
                _header(scope, b"host"))


@lru_cache(maxsize=64)
def _url(scheme: str, server: tuple | None, root_path: str, path: str, host: str | None) -> str:
    headers = [(b"host", host.encode("latin-1"))] if host is not None else []
    return str(URL(scope={"type": "http", "scheme": scheme, "server": server, "root_path": root_path, "path": path,
                          "query_string": b"", "headers": headers}))


async def query(scope, receive) -> Response:
    """``GET`` or ``POST /sparql``: the answer to the query, the service description, or an ``HTTPException``."""
    settings = scope["app"].state.settings
    params = _query_params(scope)
    if scope["method"] == "POST":
        text, form_default, form_named = await _posted(scope, receive, settings, "query", "application/sparql-query",
                                                       ("default-graph-uri", "named-graph-uri"))
        return await _answer(scope, settings, text, _values(params, "default-graph-uri") or form_default,
                             _values(params, "named-graph-uri") or form_named)
    texts = _values(params, "query")
    if not texts:
        if negotiate(_header(scope, b"accept"), ("text/turtle", "text/html"), {}) == "text/html":
            return RedirectResponse("/#/sparql", status_code=303)  # a person with a browser: the explorer's editor
        return Response(service_description(_service_iri(scope), update=settings.enable_update),
                        media_type="text/turtle")
    _check_size(texts[0], settings, 400)
    text = _one(texts, "query")
    return await _answer(scope, settings, text, _values(params, "default-graph-uri"),
                         _values(params, "named-graph-uri"))


@router.get("/sparql", responses=_RESULTS, summary="SPARQL query by GET (service description without a query)",
            openapi_extra=_parameters(("query", "The SPARQL query.", False), *_GRAPHS))
async def query_get(request: Request) -> Response:
    return await query(request.scope, request.receive)


@router.post("/sparql", responses=_RESULTS, openapi_extra={"requestBody": _QUERY_BODY, **_parameters(*_GRAPHS)},
             summary="SPARQL query by POST (form-encoded or application/sparql-query)")
async def query_post(request: Request) -> Response:
    return await query(request.scope, request.receive)


@router.post("/sparql/update", status_code=204, openapi_extra={"requestBody": _UPDATE_BODY, **_parameters(*_USING)},
             dependencies=[TokenDep], summary="SPARQL Update (only when enabled; bearer token)")
async def update(request: Request, settings: SettingsDep, updates: UpdatesDep) -> Response:
    if updates is None:
        raise HTTPException(403, "SPARQL Update is disabled (setting EVENTKG_ENABLE_UPDATE)")
    scope = request.scope
    params = _query_params(scope)
    text, form_using, form_named = await _posted(scope, request.receive, settings, "update",
                                                 "application/sparql-update",
                                                 ("using-graph-uri", "using-named-graph-uri"))
    using_graphs = _values(params, "using-graph-uri") or form_using
    using_named_graphs = _values(params, "using-named-graph-uri") or form_named
    protocol = bool(using_graphs or using_named_graphs)
    try:
        await updates.run(UpdateJob(text, _service_iri(scope),
                                    _graphs(using_graphs, "using-graph-uri") if protocol else None,
                                    _graphs(using_named_graphs, "using-named-graph-uri") if protocol else None))
    finally:  # even a failed update may have written: the writes' one hook (a server store's answer cache)
        on_write = request.app.state.writer.on_write
        if on_write is not None:
            on_write()
    return Response(status_code=204)


async def _posted(scope, receive, settings, field: str, body_type: str,
                  graph_params: tuple[str, str]) -> tuple[str, list[str], list[str]]:
    """The text of a POSTed query or update (a ``body_type`` body, or the form's ``field``), and the values of the
    two graph parameters a form may carry."""
    content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
    if content_type == body_type:
        body = await read_body(receive)
        if len(body) > settings.max_query_bytes:
            raise HTTPException(413, f"the text is over {settings.max_query_bytes} bytes (max_query_bytes)")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPException(400, "the body is not UTF-8 text") from None
        if not text.strip():
            raise HTTPException(400, f"the {field} is empty")
        return text, [], []
    if content_type == "application/x-www-form-urlencoded":
        try:
            pairs = _pairs((await read_body(receive)).decode("utf-8"))
        except UnicodeDecodeError:
            raise HTTPException(400, "the form is not UTF-8 text") from None
        texts = _values(pairs, field)
        for value in texts:
            _check_size(value, settings, 413)
        return _one(texts, field), _values(pairs, graph_params[0]), _values(pairs, graph_params[1])
    raise HTTPException(415, f"send {body_type} or an application/x-www-form-urlencoded form")


class QueryEndpoint:
    """``GET`` and ``POST /sparql`` as a bare ASGI app: installed by :func:`api.app.create_app` in front of FastAPI
    (inside the same body limit and answer cache), past FastAPI's and Starlette's middleware, route matching and
    dependency solving, which together took more of a light query's time on the server than the endpoint itself.
    Errors are answered by the app's own exception handlers, as FastAPI would."""

    async def __call__(self, scope, receive, send):
        try:
            response = await query(scope, receive)
        except Exception as exc:
            handler = _handler(scope["app"].exception_handlers, exc)
            if handler is None:
                raise
            response = await handler(Request(scope, receive), exc)
        await response(scope, receive, send)


def _handler(handlers: dict, exc: Exception):
    """The app's handler for ``exc``: the one registered for the nearest class (as Starlette looks it up)."""
    return next((handlers[cls] for cls in type(exc).__mro__ if cls in handlers), None)
