"""CSV nodes and edges tables with the column names Gephi's spreadsheet import recognises.

Nodes: ``Id, Label, Type`` (entity type), then ``Aliases`` (joined with ``" | "``), ``Country``, ``Lat``, ``Lon``.
Edges: ``Source, Target, Type`` (always ``Directed``), ``Id, Label`` (the predicate), ``Weight`` (supporting events),
``Start, End`` (ISO dates of the first and last evidence, as in the GEXF export), ``Statements``, ``Confidence``;
one row per (source, target, predicate).

>>> import io, networkx as nx
>>> G = nx.MultiDiGraph()
>>> G.add_node("isis", label="ISIS", type="Organization", aliases=["Daesh"])
>>> buf = io.BytesIO(); write_csv_nodes(G, buf)
>>> buf.getvalue().decode().splitlines()
['Id,Label,Type,Aliases,Country,Lat,Lon', 'isis,ISIS,Organization,Daesh,,,']
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from graph.analytics.aggregate import aggregate_edges
from graph.export.flat import flat_attributes, text_writer

if TYPE_CHECKING:  # for annotations; at run time it is imported where it is used
    import networkx as nx

NODE_COLUMNS = ("Id", "Label", "Type", "Aliases", "Country", "Lat", "Lon")
EDGE_COLUMNS = ("Source", "Target", "Type", "Id", "Label", "Weight", "Start", "End", "Statements", "Confidence")


def write_csv_nodes(G: nx.MultiDiGraph, fileobj: BinaryIO) -> None:
    """Write the nodes table of ``G`` (UTF-8, sorted by Id) to a binary file object."""
    with text_writer(fileobj) as text:
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(NODE_COLUMNS)
        for node in sorted(G):
            data = flat_attributes(G.nodes[node])
            writer.writerow(
                [node, data.get("label", node)] + [data.get(c) for c in ("type", "aliases", "country", "lat", "lon")]
            )


def write_csv_edges(G: nx.MultiDiGraph, fileobj: BinaryIO) -> None:
    """Write the edges table of ``G`` (UTF-8, a row per source, target, predicate; sorted) to a binary file object."""
    with text_writer(fileobj) as text:
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(EDGE_COLUMNS)
        for number, edge in enumerate(aggregate_edges(G)):
            writer.writerow(
                [
                    edge.source,
                    edge.target,
                    "Directed",
                    number,
                    edge.predicate,
                    edge.weight,
                    edge.start.isoformat() if edge.start else None,
                    edge.end.isoformat() if edge.end else None,
                    edge.statements,
                    edge.confidence,
                ]
            )


def csv_paths(prefix: Path) -> tuple[Path, Path]:
    """Where ``export --format csv -o PREFIX`` writes: ``PREFIX-nodes.csv`` and ``PREFIX-edges.csv`` (a ``.csv`` suffix
    on the prefix is dropped first).

    >>> [p.name for p in csv_paths(Path("out/actors.csv"))]
    ['actors-nodes.csv', 'actors-edges.csv']
    """
    stem = prefix.with_suffix("") if prefix.suffix == ".csv" else prefix
    return stem.with_name(stem.name + "-nodes.csv"), stem.with_name(stem.name + "-edges.csv")
