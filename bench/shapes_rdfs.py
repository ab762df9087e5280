"""SHACL violations of the seed and WikiEvents dev documents under RDFS inference (issue 11).

    python -m bench.shapes_rdfs [--documents 20]

The seed article and the first WikiEvents dev documents (``../shared/data/wikievents``) go through the real extractor
into an in-memory store; the union of its graphs (the ontology included) is validated against ontology/shapes.ttl
with pyshacl, ``inference="rdfs"``, as a researcher's reasoner reads it. Prints the number of violations (warnings
apart: the shapes ontology/shapes.ttl declares warnings). Runs on an older checkout too: ``PYTHONPATH=<checkout> python bench/shapes_rdfs.py``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
from pathlib import Path

from pyshacl import validate
from rdflib import Graph
from rdflib.namespace import SH

import ontology
from extract.model import Article
from extract.pipeline import Extractor
from extract.readers import iter_articles
from graph.rdf import article_rdf
from graph.store import EventStore

SHARED = Path(os.environ.get("EVENTKG_SHARED", Path(__file__).resolve().parents[2] / "shared"))
SEED = Path(ontology.__file__).resolve().parents[1] / "seeds" / "isis-global-offensive.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20)
    args = parser.parse_args()
    (seed,) = iter_articles([SEED])
    with (SHARED / "data" / "wikievents" / "dev.jsonl").open() as lines:
        docs = [json.loads(line) for _, line in zip(range(args.documents), lines)]
    articles = [seed, *(Article(id=d["doc_id"], text=d["text"], published="2020-01-01") for d in docs)]
    kg = EventStore(None)
    for article, extraction in zip(articles, Extractor().extract_many(articles)):
        kg.put(article_rdf(article, extraction, kg.iris))
    buffer = io.BytesIO()
    kg.dump(buffer, "nt")  # the union of all graphs, as SPARQL's default graph
    data = Graph().parse(data=buffer.getvalue(), format="nt")
    shapes = Graph().parse(ontology.path("shapes.ttl"))
    _, results, _ = validate(data, shacl_graph=shapes, advanced=True, allow_warnings=True, inference="rdfs")
    # a property shape inside a node shape declared a warning (shapes:ReportedEvent) reports its results with the
    # default severity, though pyshacl's conformance counts them as warnings: leave them out here too
    warning_shapes = {p for s in shapes.subjects(SH.severity, SH.Warning) for p in (s, *shapes.objects(s, SH.property))}
    violations = sum(1 for r in results.subjects(SH.resultSeverity, SH.Violation)
                     if results.value(r, SH.sourceShape) not in warning_shapes)
    print(f"{len(articles)} articles (seed + {len(docs)} WikiEvents dev), {len(kg)} quads: {violations} violations "
          "of ontology/shapes.ttl under RDFS inference")


if __name__ == "__main__":
    main()
