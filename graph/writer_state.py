"""What a store's writer keeps in memory between writes, and what a write derives from it.

A writable :class:`~graph.store.EventStore` holds a :class:`WriterState`: every article's claims and the clusters they
make (:class:`~graph.entity_graph.EntityGraph`) and every article's incident reports
(:class:`~graph.incidents.IncidentIndex`), read from the store on its first write. From them it works out the SPARQL
Update operations that keep the derived graphs what the claims and the curator's overrides say, which the store runs in
the same transaction as the article: the entity graph, the graphs of other articles whose entities changed canonical
IRI (written again from their stored extraction, graph/stored_extraction.py), and the incidents.

The state a writer leaves is kept in this process for the next opening of the same store folder (:data:`kept_states`),
so that opening it again to write does not read every article's claims again.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote

import pyoxigraph as ox
from rdflib import URIRef

from graph import aggregates, changes
from graph.entity_graph import EntityGraph, Plan, claims_from_json
from graph.incidents import IncidentIndex
from graph.namespaces import PREFIXES
from graph.rdf import ArticleRDF, article_rdf
from graph.stored_extraction import article_from_json
from graph.terms import graph_block, sparql_term, to_ox

if TYPE_CHECKING:  # graph.store holds a WriterState
    from graph.store import EventStore


@dataclass
class Kept:
    """The claims, clusters and incidents of a store as its writer left them, and the store's version then."""

    version: tuple
    entities: EntityGraph
    incidents: IncidentIndex


class KeptStates:
    """The last resolution state of each store folder written in this process: the HTTP API opens the store for each
    write, and reading every article's claims again took about 2 ms per stored article each time."""

    def __init__(self):
        self._lock = threading.Lock()
        self._states: dict[tuple[str, str], Kept] = {}

    def take(self, key: tuple[str, str] | None) -> Kept | None:
        with self._lock:
            return self._states.pop(key, None) if key is not None else None

    def keep(self, key: tuple[str, str], state: Kept) -> None:
        with self._lock:
            self._states[key] = state


kept_states = KeptStates()


class WriterState:
    """The claims and incidents of one writable store in memory, and the operations that keep its derived graphs in
    step with them. Call it under the store's write lock."""

    def __init__(self, store: EventStore):
        self.store = store
        self._entity_graph: EntityGraph | None = None  # every article's claims, read on the first write
        self._incident_index: IncidentIndex | None = None
        self._kept = kept_states.take(self._key())  # what the last writer of this store in this process left

    def entities(self) -> EntityGraph:
        """The claims of every stored article and the clusters they make, read from the store on the first write."""
        kept, self._kept = self._kept, None
        # the state the last writer in this process left, if nobody changed the store since (a curation elsewhere
        # logs no change: its overrides are compared)
        if (self._entity_graph is None and kept is not None and kept.version == self._version()
                and kept.entities.overrides == self.store.overrides()):
            self._entity_graph, self._incident_index = kept.entities, kept.incidents
        if self._entity_graph is None:
            rows = self.store.native.query(
                "SELECT ?id ?x ?text WHERE { GRAPH ?g { ?a ekg:articleId ?id ; ekg:extraction ?x ; ekg:text ?text } }",
                prefixes=PREFIXES,
            )
            stored, texts = {}, {}
            for r in rows:
                stored[r["id"].value], texts[r["id"].value] = r["x"].value, r["text"].value
            claims = {article: claims_from_json(article, x, texts[article]) for article, x in stored.items()}
            self._entity_graph = EntityGraph.build(self.store.iris, claims, self.store.overrides())
            self._incident_index = IncidentIndex(self.store.iris, stored, texts, self._entity_graph.ref_of)
        return self._entity_graph

    @contextmanager
    def resolving(self):
        """The claims of every article, in memory; read again next time if the write fails (they may have gone ahead
        of the store)."""
        entities = self.entities()
        try:
            yield entities
        except BaseException:
            self._entity_graph = None
            raise

    def read_again(self) -> None:
        """Forget the claims, and any kept state, so that the next write reads them as the store holds them now."""
        self._entity_graph = self._kept = None

    def keep(self) -> None:
        """Leave the claims and incidents to the next opening of the same store folder in this process."""
        if self._entity_graph is not None and self._key() is not None:
            kept_states.keep(self._key(), Kept(self._version(), self._entity_graph, self._incident_index))

    # -- what a write derives -----------------------------------------------------------------------------------------

    def derived_ops(self, plan: Plan, delta: Counter, *, article_id: str | None = None, stored: str | None = None,
                    text: str | None = None) -> tuple[list[str], dict]:
        """The operations of a plan (other articles' graphs written again, the entity graph's changes) and of the
        incidents once ``article_id`` is stored (``stored`` extraction, ``text``) or gone; their counter changes go
        into ``delta``. Returns them and the incidents to :meth:`commit` once they are written."""
        update = self._plan_ops(plan, delta)
        delete, insert, pending = self._incidents_update(article_id, stored, text, plan)
        return update + _replace_ops(self.store.iris.incidents_graph, sorted(delete), sorted(insert)), pending

    def commit(self, plan: Plan, incidents: dict) -> None:
        """The claims and incidents in memory follow the store once a write's operations are applied."""
        self._entity_graph.commit(plan)
        self._incident_index.commit(incidents)

    def rewrite_ops(self, rdf: ArticleRDF, delta: Counter, *, was_stored: bool = True) -> list[str]:
        """SPARQL Update operations replacing an article's graph with ``rdf``; its counter changes go into ``delta``
        (its contribution in, and out the stored graph's, unless the caller knows there is none)."""
        delta.update(aggregates.contribution(rdf.triples))
        if was_stored:
            delta.subtract(aggregates.stored(self.store, rdf.graph))
        return [f"DROP SILENT GRAPH {sparql_term(rdf.graph)}",
                "INSERT DATA { " + graph_block(rdf.graph, rdf.triples) + " }"]

    def reresolve_ops(self) -> tuple[list[str], Counter]:
        """After a write that bypassed the store's writes (a user's SPARQL Update; call :meth:`read_again` first): the
        operations that make the derived graphs what the stored claims say, and the counter changes they make. An
        article whose graph is gone gets a tombstone in the change log."""
        store, iris, entities = self.store, self.store.iris, self.entities()
        current = {(r["id"].value, r["k"].value, r["e"].value) for r in store.select(
            "SELECT ?id ?k ?e WHERE { GRAPH ?g { ?a ekg:articleId ?id . ?c ekg:key ?k ; ekg:about ?e } }")}
        refs = entities.refs({k for _, k, _ in current})
        stale = {a for a, k, e in current if k not in refs or str(iris.entity(refs[k].key)) != e}
        delta: Counter = Counter()
        update = self._plan_ops(Plan({}, stale, set(), set(), [], [], set()), delta)
        # an article whose graph the update dropped is deleted: the change feed gets its tombstone
        for row in store.select(
                f"SELECT ?a WHERE {{ GRAPH {sparql_term(iris.changes_graph)} {{ ?a ekg:ingestedAt ?t }} "
                "FILTER NOT EXISTS { GRAPH ?g { ?a ekg:articleId ?id } } }"):
            article_id = unquote(row["a"].value.rsplit("/", 1)[-1])
            if str(iris.article(article_id)) == row["a"].value:
                update += changes.on_delete(iris, article_id)
        for graph, expected in ((iris.entities_graph, entities.triples()),
                                (iris.incidents_graph, self._incident_index.triples())):
            update += _replace_ops(graph, *self._differences(graph, expected))
        return update, delta

    # -- internals ---------------------------------------------------------------------------------------------------

    def _key(self) -> tuple[str, str] | None:
        """Where the resolution state of this store is kept between openings: stores in a folder only."""
        path = self.store.path
        return (str(path.resolve()), self.store.iris.base) if path is not None else None

    def _version(self) -> tuple:
        """What changes whenever an article is written or deleted, by this process or another, or a named graph
        comes or goes (a SPARQL Update, a bulk load): the number of named graphs, and the change log's size and
        newest time (:func:`graph.changes.log_version`). Reads an index entry per graph and per article, not the
        claims."""
        return (sum(1 for _ in self.store.native.named_graphs()), *changes.log_version(self.store))

    def _incidents_update(self, article_id: str | None, stored: str | None, text: str | None, plan: Plan):
        """The incidents graph's triples to delete and insert, and what to commit once they are written."""
        entities = self._entity_graph

        def ref(key: str):
            return plan.refs.get(key) or entities.ref_of(key)

        changed = {k for k in plan.keys if entities.ref_of(k) != plan.refs.get(k)}
        return self._incident_index.update(article_id, stored, text, ref, changed)

    def _plan_ops(self, plan: Plan, delta: Counter) -> list[str]:
        """SPARQL Update operations for a plan: other articles' graphs written again with their entities' new
        canonical IRIs (their counter changes added to ``delta``, their writes logged), and the entity graph's
        changes."""
        update = []
        for article_id in sorted(plan.rerender):
            article, extraction, stored = self._stored_article(article_id)
            refs = self._entity_graph.refs(e.id for e in extraction.entities)
            refs.update({k: v for k, v in plan.refs.items() if k in refs})
            rdf = article_rdf(article, extraction, self.store.iris, refs, stored)
            update += [*self.rewrite_ops(rdf, delta), *changes.on_put(self.store.iris, article_id)]
        return update + _replace_ops(self.store.iris.entities_graph, sorted(plan.delete), sorted(plan.insert))

    def _stored_article(self, article_id: str):
        """The article and extraction a stored article graph was written from."""
        rows = list(self.store.native.query(
            "SELECT ?text ?x WHERE { ?a ekg:articleId ?id ; ekg:text ?text ; ekg:extraction ?x }",
            prefixes=PREFIXES, default_graph=to_ox(self.store.iris.article_graph(article_id)),
        ))
        stored = rows[0]["x"].value
        return (*article_from_json(article_id, rows[0]["text"].value, stored), stored)

    def _differences(self, graph: URIRef, expected: set) -> tuple[list, list]:
        """The triples to delete from and insert into ``graph`` so that it holds ``expected`` (compared as the store
        writes them: a literal's lexical form may change on the way in)."""
        written = ox.Store()
        written.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(graph)) for s, p, o in expected)
        want = {(q.subject, q.predicate, q.object) for q in written}
        have = {(q.subject, q.predicate, q.object)
                for q in self.store.native.quads_for_pattern(None, None, None, to_ox(graph))}
        return sorted(have - want, key=str), sorted(want - have, key=str)


def _replace_ops(graph: URIRef, delete: Sequence[tuple], insert: Sequence[tuple]) -> list[str]:
    """A DELETE DATA of ``delete`` and an INSERT DATA of ``insert`` in ``graph`` (rdflib or Oxigraph terms, in the
    order given), each only when it has triples."""
    return ([f"DELETE DATA {{ {graph_block(graph, delete)} }}"] if delete else []) + (
        [f"INSERT DATA {{ {graph_block(graph, insert)} }}"] if insert else [])
