"""What ``eventkg ingest`` shows while it runs: N of the total with the rate on a terminal, plain lines in a log.

The rate is articles done over the time since ingest started, the same figure the summary gives at the end.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from graph.ingest import IngestSummary, Outcome

LOG_EVERY = 10.0  # seconds between progress lines when stderr is not a terminal


class IngestProgress:
    """A context manager; :meth:`show` is the ``on_outcome`` callback of :func:`graph.ingest.ingest`."""

    def __init__(self, total: int, *, verbose: bool = False, console: Console | None = None):
        self.total, self.verbose = total, verbose
        self.console = console or Console(stderr=True, soft_wrap=True)  # one line per message, also in logs
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("ingesting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]} articles/s"),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
            disable=not self.console.is_terminal,  # in a log or a pipe: plain lines instead of a live display
        )
        self.task = self.bar.add_task("ingest", total=total, rate="-")
        self.done = 0
        self.started = self.logged = time.perf_counter()

    def __enter__(self) -> IngestProgress:
        self.bar.__enter__()
        self.started = self.logged = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.bar.__exit__(*exc)

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def rate(self, done: int) -> float:
        return done / self.elapsed if self.elapsed > 0 else 0.0

    def show(self, outcome: Outcome) -> None:
        self.done += 1
        self.bar.update(self.task, advance=1, rate=f"{self.rate(self.done):.1f}")
        if outcome.status == "failed":
            self.bar.console.print(f"[red]failed[/red] {outcome.source}: {outcome.error}", highlight=False)
        elif self.verbose:
            self.bar.console.print(f"{outcome.status:9} {outcome.source} ({outcome.events} events, {outcome.triples} "
                                   f"triples) [{self.done}/{self.total}]", highlight=False)
        now = time.perf_counter()
        if not self.console.is_terminal and not self.verbose and now - self.logged >= LOG_EVERY:
            self.logged = now
            self.console.print(f"ingesting: {self.done}/{self.total} articles, {self.rate(self.done):.1f}/s",
                               highlight=False)

    def summary_line(self, summary: IngestSummary, store: str) -> str:
        return (f"{summary.articles} articles in {self.elapsed:.1f} s ({self.rate(summary.articles):.1f}/s): "
                f"{summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged, {summary.failed} failed; "
                f"{summary.events} events and {summary.triples} triples extracted into {store}")
