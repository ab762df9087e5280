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
from graph.analytics.aggregate import time_bounds
from graph.namespaces import EKG, local_name
from graph.store import EventStore, to_ox

GRANULARITIES = {"day": 10, "month": 7, "year": 4}  # length of the ISO prefix that names a period

_QUERY = """
SELECT ?type ?time (COUNT(?event) AS ?events) WHERE {{
  VALUES ?modality {{ {modalities} }}
  {type_values}
  ?event ekg:modality ?modality ; a ?type .
  OPTIONAL {{ ?event ekg:time ?time }}
  {confidence_filter}
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
    modalities: list[str] | tuple[str, ...] = ("asserted",),
) -> list[TimelineRow]:
    """Events per period and type, sorted by period (undated last) then type.

    An event dated more coarsely than ``granularity`` is counted under its own period: a "2022" event in a monthly
    timeline is in the row "2022", not spread over months. ``start``/``end`` (ISO dates, inclusive) keep the events
    whose time overlaps the range; with either of them undated events are left out. Filters mean what they mean for
    :func:`graph.projection.project`.
    """
    if granularity not in GRANULARITIES:
        raise ValueError(f"unknown granularity '{granularity}'; choose one of {', '.join(GRANULARITIES)}")
    query = _QUERY.format(
        modalities=" ".join(str(to_ox(Literal(m))) for m in modalities),
        type_values="VALUES ?type { %s }" % " ".join(str(to_ox(event_class(t))) for t in event_types)
        if event_types
        else "",
        confidence_filter="?event ekg:confidence ?confidence FILTER (?confidence >= ?min_confidence)"
        if min_confidence is not None
        else "",
    )
    bindings = {"min_confidence": Literal(float(min_confidence))} if min_confidence is not None else {}
    range_bounds = (time_bounds(start)[0] if start else None, time_bounds(end)[1] if end else None)
    counts: dict[tuple[str | None, str], int] = {}
    for row in store.select(query, **bindings):
        time = row["time"].value if row["time"] is not None else None
        if (start or end) and not _overlaps(time, *range_bounds):
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


def _overlaps(time: str | None, first, last) -> bool:
    bounds = time_bounds(time)
    return bounds is not None and (first is None or bounds[1] >= first) and (last is None or bounds[0] <= last)
