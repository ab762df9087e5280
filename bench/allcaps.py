"""Extraction of wire text in capitals: WikiEvents dev scored on its documents as written and on an all-caps copy
(issue 10: within 5 points on Trig-C and Arg-C).

    python -m bench.allcaps [--data ../shared/data] [--dataset wikievents] [--limit N]

The copy is the gold article upper-cased character by character where that keeps the length (so the gold offsets still
hold); both runs use the same extractor in the same process and print their headline F1 side by side.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from extract.evaluation import DATASETS, evaluate
from extract.pipeline import Extractor

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def upper(text: str) -> str:
    """``text`` in capitals, except characters whose capital is longer ("ß" -> "SS")."""
    return "".join(c.upper() if len(c.upper()) == 1 else c for c in text)


class Shouting:
    """An extractor that reads every article in capitals."""

    def __init__(self, extractor: Extractor):
        self.extractor, self.name, self.version = extractor, extractor.name, extractor.version

    def extract_many(self, articles, workers: int = 1):
        return self.extractor.extract_many((replace(a, text=upper(a.text)) for a in articles), workers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--dataset", default="wikievents", choices=sorted(DATASETS))
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    extractor = Extractor()
    folder = args.data / args.dataset
    written = evaluate(args.dataset, folder, extractor, limit=args.limit)["headline"]
    capitals = evaluate(args.dataset, folder, Shouting(extractor), limit=args.limit)["headline"]
    print(f"{args.dataset} dev: as written / all caps / difference")
    for name, value in written.items():
        print(f"  {name:24} {value:6.2f} {capitals[name]:6.2f} {capitals[name] - value:+6.2f}")


if __name__ == "__main__":
    main()
