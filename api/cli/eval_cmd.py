"""``eventkg eval``: score the extractor end to end on a public gold dataset (see docs/evaluation.md)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from api.cli.app import app
from api.cli.common import fail
from api.settings import get_settings
from extract.evaluation import DATASETS, RECORDED, errors_text, evaluate, folder, markdown_table, record

FORMATS = ("table", "json")


@app.command("eval")
def eval_command(
    dataset: Annotated[str, typer.Option(help=f"One of: {', '.join(DATASETS)}.")],
    data_dir: Annotated[Path | None, typer.Option(help="Dataset folder (default ../shared/data/<dataset>).")] = None,
    split: Annotated[str, typer.Option(help="dev, train or test (the test splits are kept apart, not here).")] = "dev",
    cv: Annotated[int | None, typer.Option(
        "--cv", min=2, help="Cross-validate the learned layer: K folds by document, each scored by a model fitted "
                            "without it (on the other folds and the other training data in the data folder's parent)."
    )] = None,
    cache: Annotated[Path | None, typer.Option(help="With --cv: keep parsed documents here between runs.")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Score only the first N documents (file order).")] = None,
    format: Annotated[str, typer.Option("--format", help="table (Markdown) or json.")] = "table",
    output: Annotated[Path | None, typer.Option(help="Write the report here instead of standard output.")] = None,
    errors: Annotated[bool, typer.Option(help="Table: also list the most common misses and false positives.")] = False,
    record_scores: Annotated[
        bool, typer.Option("--record", help=f"Store the headline scores as the regression baseline ({RECORDED.name}).")
    ] = False,
    model: Annotated[str | None, typer.Option(help="spaCy pipeline (default: settings).")] = None,
    batch_size: Annotated[int | None, typer.Option(min=1, help="Texts per nlp.pipe batch (default: settings).")] = None,
) -> None:
    """Run the extractor over a dataset's gold documents and print per-type precision, recall and F1."""
    module = DATASETS.get(dataset)
    data_dir = data_dir or Path("..") / "shared" / "data" / (folder(dataset) if module else dataset)
    problem = None
    if module is None:
        problem = f"unknown dataset {dataset!r}; expected one of: {', '.join(DATASETS)}"
    elif split == "test":
        problem = ("the test splits are not here: they are kept apart for an independent evaluation of the project "
                   "(see ../shared/data/README.md); use --split dev or --cv K")
    elif split not in module.SPLITS:
        problem = f"{dataset} has no split {split!r} here; expected one of: {', '.join(module.SPLITS)}"
    elif cv is not None and (limit is not None or record_scores):
        problem = "--cv scores every document of the split and is not recorded: leave out --limit and --record"
    elif not data_dir.is_dir():
        problem = f"data folder {data_dir} not found; pass --data-dir ../shared/data/{folder(dataset)}"
    elif format not in FORMATS:
        problem = f"unknown format {format!r}; expected table or json"
    if problem:
        fail(problem)

    settings = get_settings().with_overrides(model=model, batch_size=batch_size)
    try:
        if cv is not None:
            result = _cross_validated(dataset, data_dir, split, cv, settings.model, cache)
        else:
            extractor = settings.extractor()
            result = evaluate(dataset, data_dir, extractor, split=split, limit=limit)
    except (OSError, ValueError, KeyError) as err:
        fail(f"cannot read {dataset} from {data_dir}: {err}")
    if format == "json":
        text = json.dumps(result, indent=2)
    else:
        text = markdown_table(result) + ("\n\n" + errors_text(result) if errors else "")
    if output:
        output.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    if record_scores:
        record(result)
        typer.echo(f"recorded {dataset} headline scores in {RECORDED}", err=True)


def _cross_validated(dataset: str, data_dir: Path, split: str, k: int, model: str, cache: Path | None) -> dict:
    from extract.learned.train import Parser, cross_validate, label_documents

    parser = Parser(model=model, cache=cache)
    documents = label_documents(parser, data_dir.parent)
    return cross_validate(dataset, k, data_dir.parent, parser, documents, split=split)
