"""Reading articles from files, folders, JSONL, RSS/Atom feeds (:mod:`extract.feeds`) and raw bytes, with a clear
error for anything unusable.

Everything here returns :class:`~extract.model.Article` objects or :class:`ReadError` values, never raises for bad
input: a batch goes on past a bad document and the caller reports it.

>>> from extract.readers import article_from_bytes
>>> article_from_bytes(b"ISIS claimed the attack.", id="a1").text
'ISIS claimed the attack.'
>>> article_from_bytes(b"", id="a2").message
'a2: empty article (no text)'
>>> article_from_bytes(b"Rebels attacked.", id="../etc").message
"'../etc': invalid article id: '.' and '..' are not allowed as id segments"

Article ids follow one rule (:func:`checked_id`), applied to every reader and to ``POST /articles``: a string (an
integer in a JSON record is taken as its decimal string), 1 to 512 characters, no control characters, no lone
surrogates, no ``.`` or ``..`` between slashes (ids become IRI and URL path segments).
"""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from extract.model import Article

DEFAULT_MAX_BYTES = 2_000_000
TEXT_SUFFIXES = {".txt", ".text", ".md"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
JSONL_SUFFIXES = {".jsonl", ".jsonlines", ".ndjson"}
FEED_SUFFIXES = {".rss", ".atom", ".xml"}  # read by extract.feeds, which refuses an .xml file that is not a feed
METADATA_FIELDS = ("title", "published", "url", "publisher", "language")
MAX_ID_CHARS = 512
URL_SCHEMES = ("http", "https")
# A JSON line may escape every character of the text (``\\u0041`` is six bytes for one): longer lines are skipped
# unread rather than held in memory.
JSON_ESCAPE_FACTOR = 6
# Byte-order marks and their codecs, longest first (the UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

_HTML_SNIFF = re.compile(r"^\s*(<!doctype html|<html|<head|<body|<article|<div|<p[\s>])", re.IGNORECASE)


@dataclass(frozen=True)
class ReadError:
    """A document that could not be read; ``source`` says where it came from (a path, ``path:line`` or an id)."""

    source: str
    reason: str

    @property
    def message(self) -> str:
        return f"{self.source}: {self.reason}"


class InvalidId(ValueError):
    """An article id that breaks the rule of :func:`checked_id`."""


def checked_id(value: object) -> str:
    """``value`` as an article id, or :class:`InvalidId` saying what is wrong with it.

    >>> checked_id(42), checked_id("wire/2022-03 attack")
    ('42', 'wire/2022-03 attack')
    >>> checked_id("")
    Traceback (most recent call last):
    extract.readers.InvalidId: an id must not be empty
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise InvalidId(f"an id must be a string, not {type(value).__name__}")
    if not value:
        raise InvalidId("an id must not be empty")
    if len(value) > MAX_ID_CHARS:
        raise InvalidId(f"an id has at most {MAX_ID_CHARS} characters, this one {len(value):,}")
    if _has_surrogates(value):
        raise InvalidId("an id must not contain lone surrogates (\\ud800-\\udfff)")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise InvalidId("an id must not contain control characters")
    if any(segment in (".", "..") for segment in value.split("/")):
        raise InvalidId("'.' and '..' are not allowed as id segments")
    return value


def iter_articles(paths: Iterable[str | Path], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | ReadError]:
    """Every article under ``paths`` (files, or folders walked recursively in sorted order)."""
    for path in _files(paths):
        if path.exists():
            yield from _read_file(path, max_bytes)
        else:
            yield ReadError(shown_path(path), "no such file or folder")


def count_documents(paths: Iterable[str | Path]) -> int:
    """How many results :func:`iter_articles` gives for ``paths``: one per file, one per non-blank JSONL line, one per
    feed item. Reads JSONL files (in bounded pieces) and feeds through once, so that progress can show N of a total."""
    total = 0
    for path in _files(paths):
        if path.suffix.lower() in FEED_SUFFIXES and path.is_file():
            from extract.feeds import count_items  # imported here: extract.feeds builds on this module

            total += count_items(path)
        elif path.suffix.lower() in JSONL_SUFFIXES and path.is_file():
            try:
                with path.open("rb") as handle:
                    total += sum(1 for raw in _bounded_lines(handle, 1 << 20) if raw is None or raw.strip())
            except OSError:
                total += 1  # reading it fails again, with its own error
        else:
            total += 1
    return total


def _files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files ``paths`` name, folders walked recursively in sorted order (hidden files and sidecars left out); a
    path that does not exist is given as is."""
    for path in map(Path, paths):
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                if not (child.suffix.lower() == ".json" and _is_sidecar(child)):
                    yield child
        else:
            yield path


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
        return too_large(_shown(id), len(data), max_bytes)
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    if encoding is None and b"\x00" in data:
        return ReadError(_shown(id), "binary content (NUL bytes), not text")
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError as err:
        what = encoding.upper().removesuffix("-SIG") if encoding else "UTF-8"
        return ReadError(_shown(id), f"not {what} text (invalid byte at offset {err.start})")
    text = text.removeprefix("\ufeff")  # the UTF-16/32 codecs keep no mark, utf-8 would
    if html or (html is None and _HTML_SNIFF.match(text[:200])):
        return article_from_html(text, id=id, **metadata)
    return article_from_text(text, id=id, **metadata)


def article_from_text(text: str, *, id: str, **metadata: str | None) -> Article | ReadError:
    """An article from text already decoded; checks its id, that it is not empty and that its metadata is well formed
    (metadata fields are strings, the url an absolute http(s) URL)."""
    try:
        id = checked_id(id)
    except InvalidId as err:
        return ReadError(_shown(id), f"invalid article id: {err}")
    if not isinstance(text, str) or _has_surrogates(text):
        return ReadError(id, "the text contains lone surrogates (\\ud800-\\udfff), which are not Unicode text")
    if not text.strip():
        return ReadError(id, "empty article (no text)")
    if _looks_binary(text):
        return ReadError(id, "binary content (control characters), not text")
    fields = {k: v for k, v in metadata.items() if k in METADATA_FIELDS and v is not None}
    for key, value in fields.items():
        if not isinstance(value, str) or _has_surrogates(value):
            return ReadError(id, f"metadata field {key!r} must be a string of Unicode text")
    published = fields.get("published")
    if published:
        normalised = iso_date(published)
        if normalised is None:
            return ReadError(id, f"publication date {published!r} is not an ISO date (YYYY-MM-DD)")
        fields["published"] = normalised
    url = fields.get("url")
    if url is not None and not is_web_url(url):
        return ReadError(id, f"url must be an absolute {' or '.join(URL_SCHEMES)} URL, not {url[:80]!r}")
    return Article(id=id, text=text, **fields)


def article_from_record(
    record: object, *, source: str, default_id: str | None = None, max_bytes: int = DEFAULT_MAX_BYTES
) -> Article | ReadError:
    """An article from a JSON object ``{"id", "text", "title"?, "published"?, "url"?, "publisher"?}``; a record
    without ``id`` takes ``default_id`` (none: it is an error). ``source`` names the record in messages."""
    if not isinstance(record, dict):
        return ReadError(source, "expected a JSON object with 'id' and 'text'")
    if record.get("id") is None and default_id is None:
        return ReadError(source, "no 'id' in the record")
    try:
        article_id = checked_id(record["id"] if record.get("id") is not None else default_id)
    except InvalidId as err:
        return ReadError(source, f"invalid article id: {err}")
    text = record.get("text")
    if not isinstance(text, str):
        return ReadError(article_id, "no 'text' string in the record")
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        return too_large(article_id, size, max_bytes)
    metadata = {k: record.get(k) for k in METADATA_FIELDS if record.get(k) is not None}
    if _HTML_SNIFF.match(text[:200]) and not _has_surrogates(text):
        return article_from_html(text, id=article_id, **metadata)
    return article_from_text(text, id=article_id, **metadata)


def _read_file(path: Path, max_bytes: int) -> Iterator[Article | ReadError]:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        yield from read_jsonl(path, max_bytes)
        return
    if suffix == ".json":
        yield _read_json_article(path, max_bytes)
        return
    if suffix in FEED_SUFFIXES:
        from extract.feeds import read_feed  # imported here: extract.feeds builds on this module

        yield from read_feed(path, max_bytes)
        return
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES:
        yield ReadError(shown_path(path), f"unsupported file type {suffix or '(none)'}; expected .txt, .html, .jsonl "
                                          "or an RSS/Atom feed (.rss, .atom, .xml)")
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield too_large(shown_path(path), size, max_bytes)
            return
        data = path.read_bytes()
    except OSError as err:
        yield ReadError(shown_path(path), f"cannot read: {err.strerror}")
        return
    metadata = _sidecar_metadata(path)
    if isinstance(metadata, ReadError):
        yield metadata
        return
    article_id = str(metadata.pop("id", None) or path.stem)
    result = article_from_bytes(
        data, id=article_id, max_bytes=max_bytes, html=True if suffix in HTML_SUFFIXES else None, **metadata
    )
    yield ReadError(shown_path(path), result.reason) if isinstance(result, ReadError) else result


def read_jsonl(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | ReadError]:
    """One result per non-blank line of a JSONL file, in order; a failure is named ``path:line``. Every record needs
    an ``id``. Lines too long to hold an article of ``max_bytes`` are skipped without being held in memory."""
    try:
        handle = path.open("rb")
    except OSError as err:
        yield ReadError(shown_path(path), f"cannot read: {err.strerror}")
        return
    limit = JSON_ESCAPE_FACTOR * max_bytes + 65_536  # the text escaped, and room for the metadata
    with handle:
        for number, raw in enumerate(_bounded_lines(handle, limit), start=1):
            source = f"{shown_path(path)}:{number}"
            if raw is None:
                yield ReadError(source, f"too large (a line over {limit:,} bytes; the article limit is {max_bytes:,})")
                continue
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8-sig" if number == 1 else "utf-8"))
            except UnicodeDecodeError as err:
                yield ReadError(source, f"not UTF-8 text (invalid byte at offset {err.start})")
                continue
            except json.JSONDecodeError as err:
                yield ReadError(source, f"not a JSON line ({err})")
                continue
            yield article_from_record(record, source=source, max_bytes=max_bytes)


def _bounded_lines(handle, limit: int) -> Iterator[bytes | None]:
    """The lines of a binary file, each at most ``limit`` bytes; a longer line is read past in chunks and given as
    None."""
    while raw := handle.readline(limit + 1):
        if len(raw) <= limit or raw.endswith(b"\n"):
            yield raw
            continue
        while (rest := handle.readline(1 << 20)) and not rest.endswith(b"\n"):
            pass
        yield None


def _read_json_article(path: Path, max_bytes: int) -> Article | ReadError:
    try:
        size = path.stat().st_size
        if size > JSON_ESCAPE_FACTOR * max_bytes:
            return ReadError(shown_path(path), f"too large ({size:,} bytes; the article limit is {max_bytes:,})")
        record = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        return ReadError(shown_path(path), f"not a readable JSON article ({err})")
    return article_from_record(record, source=shown_path(path), default_id=path.stem, max_bytes=max_bytes)


def _is_sidecar(path: Path) -> bool:
    """A ``.json`` file that describes a text or HTML file next to it rather than being an article itself."""
    return any(path.with_suffix(s).exists() for s in TEXT_SUFFIXES | HTML_SUFFIXES)


def _sidecar_metadata(path: Path) -> dict[str, str] | ReadError:
    sidecar = path.with_suffix(".json")
    if not sidecar.exists():
        return {}
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        return ReadError(shown_path(sidecar), f"metadata sidecar is not valid JSON ({err})")
    if not isinstance(meta, dict):
        return ReadError(shown_path(sidecar), "metadata sidecar must be a JSON object")
    return {k: meta[k] for k in ("id", *METADATA_FIELDS) if meta.get(k) is not None}


def article_from_html(html: str, *, id: str, **metadata: str | None) -> Article | ReadError:
    """An article from an HTML page: its main text (trafilatura), its metadata where none is given."""
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
                # a page's own link is kept only when it is a web address (never javascript: or data:)
                "url": metadata.get("url") or (meta.url if meta.url and is_web_url(meta.url) else None),
                **{k: v for k, v in metadata.items() if v},
            }
    return article_from_text(text, id=id, **metadata)


def too_large(source: str, size: int, max_bytes: int) -> ReadError:
    """The error for a document of ``size`` bytes over the limit ``max_bytes``."""
    return ReadError(source, f"too large ({size:,} bytes; the limit is {max_bytes:,})")


def _has_surrogates(text: str) -> bool:
    """True for a str holding lone surrogates (JSON's ``"\\ud800"``): no encoder accepts them."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL, the only links an article keeps (never ``javascript:`` or ``data:``)."""
    scheme, _, rest = url.partition(":")
    return scheme.lower() in URL_SCHEMES and rest.startswith("//") and len(rest) > 2 and not _has_surrogates(url)


def shown_path(path: Path) -> str:
    """A path as messages show it: undecodable bytes of a file name (surrogates in Python) as escapes."""
    return str(path).encode("utf-8", "backslashreplace").decode("utf-8")


def _shown(value: object) -> str:
    """An id as messages show it: a bad one may hold control characters or be very long."""
    try:
        return checked_id(value)
    except InvalidId:
        return ascii(value)[:80]


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    control = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    return control > max(3, len(sample) // 100)


def iso_date(value: str) -> str | None:
    """The ``YYYY-MM-DD`` a value starts with (an ISO date or date-time), None if it does not."""
    try:
        return date.fromisoformat(value[:10]).isoformat()
    except ValueError:
        return None
