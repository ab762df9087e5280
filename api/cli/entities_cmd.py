"""``eventkg entities merge|split|show``: a curator's say over entity resolution (graph/resolution.py). Decisions go
into the store's curation graph, which ingest never touches, so they hold across re-ingests; ``--undo`` withdraws one.
"""

from __future__ import annotations

from typing import Annotated

import typer

from api.cli.app import app
from api.cli.common import BaseIriOption, StoreOption, fail, open_cli_store, writing
from api.settings import get_settings
from graph.reading import merges
from graph.store import EventStore

entities_app = typer.Typer(help="Merge, split and inspect entities resolved across articles.", no_args_is_help=True)
app.add_typer(entities_app, name="entities")

UndoOption = Annotated[bool, typer.Option("--undo", help="Withdraw this decision instead of recording it.")]


@entities_app.command("merge")
def merge_command(
    first: Annotated[str, typer.Argument(help="Entity IRI or extractor key (person/donald-trump).")],
    second: Annotated[str, typer.Argument(help="Entity IRI or extractor key.")],
    store: StoreOption = None,
    base_iri: BaseIriOption = None,
    undo: UndoOption = False,
) -> None:
    """Make two entities one, whatever the rules say."""
    _curate("merge", (first, second), store, base_iri, undo)


@entities_app.command("split")
def split_command(
    key: Annotated[str, typer.Argument(help="The extractor key to stand alone (see `eventkg entities show`).")],
    store: StoreOption = None,
    base_iri: BaseIriOption = None,
    undo: UndoOption = False,
) -> None:
    """Take one extractor key out of the entity the rules merged it into; no rule will merge it again."""
    _curate("split", (key,), store, base_iri, undo)


@entities_app.command("show")
def show_command(
    entity: Annotated[str, typer.Argument(help="Entity IRI or extractor key.")],
    store: StoreOption = None,
    base_iri: BaseIriOption = None,
) -> None:
    """The keys an entity merges, why, and the articles that claim each."""
    with open_cli_store(get_settings().with_overrides(store=store, base_iri=base_iri), read_only=True) as kg:
        iri = kg.iris.entity(merges.canonical_key(kg, _member_key(kg, entity)))
        for key, articles in merges.members(kg, iri):
            typer.echo(f"key    {key}  ({articles} articles)")
        for keys, why, score in merges.merges(kg, iri):
            typer.echo(f"merge  {keys}: {why} ({score:.2f})")
        typer.echo(f"entity {iri}")


def _curate(kind: str, names: tuple[str, ...], store, base_iri, undo: bool) -> None:
    """Record (or withdraw) a curator's decision and say which entity the first key now belongs to."""
    with writing(get_settings().with_overrides(store=store, base_iri=base_iri)) as kg:
        keys = tuple(_member_key(kg, name, exact=kind == "split") for name in names)
        kg.curate(kind, keys, undo=undo)
        result = merges.canonical_key(kg, keys[0])
    done = "withdrawn" if undo else {"merge": "merged", "split": "split"}[kind]
    typer.echo(f"{done}: {' + '.join(keys)} -> {result}")


def _member_key(kg: EventStore, name: str, *, exact: bool = False) -> str:
    """The extractor key a curator means (:func:`graph.reading.merges.claimed_key`), or a clear error."""
    key = merges.claimed_key(kg, name, exact=exact)
    if key is None:
        fail(f"no article claims an entity {name!r}")
    return key
