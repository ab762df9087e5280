"""rdflib terms as Oxigraph terms and in SPARQL syntax.

>>> from rdflib import Literal, URIRef
>>> sparql_term(URIRef("http://example.org/a")), sparql_term(Literal("hi", lang="en"))
('<http://example.org/a>', '"hi"@en')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Node

# Virtuoso's SPARQL compiler runs out of parser stack ("SP030 … memory exhausted") past about 5,000 triples in one
# block; a request may hold many blocks (40,000 triples in blocks of 1,000 were taken)
BLOCK_TRIPLES = 1000


def to_ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal | ox.DefaultGraph:
    """An rdflib term as the equivalent Oxigraph term (an Oxigraph term as it is)."""
    if term == DATASET_DEFAULT_GRAPH_ID:
        return ox.DefaultGraph()
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return term
    raise TypeError(f"not an RDF term: {term!r}")


def sparql_term(term: Node) -> str:
    """A term in SPARQL/N-Triples syntax (Oxigraph escapes literals correctly)."""
    return str(to_ox(term))


def graphs_under(prefix: str) -> str:
    """A SPARQL ``FILTER`` that keeps ``?g`` to the graphs whose IRI starts with ``prefix``: the article graphs
    (``IRIs.article_graph_prefix``), or all the store's graphs (its base IRI's ``graph/``).

    >>> graphs_under("http://x/graph/article/")
    'FILTER STRSTARTS(STR(?g), "http://x/graph/article/")'
    """
    return f"FILTER STRSTARTS(STR(?g), {ox.Literal(prefix)})"


def graph_block(graph: URIRef, triples: Iterable[tuple[Node, Node, Node]]) -> str:
    """``GRAPH <graph> { s p o . … }`` for the body of an INSERT DATA or DELETE DATA, as one block per
    :data:`BLOCK_TRIPLES` triples (one body, one operation); empty without triples."""
    lines = [f"{sparql_term(s)} {sparql_term(p)} {sparql_term(o)} ." for s, p, o in triples]
    return "".join(blocks(sparql_term(graph), lines))


def blocks(graph: str | None, lines: Sequence[str]) -> list[str]:
    """Triples in SPARQL syntax (``s p o .`` each) as ``GRAPH graph { … }`` blocks (``graph`` in SPARQL syntax; bare
    blocks for None, the default graph) of at most :data:`BLOCK_TRIPLES` triples each.

    >>> [len(b) for b in blocks(None, ["<http://s> <http://p> 1 ."] * (BLOCK_TRIPLES + 1))]
    [25999, 25]
    """
    parts = ["\n".join(lines[n:n + BLOCK_TRIPLES]) for n in range(0, len(lines), BLOCK_TRIPLES)]
    return parts if graph is None else [f"GRAPH {graph} {{\n{part}\n}}\n" for part in parts]
