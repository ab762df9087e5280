"""``eventkg ingest``, ``load``, ``delete`` and ``stats``: build and maintain the store. The work is in graph.ingest and
graph.store; this module parses flags, shows progress and prints.
"""

from __future__ import annotations

import json
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer

from api.cli.app import app
from api.cli.common import BaseIriOption, StoreOption, close_cli_store, fail, open_cli_store, writing
from api.cli.progress import IngestProgress
from api.settings import get_settings
from graph.reading.stats import stats as store_stats
from graph.store import StoreError


@app.command("ingest")
def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="Files (.txt + optional .json sidecar, .html, .jsonl) or folders.")],
    store: StoreOption = None,
    base_iri: BaseIriOption = None,
    workers: Annotated[int | None, typer.Option("--workers", min=1, help="Parser processes.")] = None,
    batch_size: Annotated[int | None, typer.Option("--batch-size", min=1, help="Texts per nlp.pipe batch (default 1, "
                                                   "progress per article; with --dask the settings').")] = None,
    model: Annotated[str | None, typer.Option("--model", help="spaCy pipeline (default: settings).")] = None,
    dask: Annotated[str | None, typer.Option(
        "--dask", metavar="local:N|tcp://HOST:8786",
        help="Extract on Dask: local:N starts N single-threaded worker processes; tcp://HOST:8786 uses a running "
             "scheduler. The store is written here, in input order.")] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Print one line per article.")] = False,
) -> None:
    """Extract events from articles and put them in the store, one transaction per article.

    Unchanged articles are skipped, changed ones replaced. Exit status 1 if any document failed.
    """
    from extract.readers import count_documents, iter_articles
    from graph.ingest import ingest

    settings = get_settings().with_overrides(
        store=store, base_iri=base_iri, workers=workers, batch_size=batch_size, model=model
    )
    if dask and workers:
        fail("--workers is for parser processes on this machine; with --dask the cluster's workers parse")
    # The store closes on the way out for any reason, a Ctrl-C while counting a large input included (a server
    # store's writer lease goes with it); a second close does nothing.
    with ExitStack() as cleanup:
        kg = open_cli_store(settings)
        cleanup.callback(close_cli_store, kg)
        total = count_documents(paths)
        extractor = _dask_extractor(dask, settings, cleanup) if dask else _extractor(settings)
        with IngestProgress(total, verbose=verbose) as progress:
            documents = iter_articles(paths, max_bytes=settings.max_article_bytes)
            summary = ingest(kg, documents, extractor, workers=settings.workers, on_outcome=progress.show,
                             on_piece=None if dask else progress.piece)
        stopped = summary.stopped or close_cli_store(kg)
    typer.echo(progress.summary_line(summary, settings.store_where))
    if stopped:
        fail(f"{stopped}; the run stopped there. Every article stored is whole: run the same command again when the "
             "store can be written, and it does the rest")
    if summary.failed:
        raise typer.Exit(1)


def _extractor(settings):
    # One article per nlp.pipe batch unless a batch size is given (--batch-size, EVENTKG_BATCH_SIZE): batches of 4 to
    # 32 were no faster on CPU (docs/benchmarks.md), and one at a time makes the progress move per article.
    batch_size = settings.batch_size if "batch_size" in settings.model_fields_set else 1
    return settings.extractor(batch_size=batch_size)


def _dask_extractor(spec: str, settings, cleanup: ExitStack):
    """The extractor on the Dask cluster ``spec``; the cluster (or the connection) closes with ``cleanup``."""
    from extract.distributed import TASK_ARTICLES, DaskExtractor, dask_client

    try:
        client = cleanup.enter_context(dask_client(spec))
    except ValueError as err:
        fail(str(err))
    except (OSError, TimeoutError) as err:
        fail(f"cannot reach the Dask scheduler at {spec}: {err}")
    # a task is one nlp.pipe batch, of at most TASK_ARTICLES articles so that a small input spreads over the workers
    extractor = DaskExtractor(client, model=settings.model, batch_size=settings.batch_size,
                              max_chars=settings.max_article_bytes,
                              task_articles=min(settings.batch_size, TASK_ARTICLES))
    typer.echo(f"dask: scheduler {client.scheduler.address}, {extractor.threads()} worker thread(s)", err=True)
    return extractor


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
        fail(f"{file}: no such file")
    settings = get_settings().with_overrides(store=store)
    with writing(settings) as kg:
        try:
            count = kg.load(file, format, graph=URIRef(graph) if graph else None)
            started = time.perf_counter()
            kg.compact()
            compacted = time.perf_counter() - started
            total = len(kg)
        except StoreError as err:
            fail(str(err))
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
    with writing(settings) as kg:
        deleted = kg.delete_article(article_id)
    if not deleted:
        fail(f"no article {article_id!r} in the store")
    typer.echo(f"deleted {article_id}")


@app.command("stats")
def stats_command(
    store: StoreOption = None,
    base_iri: BaseIriOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts as JSON.")] = False,
) -> None:
    """Counts: articles, events by type, entities by type, relations by predicate, graphs, quads."""
    settings = get_settings().with_overrides(store=store, base_iri=base_iri)
    with open_cli_store(settings, read_only=True) as kg:
        stats = store_stats(kg)
    if as_json:
        typer.echo(json.dumps(stats, indent=2))
        return
    typer.echo(f"store      {settings.store_where}")
    for key in ("articles", "events", "entities", "relations", "graphs", "quads"):
        typer.echo(f"{key:10} {stats[key]}")
        breakdown = stats.get(f"{key}_by_type") or stats.get(f"{key}_by_predicate") or {}
        for name, count in breakdown.items():
            typer.echo(f"  {name:22} {count}")
