"""Type-ahead and the neighbourhood of a hub on a large store (issue 12): the reading layer's bounded, indexed reads
against the unbounded ones, in the same run.

    python -m bench.reading [--quads 1000000] [--store DIR] [--repeats 10]

A synthetic graph (``bench.synthetic``) is bulk-loaded into a temporary folder unless ``--store`` names a store.
On a read-only snapshot, as the server reads it:

- ``/entities?q=``: ``graph.reading.search_entities`` over the names index (the first search on a snapshot builds it:
  timed apart) against one SPARQL query filtering every label and alias by ``CONTAINS`` (what it did before), for a
  few type-ahead prefixes;
- ``/entities/{key}/neighbors``: ``graph.reading.neighbors`` of the entity with the most statements, depth 1 and 2,
  with the default bound (1,000 statements read, 200 entities) against the same reading every statement.

p50 (p90) in ms over ``--repeats`` runs. Print ``uptime`` beside the figures: the machine is shared.
"""

from __future__ import annotations

import argparse
import tempfile
from statistics import median
from pathlib import Path

from rdflib import Literal

from bench.aggregates import cell, timed
from bench.api_load import build_store
from graph import reading
from graph.reading.cache import memo
from graph.reading.entities import _read_names
from graph.reading.query import select
from graph.store import EventStore, open_store

PREFIXES = ("o", "org", "organization 1", "person 12", "zz")
SCAN = """SELECT ?e ?label ?type {bound} WHERE {
  GRAPH ?eg { ?e a ?type ; rdfs:label ?label }
  FILTER EXISTS { ?e rdfs:label|skos:altLabel ?name FILTER CONTAINS(LCASE(STR(?name)), ?q) }
} ORDER BY LCASE(?label) ?e LIMIT 20"""


def hub(store: EventStore) -> str:
    row, = store.select("SELECT ?e (COUNT(?st) AS ?n) WHERE { { ?st rdf:subject ?e } UNION { ?st rdf:object ?e } } "
                        "GROUP BY ?e ORDER BY DESC(?n) ?e LIMIT 1")
    return row["e"].value[len(str(store.iris.entity(""))):]


def run(path: Path, repeats: int) -> None:
    print("| read | bounded / indexed p50 ms (p90) | unbounded / scanned p50 ms (p90) | ratio |")
    print("|---|---|---|---|")
    with open_store(path, read_only=True) as store:
        build = timed(lambda: _read_names(store, "names"), 3)
        memo(store, _read_names, "names")
        for prefix in PREFIXES:
            indexed = timed(lambda: reading.search_entities(store, prefix), repeats)
            scanned = timed(lambda: list(select(store, SCAN, q=Literal(prefix), eg=store.iris.entities_graph)), repeats)
            print(f"| /entities?q={prefix} | {cell(indexed)} | {cell(scanned)} | "
                  f"{median(scanned) / median(indexed):.0f}x |", flush=True)
        key = hub(store)
        for depth in (1, 2):
            shown = reading.neighbors(store, key, depth)
            bounded = timed(lambda: reading.neighbors(store, key, depth), repeats)
            everything = timed(lambda: reading.neighbors(store, key, depth, statements=10 ** 9), repeats)
            print(f"| /entities/{key}/neighbors?depth={depth} ({len(shown.nodes)} entities, truncated "
                  f"{shown.truncated}) | {cell(bounded)} | {cell(everything)} | "
                  f"{median(everything) / median(bounded):.1f}x |", flush=True)
        names = len(memo(store, _read_names, "names"))
    print(f"\nnames index: {names:,} entities, built in p50 {cell(build)} ms (once per snapshot)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quads", type=int, default=1_000_000)
    parser.add_argument("--store", type=Path, help="an existing store (default: a synthetic one of --quads)")
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    if args.store is not None:
        run(args.store, args.repeats)
        return
    with tempfile.TemporaryDirectory(prefix="eventkg-bench-") as folder:
        run(build_store(Path(folder), args.quads), args.repeats)


if __name__ == "__main__":
    main()
