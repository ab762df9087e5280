"""SPARQL queries from users, on Oxigraph's native engine: checked, run with a real timeout, serialised.

Shared by the ``/sparql`` endpoint and ``eventkg query``:

- :func:`prepare` parses a query once (rdflib's SPARQL parser, cached) and refuses what a read-only endpoint must not run:
  updates (``LOAD``, ``INSERT`` …) and ``SERVICE`` (Oxigraph would fetch remote endpoints: SSRF). The check walks the
  parsed algebra, so a keyword inside a comment or a string cannot fool it.
- :func:`execute` runs a prepared query on a ``pyoxigraph.Store`` and serialises the answer in a media type of
  :data:`RESULT_FORMATS` (SELECT, ASK) or :data:`GRAPH_FORMATS` (CONSTRUCT, DESCRIBE), refusing results over a row limit.
- :class:`QueryPool` runs queries in worker processes, each on a read-only :class:`Snapshot` of the store (or a
  :class:`MemoryCopy` of it, faster, once the store has settled). Oxigraph cannot interrupt a query from another
  thread, so a query past its timeout is stopped by killing its worker, which is then replaced.

The usual prefixes (``ekg:``, ``sem:``, ``rdfs:`` … :data:`graph.namespaces.PREFIXES`) are predeclared and the default
graph is the union of all graphs, unless the query (``FROM``) or the caller (``default_graph``) names its graphs.

>>> import pyoxigraph as ox
>>> store = ox.Store()
>>> store.add(ox.Quad(ox.NamedNode("https://x/isis"), ox.NamedNode(str(RDFS.label)), ox.Literal("ISIS"),
...                   ox.NamedNode("https://x/g")))
>>> execute(store, prepare("SELECT ?l WHERE { ?x rdfs:label ?l }"), "text/tab-separated-values")
b'?l\\n"ISIS"\\n'
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from pyparsing import ParseException
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from graph.namespaces import DEFAULT_BASE_IRI, PREFIXES, RDF, RDFS
from graph.store import EventStore, StoreError

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
FORMATS_NS = Namespace("http://www.w3.org/ns/formats/")

# Media type -> (Oxigraph format, W3C format IRI for the service description).
RESULT_FORMATS = {
    "application/sparql-results+json": (ox.QueryResultsFormat.JSON, FORMATS_NS.SPARQL_Results_JSON),
    "application/sparql-results+xml": (ox.QueryResultsFormat.XML, FORMATS_NS.SPARQL_Results_XML),
    "text/csv": (ox.QueryResultsFormat.CSV, FORMATS_NS.SPARQL_Results_CSV),
    "text/tab-separated-values": (ox.QueryResultsFormat.TSV, FORMATS_NS.SPARQL_Results_TSV),
}
GRAPH_FORMATS = {
    "text/turtle": (ox.RdfFormat.TURTLE, FORMATS_NS.Turtle),
    "application/n-triples": (ox.RdfFormat.N_TRIPLES, FORMATS_NS["N-Triples"]),
    "application/ld+json": (ox.RdfFormat.JSON_LD, FORMATS_NS["JSON-LD"]),
    "application/rdf+xml": (ox.RdfFormat.RDF_XML, FORMATS_NS.RDF_XML),
}
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


class SparqlError(Exception):
    """A query that cannot be answered; the message is meant for the user."""


class QuerySyntaxError(SparqlError):
    """The query does not parse (the parser's message)."""


class QueryRefused(SparqlError):
    """An update, ``LOAD`` or ``SERVICE`` sent to the read-only query service."""


class QueryTimeout(SparqlError):
    """The query ran past the timeout and was stopped."""


class ResultTooLarge(SparqlError):
    """The result has more rows than the limit."""


class StoreUnavailable(SparqlError):
    """The store could not be read, e.g. while another process rewrote its files, or a query worker died (it is
    replaced); trying again helps."""


@dataclass(frozen=True)
class PreparedQuery:
    text: str
    form: str  # "SELECT", "ASK", "CONSTRUCT" or "DESCRIBE"
    names_dataset: bool  # the query has FROM / FROM NAMED
    volatile: bool = False  # NOW(), RAND(), UUID() …: the same query on the same data answers differently

    @property
    def media_types(self) -> tuple[str, ...]:
        """The media types this query's answer can be given in, the default first."""
        return tuple(RESULT_FORMATS if self.form in ("SELECT", "ASK") else GRAPH_FORMATS)


@lru_cache(maxsize=1024)
def prepare(query: str) -> PreparedQuery:
    """Parse ``query`` and check it is a read-only query that fetches nothing remote.

    >>> prepare("ASK { ?s ?p ?o }").form
    'ASK'
    >>> prepare("SELECT (NOW() AS ?t) {}").volatile
    True
    >>> prepare("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    ...
    graph.sparql.QueryRefused: SERVICE (federated query) is not allowed on this endpoint
    """
    try:
        algebra = translateQuery(parseQuery(query), initNs=PREFIXES).algebra
    except ParseException as err:
        if _is_update(query):
            raise QueryRefused("updates (INSERT, DELETE, LOAD, CLEAR, …) are not accepted by the query service") from err
        raise QuerySyntaxError(f"SPARQL syntax error: {err}") from err
    except Exception as err:  # rdflib raises plain exceptions for undefined prefixes and invalid projections
        raise QuerySyntaxError(f"invalid SPARQL query: {err}") from err
    names = _node_names(algebra)
    if "ServiceGraphPattern" in names:
        raise QueryRefused("SERVICE (federated query) is not allowed on this endpoint")
    form = algebra.name.removesuffix("Query").upper()
    return PreparedQuery(query, form, bool(algebra.get("datasetClause")), bool(names & _VOLATILE))


_VOLATILE = {"Builtin_NOW", "Builtin_RAND", "Builtin_UUID", "Builtin_STRUUID", "Builtin_BNODE"}


def check_update(update: str) -> None:
    """Check a SPARQL Update for the update service: it must parse, and fetch nothing remote (no LOAD, no SERVICE).

    >>> check_update("LOAD <http://example.org/data.ttl>")
    Traceback (most recent call last):
    ...
    graph.sparql.QueryRefused: LOAD and SERVICE fetch remote data and are not allowed
    """
    try:
        parsed = parseUpdate(update)
    except ParseException as err:
        raise QuerySyntaxError(f"SPARQL Update syntax error: {err}") from err
    if _node_names(list(parsed.request)) & {"Load", "ServiceGraphPattern"}:
        raise QueryRefused("LOAD and SERVICE fetch remote data and are not allowed")


def run_update(store: EventStore, update: str) -> None:
    """Apply a checked SPARQL Update (:func:`check_update`) to a store opened for writing, as one transaction."""
    check_update(update)
    try:
        store.native.update(update, prefixes=PREFIXES)
    except SyntaxError as err:
        raise QuerySyntaxError(f"SPARQL Update syntax error: {err}") from err


def _is_update(text: str) -> bool:
    try:
        parseUpdate(text)
    except Exception:
        return False
    return True


def _node_names(node: object) -> set[str]:
    """Names of every algebra node under ``node``."""
    names: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            names.add(item.name)
            stack.extend(item.values())
        elif isinstance(item, (list, tuple, set)):
            stack.extend(item)
    return names


def execute(
    store: ox.Store,
    query: PreparedQuery,
    media_type: str,
    *,
    default_graph: Iterable[str] = (),
    named_graphs: Iterable[str] = (),
    max_rows: int | None = None,
) -> bytes:
    """Run ``query`` on ``store`` and serialise the answer as ``media_type``.

    ``default_graph`` and ``named_graphs`` are graph IRIs (the protocol's ``default-graph-uri`` and
    ``named-graph-uri``); without them the default graph is the union of all graphs. More than ``max_rows`` result rows
    (or triples) raise :class:`ResultTooLarge`.
    """
    if media_type not in query.media_types:
        raise SparqlError(f"a {query.form} result cannot be given as {media_type}")
    options: dict = {"prefixes": PREFIXES}
    default_graph, named_graphs = list(default_graph), list(named_graphs)
    if default_graph:
        options["default_graph"] = [ox.NamedNode(iri) for iri in default_graph]
    elif not query.names_dataset:
        options["use_default_graph_as_union"] = True
    if named_graphs:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in named_graphs]
    try:
        answer = store.query(query.text, **options)
        if isinstance(answer, ox.QueryBoolean):
            return answer.serialize(format=RESULT_FORMATS[media_type][0])
        rows = list(islice(answer, max_rows + 1 if max_rows is not None else None))
    except SyntaxError as err:
        raise QuerySyntaxError(f"SPARQL syntax error: {err}") from err
    except ValueError as err:
        raise SparqlError(f"invalid query parameters: {err}") from err
    if max_rows is not None and len(rows) > max_rows:
        raise ResultTooLarge(f"the result has more than {max_rows} rows; narrow the query or page it with LIMIT/OFFSET")
    if isinstance(answer, ox.QueryTriples):
        fmt = GRAPH_FORMATS[media_type][0]
        return ox.serialize(rows, format=fmt, prefixes=PREFIXES if fmt == ox.RdfFormat.TURTLE else None)
    return _solutions_bytes([v.value for v in answer.variables], rows, RESULT_FORMATS[media_type][0])


def _solutions_bytes(variables: list[str], rows: list[ox.QuerySolution], fmt: ox.QueryResultsFormat) -> bytes:
    """Serialise solutions. Oxigraph's serializer only writes a whole result iterator, which the row limit consumed,
    so the rows are written as TSV (its terms are N-Triples, which ``str`` of an Oxigraph term is) and Oxigraph
    re-reads that to write the other formats."""
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join("" if term is None else str(term) for term in row) for row in rows]
    tsv = ("\n".join(lines) + "\n").encode()
    if fmt == ox.QueryResultsFormat.TSV:
        return tsv
    return ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV).serialize(format=fmt)


def service_description(endpoint: str) -> str:
    """The SPARQL 1.1 service description of the endpoint at URL ``endpoint``, in Turtle."""
    graph = Graph()
    graph.bind("sd", SD)
    graph.bind("formats", FORMATS_NS)
    service = BNode("service")
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, URIRef(endpoint)))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    for _, iri in [*RESULT_FORMATS.values(), *GRAPH_FORMATS.values()]:
            graph.add((service, SD.resultFormat, iri))
    graph.add((service, RDFS.comment, Literal("eventkg: read-only SPARQL 1.1 query service over an event graph.")))
    return graph.serialize(format="turtle")


# -- reading a store another process writes -------------------------------------------------------------------------


_OPEN_ATTEMPTS = 10
_SETTLED_NS = 1_000_000_000  # a folder unchanged for this long has had every change's time stamped


class Snapshot:
    """The store at ``path`` opened read-only, reopened when a writer (``eventkg ingest``, the server) has changed it.

    A read-only Oxigraph store sees the data as it was when it was opened and holds no lock, so readers never stop a
    writer in another process. :meth:`current` compares the store's files with those seen at the last opening
    (a few microseconds) and reopens only after a write.
    """

    def __init__(self, path: str | Path, base_iri: str = DEFAULT_BASE_IRI):
        self.path = Path(path)
        self.base_iri = base_iri
        self._lock = threading.Lock()
        self._files: tuple | None = None
        self._listing: tuple[int, list[str]] = (-1, [])  # folder mtime, paths of the files worth a stat
        self._store: EventStore | None = None

    def version(self) -> tuple:
        """Changes whenever the store's data may have changed (a few microseconds: a handful of ``stat`` calls)."""
        return self._files_state()

    def current(self, version: tuple | None = None) -> EventStore:
        """The store as of ``version`` (a :meth:`version` just read for the same request) or, without it, as of now."""
        files = version if version is not None else self._files_state()
        with self._lock:
            if self._store is not None and files == self._files:
                return self._store
            for attempt in range(_OPEN_ATTEMPTS):
                try:
                    self._store = EventStore(self.path, base_iri=self.base_iri, read_only=True)
                    self._files = files
                    return self._store
                except (StoreError, RuntimeError) as err:
                    # A writer compacted and deleted files between our listing and our opening: look again.
                    failure = err
                    time.sleep(0.01 * (attempt + 1))
                    files = self._files_state()
            if self._store is not None:  # the previous snapshot is still whole; use it until the writer settles
                return self._store
            raise StoreUnavailable(f"the store at {self.path} could not be opened: {failure}")

    def _files_state(self) -> tuple:
        """The store folder's modification time, and size and modification time of the files a write appends to:
        the newest write-ahead log and the manifest.

        Other files are never changed once written (tables, older logs) or change only with the folder (a new
        manifest makes ``CURRENT`` name it): creating or removing them changes the folder's modification time. The
        folder is listed again only after that changed, or while it changed within the last second (file times can
        be as coarse as a scheduler tick, so a second change inside the same tick would go unseen). A check is
        three ``stat`` calls, made once per request.
        """
        try:
            folder = os.stat(self.path)
        except OSError as err:
            raise StoreError(f"no store at {self.path}: {err}") from err
        listed_at, watched = self._listing
        if folder.st_mtime_ns != listed_at or time.time_ns() - folder.st_mtime_ns < _SETTLED_NS:
            names = os.listdir(self.path)
            logs = sorted((n for n in names if n.endswith(".log")), key=lambda n: (len(n), n))
            watched = [os.path.join(self.path, n) for n in [*logs[-1:], *sorted(n for n in names
                                                                                if n.startswith("MANIFEST"))]]
            self._listing = (folder.st_mtime_ns, watched)
        state: list = [folder.st_mtime_ns]
        for path in watched:
            try:
                stat = os.stat(path)
            except FileNotFoundError:  # a writer removed it since the listing: the folder's time shows that
                continue
            state.append((path, stat.st_size, stat.st_mtime_ns))
        return tuple(state)


class MemoryCopy:
    """A copy in memory of the store a :class:`Snapshot` reads, for the query workers: Oxigraph answers the same query
    2–8× faster from memory than from its on-disk store (docs/benchmarks.md), which decodes every term it reads.

    The copy is made in a background thread once the store has been unchanged for ``settle`` seconds, and after a
    first copy for ten times as long as that copy took (so that however often the store changes, copying takes at most
    a tenth of the worker's time), and only for stores of at most ``max_quads`` quads (about 370 MB per million).
    :meth:`current` hands out the copy while it is of the store as it is now; before it is ready, and as soon as the
    store changes, it hands out the snapshot on disk, so an answer is never older than the store.
    """

    def __init__(self, snapshot: Snapshot, max_quads: int, settle: float = 2.0):
        self.snapshot, self.max_quads, self.settle = snapshot, max_quads, settle
        self._quiet_needed = settle  # seconds the store must stay unchanged before a copy
        self._copy: tuple[tuple, ox.Store] | None = None  # (version copied, the copy)
        self._seen: tuple[tuple, float] = ((), 0.0)  # the version last seen and since when
        self._declined: tuple | None = None  # a version too big to copy
        self._copying = threading.Lock()

    def current(self) -> ox.Store:
        version = self.snapshot.version()
        copy = self._copy
        if copy is not None:
            if copy[0] == version:
                return copy[1]
            self._copy = None  # the store changed: the copy will never be current again, let go of its memory
        now = time.monotonic()
        if version != self._seen[0]:
            self._seen = (version, now)
        elif (now - self._seen[1] >= self._quiet_needed and version != self._declined
              and self._copying.acquire(blocking=False)):
            threading.Thread(target=self._make, args=(version,), name="eventkg-memory-copy", daemon=True).start()
        return self.snapshot.current().native

    def _make(self, version: tuple) -> None:
        try:
            disk = self.snapshot.current().native
            if len(disk) > self.max_quads:
                self._declined = version
                return
            # Through a file: dumping and bulk-loading let go of the GIL, so the worker goes on answering from disk
            # meanwhile (copying quad by quad from Python held it for the whole copy).
            started = time.monotonic()
            with tempfile.TemporaryDirectory(prefix="eventkg-memory-copy-") as folder:
                dump = os.path.join(folder, "store.nq")
                disk.dump(dump, ox.RdfFormat.N_QUADS)
                memory = ox.Store()
                memory.bulk_load(path=dump, format=ox.RdfFormat.N_QUADS)
            self._quiet_needed = max(self.settle, 10 * (time.monotonic() - started))
            if self.snapshot.version() == version:  # else the store changed while copying: the copy is stale
                self._copy = (version, memory)
        except (StoreError, OSError, RuntimeError):  # the store was being rewritten: a later query tries again
            pass
        finally:
            self._copying.release()


# -- running queries in worker processes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    query: PreparedQuery
    media_type: str
    default_graph: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    max_rows: int | None = None


class QueryPool:
    """``size`` worker processes answering :class:`Job` s on a :class:`Snapshot` of the store at ``path``.

    :meth:`run` is a coroutine: it waits for the worker's answer on the event loop itself (the pipe's file descriptor
    is watched, no thread is tied up), so any number of slow queries never block other requests. A job past
    ``timeout`` seconds gets its worker killed (the query's work is abandoned) and :class:`QueryTimeout`; a fresh
    worker takes its place. With ``memory_quads``, each worker answers from a :class:`MemoryCopy` of stores up to
    that size.
    """

    def __init__(self, path: str | Path, *, base_iri: str = DEFAULT_BASE_IRI, size: int = 2, timeout: float = 30.0,
                 memory_quads: int = 0):
        self.path, self.base_iri, self.timeout, self.memory_quads = str(path), base_iri, timeout, memory_quads
        # "spawn": a fork of a threaded server process could inherit held locks.
        self._context = multiprocessing.get_context("spawn")
        self._idle = [self._start() for _ in range(size)]
        self._free = asyncio.Semaphore(size)

    def _start(self) -> _Worker:
        return _Worker(self._context, self.path, self.base_iri, self.memory_quads)

    async def run(self, job: Job, timeout: float | None = None) -> bytes:
        timeout = self.timeout if timeout is None else timeout
        try:
            await asyncio.wait_for(self._free.acquire(), timeout)
        except TimeoutError:
            raise QueryTimeout(f"every query worker stayed busy for {timeout:g} s; try again later") from None
        worker = self._idle.pop()
        try:
            status, payload = await worker.ask(job, timeout)
        except TimeoutError:
            worker.kill()
            worker = await asyncio.to_thread(self._start)  # starting Python takes a moment: not on the loop
            raise QueryTimeout(
                f"the query ran for more than {timeout:g} s (setting query_timeout) and was stopped"
            ) from None
        except (EOFError, OSError):  # the worker died (e.g. out of memory): replace it
            worker.kill()
            code = worker.process.exitcode
            worker = await asyncio.to_thread(self._start)
            raise StoreUnavailable(
                f"the query worker stopped unexpectedly (exit code {code}) while answering this query") from None
        finally:
            self._idle.append(worker)
            self._free.release()
        if status == "error":
            raise payload
        return payload

    def close(self) -> None:
        while self._idle:
            self._idle.pop().kill()


class _Worker:
    def __init__(self, context, path: str, base_iri: str, memory_quads: int):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, path, base_iri, memory_quads), daemon=True)
        self.process.start()
        child.close()

    async def ask(self, job: Job, timeout: float) -> tuple[str, object]:
        """Send ``job`` and wait until the answer (or the worker's death) makes the pipe readable."""
        loop = asyncio.get_running_loop()
        readable = loop.create_future()
        descriptor = self.conn.fileno()
        self.conn.send(job)
        loop.add_reader(descriptor, lambda: readable.done() or readable.set_result(None))  # level-triggered
        try:
            await asyncio.wait_for(readable, timeout)
        finally:
            loop.remove_reader(descriptor)
            # uvloop leaves a watched descriptor non-blocking; Connection reads and writes need it blocking.
            os.set_blocking(descriptor, True)
        return self.conn.recv()

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()


def _serve(conn, path: str, base_iri: str, memory_quads: int) -> None:
    """A worker process: answer jobs until the pipe closes, from a copy in memory of stores up to ``memory_quads``."""
    snapshot = Snapshot(path, base_iri)
    copy = MemoryCopy(snapshot, memory_quads) if memory_quads else None
    while True:
        try:
            job: Job = conn.recv()
        except EOFError:
            return
        try:
            store = copy.current() if copy is not None else snapshot.current().native
            body = execute(store, job.query, job.media_type, default_graph=job.default_graph,
                           named_graphs=job.named_graphs, max_rows=job.max_rows)
            conn.send(("ok", body))
        except SparqlError as err:
            conn.send(("error", err))
        except (StoreError, OSError, RuntimeError) as err:  # Oxigraph reports storage failures as these
            conn.send(("error", StoreUnavailable(f"the store could not be read, try again: {err}")))
