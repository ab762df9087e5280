"""The Typer application every command module registers on."""

import typer

app = typer.Typer(
    name="eventkg",
    help="Build an event knowledge graph from news articles; query, analyse, export and serve it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
