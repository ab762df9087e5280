"""The FastAPI application: SPARQL 1.1 Protocol at ``/sparql``, REST resources for dashboards, exports and ingest.

``create_app(settings)`` builds it; ``eventkg serve`` runs it under uvicorn (``api.app:create_app`` as a factory, so
every uvicorn worker process builds its own). The app holds no graph logic: routers call :mod:`graph`.

Reading and writing (docs/api.md, "Concurrency"): requests read a read-only snapshot of the store that follows writes
by other processes; SPARQL from users runs in killable worker processes; writes open the store read-write only while
they write, so ``eventkg ingest`` can run next to the server.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from api import explorer
from api.asgi import read_body, replay
from api.deps import STORE_VERSION, Extractors, Writer
from api.routers import analytics, articles, changes, entities, events, export, incidents, relations, sparql, stats
from api.settings import Settings
from graph.errors import GraphError, InvalidInput, NotFound, Unavailable, is_storage_failure
from graph.sparql import open_endpoint
from graph.store import EventStore


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app serving ``settings.store``."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        app.state.settings = settings
        app.state.writer = Writer(settings)
        if not settings.store_is_remote and not settings.store_path.is_dir():
            # a fresh store, with the ontology, so readers have something to open
            EventStore(settings.store_path, base_iri=settings.base_iri).close()
        endpoint = open_endpoint(settings.store, base_iri=settings.base_iri, access=settings.store_access,
                                 workers=settings.query_workers, timeout=settings.query_timeout,
                                 updates=settings.enable_update, lock_wait=app.state.writer.wait)
        app.state.snapshot, app.state.query_pool, app.state.update_pool = (endpoint.snapshot, endpoint.queries,
                                                                           endpoint.updates)
        app.state.writer.on_write = endpoint.on_write
        app.state.extractors = Extractors(settings)
        try:
            yield
        finally:
            await endpoint.aclose()

    app = EventkgAPI(
        title="eventkg",
        version="0.1.0",
        description="Event knowledge graph built from news articles: SPARQL 1.1 endpoint and REST for dashboards. "
        "See docs/api.md.",
        lifespan=lifespan,
        docs_url=None,  # /docs comes from api.explorer, with Swagger UI served locally
        redoc_url=None,
    )
    for router in (sparql.router, entities.router, events.router, relations.router, articles.router,
                   changes.router, incidents.router, analytics.router, export.router, stats.router, explorer.router):
        app.include_router(router)
    explorer.mount_static(app)
    _add_error_handlers(app)
    # Our middleware, outermost first: the body limit, CORS when configured, the answer cache. Every request passes
    # them; queries at /sparql go from them straight to their endpoint, in front of FastAPI (EventkgAPI).
    answers: OrderedDict = OrderedDict()  # one answer cache for both ways in
    cache = {"version": lambda scope: scope["app"].state.snapshot.version(), "max_entries": settings.response_cache,
             "cache": answers}
    cors = {"allow_origins": settings.cors_origins, "allow_methods": ["GET", "POST", "DELETE"],
            "allow_headers": ["Authorization", "Content-Type", "If-None-Match"],
            "expose_headers": ["ETag", "Link", "X-Total-Count"]}
    app.add_middleware(CachedAnswers, **cache)
    front = CachedAnswers(sparql.QueryEndpoint(), **cache)
    if settings.cors_origins:
        app.add_middleware(CORSMiddleware, **cors)
        front = CORSMiddleware(front, **cors)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    app.fronts["/sparql"] = BodyLimit(front, max_bytes=settings.max_body_bytes)
    return app


class EventkgAPI(FastAPI):
    """The FastAPI app, with a door in front: a ``GET`` or ``POST`` to a path in :attr:`fronts` goes to the ASGI app
    there instead of through FastAPI's and Starlette's middleware (server errors, telemetry, their body limit) and
    routing. ``/sparql`` is the one path; its routes stay declared for the OpenAPI description (and ``HEAD``)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.fronts: dict[str, object] = {}

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] in ("GET", "POST"):
            path, root = scope["path"], scope.get("root_path", "")
            front = self.fronts.get(path[len(root):]) if path.startswith(root) else None
            if front is not None:
                scope["app"] = self
                return await front(scope, receive, send)
        await super().__call__(scope, receive, send)


# -- errors: every failure is a JSON {"detail": ...} with a 4xx/503 status, never a 500 -------------------------------

_STATUS = [  # graph/'s one hierarchy (graph/errors.py)
    (NotFound, 404),
    (InvalidInput, 400),
    (Unavailable, 503),
]


def _add_error_handlers(app: FastAPI) -> None:
    async def handle(request: Request, exc: Exception) -> JSONResponse:
        status = next(code for cls, code in _STATUS if isinstance(exc, cls))
        headers = {"Retry-After": "5"} if status == 503 else None
        detail = str(exc).strip("'\"")
        settings = request.app.state.settings
        for path in {settings.store, settings.store_where}:  # a path is nobody's business
            detail = detail.replace(path, "the store")
        extra = exc.extra_fields() if hasattr(exc, "extra_fields") else {}  # an ambiguous name's candidates
        return JSONResponse({"detail": detail, **extra}, status_code=status, headers=headers)

    for cls, _ in _STATUS:
        app.add_exception_handler(cls, handle)

    async def storage_failure(request: Request, exc: Exception) -> JSONResponse:
        if not is_storage_failure(exc):  # any other OSError or RuntimeError is a bug and stays a 500
            raise exc
        return JSONResponse({"detail": "the store could not be read, try again"}, status_code=503,
                            headers={"Retry-After": "5"})

    for cls in (OSError, RuntimeError):
        app.add_exception_handler(cls, storage_failure)


# -- answers: a cache valid for one version of the store; ETag and 304 for GETs ----------------------------------------


class CachedAnswers:
    """The response cache, and ETags.

    Successful answers to GETs and to SPARQL queries sent by POST (a query is safe whichever method carries it) are
    kept, keyed by method, path, query string, ``Accept``, ``Content-Type`` and body, while the store is unchanged: any
    write, by this server or by another process, changes :meth:`graph.sparql.Snapshot.version` and so empties it in
    effect. An answer marked ``Cache-Control: no-store`` (a query using ``NOW()`` or ``RAND()``) is not kept.

    The version it reads is left in the request state for the endpoint's store (:func:`api.deps.current_store`), so
    the store is looked at once per request. GET answers get an ETag (a hash of the body), and ``If-None-Match`` gets
    304. Exports stream and are neither hashed nor cached. ``max_entries=0`` keeps the ETags and turns the cache off.
    """

    def __init__(self, app, version, max_entries: int = 4096, max_body: int = 1 << 20, max_key_body: int = 64 << 10,
                 cache: OrderedDict | None = None):
        self.app, self.version, self.max_entries, self.max_body = app, version, max_entries, max_body
        self.max_key_body = max_key_body  # longer POSTed queries are answered, not kept
        self.cache: OrderedDict[tuple, tuple] = OrderedDict() if cache is None else cache  # may be shared

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["path"].startswith("/export"):
            return await self.app(scope, receive, send)
        method = scope["method"]
        if method == "POST" and scope["path"] == "/sparql":
            request_body = await read_body(receive)
            receive = replay(request_body, receive)
        elif method == "GET":
            request_body = b""
        else:
            return await self.app(scope, receive, send)
        try:
            version = self.version(scope)
        except GraphError:  # no store folder any more: the app answers that (503), the cache stays out of it
            return await self.app(scope, receive, send)
        scope.setdefault("state", {})[STORE_VERSION] = version  # the endpoint's store is read at this version
        request_headers = dict(scope["headers"])
        key = (method, scope["path"], scope["query_string"], request_headers.get(b"accept", b""),
               request_headers.get(b"content-type", b""), request_body,
               request_headers.get(b"host", b""))  # relative IRIs in a query resolve against the endpoint's URL
        cached = self.cache.get(key)
        if cached is not None and cached[0] == version:
            self.cache.move_to_end(key)
            _, status, headers, body = cached
        else:
            status, headers, body = await _collect(self.app, scope, receive)
            if status == 200 and method == "GET":
                headers.append((b"etag", b'"' + hashlib.blake2b(body, digest_size=16).hexdigest().encode() + b'"'))
            if (status == 200 and self.max_entries and len(body) <= self.max_body
                    and len(request_body) <= self.max_key_body and (b"cache-control", b"no-store") not in headers):
                self.cache[key] = (version, status, headers, body)
                if len(self.cache) > self.max_entries:
                    self.cache.popitem(last=False)
        if status == 200 and method == "GET":
            tag = next(v for k, v in headers if k == b"etag")
            wanted = [t.strip() for t in request_headers.get(b"if-none-match", b"").split(b",")]
            if tag in wanted:
                await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", tag)]})
                await send({"type": "http.response.body", "body": b""})
                return
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def _collect(app, scope, receive) -> tuple[int, list, bytes]:
    """Run ``app`` and gather its whole answer."""
    start: dict = {}
    chunks: list[bytes] = []

    async def collect(message):
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, collect)
    body = b"".join(chunks)
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    return start["status"], headers, body


# -- request bodies over the limit: 413 ----------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


class BodyLimit:
    """Refuses request bodies over ``max_bytes`` with 413, by Content-Length or while a chunked body streams in."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            status = 413 if length.isdigit() else 400
            return await _send_problem(send, status, f"request body over {self.max_bytes} bytes (max_body_bytes)"
                                       if status == 413 else "invalid Content-Length")
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge
            return message

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_problem(send, 413, f"request body over {self.max_bytes} bytes (max_body_bytes)")


async def _send_problem(send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
