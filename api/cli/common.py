"""What the commands share: the store options, opening the store (saying where it is, waiting while another process
writes it), and the one way a command fails: ``error: <message>`` on stderr and a non-zero exit status."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, NoReturn

import typer

from api.settings import Settings
from graph.errors import GraphError
from graph.store import EventStore, StoreBusy, StoreError, open_store, os_reason

StoreOption = Annotated[
    str | None, typer.Option("--store", help="Store folder, or a SPARQL 1.1 server's query URL (default: EVENTKG_STORE "
                             "or ./eventkg-data; a server's update URL and credentials: EVENTKG_STORE_UPDATE, "
                             "EVENTKG_STORE_USER, EVENTKG_STORE_PASSWORD).")
]
BaseIriOption = Annotated[
    str | None, typer.Option("--base-iri", help="Namespace of minted IRIs (default: EVENTKG_BASE_IRI).")
]


def fail(message: str, status: int = 2) -> NoReturn:
    """End the command: ``error: message`` on stderr, exit ``status`` (1: some input was bad; 2: it could not run)."""
    _say(message)
    raise typer.Exit(status)


def _say(message: object) -> None:
    typer.echo(f"error: {message}", err=True)


def run(app: typer.Typer) -> None:
    """Run the command line. A store error no command handled itself, such as a server store that does not answer,
    refuses the credentials or whose certificate is not trusted, ends the command as :func:`fail` does (status 2),
    not in a traceback."""
    try:
        app()
    except GraphError as err:  # typer.Exit outside the app would end in a traceback: exit here
        _say(err)
        sys.exit(2)


NO_STORE = "no store there: the folder does not exist (build one with eventkg ingest, or give --store)"


def announce_store(settings: Settings) -> str:
    """Where the store is (a folder's absolute path, or a server's URL), said on stderr first: the default
    ``./eventkg-data`` depends on where the command runs."""
    where = settings.store_where
    typer.echo(f"store: {where}", err=True)
    return where


def open_cli_store(settings: Settings, *, read_only: bool = False) -> EventStore:
    """The store of ``settings``, after saying where it is. A writer waits up to ``settings.store_lock_wait`` seconds
    while another process writes the store."""
    where = announce_store(settings)
    wait = 0.0 if read_only else settings.store_lock_wait

    def waiting() -> None:
        typer.echo(f"waiting for the store lock held by another process… (up to {wait:g} s, EVENTKG_STORE_LOCK_WAIT)",
                   err=True)

    try:
        return open_store(where, base_iri=settings.base_iri, read_only=read_only, wait=wait, on_wait=waiting,
                          **settings.store_access)
    except StoreBusy as err:
        fail(f"{err}; gave up after waiting {wait:g} s for it (EVENTKG_STORE_LOCK_WAIT)")
    except StoreError as err:
        fail(NO_STORE if read_only and not settings.store_is_remote and not settings.store_path.is_dir() else str(err))


def close_cli_store(store: EventStore) -> str | None:
    """Close ``store``; what went wrong writing its last changes out (a full disk), if anything."""
    try:
        store.close()
    except OSError as err:
        return f"the store could not be written: {os_reason(err)}"
    return None


@contextmanager
def writing(settings: Settings) -> Iterator[EventStore]:
    """The store of ``settings`` open for writing during the block and closed on every way out: a command that fails
    half way must not keep the store's lock (or a server store's writer lease, up to a minute). The storage failing
    in the block (a full disk), or a close that fails after it went well, ends the command as :func:`fail` does."""
    store = open_cli_store(settings)
    try:
        yield store
    except OSError as err:
        close_cli_store(store)
        fail(f"the store could not be written: {os_reason(err)}")
    except BaseException:
        close_cli_store(store)  # the block's failure is the one to tell
        raise
    if problem := close_cli_store(store):
        fail(problem)
