"""``eventkg ingest``, ``load``, ``delete`` and ``stats``: build and maintain the store. The work is in graph.ingest and
graph.store; this module parses flags, shows progress and prints.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from api.cli.app import app
from api.settings import Settings, get_settings
from graph.store import EventStore, StoreError, open_store

StoreOption = Annotated[
    Path | None, typer.Option("--store", help="Store folder (default: EVENTKG_STORE or ./eventkg-data).")
]
BaseIriOption = Annotated[
    str | None, typer.Option("--base-iri", help="Namespace of minted IRIs (default: EVENTKG_BASE_IRI).")
]

_err = Console(stderr=True, soft_wrap=True)  # one line per message, also in logs


@app.command("ingest")
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Files (.txt + optional .json sidecar, .html, .jsonl) or folders.")],
    store: StoreOption = None,
    base_iri: BaseIriOption = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Parser processes.")] = None,
    batch_size: Annotated[int | None, typer.Option("--batch-size", min=1, help="Texts per nlp.pipe batch.")] = None,
    model: Annotated[str | None, typer.Option("--model", help="spaCy pipeline (default: settings).")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print one line per article.")] = False,
) -> None:
    """Extract events from articles and put them in the store, one transaction per article.

    Unchanged articles are skipped, changed ones replaced. Exit status 1 if any document failed.
    """
    from extract.pipeline import Extractor  # imported here: loading spaCy is slow and other commands do not need it
    from extract.readers import iter_articles
    from graph.ingest import Outcome, ingest

    settings = get_settings().with_overrides(
        store=store, base_iri=base_iri, workers=workers, batch_size=batch_size, model=model
    )
    kg = _open(settings)
    extractor = Extractor(model=settings.model, batch_size=settings.batch_size)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("ingesting"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} articles/s"),
        TimeElapsedColumn(),
        console=_err,
        transient=True,
        disable=not _err.is_terminal,  # in a log or a pipe: plain lines as they happen, no live display
    )
    task = progress.add_task("ingest", total=None, rate="-")

    def show(outcome: Outcome) -> None:
        progress.advance(task)
        speed = progress.tasks[0].speed
        progress.update(task, rate=f"{speed:.1f}" if speed else "-")
        if outcome.status == "failed":
            progress.console.print(f"[red]failed[/red] {outcome.source}: {outcome.error}", highlight=False)
        elif verbose:
            progress.console.print(
                f"{outcome.status:9} {outcome.source} ({outcome.events} events, {outcome.triples} triples)",
                highlight=False,
            )

    with kg, progress:
        documents = iter_articles(paths, max_bytes=settings.max_article_bytes)
        summary = ingest(kg, documents, extractor, workers=settings.workers, on_outcome=show)
        elapsed = progress.tasks[0].elapsed or 0.0
    rate = summary.articles / elapsed if elapsed else 0.0
    typer.echo(
        f"{summary.articles} articles in {elapsed:.1f} s ({rate:.1f}/s): {summary.new} new, {summary.updated} updated, "
        f"{summary.unchanged} unchanged, {summary.failed} failed; {summary.events} events and {summary.triples} triples "
        f"extracted into {settings.store}"
    )
    if summary.failed:
        raise typer.Exit(1)


@app.command("load")
def load_command(
    file: Annotated[Path, typer.Argument(help="RDF file: .ttl, .trig, .nt, .nq, .jsonld (or give --format).")],
    store: StoreOption = None,
    format: Annotated[str | None, typer.Option("--format", help="ttl, trig, nt, nq, jsonld (default: from extension).")] = None,
    graph: Annotated[str | None, typer.Option("--graph", help="Named graph for triples (default: the default graph).")] = None,
) -> None:
    """Import existing RDF in bulk; a file that does not parse loads nothing."""
    from rdflib import URIRef

    if not file.is_file():
        _fail(f"{file}: no such file")
    settings = get_settings().with_overrides(store=store)
    with _open(settings) as kg:
        try:
            count = kg.load(file, format, graph=URIRef(graph) if graph else None)
        except StoreError as err:
            _fail(str(err))
        started = time.perf_counter()
        kg.compact()
        compacted = time.perf_counter() - started
        total = len(kg)
    typer.echo(f"loaded {count} quads from {file} (compacted for reading in {compacted:.1f} s); "
               f"the store has {total} quads")


@app.command("delete")
def delete_command(
    article_id: Annotated[str, typer.Argument(help="The article's id (as ingested).")],
    store: StoreOption = None,
    base_iri: BaseIriOption = None,
) -> None:
    """Remove an article's graph and the entities no other article mentions."""
    settings = get_settings().with_overrides(store=store, base_iri=base_iri)
    with _open(settings) as kg:
        if not kg.delete_article(article_id):
            _fail(f"no article {article_id!r} in {settings.store}")
    typer.echo(f"deleted {article_id}")


@app.command("stats")
def stats_command(
    store: StoreOption = None,
    base_iri: BaseIriOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Counts: articles, events by type, entities by type, relations by predicate, graphs, quads."""
    settings = get_settings().with_overrides(store=store, base_iri=base_iri)
    if not Path(settings.store).is_dir():
        _fail(f"no store at {settings.store} (run `eventkg ingest` first or give --store)")
    with _open(settings, read_only=True) as kg:
        stats = kg.stats()
    if as_json:
        typer.echo(json.dumps(stats, indent=2))
        return
    typer.echo(f"store      {settings.store}")
    for key in ("articles", "events", "entities", "relations", "graphs", "quads"):
        typer.echo(f"{key:10} {stats[key]}")
        breakdown = stats.get(f"{key}_by_type") or stats.get(f"{key}_by_predicate") or {}
        for name, count in breakdown.items():
            typer.echo(f"  {name:22} {count}")


def _open(settings: Settings, *, read_only: bool = False) -> EventStore:
    try:
        return open_store(settings.store, base_iri=settings.base_iri, read_only=read_only)
    except StoreError as err:
        _fail(str(err))


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)
