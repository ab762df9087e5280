"""The SPARQL 1.1 Protocol for queries, read straight from ASGI: ``GET`` and ``POST /sparql``
(:func:`query`, which :class:`api.app.Server` answers in front of the REST app), and the helpers the update
route of :mod:`api.routers.sparql` shares.

It only reads the protocol: it checks sizes, parameters and graph IRIs, negotiates a media type for each kind of
answer, and hands the text as it came to a sandboxed worker (:mod:`graph.sparql`), which parses and runs it under the
timeout. Nothing that grows with the query runs on the event loop. It imports Starlette, not FastAPI, rdflib or
Oxigraph: a server that only answers SPARQL never loads them (:class:`api.app.Server`)."""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import parse_qsl

import yarl
from starlette.datastructures import URL
from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse, Response

from api.asgi import read_body
from api.state import STORE_VERSION
from graph.sparql.errors import NotAcceptable
from graph.sparql.jobs import GRAPH_MEDIA, RESULT_MEDIA, Job
from graph.sparql.text import is_volatile

# Media types clients also send for the same formats, by query form.
_ALIASES = {
    "results": {"application/json": "application/sparql-results+json", "application/xml": "application/sparql-results+xml",
                "text/xml": "application/sparql-results+xml"},
    "graph": {"application/json": "application/ld+json", "application/x-json+ld": "application/ld+json",
              "application/turtle": "text/turtle", "application/x-turtle": "text/turtle",
              "application/xml": "application/rdf+xml", "text/plain": "application/n-triples"},
}
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
    return (negotiate(accept, tuple(RESULT_MEDIA), _ALIASES["results"]),
            negotiate(accept, tuple(GRAPH_MEDIA), _ALIASES["graph"]))


def dataset(first: list[str], second: list[str], names: tuple[str, str]) -> tuple[tuple[str, ...] | None, ...]:
    """A protocol dataset: the IRIs of ``names`` (``default-graph-uri`` and ``named-graph-uri``, or
    ``using-graph-uri`` and ``using-named-graph-uri``), checked. Either given replaces the text's own dataset, with
    both lists; neither given is ``(None, None)``: the text's applies."""
    if not (first or second):
        return None, None
    return _graphs(first, names[0]), _graphs(second, names[1])


def _graphs(values: list[str], name: str) -> tuple[str, ...]:
    """Protocol graph IRIs, checked here (a bad one is the client's error, not the worker's)."""
    import pyoxigraph as ox  # here: most requests name no graphs, and the server needs Oxigraph for nothing else

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


def query_params(scope) -> list[tuple[str, str]]:
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


def values(pairs: list[tuple[str, str]], name: str) -> list[str]:
    return [value for key, value in pairs if key == name]


async def _answer(scope, settings, text: str, default_graphs: list[str], named_graphs: list[str]) -> Response:
    results, graph = _media(_header(scope, b"accept"))
    if results is None and graph is None:
        raise HTTPException(406, "answers can be given as: " + ", ".join([*RESULT_MEDIA, *GRAPH_MEDIA]))
    job = Job(text, results, graph, *dataset(default_graphs, named_graphs, ("default-graph-uri", "named-graph-uri")),
              service_iri(scope), settings.max_result_rows, scope.get("state", _NO_STATE).get(STORE_VERSION))
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


_CONTENT_TYPES = {media: _content_type(media) for media in [*RESULT_MEDIA, *GRAPH_MEDIA]}
_VARY = [(b"vary", b"Accept")]
_NO_STATE: dict = {}
_NO_STORE = [*_VARY, (b"cache-control", b"no-store")]


def service_iri(scope) -> str:
    """The base IRI of relative IRIs in a request: the endpoint's own URL (built without the query string)."""
    server = scope.get("server")  # any two items by ASGI (Starlette's TestClient and Daphne give a list): a key
    return _url(scope.get("scheme", "http"), None if server is None else tuple(server), scope.get("root_path", ""),
                scope["path"], _header(scope, b"host"))


@lru_cache(maxsize=64)
def _url(scheme: str, server: tuple | None, root_path: str, path: str, host: str | None) -> str:
    headers = [(b"host", host.encode("latin-1"))] if host is not None else []
    return str(URL(scope={"type": "http", "scheme": scheme, "server": server, "root_path": root_path, "path": path,
                          "query_string": b"", "headers": headers}))


async def query(scope, receive) -> Response:
    """``GET`` or ``POST /sparql``: the answer to the query, the service description, or an ``HTTPException``."""
    settings = scope["app"].state.settings
    params = query_params(scope)
    if scope["method"] == "POST":
        text, form_default, form_named = await posted(scope, receive, settings, "query", "application/sparql-query",
                                                       ("default-graph-uri", "named-graph-uri"))
        return await _answer(scope, settings, text, values(params, "default-graph-uri") or form_default,
                             values(params, "named-graph-uri") or form_named)
    texts = values(params, "query")
    if not texts:
        if negotiate(_header(scope, b"accept"), ("text/turtle", "text/html"), {}) == "text/html":
            return RedirectResponse("/#/sparql", status_code=303)  # a person with a browser: the explorer's editor
        from graph.sparql.description import service_description  # rdflib: loaded for the description only

        return Response(service_description(service_iri(scope), update=settings.enable_update),
                        media_type="text/turtle")
    _check_size(texts[0], settings, 400)
    text = _one(texts, "query")
    return await _answer(scope, settings, text, values(params, "default-graph-uri"),
                         values(params, "named-graph-uri"))


async def posted(scope, receive, settings, field: str, body_type: str,
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
        texts = values(pairs, field)
        for value in texts:
            _check_size(value, settings, 413)
        return _one(texts, field), values(pairs, graph_params[0]), values(pairs, graph_params[1])
    raise HTTPException(415, f"send {body_type} or an application/x-www-form-urlencoded form")
