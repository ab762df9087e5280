"""What the server hands a SPARQL worker: a query (:class:`Job`) or an update (:class:`UpdateJob`) as the protocol
gave it, and the media types answers can be given in. Plain Python: the server imports it without Oxigraph, which only
the workers that run the jobs load (:mod:`graph.sparql.running`)."""

from __future__ import annotations

from typing import NamedTuple

# Media type -> the name of its format in Oxigraph (pyoxigraph.QueryResultsFormat, pyoxigraph.RdfFormat).
RESULT_MEDIA = {
    "application/sparql-results+json": "JSON",
    "application/sparql-results+xml": "XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
GRAPH_MEDIA = {
    "text/turtle": "TURTLE",
    "application/n-triples": "N_TRIPLES",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
}


class Job(NamedTuple):
    """A query as the protocol hands it over. The answer's media type is chosen once its kind is known:
    ``results_media`` for SELECT and ASK, ``graph_media`` for CONSTRUCT and DESCRIBE (None: nothing acceptable).
    ``default_graphs``/``named_graphs`` are the protocol's dataset (``default-graph-uri``, ``named-graph-uri``,
    absolute IRIs already checked): when either is given, both replace the query's ``FROM``/``FROM NAMED``; without
    them the query's own dataset applies or, if it names none, the union of all graphs. ``version``: the store
    version (:meth:`graph.sparql.Snapshot.version`) the server read for this request, which a query worker reads the
    store at instead of looking at the files again (None: it looks).

    A named tuple, not a dataclass: one is made and pickled (as a plain tuple, :mod:`graph.sparql.frames`) for every
    request, 2.6 against 8.3 µs."""

    text: str
    results_media: str | None
    graph_media: str | None
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    base_iri: str | None = None
    max_rows: int | None = None
    version: tuple | None = None


class UpdateJob(NamedTuple):
    """An update as the protocol hands it over; ``using_graphs``/``using_named_graphs`` are the protocol's
    ``using-graph-uri``/``using-named-graph-uri`` (checked absolute IRIs): when either is given, they are the dataset
    of every ``DELETE``/``INSERT … WHERE``, as ``USING``/``USING NAMED`` would be. A named tuple like :class:`Job`:
    the workers then need no ``dataclasses`` (1.3 MiB with what it imports)."""

    text: str
    base_iri: str | None = None
    using_graphs: tuple[str, ...] | None = None
    using_named_graphs: tuple[str, ...] | None = None
