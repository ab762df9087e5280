"""How many events of each type happened per day, month or year.

Events live in the store, not in the entity projection, so this counts them with one aggregate SPARQL query on
Oxigraph's native engine and buckets the times in Python.

>>> from graph.store import EventStore
>>> timeline(EventStore(None))
[]
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal, URIRef

from extract.model import EVENT_TYPES
from graph.times import time_bounds
from graph.namespaces import EKG, local_name
from graph.store import EventStore, sparql_term

GRANULARITIES = {"day": 10, "month": 7, "year": 4}  # length of the ISO prefix that names a period

_QUERY = """
SELECT ?type ?time (COUNT(?event) AS ?events) WHERE {{
  ?event ekg:modality ?modality ; a ?type .
  OPTIONAL {{ ?event ekg:time ?time }}
  {filters}
}} GROUP BY ?type ?time
"""


@dataclass(frozen=True)
class TimelineRow:
    period: str | None  # "2022-03" for a month; None for undated events
    event_type: str
    events: int


def timeline(
    store: EventStore,
    *,
    granularity: str = "month",
    event_types: list[str] | tuple[str, ...] | None = None,
    start: str | None = None,
    end: str | None = None,
    min_confidence: float | None = None,
    modalities: list[str] | tuple[str, ...] | None = ("asserted",),
) -> list[TimelineRow]:
    """Events per period and type, sorted by period (undated last) then type.

    An event dated more coarsely than ``granularity`` is counted under its own period: a "2022" event in a monthly
    timeline is in the row "2022", not spread over months. ``start``/``end`` (ISO dates, inclusive) keep the events
    whose time overlaps the range; with either of them undated events are left out. ``modalities=None`` counts every
    modality. Filters mean what they mean for :func:`graph.projection.project`.
    """
    if granularity not in GRANULARITIES:
        raise ValueError(f"unknown granularity '{granularity}'; choose one of {', '.join(GRANULARITIES)}")
    clauses = []
    if modalities is not None:
        clauses.append("VALUES ?modality { %s }" % " ".join(sparql_term(Literal(m)) for m in modalities))
    if event_types:
        clauses.append("VALUES ?type { %s }" % " ".join(sparql_term(event_class(t)) for t in event_types))
    if min_confidence is not None:
        minimum = sparql_term(Literal(float(min_confidence)))
        clauses.append(f"?event ekg:confidence ?confidence FILTER (?confidence >= {minimum})")
    query = _QUERY.format(filters="\n  ".join(clauses))
    first, last = (_bounds(start)[0] if start else None), (_bounds(end)[1] if end else None)
    counts: dict[tuple[str | None, str], int] = {}
    for row in store.select(query):
        time = row["time"].value if row["time"] is not None else None
        if (first or last) and not _overlaps(time, first, last):
            continue
        key = (time[: GRANULARITIES[granularity]] if time else None, local_name(row["type"].value))
        counts[key] = counts.get(key, 0) + int(row["events"].value)
    ordered = sorted(counts.items(), key=lambda item: (item[0][0] is None, item[0][0] or "", item[0][1]))
    return [TimelineRow(period, event_type, n) for (period, event_type), n in ordered]


def event_class(name: str) -> URIRef:
    """``"Attack"`` -> ``ekg:Attack``; a clear ``ValueError`` for a name that is not an event type."""
    if name not in EVENT_TYPES:
        raise ValueError(f"unknown event type '{name}'; choose from {', '.join(EVENT_TYPES)}")
    return EKG[name]


def _bounds(iso: str):
    bounds = time_bounds(iso)
    if bounds is None:
        raise ValueError(f"not an ISO date, month or year: {iso!r}")
    return bounds


def _overlaps(time: str | None, first, last) -> bool:
    bounds = time_bounds(time)
    return bounds is not None and (first is None or bounds[1] >= first) and (last is None or bounds[0] <= last)
