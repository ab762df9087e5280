"""The extraction data model: what extract/ hands to graph/.

Plain dataclasses with a JSON form (``to_dict`` / ``from_dict``) that is the public contract of
``eventkg extract --format json``. Offsets are character offsets into ``Article.text``.

Identifiers:

- ``Entity.id`` is a *stable key* (``"organization/isis"``, ``"place/geonames-163843"``): the same real-world entity gets
  the same key in every article, so graph/ can mint one IRI per entity across the corpus.
- ``Event.id`` is local to the article (``"ev1"``, ``"ev2"``, … in text order).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, is_dataclass
from typing import Any

from extract.event_types import NAMES

ENTITY_TYPES = ("Person", "Organization", "Group", "Place")

EVENT_TYPES = NAMES  # defined with their lexicons and edges in extract/event_types.py

ROLES = ("agent", "target", "victim", "place", "instrument", "topic")

MODALITIES = ("asserted", "called-for", "threatened", "hypothetical", "negated", "reported")

# Direct edges between entities (or entity -> event) that events yield, and standing relations.
EVENT_PREDICATES = (
    "attacked",
    "killed",
    "injured",
    "calledFor",
    "threatened",
    "declared",
    "stated",
    "arrested",
    "invaded",
    "proclaimed",
    "fought",
    "died",
)
STANDING_PREDICATES = (
    "spokespersonOf",
    "leaderOf",
    "founderOf",
    "memberOf",
    "affiliatedWith",
    "worksFor",
    "locatedIn",
)
PREDICATES = EVENT_PREDICATES + STANDING_PREDICATES


@dataclass(frozen=True)
class Span:
    """A stretch of the article text."""

    text: str
    start: int
    end: int


Mention = Span


@dataclass
class Article:
    """One news article as read from a file, a JSONL line or an HTTP body."""

    id: str
    text: str
    title: str | None = None
    published: str | None = None  # ISO date, YYYY-MM-DD
    url: str | None = None
    publisher: str | None = None
    language: str = "en"

    @property
    def content_hash(self) -> str:
        """SHA-256 of the text and metadata: re-ingesting an unchanged article is a no-op."""
        h = hashlib.sha256()
        for part in (self.text, self.title, self.published, self.url, self.publisher):
            h.update((part or "").encode("utf-8"))
            h.update(b"\x00")
        return h.hexdigest()


def name_text(text: str) -> str:
    """A surface form as an entity's label or alias: each run of whitespace one space (a name broken across a line,
    "Abu Bakr\\nal-Baghdadi", is one name; its mention keeps the text as written)."""
    return " ".join(text.split())


@dataclass
class Entity:
    id: str
    label: str
    type: str  # one of ENTITY_TYPES
    aliases: list[str] = field(default_factory=list)
    mentions: list[Span] = field(default_factory=list)
    references: list[Span] = field(default_factory=list)  # pronouns and descriptions resolved to it (not names)
    country: str | None = None  # places: ISO country name
    latitude: float | None = None
    longitude: float | None = None
    geonames_id: int | None = None
    description: str | None = None  # e.g. "Palestinian man", "managing director"


@dataclass
class Argument:
    role: str  # one of ROLES
    text: str
    start: int
    end: int
    entity: str | None = None  # Entity.id, or Event.id for the topic role


@dataclass
class TimeValue:
    text: str
    value: str | None  # "2022-02-03" | "2022-02" | "2022" | None when unresolvable


@dataclass
class EventMention:
    """One place the article tells an event: the trigger words and their sentence."""

    trigger: Span
    sentence: Span


@dataclass
class Event:
    id: str
    type: str  # one of EVENT_TYPES
    modality: str  # one of MODALITIES
    trigger: Span
    sentence: Span
    arguments: list[Argument] = field(default_factory=list)
    time: TimeValue | None = None
    confidence: float = 0.5
    source: str | None = None  # entity id of whoever an event is attributed to (modality "reported")
    # every mention of the event in text order, the first being ``trigger``/``sentence`` ("A bomb exploded ... The blast")
    mentions: list[EventMention] = field(default_factory=list)

    def args(self, role: str) -> list[Argument]:
        return [a for a in self.arguments if a.role == role]


@dataclass
class Relation:
    subject: str | None  # Entity.id or Event.id; None for "someone" (an agentless passive: "X was arrested")
    predicate: str  # one of PREDICATES
    object: str  # Entity.id or Event.id
    event: str | None = None  # the event the edge comes from (None for standing relations with no event)
    confidence: float = 0.5
    evidence: Span | None = None  # the sentence, for standing relations that have no event
    role: str | None = None  # e.g. "president" for leaderOf


@dataclass(frozen=True)
class PieceProgress:
    """A long article parsed in pieces (:mod:`extract.pieces`): ``pieces_done`` of ``pieces``, its first
    ``chars_done`` of ``chars`` characters."""

    article: str  # Article.id
    pieces_done: int
    pieces: int
    chars_done: int
    chars: int


@dataclass
class Extraction:
    id: str
    entities: list[Entity] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)
    extractor: str = "eventkg"
    extractor_version: str = "0.1.0"

    def to_dict(self) -> dict[str, Any]:
        return _drop_none(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Extraction:
        return cls(
            id=d["id"],
            entities=[
                Entity(**{**e, "mentions": [Span(**m) for m in e.get("mentions", [])],
                          "references": [Span(**m) for m in e.get("references", [])]})
                for e in d.get("entities", [])
            ],
            events=[_event_from_dict(e) for e in d.get("events", [])],
            relations=[
                Relation(**{**r, "evidence": Span(**r["evidence"]) if r.get("evidence") else None})
                for r in d.get("relations", [])
            ],
            extractor=d.get("extractor", "eventkg"),
            extractor_version=d.get("extractor_version", "0.1.0"),
        )


def _event_from_dict(e: dict[str, Any]) -> Event:
    return Event(
        **{
            **e,
            "trigger": Span(**e["trigger"]),
            "sentence": Span(**e["sentence"]),
            "arguments": [Argument(**a) for a in e.get("arguments", [])],
            "time": TimeValue(**e["time"]) if e.get("time") else None,
            "mentions": [EventMention(Span(**m["trigger"]), Span(**m["sentence"])) for m in e.get("mentions", [])],
        }
    )


_KEEP_NULL = frozenset({"time", "entity", "event", "value", "subject"})


def _drop_none(value: Any) -> Any:
    """JSON form (dataclasses as dicts) without keys whose value is None, except the ones the contract shows as null.

    Walks ``vars()`` rather than calling ``dataclasses.asdict``, which deep-copies every value and costs more than
    the extraction rules themselves.
    """
    if is_dataclass(value):
        value = vars(value)
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None or k in _KEEP_NULL}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value
