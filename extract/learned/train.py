"""Training the learned layer on the shared gold data (``make train``), and cross-validating it end to end
(``eventkg eval --cv K``).

The training data is the labelled rule candidates of :mod:`extract.learned.labels`, parsed by
:mod:`extract.learned.parsing`, fitted by :mod:`extract.learned.fitting`. Cross-validation is by document (RAMS windows
of one article, GENEVA sentences of one document stay together): the model of fold *i* is fitted on every other source
plus the other folds of the evaluated one, and scores the held-out fold; the thresholds and the calibration of a fitted
model come from an inner cross-validation on its own training data only.
"""

from __future__ import annotations

from pathlib import Path

from extract.evaluation import DATASETS, folder, report
from extract.learned import LearnedLayer
from extract.learned.fitting import SEED, fit, folds
from extract.learned.labels import Document, group_of, label_documents
from extract.learned.parsing import Parser


def training_documents(documents: list[Document], evaluated: tuple[str, str], assignment: dict[str, int],
                       fold: int) -> list[Document]:
    """What the model of ``fold`` is fitted on: everything except the evaluated split's documents in that fold."""
    return [d for d in documents if not (d.source == evaluated and assignment.get(d.group) == fold)]


def cross_validate(dataset: str, k: int, data_root: Path, parser: Parser, documents: list[Document],
                   split: str = "dev", seed: int = SEED, **fit_options) -> dict:
    """The end-to-end report of ``dataset``'s ``split`` where every document was extracted by a model that never saw
    it (nor any document of its group)."""
    module = DATASETS[dataset]
    golds = module.read(data_root / folder(dataset), split)
    groups = [f"{dataset}:{group_of(g)}" for g in golds]
    assignment = folds(groups, k, seed)
    held_out = [assignment[group] for group in groups]
    models = [fit(training_documents(documents, (dataset, split), assignment, fold), seed=seed, **fit_options)
              for fold in range(k)]
    extractions = []
    for gold, doc, fold in zip(golds, parser.parsed(dataset, split, golds), held_out, strict=True):
        extractions.append(parser.extract(doc, LearnedLayer(models[fold])))
    score = module.score(zip(golds, extractions, strict=True))
    about = {"dataset": dataset, "split": split, "limit": None, "documents": len(golds), "cv": k}
    return report(score, module.HEADLINE, **about, extractor=f"learned layer, {k}-fold cross-validation")


def main(argv: list[str] | None = None) -> None:
    """``make train``: fit on every source and write the shipped model file."""
    import argparse

    from extract.learned import MODEL_PATH

    parser = argparse.ArgumentParser(prog="python -m extract.learned.train", description=main.__doc__)
    parser.add_argument("--data", type=Path, default=Path("..") / "shared" / "data", help="the shared data folder")
    parser.add_argument("--output", type=Path, default=MODEL_PATH)
    parser.add_argument("--cache", type=Path, default=None, help="keep parsed documents here between runs")
    args = parser.parse_args(argv)
    documents = label_documents(Parser(cache=args.cache), args.data)
    model = fit(documents)
    model.save(args.output)
    print(f"{args.output}: {model.about['trigger_examples']} trigger and {model.about['argument_examples']} argument "
          f"examples, threshold {model.trigger.threshold}")


if __name__ == "__main__":
    main()
