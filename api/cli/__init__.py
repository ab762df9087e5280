"""``eventkg`` command line. Each module below registers its commands on :data:`api.cli.app.app` when imported."""

from api.cli import eval_cmd, extract_cmd  # noqa: F401  (registers commands)
from api.cli import store_cmd  # noqa: F401  (ingest, load, delete, stats)
from api.cli import analyze_cmd  # noqa: F401  (analyze, export)
from api.cli import query_cmd, serve_cmd  # noqa: F401  (query, serve)
from api.cli import entities_cmd  # noqa: F401  (entities merge, split, show)
from api.cli.app import app
from api.cli.common import run


def main() -> None:
    run(app)
