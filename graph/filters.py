"""What a reader of the graph keeps: event types, predicates, modalities, a time range, a minimum confidence, places.

:class:`Filter` is the one value every consumer takes (the projection and so analytics and exports, the timeline, the
REST routers, ``eventkg analyze``/``export``), and :meth:`Filter.parse` the one place its values are checked: every
wrong value is an :class:`InvalidFilter` (HTTP 400) whose message names the parameter as the caller spells it
(``--from`` on the command line, ``from`` over HTTP) and the accepted values.

>>> Filter.parse(event_types=["Attack"], start="2022-03").start
'2022-03'
>>> Filter.parse(start="last-week", labels={"start": "from"})
Traceback (most recent call last):
...
graph.filters.InvalidFilter: from 'last-week' is not an ISO date, month or year; use 2022-03-15, 2022-03 or 2022
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields

from extract.model import EVENT_TYPES, MODALITIES, PREDICATES
from graph.errors import InvalidInput
from graph.times import time_bounds

# An ISO day, month or year from year 1 on: what event times are, and all a time filter lets through (digits and "-"
# only, so a checked bound may be written into a query's text).
_ISO_TIME = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")
ACCEPTED_TIMES = "2022-03-15, 2022-03 or 2022"


class InvalidFilter(InvalidInput):
    """A filter value outside what the data model allows (an unknown event type, a malformed date …)."""


def iso_time(value: str | None, label: str) -> str | None:
    """``value`` if it is an ISO day, month or year naming a real date; :class:`InvalidFilter` otherwise."""
    if value is not None and (not _ISO_TIME.fullmatch(value) or time_bounds(value) is None):
        raise InvalidFilter(f"{label} {value!r} is not an ISO date, month or year; use {ACCEPTED_TIMES}")
    return value


def one_of(values: Iterable[str] | None, allowed: Iterable[str], label: str) -> tuple[str, ...] | None:
    """``values`` as a tuple if each is in ``allowed``; None stays None (no filter)."""
    if values is None:
        return None
    allowed = tuple(allowed)
    values = tuple(values)
    for value in values:
        if value not in allowed:
            raise InvalidFilter(f"unknown {label} {value!r}; choose from {', '.join(allowed)}")
    return values


@dataclass(frozen=True)
class Filter:
    """Which events and edges to keep. ``None`` keeps everything (``modalities=None``: every modality).

    - ``event_types``, ``predicates``, ``modalities``: local names from the data model's closed lists;
    - ``start``/``end``: ISO day, month or year; an event whose time overlaps the range is kept (undated ones are
      then left out), a standing relation (no event) always;
    - ``min_confidence``: statements and events at least this confident;
    - ``places``: entity keys of places; events in one of them or in a place inside it (``ekg:locatedIn*``);
    - ``roll_up``: in the entity network, article-local actors ("police", "gunmen") replaced by the named entity they
      belong to (:func:`graph.projection.project`); events and timelines are not changed by it.
    """

    event_types: tuple[str, ...] | None = None
    predicates: tuple[str, ...] | None = None
    modalities: tuple[str, ...] | None = ("asserted",)
    start: str | None = None
    end: str | None = None
    min_confidence: float = 0.0
    places: tuple[str, ...] | None = None
    roll_up: bool = False

    @classmethod
    def parse(
        cls,
        *,
        event_types: Iterable[str] | None = None,
        predicates: Iterable[str] | None = None,
        modalities: Iterable[str] | None = ("asserted",),
        start: str | None = None,
        end: str | None = None,
        min_confidence: float | None = None,
        places: Iterable[str] | None = None,
        roll_up: bool = False,
        labels: Mapping[str, str] | None = None,
    ) -> Filter:
        """A checked :class:`Filter`; ``labels`` names the parameters in messages (default: ``event type`` …)."""
        label = {**_LABELS, **(labels or {})}.__getitem__
        confidence = 0.0 if min_confidence is None else float(min_confidence)
        if not 0.0 <= confidence <= 1.0:
            raise InvalidFilter(f"{label('min_confidence')} must be between 0 and 1, not {min_confidence}")
        return cls(
            event_types=one_of(event_types, EVENT_TYPES, label("event_types")),
            predicates=one_of(predicates, PREDICATES, label("predicates")),
            modalities=one_of(modalities, MODALITIES, label("modalities")),
            start=iso_time(start, label("start")),
            end=iso_time(end, label("end")),
            min_confidence=confidence,
            places=tuple(places) if places is not None else None,
            roll_up=bool(roll_up),
        )

    def key(self) -> tuple:
        """A hashable, order-free key (for caches of what was computed under this filter)."""
        return tuple((f.name, tuple(sorted(v)) if isinstance(v, tuple) else v)
                     for f in fields(self) for v in (getattr(self, f.name),))


_LABELS = {"event_types": "event type", "predicates": "predicate", "modalities": "modality", "start": "start",
           "end": "end", "min_confidence": "min_confidence", "places": "place",
           "roll_up": "roll_up"}
