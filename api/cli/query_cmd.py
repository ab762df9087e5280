"""``eventkg query``: run one SPARQL query on the store and print the answer (a table, or a SPARQL results format)."""

from __future__ import annotations

import asyncio
import sys
from enum import Enum

import pyoxigraph as ox
import typer
from rich.console import Console
from rich.table import Table

from api.cli.app import app
from api.cli.common import NO_STORE, StoreOption, announce_store, fail
from api.settings import get_settings
from graph import sparql
from graph.errors import GraphError
from graph.namespaces import compact


class QueryFormat(str, Enum):
    table = "table"
    json = "json"
    csv = "csv"
    tsv = "tsv"


# CONSTRUCT and DESCRIBE answer a graph: JSON means JSON-LD, anything else Turtle.
_GRAPH_FORMAT = {QueryFormat.json: "application/ld+json"}


@app.command("query")
def query(
    text: str = typer.Argument(..., help="A SPARQL query; '-' reads it from standard input. ekg:, rdfs:, … predeclared."),
    format: QueryFormat = typer.Option(QueryFormat.table, "--format", help="table, or json/csv/tsv (SPARQL 1.1 "
                                       "results formats). CONSTRUCT/DESCRIBE print Turtle (json: JSON-LD)."),
    store: StoreOption = None,
) -> None:
    """Run a read-only SPARQL query on the store; the default graph is the union of all graphs."""
    settings = get_settings().with_overrides(store=store)
    if text == "-":
        text = sys.stdin.read()
    results = "text/tab-separated-values" if format is QueryFormat.table else sparql.FORMAT_NAMES[format.value]
    job = sparql.Job(text, results, _GRAPH_FORMAT.get(format, "text/turtle"))
    announce_store(settings)
    if not settings.store_is_remote and not settings.store_path.is_dir():
        fail(NO_STORE)
    try:
        media, body = asyncio.run(_run(settings, job))
    except GraphError as err:
        fail(str(err))
    if format is QueryFormat.table and media == "text/tab-separated-values":
        _print_table(body, settings.base_iri)
    else:
        sys.stdout.buffer.write(body)
        if not body.endswith(b"\n"):
            sys.stdout.buffer.write(b"\n")


async def _run(settings, job: sparql.Job) -> tuple[str, bytes]:
    """The query runs in a sandboxed worker process (no network: SERVICE and LOAD cannot reach out), or on the
    server of a server store, with no timeout on the command line."""
    endpoint = sparql.open_endpoint(settings.store, base_iri=settings.base_iri, access=settings.store_access,
                                    timeout=None)
    try:
        return await endpoint.queries.run(job)
    finally:
        await endpoint.aclose()


def _print_table(tsv: bytes, base_iri: str) -> None:
    results = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
    if isinstance(results, ox.QueryBoolean):
        typer.echo("yes" if results else "no")
        return
    table = Table(*(v.value for v in results.variables))
    rows = 0
    for solution in results:
        table.add_row(*(_cell(term, base_iri) for term in solution))
        rows += 1
    # piped or redirected: as wide as the rows, so that no IRI is cut or wrapped
    (Console() if sys.stdout.isatty() else Console(width=1_000_000)).print(table)
    typer.echo(f"{rows} row{'s' * (rows != 1)}", err=True)


def _cell(term: ox.NamedNode | ox.BlankNode | ox.Literal | None, base_iri: str) -> str:
    """Table cells are for reading: IRIs shortened (ekg:killed, entity/organization/isis); json/csv/tsv keep them whole."""
    if term is None:
        return ""
    return compact(term.value, base_iri) if isinstance(term, ox.NamedNode) else term.value
