"""Text in, plain Python objects out: articles become :class:`~extract.model.Extraction` objects.

This package knows nothing of RDF, stores or HTTP.
"""

from extract.model import (
    Argument,
    Article,
    Entity,
    Event,
    EventMention,
    Extraction,
    Mention,
    Relation,
    Span,
    TimeValue,
)

__all__ = [
    "Argument",
    "Article",
    "Entity",
    "Event",
    "EventMention",
    "Extraction",
    "Mention",
    "Relation",
    "Span",
    "TimeValue",
]
