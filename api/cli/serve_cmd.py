"""``eventkg serve``: the HTTP API (SPARQL endpoint, REST, exports, ingest) under uvicorn."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from api.cli.app import app
from api.settings import get_settings


@app.command("serve")
def serve(
    host: str | None = typer.Option(None, "--host", help="Address to listen on (default 127.0.0.1)."),
    port: int | None = typer.Option(None, "--port", min=1, max=65535, help="Port (default 8000)."),
    store: Path | None = typer.Option(None, "--store", help="Store folder (default: settings)."),
    workers: int | None = typer.Option(None, "--workers", min=1, help="uvicorn worker processes."),
) -> None:
    """Serve the store: SPARQL at /sparql, REST resources, interactive API docs at /docs."""
    import uvicorn

    settings = get_settings().with_overrides(host=host, port=port, store=store, server_workers=workers)
    # Each worker process builds the app from the environment (api.app:create_app is the factory), so the flags
    # travel as EVENTKG_* variables.
    os.environ["EVENTKG_STORE"] = str(settings.store.resolve())
    typer.echo(f"eventkg: serving {settings.store} at http://{settings.host}:{settings.port} (docs at /docs)", err=True)
    uvicorn.run("api.app:create_app", factory=True, host=settings.host, port=settings.port,
                workers=settings.server_workers, log_level="warning")
