"""The entities with the most events: the agents who acted most, the places where most happened.

Read from the counters the store maintains at write time (:mod:`graph.aggregates`) when the filter is one they hold
(event types and modalities); with a time range or a minimum confidence they are counted by SPARQL instead.

>>> from graph.store import EventStore
>>> top_entities(EventStore(None), "agent")
[]
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import Literal

from extract.model import EVENT_TYPES
from graph import aggregates
from graph.filters import Filter, InvalidFilter
from graph.namespaces import EKG
from graph.reading import count_tables
from graph.reading.cache import memo
from graph.reading.query import label_and_type
from graph.store import EventStore
from graph.terms import sparql_term
from graph.times import overlaps, time_bounds

KINDS = {"agent": EKG.agent, "place": EKG.place}
_EVENT_TYPES = " ".join(sparql_term(EKG[t]) for t in EVENT_TYPES)  # what the counters count


@dataclass(frozen=True)
class RankedCount:
    rank: int
    key: str  # the entity's key, for /entities/{key}
    iri: str
    label: str | None
    type: str | None
    events: int


def top_entities(store: EventStore, kind: str, filter: Filter | None = None, *, top: int = 20) -> list[RankedCount]:
    """The ``top`` entities by events they are the ``kind`` (``agent`` or ``place``) of, most first (ties by IRI)."""
    if kind not in KINDS:
        raise InvalidFilter(f"unknown ranking '{kind}'; choose one of {', '.join(KINDS)}")
    filter = filter if filter is not None else Filter(modalities=None)
    if filter.places is not None or filter.predicates is not None:
        raise InvalidFilter("rankings are filtered by event type, modality, time and confidence only")
    if ranking_from_counters(store, filter):
        ranked = count_tables.ranking(store, kind, modalities=filter.modalities, event_types=filter.event_types, top=top)
    else:
        ranked = counted_ranking(store, kind, filter, top)
    return [_described(store, rank, iri, n) for rank, (iri, n) in enumerate(ranked, start=1)]


def ranking_from_counters(store: EventStore, filter: Filter) -> bool:
    """Whether the maintained counters answer this ranking: they count by type and modality, not time or confidence."""
    return filter.start is None and filter.end is None and not filter.min_confidence and aggregates.maintained(store)


def counted_ranking(store: EventStore, kind: str, filter: Filter, top: int) -> list[tuple[str, int]]:
    """The ranking counted by one aggregate SPARQL query over the events (the alternative to the counters)."""
    clauses = []
    if filter.modalities is not None:
        clauses.append("VALUES ?m { %s }" % " ".join(sparql_term(Literal(m)) for m in filter.modalities))
    if filter.event_types is not None:
        clauses.append("VALUES ?type { %s }" % " ".join(sparql_term(EKG[t]) for t in filter.event_types))
    clauses.append(f"?ev {sparql_term(KINDS[kind])} ?d ; ekg:modality ?m ; a ?type . "
                   f"VALUES ?type {{ {_EVENT_TYPES} }}")
    if filter.min_confidence:
        clauses.append(f"?ev ekg:confidence ?c FILTER(?c >= {sparql_term(Literal(filter.min_confidence))})")
    ranged = filter.start is not None or filter.end is not None
    if ranged:
        clauses.append("?ev ekg:time ?time")
        query = f"SELECT ?d ?time (COUNT(DISTINCT ?ev) AS ?n) WHERE {{ {' '.join(clauses)} }} GROUP BY ?d ?time"
    else:
        query = (f"SELECT ?d (COUNT(DISTINCT ?ev) AS ?n) WHERE {{ {' '.join(clauses)} }} GROUP BY ?d "
                 f"ORDER BY DESC(?n) STR(?d) LIMIT {int(top)}")
    first = time_bounds(filter.start)[0] if filter.start else None
    last = time_bounds(filter.end)[1] if filter.end else None
    totals: dict[str, int] = {}
    for row in store.select(query):
        if ranged and not overlaps(row["time"].value, first, last):
            continue
        totals[row["d"].value] = totals.get(row["d"].value, 0) + int(row["n"].value)
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))[:top]


def _described(store: EventStore, rank: int, iri: str, events: int) -> RankedCount:
    # remembered with a read-only snapshot: the same leaders are described request after request
    label, type_name = memo(store, label_and_type, iri)
    key = store.iris.key_of(iri)  # unquoted: an unnamed actor's "@" is %40 in its IRI
    return RankedCount(rank, iri if key is None else key, iri, label, type_name, events)

