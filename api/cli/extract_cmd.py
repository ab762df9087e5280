"""``eventkg extract``: print the extraction of one article (json) or of a JSONL batch (jsonl), without a store."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path

import typer

from api.cli.app import app
from api.settings import get_settings
from extract.readers import ReadError, article_from_bytes, iter_articles


class OutputFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"


@app.command("extract")
def extract(
    file: Path = typer.Argument(..., help="A text/HTML article (json) or a JSONL file of {id, text, published?, title?}."),
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
    from extract.pipeline import Extractor  # imported here: loading spaCy is slow and other commands do not need it

    extractor = Extractor(model=settings.model, batch_size=settings.batch_size)
    if format is OutputFormat.json:
        article = _read_one(file, settings.max_article_bytes, published=published, title=title)
        (extraction,) = extractor.extract_many([article])
        typer.echo(json.dumps(extraction.to_dict(), ensure_ascii=False, indent=2))
        return
    raise typer.Exit(1)


def _read_one(path: Path, max_bytes: int, **metadata: str | None):
    if not path.is_file():
        _fail(f"{path}: no such file")
    results = list(iter_articles([path], max_bytes=max_bytes))
    result = results[0]
    if isinstance(result, ReadError):
        _fail(result.message)
    for key, value in metadata.items():
        if value is not None:
            setattr(result, key, value)
    return result


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)
