"""The Typer application every command module registers on."""

import typer

app = typer.Typer(
    name="eventkg",
    help="Build an event knowledge graph from news articles; query, analyse, export and serve it.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def eventkg() -> None:
    """Build an event knowledge graph from news articles; query, analyse, export and serve it."""
    # A callback keeps `eventkg COMMAND` a group even if only one command were registered (Typer would fold it).
