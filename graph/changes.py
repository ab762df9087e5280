"""The change log: when each article (and so each of its events) was last written or deleted.

A graph of its own (``IRIs.changes_graph``: ``<base>graph/changes``) holds one quad per article:
``<article> ekg:ingestedAt t`` after a put, ``<article> ekg:deletedAt t`` (a tombstone) after a delete, ``t`` an
``xsd:dateTime`` in UTC with microseconds. The
store writes it in the same SPARQL Update as the article (:func:`on_put`, :func:`on_delete`), so the log never
disagrees with the graph. A client that read everything up to ``t`` asks for what changed after ``t``
(:func:`changes_since`): each article changed is fetched again (its events are replaced with it), each deleted one
dropped. The log's size and newest time (:func:`log_version`) tell whether anything was written since: the store's
kept writer state and the answer cache of a server store go by them.

The times are the only part of the store that depends on when, not on what, was ingested: comparisons of content
(the same input in any order gives the same graph) leave this graph out (:func:`is_change_log`).

>>> from graph.namespaces import IRIs
>>> is_change_log(IRIs().changes_graph, IRIs())
True
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib import URIRef

from graph.namespaces import EKG, XSD, IRIs
from graph.terms import sparql_term, to_ox

if TYPE_CHECKING:  # graph.store imports this module
    from graph.store import EventStore


def is_change_log(graph_name: object, iris: IRIs) -> bool:
    """Whether a quad's graph (an Oxigraph or rdflib term) is the change log."""
    return getattr(graph_name, "value", str(graph_name)) == str(iris.changes_graph)


def now() -> ox.Literal:
    """The current UTC time as an ``xsd:dateTime`` literal, to the microsecond."""
    stamp = datetime.now(timezone.utc).isoformat(timespec="microseconds").replace("+00:00", "Z")
    return ox.Literal(stamp, datatype=to_ox(XSD.dateTime))


def on_put(iris: IRIs, article_id: str) -> list[str]:
    """SPARQL Update operations recording that ``article_id`` was (re)written now."""
    return _record(iris, article_id, EKG.ingestedAt)


def on_delete(iris: IRIs, article_id: str) -> list[str]:
    """SPARQL Update operations leaving a tombstone for ``article_id``."""
    return _record(iris, article_id, EKG.deletedAt)


def log_version(store: EventStore) -> tuple[str, str | None]:
    """The change log's size and newest time: they change whenever an eventkg process writes or deletes an article
    (a write by another tool leaves no entry). Reads an index entry per article, not the articles."""
    (row,) = store.select(f"SELECT (COUNT(*) AS ?n) (MAX(STR(?t)) AS ?last) WHERE {{ GRAPH "
                          f"{sparql_term(store.iris.changes_graph)} {{ ?article ?change ?t }} }}")
    return row["n"].value, row["last"].value if row["last"] is not None else None


def _record(iris: IRIs, article_id: str, predicate: URIRef) -> list[str]:
    graph, article = sparql_term(iris.changes_graph), sparql_term(iris.article(article_id))
    return [f"DELETE WHERE {{ GRAPH {graph} {{ {article} ?p ?o }} }}",
            f"INSERT DATA {{ GRAPH {graph} {{ {article} {sparql_term(predicate)} {now()} }} }}"]
