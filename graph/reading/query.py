"""The toolkit the readers share: what an IRI names, SELECTs with bound values, pages and their totals, and the
properties of a node read straight from the indexes.

Ids and text from users enter a query only as bound variables (pyoxigraph ``substitutions``); the query text is
assembled from fixed fragments chosen by which filters are present, plus values checked first: integers for
LIMIT/OFFSET, names from the data model's closed lists (event types, predicates, modalities) and ISO dates
(:mod:`graph.filters`).
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TypeVar
from urllib.parse import unquote

import pyoxigraph as ox
from rdflib import Literal, URIRef

from extract.model import ROLES
from graph.filters import InvalidFilter, iso_time, one_of
from graph.namespaces import EKG, PREFIXES, RDF, RDFS, SKOS, XSD, local_name
from graph.reading.cache import memo
from graph.reading.records import Page, Ref
from graph.store import EventStore
from graph.terms import to_ox

T = TypeVar("T")


def ref(store: EventStore, iri: str, label: str | None = None, type_iri: str | None = None) -> Ref:
    """What kind of node ``iri`` names in the data model, and its id there."""
    iris, type_name = store.iris, local_name(type_iri)
    if (key := iris.key_of(iri)) is not None:
        return Ref("entity", key, iri, label, type_name)
    if iri.startswith(iris.event_prefix):
        article_id, event_id = iri[len(iris.event_prefix):].rsplit("/", 1)
        return Ref("event", f"{unquote(article_id)}/{unquote(event_id)}", iri, label, type_name)
    if iri.startswith(iris.article_prefix):
        return Ref("article", unquote(iri[len(iris.article_prefix):]), iri, label, type_name)
    return Ref("other", None, iri, label, type_name)


def entity_iri(store: EventStore, key: str) -> URIRef:
    return store.iris.entity(key)


def event_iri(store: EventStore, event_id: str) -> URIRef:
    """``"<article id>/<event id>"`` -> the event's IRI."""
    article_id, _, local = event_id.rpartition("/")
    if not article_id or not local:
        raise InvalidFilter(f"an event id is '<article id>/<event id>', not {event_id!r}")
    return store.iris.event(article_id, local)


def time_fragments(start: str | None, end: str | None) -> list[str]:
    """FILTERs keeping ``?time`` overlapping ``start``..``end``, bounds checked by :func:`graph.filters.iso_time`."""
    # Times compare as ISO strings; a coarse time ("2022-03") overlaps every day inside it, so its end is the string
    # followed by "~" (above every digit and "-"), and so is the end of the range. The bounds are written into the
    # text (a checked time is only digits and "-"): Oxigraph plans before substituting values, and with the bounds
    # unknown it joined the times of every event before filtering (14x slower for a type and a range).
    fragments = []
    if start is not None:
        fragments.append(f'FILTER(CONCAT(STR(?time), "~") >= "{iso_time(start, "from")}")')
    if end is not None:
        fragments.append(f'FILTER(STR(?time) <= "{iso_time(end, "to")}~")')
    return fragments


def check_name(value: str | None, allowed: Iterable[str], what: str) -> None:
    """:class:`InvalidFilter` unless ``value`` is None or one of ``allowed``."""
    one_of(None if value is None else (value,), allowed, what)


def value_of(term) -> str | None:
    return term.value if term is not None else None


def number_of(term, kind=float):
    return kind(term.value) if term is not None else None


def window(limit: int, offset: int) -> str:
    return f"LIMIT {int(limit)} OFFSET {int(offset)}"


def select(store: EventStore, query: str, **bindings) -> ox.QuerySolutions:
    """SELECT over the union of all graphs, with the usual prefixes and the user's values bound to variables.

    Oxigraph substitutes only projected variables, so every ``{bound}`` in ``query`` becomes the bound variables that
    the projection before the first ``{bound}`` does not name already (GROUP BY takes the same list).
    """
    head = query.split("{bound}", 1)[0]
    bound = " ".join(f"?{name}" for name in bindings if not re.search(rf"\?{name}\b", head))
    return store.native.query(
        query.replace("{bound}", bound),
        use_default_graph_as_union=True,
        prefixes=PREFIXES,
        substitutions={ox.Variable(name): to_ox(value) for name, value in bindings.items()},
    )


def page_of(store: EventStore, items: list, limit: int, offset: int, where: str, variable: str, bindings: dict,
            distinct: bool = True) -> Page:
    """A page of ``items`` with the total count of matches; a short first page is all there is, so it needs no count.

    ``distinct=False`` when ``where`` yields one row per ``variable``: a plain count is much cheaper. The count is
    remembered with a read-only snapshot (see :func:`graph.reading.cache.memo`): paging through a filter counts once."""
    if offset == 0 and len(items) < limit:
        return Page(items, len(items), limit, offset)
    return Page(items, memo(store, count_matches, (where, variable, tuple(bindings.items()), distinct)), limit, offset)


def count_matches(store: EventStore, match: tuple[str, str, tuple, bool]) -> int:
    """The number of (distinct) ``variable`` in ``where``; ``match`` is ``(where, variable, bindings, distinct)``."""
    where, variable, bindings, distinct = match
    group = "GROUP BY {bound}" if bindings else ""
    counted = f"DISTINCT ?{variable}" if distinct else f"?{variable}"
    rows = list(select(store, f"SELECT (COUNT({counted}) AS ?n) {{bound}} WHERE {{ {where} }} {group}",
                       **dict(bindings)))
    return int(rows[0]["n"].value) if rows else 0


def all_facts(store: EventStore, node) -> dict[str, object]:
    """Predicate IRI -> one object, for every property of ``node`` (in any graph)."""
    return {q.predicate.value: q.object for q in store.native.quads_for_pattern(node, None, None, None)}


def first_object(store: EventStore, node, predicate: URIRef):
    """One object of ``node predicate ?o`` (in any graph), or None."""
    quad = next(store.native.quads_for_pattern(node, to_ox(predicate), None, None), None)
    return quad.object if quad is not None else None


def node_ref(store: EventStore, node) -> Ref:
    """A :class:`Ref` to ``node`` with its label and its type in the ontology."""
    name = first_object(store, node, RDFS.label)
    return replace(node_type(store, node), label=name.value if name is not None else None)


def ontology_type(types: Iterable[str], fallback: str | None = None) -> str | None:
    """Of a node's type IRIs, the one the readers give as its type: the first in the ontology's namespace (an article
    is also a ``schema:NewsArticle``), else ``fallback``."""
    return next((t for t in types if t.startswith(str(EKG))), fallback)


def node_type(store: EventStore, node) -> Ref:
    """A :class:`Ref` to ``node`` with its type in the ontology (no label: events have long ones)."""
    types = (q.object.value for q in store.native.quads_for_pattern(node, OX_TYPE, None, None))
    return ref(store, node.value, None, ontology_type(types))


def label_and_type(store: EventStore, iri: str, *, any_type: bool = False) -> tuple[str | None, str | None]:
    """An entity's label and type (a local name) from the entity graph, each None if it has none. The type is the
    entity's type in the ontology; with ``any_type``, failing that, its first other type."""
    node, graph = ox.NamedNode(iri), to_ox(store.iris.entities_graph)
    label = next(store.native.quads_for_pattern(node, OX_LABEL, None, graph), None)
    types = [q.object.value for q in store.native.quads_for_pattern(node, OX_TYPE, None, graph)]
    fallback = types[0] if any_type and types else None
    return label.object.value if label is not None else None, local_name(ontology_type(types, fallback))


OX_TYPE, OX_MENTIONED_IN, OX_LABEL, OX_ALT_LABEL = map(to_ox, (RDF.type, EKG.mentionedIn, RDFS.label, SKOS.altLabel))
OX_ROLES = [to_ox(EKG[role]) for role in ROLES]


def unique(items: Iterable[T]) -> Iterator[T]:
    """``items`` without repeats, lazily."""
    seen = set()
    for item in items:
        if item not in seen:
            seen.add(item)
            yield item


def since_literal(since: str) -> Literal:
    """A ``since`` cursor (an ISO 8601 time as the change feed gives it; without a zone it is UTC, a date alone its
    midnight) as an ``xsd:dateTime``; :class:`InvalidFilter` for anything else."""
    try:
        moment = datetime.fromisoformat(since.strip())
    except ValueError:
        raise InvalidFilter(f"since {since!r} is not an ISO 8601 time; use 2022-03-15T08:00:00Z, or the 'at' of the "
                            "last change read") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    try:
        moment = moment.astimezone(timezone.utc)
    except OverflowError:  # its zone moves it before year 1 or past year 9999
        raise InvalidFilter(f"since {since!r} is out of range once converted to UTC; use a time between years 1 "
                            "and 9999") from None
    stamp = moment.isoformat(timespec="microseconds").replace("+00:00", "Z")
    return Literal(stamp, datatype=XSD.dateTime)
