"""Running user SPARQL on Oxigraph and serialising the answer: the part that runs inside a sandboxed worker
(:mod:`graph.sparql.pool`), and the errors it raises.

Oxigraph's parser is the only parser: the query text goes to ``Store.query``/``Store.update`` as it came, so the
query that runs is the query that was sent, parsed where it runs (in the worker, under the timeout). Nothing here
checks for ``SERVICE`` or ``LOAD``: the worker cannot open a network socket (:mod:`graph.sparql.sandbox`), and a
fetch that failed for that reason becomes :class:`OutboundRefused`.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("https://x/isis"), ox.NamedNode("https://x/label"), ox.Literal("ISIS"),
...                   ox.NamedNode("https://x/g")))
>>> execute(store, Job("SELECT ?l WHERE { ?x x:label ?l }", "text/tab-separated-values", None), {"x": "https://x/"})
('text/tab-separated-values', b'?l\\n"ISIS"\\n')
"""

from __future__ import annotations

from itertools import islice

import pyoxigraph as ox

from graph.errors import GraphError, is_storage_failure
from graph.sparql.errors import (
    OUTBOUND,
    NotAcceptable,
    OutboundRefused,
    QuerySyntaxError,
    ResultTooLarge,
    SparqlError,
    StoreUnavailable,
    UpdateNotSettled,
)
from graph.sparql.jobs import GRAPH_MEDIA, RESULT_MEDIA, Job, UpdateJob
from graph.sparql.text import UPDATE_START, names_dataset, unescape, with_using

# Media type -> Oxigraph format (the service description names them: graph.sparql.description).
RESULT_FORMATS = {media: getattr(ox.QueryResultsFormat, name) for media, name in RESULT_MEDIA.items()}
GRAPH_FORMATS = {media: getattr(ox.RdfFormat, name) for media, name in GRAPH_MEDIA.items()}
# Short names for the command line.
FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
}


def execute(store: ox.Store, job: Job, prefixes: dict[str, str]) -> tuple[str, bytes]:
    """Run ``job`` on ``store`` with ``prefixes`` predeclared: the media type chosen and the serialised answer. More
    than ``job.max_rows`` result rows (or triples) raise :class:`ResultTooLarge`."""
    run = lambda: store.query(job.text, base_iri=job.base_iri, prefixes=prefixes, **_dataset(job))  # noqa: E731
    try:
        answer = run()
    except SyntaxError as err:
        hint = "; updates go to /sparql/update" if UPDATE_START.match(unescape(job.text)) else ""
        raise QuerySyntaxError(f"SPARQL syntax error: {err}{hint}") from None
    except (OSError, RuntimeError, ValueError) as err:
        raise _engine_error(err, "the query could not be evaluated") from None
    if isinstance(answer, ox.QueryTriples):
        media = _chosen(job.graph_media, "CONSTRUCT or DESCRIBE", GRAPH_FORMATS)
    else:
        media = _chosen(job.results_media, "SELECT or ASK", RESULT_FORMATS)
    if isinstance(answer, ox.QueryBoolean):
        return media, answer.serialize(format=RESULT_FORMATS[media])
    if isinstance(answer, ox.QueryTriples):
        try:  # the answer is computed as it is read
            triples = list(islice(answer, job.max_rows + 1 if job.max_rows is not None else None))
        except (OSError, RuntimeError, ValueError) as err:
            raise _engine_error(err, "the query could not be evaluated") from None
        if job.max_rows is not None and len(triples) > job.max_rows:
            raise too_large(job.max_rows)
        fmt = GRAPH_FORMATS[media]
        return media, ox.serialize(triples, format=fmt, prefixes=prefixes if fmt == ox.RdfFormat.TURTLE else None)
    return media, _solutions_bytes(answer, media, job.max_rows, run)


def update(store: ox.Store, job: UpdateJob, prefixes: dict[str, str]) -> None:
    """Apply a SPARQL Update to a store opened for writing, as one transaction, with ``prefixes`` predeclared."""
    text = job.text
    if job.using_graphs is not None or job.using_named_graphs is not None:
        text = with_using(text, job.using_graphs or (), job.using_named_graphs or ())
    try:
        store.update(text, base_iri=job.base_iri, prefixes=prefixes)
    except SyntaxError as err:
        raise QuerySyntaxError(f"SPARQL Update syntax error: {err}") from None
    except (OSError, RuntimeError, ValueError) as err:
        raise _engine_error(err, "the update could not be applied") from None


def settle_update(store) -> None:
    """After a user's update of ``store`` (an :class:`~graph.store.EventStore` open for writing): entities and
    incidents follow the claims it may have changed (``EventStore.reresolve``, docs/graph.md), and the dashboards'
    counters are counted afresh, those that differ moved (:func:`graph.aggregates.settle`). The update is committed:
    a failure now is :class:`UpdateNotSettled`, which tells the client not to send it again."""
    from graph import aggregates  # here: the query workers import this module and never load rdflib

    try:
        store.reresolve()
        aggregates.settle(store)
    except (GraphError, OSError, RuntimeError):
        raise UpdateNotSettled from None


def _engine_error(err: Exception, failed: str) -> Exception:
    """What an error Oxigraph raised while evaluating means to the client.

    A storage failure (RocksDB's words) is :class:`StoreUnavailable`, without its message (which names files). Any
    other ``OSError`` comes from Oxigraph's HTTP client, i.e. a ``SERVICE`` or ``LOAD`` that the sandbox stopped:
    :class:`OutboundRefused`, with a fixed message that says nothing of the address. Everything else (an unknown
    function, ``CLEAR`` of a missing graph, ``CREATE`` of an existing one) is the client's, with the engine's words.
    """
    if is_storage_failure(err):
        return StoreUnavailable("the store could not be read, try again")
    if isinstance(err, OSError):
        return OutboundRefused(OUTBOUND)
    return SparqlError(f"{failed}: {err}")


def _chosen(media: str | None, forms: str, offered: dict) -> str:
    if media is None:
        raise NotAcceptable(f"a {forms} answer can be given as: {', '.join(offered)}")
    return media


def _dataset(job: Job) -> dict:
    if job.default_graphs is not None or job.named_graphs is not None:  # SPARQL 1.1 Protocol §2.1.4
        return {"default_graph": [ox.NamedNode(g) for g in job.default_graphs or ()],
                "named_graphs": [ox.NamedNode(g) for g in job.named_graphs or ()]}
    if names_dataset(job.text):
        return {}
    return {"use_default_graph_as_union": True}


def too_large(max_rows: int) -> ResultTooLarge:
    return ResultTooLarge(f"the result has more than {max_rows} rows; narrow the query or page it with LIMIT/OFFSET")


# What every row (or triple) of an answer holds at least once, whatever wrote it: a JSON object, an XML <result>
# (text escapes "<"), a line end. Their count in the answer's bytes bounds its rows from above (a string can only add
# to it); the header (JSON's outer objects, XML's <results>, a CSV/TSV header line) counts too. The workers stop
# writing on it; eventkg's /sparql over a server store checks the server's answer with it (graph.sparql.remote).
ROW_MARKS = {"application/sparql-results+json": b"{", "application/sparql-results+xml": b"<result",
             "text/csv": b"\n", "text/tab-separated-values": b"\n", "application/n-triples": b"\n"}
_TSV = "text/tab-separated-values"


class _Rows:
    """A file Oxigraph writes results into, counting the row marks ``mark`` in what it writes (a mark may straddle
    two writes): past ``max_marks`` it raises, which stops the evaluation."""

    def __init__(self, mark: bytes, max_marks: int | None):
        self.mark, self.max_marks = mark, max_marks
        self.marks, self.tail, self.parts = 0, b"", []

    def write(self, chunk: bytes) -> int:
        chunk = bytes(chunk)
        if self.max_marks is not None:
            seen = self.tail + chunk
            self.marks += seen.count(self.mark)  # a mark that ends in this chunk: the tail is too short to hold one
            if self.marks > self.max_marks:
                raise _TooMany
            self.tail = seen[len(seen) - len(self.mark) + 1:]
        self.parts.append(chunk)
        return len(chunk)

    def flush(self) -> None:
        pass


class _TooMany(Exception):
    pass


def _solutions_bytes(solutions, media: str, max_rows: int | None, again) -> bytes:
    """Serialise solutions, computing them as they are written, all in Oxigraph (no Python object per row), with the
    row limit stopping the evaluation. TSV is written with its lines counted (one line per row after the header:
    TSV escapes line breaks in terms). Another format is written directly while its row marks (:data:`ROW_MARKS`)
    stay within the limit, which bounds its rows; a longer one is evaluated again (``again()``) as TSV to count its
    rows exactly, then re-read and written in the format asked for."""
    fmt = RESULT_FORMATS[media]
    if max_rows is not None and media != _TSV:
        out = _Rows(ROW_MARKS[media], max_rows)
        if _serialize(solutions, out, fmt, max_rows):
            return b"".join(out.parts)
        solutions = again()
    out = _Rows(ROW_MARKS[_TSV], None if max_rows is None else max_rows + 1)
    if not _serialize(solutions, out, ox.QueryResultsFormat.TSV, max_rows):
        raise too_large(max_rows)
    tsv = b"".join(out.parts)
    if fmt == ox.QueryResultsFormat.TSV:
        return tsv
    return ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=fmt)


def _serialize(solutions, out: _Rows, fmt: ox.QueryResultsFormat, max_rows: int | None) -> bool:
    """Whether ``solutions`` were written to ``out`` whole, False when it stopped them."""
    try:
        solutions.serialize(out, fmt)
    except _TooMany:
        return False
    except (OSError, RuntimeError, ValueError) as err:
        raise _engine_error(err, "the query could not be evaluated") from None
    return True
