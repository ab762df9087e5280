"""Scoring the extractor end to end on public gold data (``eventkg eval``).

One module per dataset reads its gold at run time from the dataset folder and knows how to score it
(:mod:`~extract.evaluation.wikievents`, :mod:`~extract.evaluation.wikievents_coref`, :mod:`~extract.evaluation.conll04`, :mod:`~extract.evaluation.rams`,
:mod:`~extract.evaluation.gvdb`, :mod:`~extract.evaluation.muc4`); :mod:`~extract.evaluation.mappings` maps the
datasets' types and roles onto ours; :mod:`~extract.evaluation.forms` holds gold and predictions in one form and
:mod:`~extract.evaluation.scoring` does the matching. This module runs the real extractor over the gold documents,
turns a score into a report, and keeps the recorded headline scores
(``recorded.json``) that the regression test holds the extractor to.

>>> sorted(DATASETS)
['conll04', 'geneva', 'gvdb', 'muc4', 'rams', 'wikievents', 'wikievents-coref']
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

from extract.evaluation import conll04, geneva, gvdb, muc4, rams, wikievents, wikievents_coref
from extract.evaluation.forms import Score
from extract.model import Extraction

DATASETS = {"wikievents": wikievents, "conll04": conll04, "rams": rams, "gvdb": gvdb, "muc4": muc4, "geneva": geneva,
            "wikievents-coref": wikievents_coref}
RECORDED = Path(__file__).with_name("recorded.json")


def folder(dataset: str) -> str:
    """The folder of ``../shared/data`` a dataset is read from: its name, unless it reads another's (the coreference
    gold is part of WikiEvents).

    >>> folder("wikievents-coref")
    'wikievents'
    """
    return getattr(DATASETS[dataset], "FOLDER", dataset)
TOLERANCE = 2.0  # F1 points a headline score may drop below its recorded value
METRICS = ("Trig-I", "Trig-C", "Arg-I", "Arg-C", "Relation", "Slot", "Incident", "Coref", "Coref-all", "Mentions")
TOP_ERRORS = 10


class Extracts(Protocol):
    name: str
    version: str

    def extract_many(self, articles, workers: int = 1) -> Iterator[Extraction]: ...


def evaluate(dataset: str, data_dir: Path, extractor: Extracts, split: str = "dev", limit: int | None = None) -> dict:
    """Read the gold, extract every document (batched), score; the report as a JSON-ready dict.

    ``limit`` keeps the first ``limit`` documents in file order (a fixed, deterministic subset).
    """
    module = DATASETS[dataset]
    golds = module.read(Path(data_dir), split)[:limit]
    extractions = extractor.extract_many(gold.article for gold in golds)
    score = module.score(zip(golds, extractions, strict=True))
    about = {"dataset": dataset, "split": split, "limit": limit, "documents": len(golds)}
    return report(score, module.HEADLINE, **about, extractor=f"{extractor.name} {extractor.version}")


def report(score: Score, headline, **about: Any) -> dict:
    """A score as a report: ``about``, the headline F1s, every row of counts and the most common errors."""
    rows = sorted(score.counts.items(), key=lambda item: (METRICS.index(item[0][0]), item[0][1] == "micro", item[0][1]))
    return {
        **about,
        "headline": {f"{metric} {group}": score.get(metric, group).f1 for metric, group in headline},
        "scores": [{"metric": metric, "group": group, **counts.as_dict()} for (metric, group), counts in rows],
        "errors": {
            "missed": {k: v.most_common(TOP_ERRORS) for k, v in sorted(score.misses.items())},
            "false_positives": {k: v.most_common(TOP_ERRORS) for k, v in sorted(score.false_positives.items())},
        },
    }


def markdown_table(result: dict) -> str:
    """The report's score rows as a Markdown table (what ``docs/evaluation.md`` shows)."""
    lines = [
        f"{result['dataset']} {result['split']} ({result['documents']} documents"
        + (f", first {result['limit']}" if result.get("limit") else "")
        + f"; {result['extractor']})",
        "",
        "| metric | type / slot | P | R | F1 | pred | gold |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in result["scores"]:
        lines.append(
            f"| {row['metric']} | {row['group']} | {row['p']:.2f} | {row['r']:.2f} | {row['f1']:.2f} "
            f"| {row['n_pred']} | {row['n_gold']} |"
        )
    return "\n".join(lines)


def errors_text(result: dict) -> str:
    """The most common misses and false positives, one line per group."""
    lines = []
    for kind, groups in result["errors"].items():
        for group, counts in groups.items():
            lines.append(f"{kind} {group}: " + ", ".join(f"{text!r}×{n}" for text, n in counts))
    return "\n".join(lines)


def load_recorded(path: Path = RECORDED) -> dict:
    """The recorded headline scores, ``{dataset: {"split", "limit", "documents", "extractor", "headline"}}``."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def record(result: dict, path: Path = RECORDED) -> None:
    """Store the report's headline scores as the dataset's recorded values (other datasets are kept)."""
    recorded = load_recorded(path)
    keys = ("split", "limit", "documents", "extractor", "headline")
    recorded[result["dataset"]] = {k: result[k] for k in keys}
    path.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def regressions(result: dict, recorded: dict, tolerance: float = TOLERANCE) -> list[str]:
    """Every headline F1 more than ``tolerance`` points below its recorded value, as a readable line.

    >>> regressions({"headline": {"Trig-C micro": 60.0}}, {"headline": {"Trig-C micro": 63.0}})
    ['Trig-C micro: 60.00 < recorded 63.00 - 2.0']
    """
    return [
        f"{name}: {result['headline'].get(name, 0.0):.2f} < recorded {value:.2f} - {tolerance}"
        for name, value in recorded["headline"].items()
        if result["headline"].get(name, 0.0) < value - tolerance
    ]
