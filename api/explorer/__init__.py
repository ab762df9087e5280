"""The explorer (a single-page app at ``/``) and the API documentation (Swagger UI at ``/docs``), served from files
the package ships, so that a browser on a machine with no internet access gets both.

The app's source is in ``web/``; ``npm run build`` there (``make web``) writes it, with the Swagger UI bundle from
npm, into ``api/explorer/static/`` (docs/explorer.md). ``/redoc`` sends to ``/docs``: ReDoc's bundle loads its logo
from a CDN. Without a build, ``/`` answers 503 saying how to make one; the REST API and SPARQL work either way.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from api.deps import SettingsDep
from extract.model import ENTITY_TYPES, EVENT_TYPES, MODALITIES, PREDICATES, ROLES
from graph.namespaces import PREFIXES, IRIs

STATIC = Path(__file__).parent / "static"
STATIC_URL = "/static"
_VENDOR = f"{STATIC_URL}/vendor"
_FAVICON = f"{STATIC_URL}/favicon.svg"
_NOT_BUILT = """<!doctype html><meta charset="utf-8"><title>eventkg</title>
<h1>The explorer is not built</h1>
<p>Build it with <code>make web</code> (or <code>npm ci &amp;&amp; npm run build</code> in <code>web/</code>), then reload.
The API works without it: <a href="/docs">/docs</a>, <a href="/sparql">/sparql</a>, <a href="/stats">/stats</a>.</p>
"""

router = APIRouter(include_in_schema=False)


def mount_static(app) -> None:
    """The built files at ``/static``; ``check_dir=False`` lets the API start before the explorer is built."""
    app.mount(STATIC_URL, StaticFiles(directory=STATIC, check_dir=False), name="static")


@router.get("/")
def explorer():
    index = STATIC / "index.html"
    if not index.is_file():
        return HTMLResponse(_NOT_BUILT, status_code=503)
    # Asset names carry a content hash; the page that names them must not be kept across builds.
    return FileResponse(index, headers={"Cache-Control": "no-cache"})


@router.get("/explorer/config")
def config(settings: SettingsDep) -> JSONResponse:
    """What the explorer's menus offer and how it turns IRIs into its pages: the closed lists of the data model,
    the SPARQL prefixes the endpoint predeclares and the IRI bases of entities, events and articles."""
    iris = IRIs(settings.base_iri)
    return JSONResponse({
        "event_types": list(EVENT_TYPES),
        "entity_types": list(ENTITY_TYPES),
        "modalities": list(MODALITIES),
        "predicates": list(PREDICATES),
        "roles": list(ROLES),
        "prefixes": {prefix: str(namespace) for prefix, namespace in PREFIXES.items()},
        "bases": {"entity": iris.entity_prefix, "event": iris.event_prefix, "article": iris.article_prefix},
    })


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    return get_swagger_ui_html(
        openapi_url=request.app.openapi_url, title=f"{request.app.title} – API",
        swagger_js_url=f"{_VENDOR}/swagger-ui-bundle.js", swagger_css_url=f"{_VENDOR}/swagger-ui.css",
        swagger_favicon_url=_FAVICON, oauth2_redirect_url="/docs/oauth2-redirect",
        # validatorUrl: Swagger UI would otherwise ask validator.swagger.io about the schema.
        swagger_ui_parameters={"validatorUrl": None, "deepLinking": True})


@router.get("/docs/oauth2-redirect")
def swagger_ui_redirect() -> HTMLResponse:
    return get_swagger_ui_oauth2_redirect_html()


@router.get("/redoc")
def redoc() -> RedirectResponse:
    """FastAPI's usual second documentation page: here the Swagger UI (ReDoc's bundle loads its logo from a CDN)."""
    return RedirectResponse("/docs", status_code=307)
