"""Reading articles from files, folders, JSONL and raw bytes, with a clear error for anything unusable.

Everything here returns :class:`~extract.model.Article` objects or :class:`ReadError` values, never raises for bad
input: a batch goes on past a bad document and the caller reports it.

>>> from extract.readers import article_from_bytes
>>> article_from_bytes(b"ISIS claimed the attack.", id="a1").text
'ISIS claimed the attack.'
>>> article_from_bytes(b"", id="a2").message
'a2: empty article (no text)'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from extract.model import Article

DEFAULT_MAX_BYTES = 2_000_000
TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".jsonlines", ".ndjson"}
METADATA_FIELDS = ("title", "published", "url", "publisher", "language")

_HTML_SNIFF = re.compile(rb"^\s*(<!doctype html|<html|<head|<body|<article|<div|<p[\s>])", re.IGNORECASE)


@dataclass(frozen=True)
class ReadError:
    """A document that could not be read; ``source`` says where it came from (a path, ``path:line`` or an id)."""

    source: str
    reason: str

    @property
    def message(self) -> str:
        return f"{self.source}: {self.reason}"


def iter_articles(paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | ReadError]:
    """Every article under ``paths`` (files, or folders walked recursively in sorted order)."""
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                if child.suffix.lower() == ".json" and _is_sidecar(child):
                    continue
                yield from _read_file(child, max_bytes)
        elif path.exists():
            yield from _read_file(path, max_bytes)
        else:
            yield ReadError(str(path), "no such file or folder")


def article_from_bytes(
    data: bytes,
    *,
    id: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    html: bool | None = None,
    **metadata: str | None,
) -> Article | ReadError:
    """An article from raw bytes: checked for size, binary content and encoding; HTML reduced to its main text.

    ``html=None`` sniffs the bytes; metadata keys are the :data:`METADATA_FIELDS`.
    """
    if len(data) > max_bytes:
        return ReadError(id, f"too large ({len(data):,} bytes; the limit is {max_bytes:,})")
    if b"\x00" in data:
        return ReadError(id, "binary content (NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return ReadError(id, f"not UTF-8 text (invalid byte at offset {err.start})")
    if html or (html is None and _HTML_SNIFF.match(data)):
        return _article_from_html(text, id=id, **metadata)
    return article_from_text(text, id=id, **metadata)


def article_from_text(text: str, *, id: str, **metadata: str | None) -> Article | ReadError:
    """An article from text already decoded; checks it is not empty and that its metadata is well formed."""
    if not text.strip():
        return ReadError(id, "empty article (no text)")
    if _looks_binary(text):
        return ReadError(id, "binary content (control characters), not text")
    published = metadata.get("published")
    if published:
        normalised = _iso_date(str(published))
        if normalised is None:
            return ReadError(id, f"publication date {published!r} is not an ISO date (YYYY-MM-DD)")
        metadata["published"] = normalised
    fields = {k: (str(v) if v is not None else None) for k, v in metadata.items() if k in METADATA_FIELDS}
    return Article(id=id, text=text, **fields)


def article_from_record(record: object, *, source: str, max_bytes: int = DEFAULT_MAX_BYTES) -> Article | ReadError:
    """An article from a JSON object ``{"id", "text", "title"?, "published"?, "url"?, "publisher"?}``."""
    if not isinstance(record, dict):
        return ReadError(source, "expected a JSON object with 'id' and 'text'")
    text = record.get("text")
    article_id = str(record.get("id") or source)
    if not isinstance(text, str):
        return ReadError(article_id, "no 'text' string in the record")
    if len(text.encode("utf-8")) > max_bytes:
        return ReadError(article_id, f"too large ({len(text.encode('utf-8')):,} bytes; the limit is {max_bytes:,})")
    metadata = {k: record.get(k) for k in METADATA_FIELDS if record.get(k) is not None}
    if _HTML_SNIFF.match(text.encode("utf-8")[:200]):
        return _article_from_html(text, id=article_id, **metadata)
    return article_from_text(text, id=article_id, **metadata)


def _read_file(path: Path, max_bytes: int) -> Iterator[Article | ReadError]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from _read_jsonl(path, max_bytes)
        return
    if suffix == ".json":
        yield _read_json_article(path, max_bytes)
        return
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        yield ReadError(str(path), f"unsupported file type {suffix or '(none)'}; expected .txt, .html or .jsonl")
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield ReadError(str(path), f"too large ({size:,} bytes; the limit is {max_bytes:,})")
            return
        data = path.read_bytes()
    except OSError as err:
        yield ReadError(str(path), f"cannot read: {err.strerror}")
        return
    metadata = _sidecar_metadata(path)
    if isinstance(metadata, ReadError):
        yield metadata
        return
    article_id = str(metadata.pop("id", None) or path.stem)
    result = article_from_bytes(
        data, id=article_id, max_bytes=max_bytes, html=True if suffix in HTML_SUFFIXES else None, **metadata
    )
    yield ReadError(str(path), result.reason) if isinstance(result, ReadError) else result


def _read_jsonl(path: Path, max_bytes: int) -> Iterator[Article | ReadError]:
    try:
        handle = path.open("rb")
    except OSError as err:
        yield ReadError(str(path), f"cannot read: {err.strerror}")
        return
    with handle:
        for number, raw in enumerate(handle, start=1):
            source = f"{path}:{number}"
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError) as err:
                yield ReadError(source, f"not a JSON line ({err})")
                continue
            yield article_from_record(record, source=source, max_bytes=max_bytes)


def _read_json_article(path: Path, max_bytes: int) -> Article | ReadError:
    try:
        record = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        return ReadError(str(path), f"not a readable JSON article ({err})")
    if isinstance(record, dict) and "id" not in record:
        record = {**record, "id": path.stem}
    return article_from_record(record, source=str(path), max_bytes=max_bytes)


def _is_sidecar(path: Path) -> bool:
    """A ``.json`` file that describes a text or HTML file next to it rather than being an article itself."""
    return any(path.with_suffix(s).exists() for s in TEXT_SUFFIXES | HTML_SUFFIXES)


def _sidecar_metadata(path: Path) -> dict[str, str] | ReadError:
    sidecar = path.with_suffix(".json")
    if not sidecar.exists():
        return {}
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        return ReadError(str(sidecar), f"metadata sidecar is not valid JSON ({err})")
    if not isinstance(meta, dict):
        return ReadError(str(sidecar), "metadata sidecar must be a JSON object")
    return {k: meta[k] for k in ("id", *METADATA_FIELDS) if meta.get(k) is not None}


def _article_from_html(html: str, *, id: str, **metadata: str | None) -> Article | ReadError:
    import trafilatura  # imported here: loading it costs ~0.5 s and most inputs are plain text

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text:
        return ReadError(id, "HTML with no extractable article text")
    if not metadata.get("title"):
        meta = trafilatura.extract_metadata(html)
        if meta is not None:
            metadata = {
                "title": meta.title,
                "published": metadata.get("published") or meta.date,
                "publisher": metadata.get("publisher") or meta.sitename,
                "url": metadata.get("url") or meta.url,
                **{k: v for k, v in metadata.items() if v},
            }
    return article_from_text(text, id=id, **metadata)


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return control > max(3, len(sample) // 100)


def _iso_date(value: str) -> str | None:
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None
