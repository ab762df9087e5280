"""Loading RDF into a server store (``eventkg load`` on a :class:`graph.remote.SparqlService`): streamed, graph by
graph, each graph replacing what the server held under its name, in one transaction.

The quads are read as they are parsed; what is held is one graph's triples up to the size of a request and the
request being filled. Each graph of the file is stored by **one SPARQL Update that drops it and inserts it** (small
graphs share a request up to ``request_bytes`` of update text): a failed request leaves the old graph, a reader sees
the old graph or the new one (on Virtuoso but for rare reads of a large graph: docs/scale-out.md), and loading the same
file again replaces each graph with the same content instead of adding its blank nodes a second time.

A graph whose text is larger than one request (Virtuoso refuses an update text over 10 MB) is **staged**: its triples
go, request by request, into a staging graph ``urn:eventkg:load:…`` outside the store's graphs, as statements
(``<urn:eventkg:load:s>``, ``:p``, ``:o`` of a statement node), so that no query in eventkg's vocabulary sees them;
then one update drops the graph, inserts the statements as its triples and drops the staging graph. Blank nodes of a
staged graph cannot keep their identity across requests: they are stored as IRIs ``urn:eventkg:genid:…`` (RDF 1.1
skolemisation). Triples for the default graph are added, never replaced (eventkg keeps nothing there).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import pyoxigraph as ox

from graph.errors import GraphError, Unavailable
from graph.terms import blocks

STAGE = "urn:eventkg:load:"  # staging graphs, their statement nodes and predicates: outside every store's graphs
GENID = "urn:eventkg:genid:"  # a staged graph's blank nodes
_S, _P, _O = (f"<{STAGE}{v}>" for v in "spo")


def load(service, quads: Iterable[ox.Quad], *, replace: bool = True) -> int:
    """Store ``quads`` on ``service`` graph by graph (see the module), each replacing the graph of its name, or added
    to it without ``replace``; returns the number of graphs stored. A request that fails stops the load with
    :class:`LoadInterrupted`."""
    loader = _Loader(service, replace)
    graph, run, size, staging = None, [], 0, None
    for quad in quads:
        if quad.graph_name != graph:
            loader.end(graph, run, staging)
            graph, run, size, staging = quad.graph_name, [], 0, None
        run.append(quad)
        size += len(str(quad.subject)) + len(str(quad.predicate)) + len(str(quad.object)) + 3
        if size > loader.size:  # more than one request holds
            if isinstance(graph, ox.DefaultGraph):  # added to, never replaced: its parts may go apart
                loader.end(graph, run, None)
            else:
                staging = staging or _Staging(loader, graph)
                staging.send(run)
            run, size = [], 0
    loader.end(graph, run, staging)
    loader.flush()
    return loader.stored


class LoadInterrupted(Unavailable):
    """A load stopped by a failed request: the graphs of the requests before it are stored, the others as before."""

    def __init__(self, stored: int, cause: GraphError, staging: tuple[str, str] | None = None):
        staged = (f"; the large graph <{staging[0]}> is as it was, and its staging graph <{staging[1]}> is left until "
                  "the same load runs again") if staging else ""
        super().__init__(f"the SPARQL service stopped the load ({cause}): the file's first {stored} graph(s) are "
                         f"stored, each whole; the others are as they were before the load{staged}")


class _Loader:
    """The requests of a load: whole graphs gathered into requests of up to ``request_bytes``."""

    def __init__(self, service, replace: bool):
        self.service, self.size, self.replace = service, service.request_bytes, replace
        self.stored = 0  # graphs stored whole
        self.seen: set = set()  # graphs begun: a graph met again later in the file is added to, not replaced
        self.drops: list[str] = []
        self.blocks: list[str] = []
        self.pending, self.length, self.blank = 0, 0, False

    def end(self, graph, run: list[ox.Quad], staging: _Staging | None) -> None:
        """The end of a run of ``graph``'s quads: queued for a request, or the switch of a staged graph."""
        if graph is None:
            return
        first = graph not in self.seen
        self.seen.add(graph)
        replace = first and self.replace and not isinstance(graph, ox.DefaultGraph)
        if staging is not None:
            staging.send(run)
            self.flush()
            staging.switch(replace)
            self.stored += first
            return
        blank = any(isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode) for q in run)
        name = None if isinstance(graph, ox.DefaultGraph) else str(graph)
        block = " ".join(blocks(name, [f"{q.subject} {q.predicate} {q.object} ." for q in run]))
        if self.blocks and self.length + len(block) > self.size:
            self.flush()
        if replace:
            self.drops.append(f"DROP SILENT GRAPH {graph}")
        self.blocks.append(block)
        self.pending, self.length, self.blank = self.pending + first, self.length + len(block), self.blank or blank

    def flush(self) -> None:
        if not self.blocks:
            return
        body = " ".join(self.blocks)
        # with blank nodes, a template instantiated once: within the request a label is one node (Virtuoso refuses
        # blank nodes in INSERT DATA)
        insert = f"INSERT {{ {body} }} WHERE {{}}" if self.blank else f"INSERT DATA {{ {body} }}"
        self.send(" ;\n".join([*self.drops, insert]))
        self.stored += self.pending
        self.drops, self.blocks, self.pending, self.length, self.blank = [], [], 0, 0, False

    def send(self, update: str, staging: tuple[str, str] | None = None) -> None:
        try:
            self.service.update(update)
        except GraphError as err:
            raise LoadInterrupted(self.stored, err, staging) from err


class _Staging:
    """A graph too large for one request, sent as statements into a staging graph, then switched in one update."""

    def __init__(self, loader: _Loader, graph: ox.NamedNode):
        self.loader, self.graph = loader, graph
        self.stage = f"<{STAGE}{hashlib.sha256(graph.value.encode()).hexdigest()[:32]}>"
        self.statements = 0
        self.loader.send(f"DROP SILENT GRAPH {self.stage}", self._where())  # what an interrupted load left

    def send(self, run: list[ox.Quad]) -> None:
        """Stage ``run`` in requests of at most the loader's size."""
        statements, length = [], 0
        for quad in map(_skolemised, run):
            node = f"<{self.stage[1:-1]}/{self.statements}>"
            statement = f"{node} {_S} {quad.subject} ; {_P} {quad.predicate} ; {_O} {quad.object} ."
            if statements and length + len(statement) > self.loader.size:
                self._insert(statements)
                statements, length = [], 0
            statements.append(statement)
            length += len(statement) + 1
            self.statements += 1
        if statements:
            self._insert(statements)

    def _insert(self, statements: list[str]) -> None:
        self.loader.send(f"INSERT DATA {{ {' '.join(blocks(self.stage, statements))} }}", self._where())

    def switch(self, replace: bool) -> None:
        drop = f"DROP SILENT GRAPH {self.graph} ;\n" if replace else ""
        self.loader.send(f"{drop}INSERT {{ GRAPH {self.graph} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {self.stage} "
                         f"{{ ?t {_S} ?s ; {_P} ?p ; {_O} ?o }} }} ;\nDROP SILENT GRAPH {self.stage}", self._where())

    def _where(self) -> tuple[str, str]:
        return self.graph.value, self.stage[1:-1]


def _skolemised(quad: ox.Quad) -> ox.Quad:
    def term(t):
        return ox.NamedNode(GENID + t.value) if isinstance(t, ox.BlankNode) else t

    return ox.Quad(term(quad.subject), quad.predicate, term(quad.object), quad.graph_name)
