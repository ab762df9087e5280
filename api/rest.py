"""The REST app: FastAPI with a router per resource, the explorer and the OpenAPI document; every request but those
:class:`api.app.Server` answers in front of it (``GET``/``POST /sparql``, ``GET /health``). Built
on the first request that needs it, with the server's state and exception handlers; the server's middleware is
around it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI

from api import explorer
from api.routers import analytics, articles, changes, entities, events, export, incidents, relations, sparql, stats

if TYPE_CHECKING:
    from api.app import Server


def rest_app(server: Server) -> FastAPI:
    app = FastAPI(
        title="eventkg",
        version="0.1.0",
        description="Event knowledge graph built from news articles: SPARQL 1.1 endpoint and REST for dashboards. "
        "See docs/api.md.",
        docs_url=None,  # /docs comes from api.explorer, with Swagger UI served locally
        redoc_url=None,
        exception_handlers=server.exception_handlers,
    )
    app.state = server.state  # set up at the server's startup
    for router in (sparql.router, entities.router, events.router, relations.router, articles.router,
                   changes.router, incidents.router, analytics.router, export.router, stats.router, explorer.router):
        app.include_router(router)
    explorer.mount_static(app)
    return app
