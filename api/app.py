"""The server's ASGI app: SPARQL 1.1 Protocol at ``/sparql``, REST resources for dashboards, exports and ingest.

``create_app(settings)`` builds it; ``eventkg serve`` runs it under uvicorn (``api.app:create_app`` as a factory, so
every uvicorn worker process builds its own). The app holds no graph logic: routers call :mod:`graph`.

Reading and writing (docs/api.md, "Concurrency"): requests read a read-only snapshot of the store that follows writes
by other processes; SPARQL from users runs in killable worker processes; writes open the store read-write only while
they write, so ``eventkg ingest`` can run next to the server.
"""

from __future__ import annotations

import asyncio
import gc
import os
import threading
from typing import TYPE_CHECKING

from starlette.datastructures import State
from starlette.exceptions import HTTPException
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.middleware import BodyLimit, CachedAnswers
from api.settings import Settings
from api.sparql_protocol import query
from api.state import Extractors, Writer, health
from graph.errors import InvalidInput, NotFound, Unavailable, is_storage_failure

if TYPE_CHECKING:
    from fastapi import FastAPI


def create_app(settings: Settings | None = None) -> Server:
    """The app serving ``settings.store``."""
    return Server(settings or Settings())


class Server:
    """The ASGI app: our middleware (:mod:`api.middleware`), then ``GET``/``POST /sparql`` and ``GET /health``
    answered here directly, and every other request by the REST app (FastAPI, :mod:`api.rest`).

    The REST app, with FastAPI, pydantic's models, rdflib and the graph's reading modules (about 35 MiB of a server
    process), is built on the first request that needs it, so a server that only answers SPARQL never loads it. It
    shares :attr:`state` and :attr:`exception_handlers` with the paths answered here. :meth:`rest` builds it at once
    (the OpenAPI document, tests)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.state = State()  # what requests use, set up at startup (api.state); the REST app shares it
        self.exception_handlers = _error_handlers()
        self._rest: FastAPI | None = None
        self._rest_lock = threading.Lock()
        self._endpoint = None
        # answered here, past the REST app (request -> response; errors by the handlers below)
        self.fronts = {("GET", "/sparql"): query, ("POST", "/sparql"): query, ("GET", "/health"): _health}
        # Our middleware, outermost first: the body limit, CORS when configured, the answer cache. Every request passes
        # them, whichever app answers it.
        cors = {"allow_origins": settings.cors_origins, "allow_methods": ["GET", "POST", "DELETE"],
                "allow_headers": ["Authorization", "Content-Type", "If-None-Match"],
                "expose_headers": ["ETag", "Link", "X-Total-Count"]}
        layers = [(BodyLimit, {"max_bytes": settings.max_body_bytes}),
                  *([(CORSMiddleware, cors)] if settings.cors_origins else []),
                  (CachedAnswers, {"version": lambda scope: scope["app"].state.snapshot.version(),
                                   "max_entries": settings.response_cache})]
        app = self._route
        for layer, options in reversed(layers):
            app = layer(app, **options)
        self._stack = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            return await self._lifespan(receive, send)
        scope["app"] = self  # the REST app puts itself there in turn: both have the same state
        await self._stack(scope, receive, send)

    def rest(self) -> FastAPI:
        """The REST app, built on the first call (FastAPI and the routers' imports: about half a second)."""
        with self._rest_lock:
            if self._rest is None:
                from api.rest import rest_app

                self._rest = rest_app(self)
                gc.freeze()  # what the REST app imported lives as long as the server: no collection need scan it
            return self._rest

    async def _route(self, scope, receive, send):
        if scope["type"] == "http":
            path, root = scope["path"], scope.get("root_path", "")
            front = self.fronts.get((scope["method"], path[len(root):])) if path.startswith(root) else None
            if front is not None:
                try:
                    response = await front(scope, receive)
                except Exception as exc:
                    handler = _handler(self.exception_handlers, exc)
                    if handler is None:
                        raise
                    response = await handler(Request(scope, receive), exc)
                return await response(scope, receive, send)
        # built in a thread the first time, so that the requests already being answered go on meanwhile
        rest = self._rest or await asyncio.to_thread(self.rest)
        await rest(scope, receive, send)

    async def _lifespan(self, receive, send) -> None:
        """Startup: the state requests use (the query and update workers, the snapshot, the writer); shutdown: the
        workers stop."""
        await receive()  # lifespan.startup
        try:
            self._start()
        except BaseException as err:
            await send({"type": "lifespan.startup.failed", "message": str(err)})
            raise
        await send({"type": "lifespan.startup.complete"})
        await receive()  # lifespan.shutdown
        await self._endpoint.aclose()
        await send({"type": "lifespan.shutdown.complete"})

    def _start(self) -> None:
        from graph.sparql.endpoint import open_endpoint

        settings, state = self.settings, self.state
        state.settings = settings
        state.writer = Writer(settings)
        self._endpoint = endpoint = open_endpoint(
            settings.store, base_iri=settings.base_iri, access=settings.store_access, workers=settings.query_workers,
            timeout=settings.query_timeout, updates=settings.enable_update, lock_wait=state.writer.wait, create=True)
        state.snapshot, state.query_pool, state.update_pool = endpoint.snapshot, endpoint.queries, endpoint.updates
        state.writer.on_write = endpoint.on_write
        state.extractors = Extractors(settings)
        # Everything made so far (modules, settings, the app) lives as long as the server: out of the collector's
        # way, it no longer scans them on every full collection (5 % of a forwarding server's CPU under load).
        gc.freeze()


async def _health(scope, receive) -> Response:
    """``GET /health``, answered here (the REST route describes it in the OpenAPI document)."""
    return JSONResponse(await health(scope["app"].state))


# -- errors: every failure is a JSON {"detail": ...} with a 4xx/503 status, never a 500 -------------------------------

_STATUS = [  # graph/'s one hierarchy (graph/errors.py)
    (NotFound, 404),
    (InvalidInput, 400),
    (Unavailable, 503),
]


def _handler(handlers: dict, exc: Exception):
    """The handler for ``exc``: the one registered for the nearest class (as Starlette looks it up)."""
    return next((handlers[cls] for cls in type(exc).__mro__ if cls in handlers), None)


def _error_handlers() -> dict:
    """The exception handlers of the whole server: the paths answered in front and the REST app alike."""

    async def handle(request: Request, exc: Exception) -> JSONResponse:
        status = next(code for cls, code in _STATUS if isinstance(exc, cls))
        # not after an update that was applied (graph.sparql.errors.UpdateNotSettled): it must not be sent again
        headers = {"Retry-After": "5"} if status == 503 and exc.retry else None
        detail = str(exc)
        settings = request.app.state.settings
        # A path is nobody's business (graph/'s messages name none; this is the safety net). Only what is a path
        # for certain: a bare folder name such as "kg" may well be part of the user's own words.
        for path in {settings.store, settings.store_where}:
            if os.sep in path:
                detail = detail.replace(path, "the store")
        extra = exc.extra_fields() if hasattr(exc, "extra_fields") else {}  # an ambiguous name's candidates
        return JSONResponse({"detail": detail, **extra}, status_code=status, headers=headers)

    async def storage_failure(request: Request, exc: Exception) -> JSONResponse:
        if not is_storage_failure(exc):  # any other OSError or RuntimeError is a bug and stays a 500
            raise exc
        return JSONResponse({"detail": "the store could not be read, try again"}, status_code=503,
                            headers={"Retry-After": "5"})

    async def http_error(request: Request, exc: HTTPException) -> Response:  # as FastAPI answers them
        if exc.status_code < 200 or exc.status_code in (204, 205, 304):
            return Response(status_code=exc.status_code, headers=exc.headers)
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)

    return {HTTPException: http_error, **{cls: handle for cls, _ in _STATUS}, OSError: storage_failure,
            RuntimeError: storage_failure}
