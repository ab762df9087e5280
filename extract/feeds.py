"""RSS and Atom feed files as articles: one :class:`~extract.model.Article` or
:class:`~extract.readers.ReadError` per ``<item>`` (RSS 2.0, RSS 1.0/RDF) or ``<entry>`` (Atom), in file order.

An item's text is its full content (``content:encoded``, Atom ``content``) reduced from HTML to text by the HTML
reader, else its ``description``/``summary``; ``title`` is the item's, ``publisher`` the channel's or feed's title,
``published`` the date of ``pubDate`` (RFC 822) or ``dc:date``, or Atom ``published``/``updated`` (ISO), ``url`` the
item's link when it is a web address, and ``id`` the ``guid``/``rdf:about``/Atom ``id`` when it is a URI, else the
link; a ``guid`` that is no URI (a post number, unique only in its own feed) is scoped by the channel's title
(``Wire/1``); an item with neither gets a hash of its title, text and date (the same item always gets the same id).

The file is parsed by the standard library's expat parser, streamed item by item, twice: a first pass finds a
malformed file before any item is given, and the channel title wherever it stands. That is safe enough for untrusted
feeds: ElementTree never fetches external entities or DTDs (an external entity is a parse error), so nothing reaches
the network or the file system, and expat 2.4.1 and later (Python 3.11 ships with one) refuse entity-expansion bombs
("billion laughs", quadratic blowup); tests/test_feeds.py checks both. What it does not bound is one huge item, which
is held whole before it is refused as too large.
"""

from __future__ import annotations

import hashlib
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import NamedTuple

from extract.model import Article
from extract.readers import (
    InvalidId,
    ReadError,
    article_from_html,
    article_from_text,
    checked_id,
    is_web_url,
    iso_date,
    shown_path,
    too_large,
)

ATOM = "{http://www.w3.org/2005/Atom}"
RSS1 = "{http://purl.org/rss/1.0/}"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
DC = "{http://purl.org/dc/elements/1.1/}"

_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:\S")  # a scheme: http://…, urn:…, tag:…

# Markup in an RSS description (which may be plain text or escaped HTML): a tag or an entity left after XML unescaping.
_MARKUP = re.compile(r"<[a-zA-Z/!]|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")


@dataclass(frozen=True)
class _Format:
    """Where one feed format keeps its items and its channel title."""

    item: str
    item_parent: str
    channel: str


_FORMATS = {
    "rss": _Format(item="item", item_parent="channel", channel="channel"),
    f"{RDF}RDF": _Format(item=f"{RSS1}item", item_parent=f"{RDF}RDF", channel=f"{RSS1}channel"),
    f"{ATOM}feed": _Format(item=f"{ATOM}entry", item_parent=f"{ATOM}feed", channel=f"{ATOM}feed"),
}


class _Fields(NamedTuple):
    """What an item says, before any check."""

    text: str
    is_html: bool
    title: str | None
    link: str | None
    published: str | None
    own_id: str | None


class NotAFeed(ValueError):
    """An XML file whose root element is not ``rss``, ``rdf:RDF`` or Atom ``feed``."""


def read_feed(path: Path, max_bytes: int) -> Iterator[Article | ReadError]:
    """One result per item of the feed file ``path``, in order; a file that is not a well-formed feed is one
    :class:`ReadError` and nothing else."""
    try:
        _, publisher = _survey(path)  # a first pass: a fault anywhere is found before any item is given
        items = (element for kind, element in _walk(path) if kind == "item")
        for number, item in enumerate(items, start=1):
            yield _article(item, publisher, source=f"{shown_path(path)} item {number}", max_bytes=max_bytes)
    except OSError as err:
        yield ReadError(shown_path(path), f"cannot read: {err.strerror}")
    except ET.ParseError as err:
        yield ReadError(shown_path(path), f"not a well-formed feed ({err})")
    except NotAFeed as err:
        yield ReadError(shown_path(path), str(err))
    except (LookupError, ValueError) as err:  # expat reads no multi-byte encoding but UTF-8/16, nor unknown ones
        yield ReadError(shown_path(path), f"a feed in an encoding that cannot be read ({err})")


def count_items(path: Path) -> int:
    """How many results :func:`read_feed` gives for ``path``: its items, or 1 for a file that is not a well-formed
    feed."""
    try:
        return _survey(path)[0]
    except (OSError, ET.ParseError, LookupError, ValueError):  # NotAFeed is a ValueError
        return 1


def _survey(path: Path) -> tuple[int, str | None]:
    """How many items the feed has, and its channel's title (which may come after the items)."""
    items, publisher = 0, None
    for kind, element in _walk(path):
        if kind == "item":
            items += 1
        elif publisher is None:
            publisher = _text(element)
    return items, publisher


def _walk(path: Path) -> Iterator[tuple[str, ET.Element]]:
    """The ``("item", element)`` of each item and the ``("title", element)`` of the channel, in file order; each item
    is dropped from the tree once given, so memory holds one item at a time."""
    stack: list[ET.Element] = []
    form: _Format | None = None
    for event, element in ET.iterparse(path, events=("start", "end")):
        if event == "start":
            if form is None:
                form = _FORMATS.get(element.tag)
                if form is None:
                    raise NotAFeed(f"not an RSS or Atom feed (the root element is <{_local(element.tag)}>)")
            stack.append(element)
            continue
        stack.pop()
        parent = stack[-1] if stack else None
        if parent is None:
            continue
        if element.tag == form.item and parent.tag == form.item_parent:
            yield "item", element
            parent.remove(element)
        elif parent.tag == form.channel and _local(element.tag) == "title":
            yield "title", element


def _article(item: ET.Element, publisher: str | None, *, source: str, max_bytes: int) -> Article | ReadError:
    try:
        fields = _atom_fields(item) if item.tag.startswith(ATOM) else _rss_fields(item)
    except RecursionError:  # inline XHTML is written back out by a recursive serializer
        return ReadError(source, "nested too deeply to read")
    text, is_html, title, link, published, own_id = fields
    url = link if link and is_web_url(link) else None  # a javascript: or relative link is neither stored nor an id
    if own_id is not None and not _URI.match(own_id):  # "1": another feed's item 1 must not replace this one
        own_id = None if url else f"{publisher}/{own_id}" if publisher else own_id
    if own_id is None and url is None:
        own_id = "item-" + hashlib.sha256(json.dumps([title, text, published]).encode()).hexdigest()[:24]
    try:
        article_id = checked_id(own_id or url)
    except InvalidId as err:
        return ReadError(source, f"invalid article id: {err}")
    size = len(text.encode("utf-8"))
    if size > max_bytes:
        return too_large(article_id, size, max_bytes)
    if published and iso_date(published) is None:
        try:
            published = parsedate_to_datetime(published).date().isoformat()  # the day in the feed's time zone
        except (TypeError, ValueError, IndexError, OverflowError):  # a year past any calendar overflows
            return ReadError(article_id, f"publication date {published[:80]!r} is neither an RFC 822 nor an ISO date")
    metadata = {"title": title, "published": published, "url": url, "publisher": publisher}
    if is_html and text.strip():
        # trafilatura finds no main text in a bare fragment of a sentence or two; an <article> makes it one
        return article_from_html(f"<html><body><article>{text}</article></body></html>", id=article_id, **metadata)
    return article_from_text(text, id=article_id, **metadata)


def _rss_fields(item: ET.Element) -> _Fields:
    """The fields of an RSS 2.0 item or of an RSS 1.0 one (the RSS 1.0 namespace)."""
    ns = RSS1 if item.tag.startswith(RSS1) else ""
    encoded = _text(item.find(f"{CONTENT}encoded"))
    description = _text(item.find(f"{ns}description")) or ""
    text, is_html = (encoded, True) if encoded else (description, bool(_MARKUP.search(description)))
    published = _text(item.find("pubDate")) or _text(item.find(f"{DC}date"))
    own_id = _text(item.find("guid")) or item.get(f"{RDF}about") or None
    return _Fields(text, is_html, _text(item.find(f"{ns}title")), _text(item.find(f"{ns}link")), published, own_id)


def _atom_fields(entry: ET.Element) -> _Fields:
    """The fields of an Atom entry: its text is its content if that is inline text, else its summary."""
    text, is_html = "", False
    for name in ("content", "summary"):
        element = entry.find(f"{ATOM}{name}")
        kind = element.get("type", "text") if element is not None else None
        if kind is None or element.get("src") or not (kind in ("text", "html", "xhtml") or kind.startswith("text/")):
            continue  # out-of-line content or media: no text here
        text = _xhtml(element) if kind == "xhtml" else "".join(element.itertext())
        is_html = kind in ("html", "xhtml", "text/html")
        if text.strip():
            break
    links = [e.get("href") for e in entry.findall(f"{ATOM}link") if e.get("rel", "alternate") == "alternate"]
    published = _text(entry.find(f"{ATOM}published")) or _text(entry.find(f"{ATOM}updated"))
    return _Fields(text, is_html, _text(entry.find(f"{ATOM}title")), next(iter(links), None), published,
                   _text(entry.find(f"{ATOM}id")))


def _xhtml(element: ET.Element) -> str:
    """The inline XHTML of an Atom ``type="xhtml"`` element as HTML, its namespace taken off the tags."""
    for child in element.iter():
        child.tag = _local(child.tag)
    return (element.text or "") + "".join(ET.tostring(child, encoding="unicode") for child in element)


def _text(element: ET.Element | None) -> str | None:
    """The text of an element, stripped; None for a missing or empty one."""
    if element is None:
        return None
    return "".join(element.itertext()).strip() or None


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]
