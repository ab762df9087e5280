"""An article's extraction as stored with the article (``ekg:extraction``, a JSON string), and back: the store writes an
article graph again from it when one of its entities changes canonical IRI, and reads every article's claims and
incident reports from it when it opens (graph/entity_graph.py, graph/incidents.py).

Span texts over 40 characters that the article text gives by their offsets are left out (sentences, mostly; an entity
mention that long too), which keeps the JSON small: the text is stored beside it (``ekg:text``), and every reader takes
them from it (:func:`article_from_json`, :func:`span_text`).

>>> from extract.model import Article, Extraction
>>> article = Article(id="a1", text="ISIS attacked Paris.", title="Paris")
>>> again, extraction = article_from_json("a1", article.text, extraction_json(article, Extraction(id="a1")))
>>> again == article, extraction == Extraction(id="a1")
(True, True)
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from extract.model import Article, Extraction, Span


_ARTICLE_FIELDS = ("title", "published", "url", "publisher", "language")


def extraction_json(article: Article, extraction: Extraction) -> str:
    """The extraction (and the article's metadata) as stored with the article (``ekg:extraction``), so the store can
    write the article graph again when an entity's canonical IRI changes. Span texts over 40 characters that the article
    text gives by their offsets are left out: a reader takes them from the text (:func:`span_text`)."""
    text = article.text

    def plain(value):  # called by the C encoder for each dataclass; far faster than Extraction.to_dict
        fields = vars(value)
        if isinstance(value, Span) and len(value.text) > 40 and text[value.start:value.end] == value.text:
            return {"start": value.start, "end": value.end}
        return fields

    data = {"article": {f: getattr(article, f) for f in _ARTICLE_FIELDS}, **vars(extraction)}
    return json.dumps(data, default=plain, ensure_ascii=False, separators=(",", ":"))


def article_from_json(article_id: str, text: str, stored: str) -> tuple[Article, Extraction]:
    """The inverse of :func:`extraction_json`, given the article's text."""
    return article_from_dict(article_id, text, json.loads(stored))


def article_from_dict(article_id: str, text: str, stored: dict) -> tuple[Article, Extraction]:
    """:func:`article_from_json` of the stored JSON parsed already (which it leaves as it is)."""
    data = _with_span_texts(stored, text)
    article = Article(id=article_id, text=text, **data.pop("article"))
    return article, Extraction.from_dict(data)


def span_text(span: Mapping, text: str) -> str:
    """A stored span's text: its own, or the article text's at its offsets where :func:`extraction_json` left it out."""
    return span["text"] if "text" in span else text[span["start"]:span["end"]]


def _with_span_texts(value, text: str):
    if isinstance(value, dict):
        if {"start", "end"} <= value.keys() and "text" not in value and isinstance(value["start"], int):
            value = {**value, "text": span_text(value, text)}
        return {k: _with_span_texts(v, text) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_span_texts(v, text) for v in value]
    return value
