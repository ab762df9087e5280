"""GEXF 1.3 for Gephi: nodes coloured by entity type and sized by degree, weighted edges with a time span.

networkx writes only GEXF 1.2draft, so this writes 1.3 (``http://gexf.net/1.3``) itself, streaming through the
standard library's SAX writer so a large graph is never held as one XML tree. The output is valid against the official
RelaxNG grammar (``../shared/schemas/gexf-1.3/gexf.rng``) and deterministic (sorted nodes and edges, no timestamps).

- Node: id = entity IRI, label; attributes ``type``, ``aliases`` (joined with ``" | "``: Gephi has no list columns it
  can filter on), ``country``, ``lat``, ``lon``; ``viz:color`` by entity type, ``viz:size`` 10–50 by degree (the
  number of statements the entity takes part in).
- Edge: one per (source, target, predicate); ``label`` and ``kind`` = predicate (so Gephi keeps two predicates between
  the same entities apart instead of merging them), ``weight`` = number of supporting events, attributes
  ``predicate``, ``statements``, ``confidence`` (the highest); ``start``/``end`` = first day of the earliest and last
  day of the latest evidence time (a month becomes its first/last day, a year 1 January/31 December). Edges with no
  dated evidence (standing relations, undated events) have no span and show at every point of Gephi's timeline.
- A node's ``start``/``end`` span its dated edges, so entities appear on the timeline with their first evidence; an
  entity with an undated edge (or none) has no span and is always shown.

>>> import io, networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("https://w3id.org/eventkg/id/entity/organization/isis", label="ISIS", type="Organization", aliases=[])
>>> buf = io.BytesIO(); write_gexf(G, buf)
>>> b'<gexf xmlns="http://gexf.net/1.3"' in buf.getvalue()
True
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import BinaryIO
from xml.sax.saxutils import XMLGenerator

import networkx as nx

from graph.analytics.aggregate import AggregatedEdge, aggregate_edges
from graph.export.flat import flat_attributes

GEXF = "http://gexf.net/1.3"
VIZ = "http://gexf.net/1.3/viz"

# Colours per entity type (matplotlib's tab10, which reads well on Gephi's white canvas); others grey.
TYPE_COLOURS = {
    "Person": (31, 119, 180),
    "Organization": (214, 39, 40),
    "Group": (255, 127, 14),
    "Place": (44, 160, 44),
}
OTHER_COLOUR = (127, 127, 127)
MIN_SIZE, MAX_SIZE = 10.0, 50.0

# (attribute id, GEXF type) in column order.
NODE_ATTRIBUTES = (
    ("type", "string"),
    ("aliases", "string"),
    ("country", "string"),
    ("lat", "double"),
    ("lon", "double"),
)
EDGE_ATTRIBUTES = (("predicate", "string"), ("statements", "integer"), ("confidence", "double"))


def write_gexf(G: nx.MultiDiGraph, fileobj: BinaryIO) -> None:
    """Write the projection ``G`` as GEXF 1.3 (UTF-8) to a binary file object."""
    degrees = dict(G.degree())
    top_degree = max(degrees.values(), default=0) or 1
    edges = aggregate_edges(G)
    xml = _IndentedXML(fileobj)
    with xml.element("gexf", {"xmlns": GEXF, "xmlns:viz": VIZ, "version": "1.3"}):
        with xml.element("meta"):
            xml.leaf("creator", text="eventkg")
            xml.leaf("description", text="Entities linked by the events and relations that news articles report")
        with xml.element("graph", {"defaultedgetype": "directed", "mode": "dynamic", "timeformat": "date"}):
            _declare_attributes(xml, "node", NODE_ATTRIBUTES)
            _declare_attributes(xml, "edge", EDGE_ATTRIBUTES)
            lifetimes = _node_lifetimes(edges)
            with xml.element("nodes", {"count": len(G)}):
                for node in sorted(G):
                    _write_node(xml, node, G.nodes[node], degrees[node] / top_degree, lifetimes.get(node))
            with xml.element("edges", {"count": len(edges)}):
                for number, edge in enumerate(edges):
                    _write_edge(xml, number, edge)
    xml.close()


def _declare_attributes(xml: _IndentedXML, cls: str, attributes: tuple[tuple[str, str], ...]) -> None:
    with xml.element("attributes", {"class": cls, "mode": "static"}):
        for name, gexf_type in attributes:
            xml.leaf("attribute", {"id": name, "title": name, "type": gexf_type})


def _write_attvalues(xml: _IndentedXML, values: dict[str, object]) -> None:
    present = flat_attributes(values)
    if present:
        with xml.element("attvalues"):
            for name, value in present.items():
                xml.leaf("attvalue", {"for": name, "value": value})


def _node_lifetimes(edges: list[AggregatedEdge]) -> dict[str, tuple[date, date]]:
    """From the first to the last day of an entity's dated edges; entities with an undated edge are always present."""
    undated, first, last = set(), {}, {}
    for edge in edges:
        for node in (edge.source, edge.target):
            if edge.start is None:
                undated.add(node)
            else:
                first[node] = min(first.get(node, edge.start), edge.start)
                last[node] = max(last.get(node, edge.end), edge.end)
    return {node: (first[node], last[node]) for node in first if node not in undated}


def _write_node(
    xml: _IndentedXML, node: str, data: dict, relative_degree: float, lifetime: tuple[date, date] | None
) -> None:
    attrs = {"id": node, "label": data.get("label") or node}
    if lifetime:
        attrs.update(start=lifetime[0].isoformat(), end=lifetime[1].isoformat())
    with xml.element("node", attrs):
        _write_attvalues(xml, {name: data.get(name) for name, _ in NODE_ATTRIBUTES})
        r, g, b = TYPE_COLOURS.get(data.get("type"), OTHER_COLOUR)
        xml.leaf("viz:color", {"r": r, "g": g, "b": b})
        xml.leaf("viz:size", {"value": f"{MIN_SIZE + (MAX_SIZE - MIN_SIZE) * relative_degree:.2f}"})


def _write_edge(xml: _IndentedXML, number: int, edge: AggregatedEdge) -> None:
    attrs = {
        "id": number,
        "source": edge.source,
        "target": edge.target,
        "label": edge.predicate,
        "kind": edge.predicate,
        "weight": edge.weight,
    }
    if edge.start:
        attrs.update(start=edge.start.isoformat(), end=edge.end.isoformat())
    with xml.element("edge", attrs):
        values = {"predicate": edge.predicate, "statements": edge.statements, "confidence": edge.confidence}
        _write_attvalues(xml, values)


class _IndentedXML:
    """Streams indented XML through the standard library's SAX writer (``<empty/>`` elements, escaped values)."""

    def __init__(self, fileobj: BinaryIO):
        self._xml = XMLGenerator(fileobj, "utf-8", short_empty_elements=True)
        self._xml.startDocument()
        self._depth = 0
        self._has_children = False

    @contextmanager
    def element(self, name: str, attrs: dict[str, object] | None = None) -> Iterator[None]:
        if self._depth:  # the root follows the XML declaration's own line break
            self._indent()
        self._xml.startElement(name, {k: str(v) for k, v in (attrs or {}).items()})
        self._depth += 1
        self._has_children = False
        yield
        self._depth -= 1
        if self._has_children:
            self._indent()
        self._xml.endElement(name)
        self._has_children = True

    def leaf(self, name: str, attrs: dict[str, object] | None = None, text: str | None = None) -> None:
        with self.element(name, attrs):
            if text:
                self._xml.characters(text)

    def close(self) -> None:
        self._xml.ignorableWhitespace("\n")
        self._xml.endDocument()  # flushes

    def _indent(self) -> None:
        self._xml.ignorableWhitespace("\n" + "  " * self._depth)
