"""``eventkg serve``: the HTTP API (SPARQL endpoint, REST, exports, ingest) under uvicorn."""

from __future__ import annotations

import errno
import os
import socket
import sys

import typer

from api.cli.app import app
from api.cli.common import StoreOption, fail
from api.settings import get_settings


@app.command("serve")
def serve(
    host: str | None = typer.Option(None, "--host", help="Address to listen on (default 127.0.0.1)."),
    port: int | None = typer.Option(None, "--port", min=1, max=65535, help="Port (default 8000, EVENTKG_PORT)."),
    store: StoreOption = None,
    workers: int | None = typer.Option(None, "--workers", min=1, help="uvicorn worker processes."),
) -> None:
    """Serve the store: SPARQL at /sparql, REST resources, interactive API docs at /docs."""
    settings = get_settings().with_overrides(host=host, port=port, store=store, server_workers=workers)
    _check_port(settings.host, settings.port)
    # Each worker process builds the app from the environment (api.app:create_app is the factory), so the flags
    # travel as EVENTKG_* variables.
    where = settings.store_where
    os.environ["EVENTKG_STORE"] = str(where)
    typer.echo(f"store: {where}", err=True)
    typer.echo(f"eventkg: serving at http://{settings.host}:{settings.port} (docs at /docs)", err=True)
    # uvicorn in this process's place (same pid), in a fresh interpreter that imports the server only: this one has
    # every command of the CLI loaded (the evaluation commands bring numpy and scipy), about 40 MiB the server would
    # hold for nothing. Two malloc arenas (unless set otherwise): the threads that run sync endpoints each got an
    # arena of their own, and the store's caches filled in several kept 30-55 MiB more resident from run to run.
    sys.stderr.flush()
    # Our protocol: uvicorn's httptools one, a response's writes sent in one system call (api/http_protocol.py); no
    # access log (at log level warning it was formatted for every request and thrown away).
    os.execve(sys.executable, [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
                               "--host", settings.host, "--port", str(settings.port),
                               "--workers", str(settings.server_workers), "--log-level", "warning",
                               "--http", "api.http_protocol:CorkedHttpToolsProtocol", "--no-access-log"],
              {"MALLOC_ARENA_MAX": "2", **os.environ})


def _check_port(host: str, port: int) -> None:
    """Fail before announcing anything when ``host:port`` cannot be listened on (uvicorn would only log it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: a closing socket is no conflict
        try:
            probe.bind((host, port))
        except OSError as err:
            if err.errno == errno.EADDRINUSE:
                fail(f"port {port} on {host} is taken (another eventkg serve?); pick another with --port N or "
                     "EVENTKG_PORT=N")
            fail(f"cannot listen on {host}:{port}: {err.strerror or err}")
