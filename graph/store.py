"""The event graph on disk: an Oxigraph store, with an rdflib ``Dataset`` view over it.

Layout (docs/graph.md): one named graph per article, one entity graph shared by all articles, the ontology in a graph
of its own; SPARQL's default graph is the union of all of them.

Writes:

- :meth:`EventStore.put` replaces one article in **one** SPARQL Update, which Oxigraph applies as one transaction:
  drop the article's graph, insert the new one, and re-resolve what it touches: the entity graph (a function of every
  article's claims and the curator's overrides, graph/entity_graph.py), the graphs of other articles whose entities
  changed canonical IRI, and the incidents (graph/incidents.py), as the claims the writer keeps in memory say
  (graph/writer_state.py). A crash (even SIGKILL) leaves either the old state or the new one, never half of either, and
  the same articles in any order give the same quads.
- :meth:`EventStore.load` uses Oxigraph's bulk loader after checking the whole file parses.

Reads go through Oxigraph's native SPARQL engine (:attr:`EventStore.native`); :attr:`EventStore.dataset` is the same
data as an rdflib ``Dataset`` for code that wants rdflib objects.

>>> store = EventStore(None)            # in memory; give a folder for a store on disk
>>> store.article_ids()
[]
>>> store.close()
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import IO, Any

import pyoxigraph as ox
from rdflib import Dataset, Literal, URIRef

import ontology
from graph import aggregates, changes
from graph.entity_graph import Plan
from graph.errors import StoreBusy, StoreError
from graph.lease import Lease, StoreLease
from graph.locations import is_service_url
from graph.namespaces import DEFAULT_BASE_IRI, EKG, PREFIXES, RDF, IRIs, local_name
from graph.rdf import ArticleRDF
from graph.rdf_formats import rdf_format
from graph.remote import SparqlService
from graph.remote_load import LoadInterrupted
from graph.resolution import Overrides
from graph.terms import graph_block, sparql_term, to_ox
from graph.writer_state import WriterState

class EventStore:
    """The event knowledge graph in an Oxigraph store at ``path`` (``None``: in memory).

    ``read_only=True`` opens a static snapshot for readers and never writes (not even the ontology).

    A writable store on a server holds the store's writer lease from its opening to :meth:`close`, as RocksDB's lock
    does for a folder (:mod:`graph.lease`), waiting up to ``wait`` seconds for another writer (``on_wait`` called
    when the waiting starts) before :class:`StoreBusy`; with ``lease=False`` (``eventkg serve``'s store, open for the
    server's life) it holds it only inside :meth:`writing`.
    """

    def __init__(self, path: str | Path | None, *, base_iri: str = DEFAULT_BASE_IRI, read_only: bool = False,
                 update_url: str | None = None, user: str | None = None, password: str | None = None,
                 lease: bool = True, wait: float = 0.0, on_wait: Callable[[], None] | None = None):
        self.iris = IRIs(base_iri)
        self.read_only = read_only
        self._write_lock = threading.Lock()
        self._dataset: Dataset | None = None
        self.remote = path is not None and is_service_url(str(path))
        self.path = None if path is None or self.remote else Path(path)
        new = self.path is None or not self.path.is_dir() or not any(self.path.iterdir())
        self._writer: WriterState | None = None  # the claims and incidents in memory (writable stores)
        try:
            if self.remote:  # a SPARQL 1.1 server (graph/remote.py): the same interface over HTTP
                self.native = SparqlService(str(path), update_url, graphs_prefix=self.iris.base + "graph/",
                                            user=user, password=password)
            elif self.path is None:
                self.native = ox.Store()
            elif read_only:
                if not self.path.is_dir():
                    raise StoreError("no store there: the folder does not exist")
                self.native = ox.Store.read_only(str(self.path))
            else:
                self.native = ox.Store(str(self.path))
        except OSError as err:
            if "LOCK" in str(err):
                raise StoreBusy("another process is writing the store (eventkg ingest, load or delete, or a "
                                "server's write)") from err
            raise StoreError(f"cannot open the store: {os_reason(err)}") from err
        self._lease = StoreLease(Lease(self.native, self.iris.base) if self.remote and not read_only else None)
        if not read_only:
            try:
                if lease:
                    self._lease.take(wait, on_wait)
                with self.writing():
                    self._install_ontology(new)
                    aggregates.ensure(self)
            except BaseException as err:
                # eventkg serve's store (no lease of its own) opens while another process writes: that writer
                # installed the ontology and counted the aggregates
                serves_beside_a_writer = not lease and isinstance(err, StoreBusy)
                if not serves_beside_a_writer:
                    self._let_go()  # a folder's lock goes now, not when the traceback lets this object go
                    raise
            self._writer = WriterState(self)

    # -- lifecycle --------------------------------------------------------------------------------------------------

    def close(self) -> None:
        """Flush and release the store (its lock on the folder goes with the last reference)."""
        if not hasattr(self, "native"):
            return  # closed already
        try:
            if not self.read_only:
                self.native.flush()
                self._writer.keep()
        finally:  # a failed flush still lets the lease and the store go
            self._let_go()

    def _let_go(self) -> None:
        """Release the writer lease and the store (a folder's lock goes with the last reference)."""
        self._lease.release()
        if self.remote:
            self.native.close()
        self._dataset = None
        del self.native

    def __enter__(self) -> EventStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def dataset(self) -> Dataset:
        """An rdflib ``Dataset`` over the same Oxigraph store; its default graph is the union of all graphs."""
        if self._dataset is None:
            from oxrdflib import OxigraphStore

            self._dataset = Dataset(store=OxigraphStore(store=self.native), default_union=True)
            for prefix, namespace in PREFIXES.items():
                self._dataset.bind(prefix, namespace)
        return self._dataset

    # -- reading ----------------------------------------------------------------------------------------------------

    def select(self, query: str) -> ox.QuerySolutions:
        """Run a SELECT on the native engine over the union graph, with the usual prefixes predeclared."""
        return self.native.query(query, use_default_graph_as_union=True, prefixes=PREFIXES)

    def article_state(self, article_id: str) -> tuple[str, str] | None:
        """``(content hash, extractor run IRI)`` of a stored article, or None if it is not in the store."""
        graph = self.iris.article_graph(article_id)
        rows = list(
            self.native.query(
                "SELECT ?hash ?run WHERE { ?a a ekg:Article ; ekg:contentHash ?hash . "
                "OPTIONAL { ?run a prov:Activity } } LIMIT 1",
                prefixes=PREFIXES,
                default_graph=to_ox(graph),
            )
        )
        if not rows:
            return None
        run = rows[0]["run"]
        return rows[0]["hash"].value, run.value if run is not None else ""

    def article_ids(self) -> list[str]:
        """Ids of every stored article, sorted."""
        return sorted(r["id"].value for r in self.select("SELECT ?id WHERE { ?a a ekg:Article ; ekg:articleId ?id }"))

    def __len__(self) -> int:
        """Number of quads in the store."""
        return len(self.native)

    def dump(self, output: IO[bytes] | str | Path, format: str = "nq", *, graph: URIRef | None = None) -> None:
        """Write the store (or one ``graph``) to a binary file object or a path, streamed by Oxigraph.

        Dataset formats (nq, trig, jsonld) keep the named graphs; triple formats (nt, ttl) write the union of all graphs
        (or the one graph given).
        """
        fmt = rdf_format(format)
        if graph is not None:
            self.native.dump(output, fmt, from_graph=to_ox(graph), prefixes=_prefixes_for(fmt))
        elif fmt.supports_datasets:
            self.native.dump(output, fmt, prefixes=_prefixes_for(fmt))
        else:
            triples = self.native.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True)
            ox.serialize(triples, output, fmt, prefixes=_prefixes_for(fmt))

    # -- writing ----------------------------------------------------------------------------------------------------

    def put(self, rdf: ArticleRDF) -> str:
        """Store one article, replacing any earlier version, in one transaction.

        The same transaction re-resolves the entities the article's claims touch (graph/resolution.py): it rewrites
        their descriptions in the entity graph and the graphs of other articles whose entities changed canonical IRI.
        Returns ``"new"``, ``"updated"`` or ``"unchanged"`` (same content hash and extractor: nothing is written).
        """
        with self._writing():
            previous = self.article_state(rdf.article_id)
            if previous == (rdf.content_hash, str(rdf.extractor_run)):
                return "unchanged"
            with self._writer.resolving() as entities:
                plan = entities.plan(rdf.article_id, rdf.claims)
                rdf.resolve(plan.refs)
                delta: Counter = Counter()
                head = self._writer.rewrite_ops(rdf, delta, was_stored=previous is not None)
                self._transact(plan, delta, head, changes.on_put(self.iris, rdf.article_id),
                               article_id=rdf.article_id, stored=rdf.stored, text=rdf.article.text)
        return "new" if previous is None else "updated"

    def delete_article(self, article_id: str) -> bool:
        """Drop an article's graph and re-resolve the entities it mentioned (an entity no other article mentions
        goes); False if there was no such article."""
        with self._writing():
            graph = self.iris.article_graph(article_id)
            if not self.native.contains_named_graph(to_ox(graph)):
                return False
            with self._writer.resolving() as entities:
                plan = entities.plan(article_id, None)
                delta: Counter = Counter()
                delta.subtract(aggregates.stored(self, graph))
                self._transact(plan, delta, [f"DROP SILENT GRAPH {sparql_term(graph)}"],
                               changes.on_delete(self.iris, article_id), article_id=article_id)
        return True

    def overrides(self) -> Overrides:
        """The curator's merges and splits (the curation graph)."""
        rows = self.native.query(
            "SELECT ?o ?t ?k WHERE { ?o a ?t ; ekg:key ?k }", prefixes=PREFIXES,
            default_graph=to_ox(self.iris.curation_graph),
        )
        keys: dict[tuple[str, str], list[str]] = {}
        for r in rows:
            keys.setdefault((r["o"].value, local_name(r["t"].value)), []).append(r["k"].value)
        merges = {tuple(sorted(v)) for (o, t), v in keys.items() if t == "CuratorMerge" and len(v) == 2}
        splits = {v[0] for (o, t), v in keys.items() if t == "CuratorSplit" and len(v) == 1}
        return Overrides(frozenset(merges), frozenset(splits))

    def curate(self, kind: str, keys: tuple[str, ...], *, undo: bool = False) -> None:
        """Record (or withdraw) a curator's ``"merge"`` of two entity keys or ``"split"`` of one, and re-resolve the
        entities concerned in the same transaction. The curation graph is never touched by ingest, so decisions
        survive re-ingesting."""
        with self._writing():
            kind_class = {"merge": EKG.CuratorMerge, "split": EKG.CuratorSplit}[kind]
            keys = tuple(sorted(keys))
            node = self.iris.override(kind, hashlib.sha256("\x00".join(keys).encode()).hexdigest()[:16])
            triples = [(node, RDF.type, kind_class), *((node, EKG.key, Literal(k)) for k in keys)]
            with self._writer.resolving() as entities:
                current = entities.overrides
                if kind == "merge":
                    merges = current.merges - {keys} if undo else current.merges | {keys}
                    entities.overrides = Overrides(frozenset(merges), current.splits)
                else:
                    splits = current.splits - set(keys) if undo else current.splits | set(keys)
                    entities.overrides = Overrides(current.merges, frozenset(splits))
                plan = entities.plan(None, None, keys=keys)
                block = graph_block(self.iris.curation_graph, triples)
                head = [("DELETE DATA { " if undo else "INSERT DATA { ") + block + " }"]
                self._transact(plan, Counter(), head, [])

    def reresolve(self) -> bool:
        """After a write that bypassed :meth:`put`, :meth:`delete_article` and :meth:`curate` (a user's SPARQL Update),
        make the derived graphs what the stored claims and the curator's overrides say, in one transaction: the entity
        graph, the canonical entity IRIs in every article graph (an article whose entity changed canonical IRI is
        written again) and the incidents; an article whose graph is gone gets a tombstone in the change log. Returns
        whether anything had to change."""
        with self._writing():
            self._writer.read_again()  # read the claims as the update left them
            with self._writer.resolving():
                update, delta = self._writer.reresolve_ops()
                if update:
                    self.native.update(" ;\n".join(update + aggregates.counter_changes(self, delta)),
                                       prefixes=PREFIXES)
        return bool(update)

    def _transact(self, plan: Plan, delta: Counter, head: list[str], tail: list[str], *,
                  article_id: str | None = None, stored: str | None = None, text: str | None = None) -> None:
        """One SPARQL Update: ``head``, the entity and incident changes of ``plan``, the counters moved by ``delta``
        (and by the plan), ``tail``; then the claims and incidents in memory follow the store."""
        derived, incidents = self._writer.derived_ops(plan, delta, article_id=article_id, stored=stored, text=text)
        update = [*head, *derived, *aggregates.counter_changes(self, delta), *tail]
        self.native.update(" ;\n".join(update), prefixes=PREFIXES)
        self._writer.commit(plan, incidents)

    def load(self, source: IO[bytes] | str | Path, format: str | None = None, *, graph: URIRef | None = None) -> int:
        """Bulk-import RDF (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML); returns the number of quads read.

        The whole input is parsed first, so a syntax error loads nothing. Triples go into ``graph`` (default: the
        store's default graph); quads keep their graphs. ``format`` defaults to the file extension. Call
        :meth:`compact` after the last load: reads are about twice as fast.
        """
        # the arguments first: a bad call fails at once, without waiting for (or holding) the write lock
        path = Path(source) if isinstance(source, (str, Path)) else None
        if format is None:
            if path is None:
                raise StoreError("give the RDF format of a stream (ttl, trig, nt, nq, jsonld)")
            format = path.suffix
        fmt = rdf_format(format)
        target = to_ox(graph) if graph is not None else None
        with self._writing():
            try:
                count = sum(1 for _ in ox.parse(**_input(source), format=fmt))
                if path is None:
                    source.seek(0)
                # checked above, so the loader may skip its own validation (lenient), which is faster
                self.native.bulk_load(**_input(source), format=fmt, to_graph=target, lenient=True)
                aggregates.recount(self)
                self._writer.read_again()  # loaded articles bring claims of their own
            except SyntaxError as err:
                raise StoreError(f"{path or 'input'} is not valid {fmt.name}: {err}") from err
            except OSError as err:
                raise StoreError(f"cannot load {path or 'input'}: {err}") from err
            except LoadInterrupted as err:  # a server store: what is stored, and how to finish (docs/scale-out.md)
                self._writer.read_again()
                raise StoreError(f"{err}. The dashboard counters were not recounted: run the same load again (it "
                                 "replaces each graph of the file again: nothing is doubled)") from err
        return count

    def compact(self) -> None:
        """Rewrite the store's files into a compact, sorted layout (Oxigraph's ``optimize``, a RocksDB compaction).

        The bulk loader of :meth:`load` leaves many overlapping files that every read has to consult: right after a
        1M-quad load, queries ran about 2x slower than after compacting, which took 2 s (docs/benchmarks.md).
        Transactional writes (ingest) are compacted in the background as they go, so this is for after :meth:`load`.
        """
        with self._writing():
            self.native.optimize()

    def writing(self, wait: float = 0.0) -> AbstractContextManager[None]:
        """Hold the writer lease of a server store opened with ``lease=False`` for the time of the block (waiting up to
        ``wait`` seconds, then :class:`StoreBusy`); blocks of other threads wait. Nothing more for any other store."""
        return self._lease.writing(wait)

    # -- internals --------------------------------------------------------------------------------------------------

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the write lock for the block, once the store is found writable: the lease is checked with the lock
        held, as a wait for another thread's write may outlast it."""
        if self.read_only:
            raise StoreError("the store is open read-only")
        with self._write_lock:
            self._lease.check()
            yield

    def _install_ontology(self, new: bool) -> None:
        """Load ontology/eventkg.ttl into the ontology graph of a new store, or of a store whose ontology graph holds
        an older version; a store whose ontology graph was dropped (``DROP ALL``) is left as it is."""
        text = ontology.path("eventkg.ttl").read_bytes()
        digest = hashlib.sha256(text).hexdigest()
        graph = self.iris.ontology_graph
        marker = ox.Quad(to_ox(graph), to_ox(EKG.contentHash), ox.Literal(digest), to_ox(graph))
        if marker in self.native or not (new or self.native.contains_named_graph(to_ox(graph))):
            return
        quads = [ox.Quad(q.subject, q.predicate, q.object, to_ox(graph)) for q in ox.parse(text, ox.RdfFormat.TURTLE)]
        with self._writing():
            self.native.remove_graph(to_ox(graph))
            self.native.extend([*quads, marker])  # the marker goes in last, in the same transaction as the terms


def open_store(
    path: str | Path,
    *,
    base_iri: str = DEFAULT_BASE_IRI,
    read_only: bool = False,
    wait: float = 0.0,
    on_wait: Callable[[], None] | None = None,
    **access: str | None,
) -> EventStore:
    """Open (creating it if needed, unless ``read_only``) the store in folder ``path``, or at a server's query URL
    (``access``: its ``update_url``, ``user`` and ``password``, see :class:`EventStore`).

    While another process holds the write lock, opening for writing is retried for up to ``wait`` seconds
    (``on_wait`` is called once, when the waiting starts) before :class:`StoreBusy` is raised.
    """
    waited = False

    def waiting() -> None:  # on_wait once, whichever waits first: a server store's lease or this loop
        nonlocal waited
        if on_wait is not None and not waited:
            waited = True
            on_wait()

    deadline = time.monotonic() + wait
    while True:
        try:  # a server store waits for its writer lease itself
            return EventStore(path, base_iri=base_iri, read_only=read_only, wait=max(0.0, deadline - time.monotonic()),
                              on_wait=waiting, **access)
        except StoreBusy:  # a folder's lock; or a server store's lease, lost while waiting for it
            if time.monotonic() >= deadline:
                raise
            waiting()
            time.sleep(0.1)


def open_for_writing(path: str | Path, *, base_iri: str = DEFAULT_BASE_IRI, wait: float = 10.0,
                     **access: str | None) -> EventStore:
    """Open the store at ``path`` read-write, waiting up to ``wait`` seconds while another process holds its write
    lock; then :class:`StoreBusy`."""
    return open_store(path, base_iri=base_iri, wait=wait, **access)


def os_reason(err: OSError) -> str:
    """The operating system's words of a storage error, without the file it was about ("No space left on device").

    >>> os_reason(OSError("IO error: While appending to file: /kg/000008.log: No space left on device"))
    'No space left on device'
    """
    return err.strerror or str(err).rsplit(": ", 1)[-1]


def _prefixes_for(fmt: ox.RdfFormat) -> dict[str, str] | None:
    return PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None


def _input(source: IO[bytes] | str | Path) -> dict[str, Any]:
    return {"path": str(source)} if isinstance(source, (str, Path)) else {"input": source}
