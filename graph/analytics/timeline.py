"""How many events of each type happened per day, month or year: one granularity, every period in the range.

Events live in the store, not in the entity projection. Monthly and yearly timelines read the counters the store
maintains at write time (:mod:`graph.aggregates`: a few hundred quads, whatever the size of the store) when the
filter is one they hold (types, modalities, a range in whole months or years); anything else (days, a minimum
confidence, places, a range that starts mid-month) is counted with one aggregate SPARQL query on Oxigraph's native
engine. Either way the times are bucketed in Python. Every row has the requested granularity, and the periods
between the first and the last (or the filter's ``start`` and ``end``) are all there, zero where nothing happened, for
every event type counted: a chart draws it as it comes. Events dated more coarsely than the granularity (a "2022"
event in a monthly timeline) cannot be placed in a period; they are counted apart (``coarser``), as are undated ones.

>>> from graph.store import EventStore
>>> timeline(EventStore(None)).rows
[]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from rdflib import Literal

from graph import aggregates
from graph.filters import Filter, InvalidFilter
from graph.namespaces import EKG, local_name
from graph.reading import count_tables
from graph.store import EventStore
from graph.terms import sparql_term
from graph.times import overlaps, time_bounds

GRANULARITIES = {"day": 10, "month": 7, "year": 4}  # length of the ISO prefix that names a period
MAX_ROWS = 100_000  # periods x event types one timeline may have (a daily timeline over centuries is a mistake)

_QUERY = """
SELECT ?type ?time (COUNT(DISTINCT ?event) AS ?events) WHERE {{
  {places}
  ?event ekg:modality ?modality ; a ?type .
  OPTIONAL {{ ?event ekg:time ?time }}
  {filters}
}} GROUP BY ?type ?time
"""


@dataclass(slots=True)  # not frozen: a monthly timeline makes thousands, and frozen ones take 3x as long to make
class TimelineRow:
    period: str  # "2022-03" for a month
    event_type: str
    events: int


@dataclass
class Timeline:
    granularity: str
    rows: list[TimelineRow]  # by period, then event type; zero-filled
    coarser: dict[str, int] = field(default_factory=dict)  # event type -> events dated more coarsely than a period
    undated: dict[str, int] = field(default_factory=dict)  # event type -> events without a time (no range given)


def timeline(store: EventStore, filter: Filter | None = None, *, granularity: str = "month",
             **criteria) -> Timeline:
    """Events per period and type under ``filter`` (or the :meth:`Filter.parse` of ``criteria``).

    ``start``/``end`` keep the events whose time overlaps the range (undated events are then left out) and fix the
    periods listed; ``places`` keeps events in those places or in places inside them; ``predicates`` do not apply.
    """
    if granularity not in GRANULARITIES:
        raise InvalidFilter(f"unknown granularity '{granularity}'; choose one of {', '.join(GRANULARITIES)}")
    filter = filter if filter is not None else Filter.parse(**criteria)
    counts = counted(store, filter) if timeline_from_counters(store, filter, granularity) else event_counts(store, filter)
    return zero_filled(counts, filter, granularity)


def timeline_from_counters(store: EventStore, filter: Filter, granularity: str) -> bool:
    """Whether the maintained counters answer this timeline exactly: they count per month (or coarser) by type and
    modality, so a range must be in whole months or years, and confidence and places are not in them."""
    whole_months = all(bound is None or len(bound) <= 7 for bound in (filter.start, filter.end))
    return (granularity != "day" and whole_months and not filter.min_confidence and filter.places is None
            and aggregates.maintained(store))


def counted(store: EventStore, filter: Filter) -> dict[tuple[str | None, str], int]:
    """:func:`event_counts` from the counters (times are months, or years for events dated by year)."""
    counts = count_tables.period_counts(store, modalities=filter.modalities, event_types=filter.event_types)
    first = time_bounds(filter.start)[0] if filter.start else None
    last = time_bounds(filter.end)[1] if filter.end else None
    if first or last:
        counts = {key: n for key, n in counts.items() if overlaps(key[0], first, last)}
    return counts


def event_counts(store: EventStore, filter: Filter) -> dict[tuple[str | None, str], int]:
    """(time as stored or None, event type) -> events, under ``filter`` (its range applied to each time)."""
    clauses = []
    if filter.modalities is not None:
        clauses.append("VALUES ?modality { %s }" % " ".join(sparql_term(Literal(m)) for m in filter.modalities))
    if filter.event_types is not None:
        clauses.append("VALUES ?type { %s }" % " ".join(sparql_term(EKG[t]) for t in filter.event_types))
    if filter.min_confidence:
        minimum = sparql_term(Literal(filter.min_confidence))
        clauses.append(f"?event ekg:confidence ?confidence FILTER (?confidence >= {minimum})")
    places = ""
    if filter.places is not None:
        iris = " ".join(sparql_term(store.iris.entity(key)) for key in filter.places)
        places = f"VALUES ?within {{ {iris} }} ?event ekg:place/ekg:locatedIn* ?within ."
    query = _QUERY.format(places=places, filters="\n  ".join(clauses))
    first = time_bounds(filter.start)[0] if filter.start else None
    last = time_bounds(filter.end)[1] if filter.end else None
    counts: dict[tuple[str | None, str], int] = {}
    for row in store.select(query):
        time = row["time"].value if row["time"] is not None else None
        if (first or last) and not overlaps(time, first, last):
            continue
        key = (time, local_name(row["type"].value))
        counts[key] = counts.get(key, 0) + int(row["events"].value)
    return counts


def zero_filled(counts: dict[tuple[str | None, str], int], filter: Filter, granularity: str) -> Timeline:
    """The :class:`Timeline` of per-time counts: bucketed at ``granularity``, every period from the first to the last
    (the filter's range when it has one) and every event type counted (or asked for) in each."""
    width = GRANULARITIES[granularity]
    buckets: dict[tuple[str, str], int] = {}
    answer = Timeline(granularity, [])
    for (time, event_type), n in counts.items():
        if time is None:
            answer.undated[event_type] = answer.undated.get(event_type, 0) + n
        elif len(time) < width:
            answer.coarser[event_type] = answer.coarser.get(event_type, 0) + n
        else:
            buckets[(time[:width], event_type)] = buckets.get((time[:width], event_type), 0) + n
    # In type order whatever the order counts came in (storage order, counters or SPARQL), also when no row follows.
    answer.coarser, answer.undated = dict(sorted(answer.coarser.items())), dict(sorted(answer.undated.items()))
    types = sorted(set(filter.event_types or ()) | {t for _, t in buckets})
    seen = sorted(p for p, _ in buckets)
    low = time_bounds(filter.start)[0] if filter.start else (time_bounds(seen[0])[0] if seen else None)
    high = time_bounds(filter.end)[1] if filter.end else (time_bounds(seen[-1])[1] if seen else None)
    if low is None or high is None or not types:  # an open range with no dated event in it lists no period
        return answer
    periods = _periods(low, high, granularity)
    if len(periods) * len(types) > MAX_ROWS:
        raise InvalidFilter(f"a {granularity} timeline of {len(periods)} periods is too long; narrow the range "
                            "(from, to) or choose a coarser granularity")
    answer.rows = [TimelineRow(p, t, buckets.get((p, t), 0)) for p in periods for t in types]
    return answer


def _periods(low: date, high: date, granularity: str) -> list[str]:
    """Every period of ``granularity`` from the one holding ``low`` to the one holding ``high``."""
    periods = []
    if granularity == "day":
        # By ordinal: the day after 9999-12-31 is not a date.
        for ordinal in range(low.toordinal(), min(high.toordinal(), low.toordinal() + MAX_ROWS) + 1):
            periods.append(date.fromordinal(ordinal).isoformat())
    elif granularity == "month":
        for month in range(low.year * 12 + low.month - 1, high.year * 12 + high.month):
            periods.append(f"{month // 12:04d}-{month % 12 + 1:02d}")
    else:
        periods = [f"{year:04d}" for year in range(low.year, high.year + 1)]
    return periods
