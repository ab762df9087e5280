"""``eventkg analyze`` (network analytics) and ``eventkg export`` (Gephi, GraphML, CSV, JSON, RDF dumps).

Both read the store through the networkx projection, filtered by the same options; the work is in graph.analytics and
graph.export, this module only parses flags and prints.
"""

from __future__ import annotations

import inspect
import json
import os
import sys
from collections.abc import Callable
from dataclasses import asdict
from enum import Enum
from functools import partial, wraps
from pathlib import Path
from typing import Annotated, Any, BinaryIO

import networkx as nx
import typer

from api.cli.app import app
from api.cli.common import BaseIriOption, StoreOption, fail, open_cli_store
from api.settings import get_settings
from graph.analytics import (
    GRANULARITIES,
    MEASURES,
    aggregate_edges,
    centrality,
    communities,
    cooccurrence_network,
    described,
    neighbourhood,
    node_label,
    shortest_connection,
    strongest_pairs,
    timeline,
)
from graph.errors import GraphError
from graph.export import FORMATS, csv_paths, export, write_csv_edges, write_csv_nodes
from graph.filters import Filter
from graph.projection import project
from graph.store import EventStore, StoreError


class Analysis(str, Enum):
    centrality = "centrality"
    communities = "communities"
    path = "path"
    ego = "ego"
    cooccurrence = "cooccurrence"
    timeline = "timeline"


ENTITY_ARGUMENTS = {Analysis.path: 2, Analysis.ego: 1}  # how many entities each analysis takes; others none

# The filter flags (the projection's; see graph.projection.project), which filter_options gives a command.
PredicateOption = Annotated[
    list[str] | None, typer.Option("--predicate", help="Keep only edges with this predicate (repeatable).")
]
EventTypeOption = Annotated[
    list[str] | None, typer.Option("--event-type", help="Keep only events of this type, e.g. Attack (repeatable).")
]
FromOption = Annotated[str | None, typer.Option("--from", help="Earliest time, ISO: 2022, 2022-03 or 2022-03-01.")]
ToOption = Annotated[str | None, typer.Option("--to", help="Latest time, ISO (inclusive).")]
ConfidenceOption = Annotated[
    float | None, typer.Option("--min-confidence", min=0.0, max=1.0, help="Drop statements less confident than this.")
]
ModalityOption = Annotated[
    list[str] | None,
    typer.Option("--modality", help="Keep events of this modality (repeatable; default: asserted)."),
]
RollUpOption = Annotated[
    bool,
    typer.Option("--roll-up", help="Replace article-local actors (police, gunmen) by the named entity they belong to."),
]


def filter_options(command: Callable[..., None]) -> Callable[..., None]:
    """The filter flags, defined once for every command that takes them: ``command``'s ``filter`` parameter becomes
    the flags (``--predicate``, ``--event-type``, ``--from``, ``--to``, ``--min-confidence``, ``--modality``,
    ``--roll-up``), and it is called with them as one checked :class:`Filter`."""
    signature = inspect.signature(command, eval_str=True)
    flags = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=annotation)
             for name, (annotation, default) in _FILTER_OPTIONS.items()]
    parameters = [q for p in signature.parameters.values() for q in (flags if p.name == "filter" else [p])]

    @wraps(command)
    def with_filter(*args: Any, **kwargs: Any) -> None:
        return command(*args, filter=_filter(**{name: kwargs.pop(name) for name in _FILTER_OPTIONS}), **kwargs)

    with_filter.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    with_filter.__annotations__ = {p.name: p.annotation for p in parameters}  # typer reads the types from here too
    return with_filter


_FILTER_OPTIONS = {"predicate": (PredicateOption, None), "event_type": (EventTypeOption, None),
                   "start": (FromOption, None), "end": (ToOption, None), "min_confidence": (ConfidenceOption, None),
                   "modality": (ModalityOption, None), "roll_up": (RollUpOption, False)}


@app.command("analyze")
@filter_options
def analyze(
    analysis: Annotated[Analysis, typer.Argument(help="What to compute.", show_default=False)],
    entities: Annotated[
        list[str] | None, typer.Argument(help="path: two entities; ego: one (IRI, label or alias).", show_default=False)
    ] = None,
    store: StoreOption = None,
    base_iri: BaseIriOption = None,
    *,
    filter: Filter,
    measure: Annotated[str, typer.Option(help=f"centrality: {', '.join(MEASURES)}.")] = "pagerank",
    top: Annotated[int, typer.Option(min=1, help="centrality, cooccurrence: rows to show.")] = 20,
    samples: Annotated[
        int | None,
        typer.Option(min=1, help="betweenness: source entities to estimate from (default: exact up to 1,000)."),
    ] = None,
    radius: Annotated[int, typer.Option(min=1, help="ego: hops from the entity.")] = 1,
    granularity: Annotated[str, typer.Option(help=f"timeline: {', '.join(GRANULARITIES)}.")] = "month",
    format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
) -> None:
    """Network analytics: centrality | communities | path A B | ego X | cooccurrence | timeline.

    Entities are given by IRI, label or alias (any case): eventkg analyze path "Abu-Omar al-Muhajir" Daesh.
    """
    given = entities or []
    wanted = ENTITY_ARGUMENTS.get(analysis, 0)
    if len(given) != wanted:
        _fail(f"{analysis.value} takes {wanted or 'no'} entit{'y' if wanted == 1 else 'ies'}, got {len(given)}")
    if format not in ("table", "json"):
        _fail(f"unknown format '{format}'; use table or json")
    with _store(store, base_iri) as kg:
        try:
            if analysis is Analysis.timeline:
                if filter.predicates:
                    _fail("--predicate does not apply to the timeline (it counts events, not edges)")
                if filter.roll_up:
                    _fail("--roll-up does not apply to the timeline (it counts events, not actors)")
                rows = timeline(kg, filter, granularity=granularity).rows
                columns, result = ["period", "event_type", "events"], [asdict(r) for r in rows if r.events]
            else:
                G = project(kg, filter)
                columns, result = _analyse(analysis, G, given, measure, top, radius, samples)
        except GraphError as err:
            _fail(str(err))
    if format == "json":
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    elif analysis is Analysis.path:
        _print_path(result)
    else:
        _print_table(columns, result)


def _analyse(
    analysis: Analysis,
    G: nx.MultiDiGraph,
    entities: list[str],
    measure: str,
    top: int,
    radius: int,
    samples: int | None,
) -> tuple[list[str], Any]:
    """(table columns, JSON-ready result) of one analysis of the projection ``G``."""
    if analysis is Analysis.centrality:
        rows = [asdict(r) for r in centrality(G, measure, top=top, samples=samples)]
        return ["rank", "score", "type", "label", "entity"], rows
    if analysis is Analysis.communities:
        rows = [{"community": i, **asdict(c)} for i, c in enumerate(described(G, communities(G)), start=1)]
        return ["community", "size", "members"], rows
    if analysis is Analysis.path:
        return [], [asdict(h) for h in shortest_connection(G, *entities)]
    if analysis is Analysis.ego:
        ego = neighbourhood(G, entities[0], radius=radius)
        return _edge_rows(ego, aggregate_edges(ego))
    C = cooccurrence_network(G)
    rows = [
        {"a": a, "a_label": node_label(C, a), "b": b, "b_label": node_label(C, b), "events": weight}
        for a, b, weight in strongest_pairs(C, top)
    ]
    return ["a_label", "b_label", "events"], rows


def _edge_rows(G: nx.MultiDiGraph, edges: list) -> tuple[list[str], list[dict]]:
    rows = [
        {"source_label": node_label(G, e.source), "predicate": e.predicate, "target_label": node_label(G, e.target),
         **asdict(e)}
        for e in edges
    ]
    return ["source_label", "predicate", "target_label", "weight", "start", "end"], rows


@app.command("export")
@filter_options
def export_command(
    format: Annotated[
        str, typer.Option("--format", help=f"csv (nodes and edges files) or one of: {', '.join(FORMATS)}.")
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="File to write (default: standard output); for csv a prefix.")
    ] = None,
    store: StoreOption = None,
    base_iri: BaseIriOption = None,
    *,
    filter: Filter,
) -> None:
    """Export the graph for Gephi (gexf, csv), other tools (graphml, json) or as RDF (ttl, trig, nq, jsonld).

    Filters apply to the graph formats; the RDF formats dump the whole store.
    """
    if format != "csv" and format not in FORMATS:
        _fail(f"unknown export format '{format}'; choose one of csv, {', '.join(FORMATS)}")
    if format == "csv" and output is None:
        _fail("--format csv writes two files (nodes and edges): give -o PREFIX")
    with _store(store, base_iri) as kg:
        try:
            if format == "csv":
                G = project(kg, filter)
                for path, write in zip(csv_paths(output), (write_csv_nodes, write_csv_edges)):
                    _write_file(path, partial(write, G))
                    typer.echo(f"wrote {path}", err=True)
            elif output is None:
                export(kg, format, sys.stdout.buffer, filter)
            else:
                _write_file(output, partial(export, kg, format, filter=filter))
        except (GraphError, StoreError) as err:
            _fail(str(err))


def _write_file(path: Path, write: Callable[[BinaryIO], None]) -> None:
    """Write through a temporary file renamed into place, so a failure never leaves half a file at ``path``."""
    temporary = path.with_name(path.name + ".part")
    try:
        with open(temporary, "wb") as f:
            write(f)
        os.replace(temporary, path)
    except OSError as err:
        _fail(f"cannot write {path}: {err.strerror or err}")
    finally:
        temporary.unlink(missing_ok=True)


def _filter(predicate, event_type, start, end, min_confidence, modality, roll_up) -> Filter:
    """The flags as a checked :class:`Filter`; no ``--modality`` keeps the default (asserted only)."""
    try:
        return Filter.parse(predicates=predicate or None, event_types=event_type or None, start=start, end=end,
                            min_confidence=min_confidence, modalities=tuple(modality) if modality else ("asserted",),
                            roll_up=roll_up, labels=_FLAGS)
    except GraphError as err:
        _fail(str(err))


_FLAGS = {"event_types": "--event-type", "predicates": "--predicate", "modalities": "--modality", "start": "--from",
          "end": "--to", "min_confidence": "--min-confidence"}


def _store(path: Path | None, base_iri: str | None) -> EventStore:
    return open_cli_store(get_settings().with_overrides(store=path, base_iri=base_iri), read_only=True)


def _print_table(columns: list[str], rows: list[dict]) -> None:
    if not rows:
        typer.echo("(nothing matches)", err=True)
        return
    cells = [[_cell(row[c]) for c in columns] for row in rows]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]
    for line in [columns, ["-" * w for w in widths], *cells]:
        typer.echo("  ".join(v.ljust(w) for v, w in zip(line, widths)).rstrip())


def _cell(value: Any) -> str:
    if value is None:  # an undated timeline row, an edge with no dated evidence
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, list):  # community members
        return ", ".join(m["label"] for m in value)
    return str(value)


def _print_path(hops: list[dict]) -> None:
    if not hops:
        typer.echo("(both names are the same entity: no hops)", err=True)
    for number, hop in enumerate(hops, start=1):
        when = f", {hop['time']}" if hop["time"] else ""
        event = f"{hop['event_type']} event {hop['event']}" if hop["event"] else "standing relation"
        typer.echo(f"{number}. {hop['source_label']} --{hop['predicate']}--> {hop['target_label']}")
        typer.echo(f"   {event}{when}; confidence {hop['confidence']}; {hop['support']} statement(s) link them")
        typer.echo(f"   \"{hop['sentence']}\"")
        typer.echo(f"   article {hop['article']}")


def _fail(message: str) -> None:
    fail(message, 1)
