"""What ``eventkg ingest`` shows while it runs: N of the total with the rate on a terminal, plain lines in a log;
inside a long article, which is parsed in pieces (:mod:`extract.pieces`), the pieces and characters done.

The rate is articles done over the time since ingest started, the same figure the summary gives at the end.
"""

from __future__ import annotations

import time

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TaskID, TextColumn,
                           TimeElapsedColumn)

from extract.model import PieceProgress
from graph.ingest import IngestSummary, Outcome

LOG_EVERY = 10.0  # seconds between progress lines when stderr is not a terminal


class IngestProgress:
    """A context manager; :meth:`show` is the ``on_outcome`` callback of :func:`graph.ingest.ingest`, :meth:`piece`
    its ``on_piece``."""

    def __init__(self, total: int, *, verbose: bool = False, console: Console | None = None):
        self.total, self.verbose = total, verbose
        self.console = console or Console(stderr=True, soft_wrap=True)  # one line per message, also in logs
        self.bar = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=self.console,
            transient=True,
            disable=not self.console.is_terminal,  # in a log or a pipe: plain lines instead of a live display
        )
        self.task = self.bar.add_task("ingesting", total=total, detail="- articles/s")
        self.pieces: dict[str, TaskID] = {}  # article id -> its line of pieces, while it is parsed and stored
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
        self.bar.update(self.task, advance=1, detail=f"{self.rate(self.done):.1f} articles/s")
        if outcome.source in self.pieces:
            self.bar.remove_task(self.pieces.pop(outcome.source))
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

    def piece(self, progress: PieceProgress) -> None:
        """A long article's parse: one more piece done."""
        detail = f"{progress.chars_done:,}/{progress.chars:,} characters"
        task = self.pieces.get(progress.article)
        if task is None:
            task = self.pieces[progress.article] = self.bar.add_task(f"  {progress.article}: pieces",
                                                                     total=progress.pieces, detail=detail)
        self.bar.update(task, completed=progress.pieces_done, detail=detail)
        now = time.perf_counter()
        if self.verbose or (not self.console.is_terminal and now - self.logged >= LOG_EVERY):
            self.logged = now
            self.bar.console.print(f"parsing {progress.article}: piece {progress.pieces_done}/{progress.pieces}, "
                                   f"{detail}", highlight=False)

    def summary_line(self, summary: IngestSummary, store: str) -> str:
        return (f"{summary.articles} articles in {self.elapsed:.1f} s ({self.rate(summary.articles):.1f}/s): "
                f"{summary.new} new, {summary.updated} updated, {summary.unchanged} unchanged, {summary.failed} failed; "
                f"{summary.events} events and {summary.triples} triples extracted into {store}")
