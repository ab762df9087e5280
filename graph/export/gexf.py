"""GEXF 1.3 for Gephi: nodes coloured by entity type and sized by degree, weighted edges with a time span.

networkx writes only GEXF 1.2draft, so this writes 1.3 (``http://gexf.net/1.3``) itself, one node or edge at a time
(values escaped by ``xml.sax.saxutils.quoteattr``), so a large graph is never held as one XML tree. The output is valid
against the official RelaxNG grammar (``tests/schemas/gexf-1.3/gexf.rng``) and deterministic (sorted nodes and
edges, no timestamps).

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

from datetime import date
from typing import TYPE_CHECKING, BinaryIO
from xml.sax.saxutils import quoteattr

from graph.analytics.aggregate import AggregatedEdge, aggregate_edges
from graph.export.flat import flat_attributes, text_writer, xml_safe

if TYPE_CHECKING:  # for annotations; at run time it is imported where it is used
    import networkx as nx

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
    lifetimes = _node_lifetimes(edges)
    with text_writer(fileobj) as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        out.write(_tag("gexf", {"xmlns": GEXF, "xmlns:viz": VIZ, "version": "1.3"}, 0, ">"))
        out.write("  <meta>\n    <creator>eventkg</creator>\n")
        out.write("    <description>Entities linked by the events and relations that news articles report")
        out.write("</description>\n")
        out.write("  </meta>\n")
        out.write(_tag("graph", {"defaultedgetype": "directed", "mode": "dynamic", "timeformat": "date"}, 1, ">"))
        out.write(_attribute_declarations("node", NODE_ATTRIBUTES))
        out.write(_attribute_declarations("edge", EDGE_ATTRIBUTES))
        out.write(_tag("nodes", {"count": len(G)}, 2, ">"))
        for node in sorted(G):
            out.write(_node(node, G.nodes[node], degrees[node] / top_degree, lifetimes.get(node)))
        out.write("    </nodes>\n")
        out.write(_tag("edges", {"count": len(edges)}, 2, ">"))
        for number, edge in enumerate(edges):
            out.write(_edge(number, edge))
        out.write("    </edges>\n  </graph>\n</gexf>\n")


def _tag(name: str, attrs: dict[str, object], depth: int, close: str = "/>") -> str:
    """One indented line ``<name key="value" …/>`` (``close=">"`` opens the element), values escaped."""
    quoted = "".join(f" {key}={quoteattr(xml_safe(str(value)))}" for key, value in attrs.items())
    return f"{'  ' * depth}<{name}{quoted}{close}\n"


def _attribute_declarations(cls: str, attributes: tuple[tuple[str, str], ...]) -> str:
    declared = "".join(_tag("attribute", {"id": n, "title": n, "type": t}, 3) for n, t in attributes)
    return _tag("attributes", {"class": cls, "mode": "static"}, 2, ">") + declared + "    </attributes>\n"


def _attvalues(values: dict[str, object], depth: int) -> str:
    present = flat_attributes(values)
    if not present:
        return ""
    inner = "".join(_tag("attvalue", {"for": name, "value": value}, depth + 1) for name, value in present.items())
    return f"{'  ' * depth}<attvalues>\n{inner}{'  ' * depth}</attvalues>\n"


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


def _node(node: str, data: dict, relative_degree: float, lifetime: tuple[date, date] | None) -> str:
    attrs = {"id": node, "label": data.get("label") or node}
    if lifetime:
        attrs.update(start=lifetime[0].isoformat(), end=lifetime[1].isoformat())
    r, g, b = TYPE_COLOURS.get(data.get("type"), OTHER_COLOUR)
    size = MIN_SIZE + (MAX_SIZE - MIN_SIZE) * relative_degree
    return (
        _tag("node", attrs, 3, ">")
        + _attvalues({name: data.get(name) for name, _ in NODE_ATTRIBUTES}, 4)
        + _tag("viz:color", {"r": r, "g": g, "b": b}, 4)
        + _tag("viz:size", {"value": f"{size:.2f}"}, 4)
        + "      </node>\n"
    )


def _edge(number: int, edge: AggregatedEdge) -> str:
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
    values = {"predicate": edge.predicate, "statements": edge.statements, "confidence": edge.confidence}
    return _tag("edge", attrs, 3, ">") + _attvalues(values, 4) + "      </edge>\n"
