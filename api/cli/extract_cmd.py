"""``eventkg extract``: print the extraction of one article (``--format json``) or of a batch (``--format jsonl``: one
extraction per JSONL line or feed item, same id, same order), without a store.

A document that cannot be read gets a one-line message on stderr and, in jsonl mode, an ``{"id", "error"}`` line in its
place so that output lines stay aligned with input lines; the exit status is 1 if any document failed.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

import typer

from api.cli.app import app
from api.cli.common import fail
from api.settings import get_settings
from extract.model import Article
from extract.readers import ReadError, article_from_text, iter_articles


class OutputFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"


@app.command("extract")
def extract(
    file: Path = typer.Argument(..., help="A text/HTML article (json), or a JSONL file of {id, text, published?, "
                                          "title?} or an RSS/Atom feed (jsonl)."),
    format: OutputFormat = typer.Option(OutputFormat.json, "--format", help="json: one article; jsonl: one per line."),
    published: str | None = typer.Option(None, "--published", help="Publication date YYYY-MM-DD (json mode)."),
    title: str | None = typer.Option(None, "--title", help="Headline (json mode)."),
    model: str | None = typer.Option(None, "--model", help="spaCy pipeline (default: settings)."),
    batch_size: int | None = typer.Option(None, "--batch-size", min=1, help="Texts per nlp.pipe batch."),
    workers: int | None = typer.Option(None, "--workers", min=1, help="Parser processes."),
    max_bytes: int | None = typer.Option(None, "--max-bytes", min=1, help="Largest article accepted, in bytes."),
) -> None:
    """Extract entities, events and relations from FILE and print them as JSON."""
    settings = get_settings().with_overrides(
        model=model, batch_size=batch_size, workers=workers, max_article_bytes=max_bytes
    )
    if not file.is_file():
        fail(f"{file}: no such file", 1)
    if format is OutputFormat.json:
        article = _read_one(file, settings.max_article_bytes, published=published, title=title)
        (extraction,) = _extractor(settings).extract_many([article])
        typer.echo(json.dumps(extraction.to_dict(), ensure_ascii=False, indent=2))
        return
    failed = _extract_jsonl(file, settings)
    raise typer.Exit(1 if failed else 0)


def _extractor(settings):
    try:
        return settings.extractor()
    except OSError as err:  # spaCy's "can't find model"
        fail(f"cannot load the spaCy model {settings.model!r}: {err}", 1)


def _extract_jsonl(path: Path, settings) -> int:
    """Extract every line (or feed item), streaming; returns how many failed. Good articles go through the pipe in
    batches, and each failed line is written in its place: ``pending`` holds what was read, in order, until its output
    is due."""
    pending: deque[Article | ReadError] = deque()

    def articles() -> Iterator[Article]:
        for result in iter_articles([path], max_bytes=settings.max_article_bytes):
            pending.append(result)
            if isinstance(result, Article):
                yield result

    failed = 0

    def flush_errors() -> None:
        nonlocal failed
        while pending and isinstance(pending[0], ReadError):
            error = pending.popleft()
            failed += 1
            typer.echo(f"error: {error.message}", err=True)
            typer.echo(json.dumps({"id": error.source, "error": error.reason}, ensure_ascii=False))

    for extraction in _extractor(settings).extract_many(articles(), workers=settings.workers):
        flush_errors()
        pending.popleft()  # the article this extraction is of
        typer.echo(json.dumps(extraction.to_dict(), ensure_ascii=False))
    flush_errors()
    return failed


def _read_one(path: Path, max_bytes: int, **metadata: str | None) -> Article:
    """The article in ``path``, with the metadata given on the command line (checked like the file's own)."""
    results = list(iter_articles([path], max_bytes=max_bytes))
    if not results:
        fail(f"{path}: no article in the file", 1)
    if len(results) > 1:  # a JSONL file or a feed: json mode would show the first and drop the others unsaid
        fail(f"{path}: {len(results)} articles in the file; --format jsonl extracts each", 1)
    result = results[0]
    given = {k: v for k, v in metadata.items() if v is not None}
    if isinstance(result, Article) and given:
        own = {k: getattr(result, k) for k in ("title", "published", "url", "publisher")}
        result = article_from_text(result.text, id=result.id, **{**own, **given})
    if isinstance(result, ReadError):
        fail(result.message, 1)
    return result
