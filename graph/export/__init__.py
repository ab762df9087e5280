"""Exports of the graph: Gephi (GEXF 1.3), GraphML, CSV tables and node-link JSON from the networkx projection, and the
RDF itself (Turtle, TriG, N-Quads, JSON-LD) dumped by the store.

Every format writes to a binary file object, so the CLI writes files and the HTTP API streams the same bytes.
:data:`FORMATS` lists them with their media types; :func:`export` picks one by name.

>>> import io
>>> from graph.store import EventStore
>>> buf = io.BytesIO()
>>> export(EventStore(None), "graphml", buf)
>>> FORMATS["graphml"].media_type, buf.getvalue().startswith(b"<?xml")
('application/graphml+xml', True)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import fields
from typing import TYPE_CHECKING, BinaryIO

from graph.export.csv import csv_paths, write_csv_edges, write_csv_nodes
from graph.export.gexf import write_gexf
from graph.export.graphml import write_graphml
from graph.export.nodelink import write_nodelink
from graph.analytics.network import View, shown
from graph.filters import Filter, InvalidFilter
from graph.projection import shared_projection
from graph.store import EventStore

if TYPE_CHECKING:  # for annotations; at run time it is imported where it is used
    import networkx as nx

__all__ = [
    "FORMATS",
    "ExportFormat",
    "csv_paths",
    "export",
    "export_format",
    "write_csv_edges",
    "write_csv_nodes",
    "write_gexf",
    "write_graphml",
    "write_nodelink",
]


@dataclass(frozen=True)
class ExportFormat:
    name: str
    media_type: str
    suffix: str
    description: str
    # Graph formats write the projection; None for RDF formats, which the store dumps whole (filters do not apply).
    write: Callable[[nx.MultiDiGraph, BinaryIO], None] | None = None


FORMATS: dict[str, ExportFormat] = {
    f.name: f
    for f in (
        ExportFormat("gexf", "application/gexf+xml", ".gexf", "GEXF 1.3 for Gephi, with a timeline", write_gexf),
        ExportFormat("graphml", "application/graphml+xml", ".graphml", "GraphML, edge per statement", write_graphml),
        ExportFormat("csv-nodes", "text/csv", ".csv", "Gephi spreadsheet: nodes table", write_csv_nodes),
        ExportFormat("csv-edges", "text/csv", ".csv", "Gephi spreadsheet: edges table", write_csv_edges),
        ExportFormat("json", "application/json", ".json", "node-link JSON for web dashboards", write_nodelink),
        ExportFormat("ttl", "text/turtle", ".ttl", "Turtle: the union of all graphs"),
        ExportFormat("trig", "application/trig", ".trig", "TriG: every named graph"),
        ExportFormat("nq", "application/n-quads", ".nq", "N-Quads: every named graph"),
        ExportFormat("jsonld", "application/ld+json", ".jsonld", "JSON-LD: every named graph"),
    )
}


def export_format(name: str) -> ExportFormat:
    """The format called ``name``; :class:`InvalidFilter` naming the known ones otherwise."""
    try:
        return FORMATS[name]
    except KeyError:
        raise InvalidFilter(f"unknown export format '{name}'; choose one of {', '.join(FORMATS)}") from None


def export(store: EventStore, format: str, fileobj: BinaryIO, filter: Filter | None = None,
           view: View | None = None) -> None:
    """Write the graph in ``format`` to ``fileobj``, the graph formats kept to ``filter`` and, with ``view``, to the
    part of that network a picture shows (:func:`graph.analytics.network.shown`).

    RDF formats dump the whole store; a filter or view other than the default is an :class:`InvalidFilter` rather
    than a silently unfiltered file.
    """
    spec = export_format(format)
    filter = filter if filter is not None else Filter()
    if spec.write is None:
        given = [f.name for f in fields(Filter) if getattr(filter, f.name) != f.default] + (["top or center"] if view else [])
        if given:
            raise InvalidFilter(f"filters ({', '.join(given)}) apply to graph formats, not to the RDF dump '{format}'")
        store.dump(fileobj, spec.name)
    else:
        G = shared_projection(store, filter)
        spec.write(shown(G, view) if view else G, fileobj)
