"""Articles in, store updated: read -> skip unchanged -> extract (batched, optionally in parallel) -> one transaction each.

Every article ends in exactly one :class:`Outcome`: ``new``, ``updated``, ``unchanged`` or ``failed``. A document that
cannot be read, extracted or converted is reported and skipped; the others go on. Each article is written in its own
transaction (:meth:`graph.store.EventStore.put`), so an interrupted run leaves whole articles only, and running it again
skips what was committed (same content hash and extractor) and finishes the rest. Writing overlaps extraction: a
writer thread stores each extracted article, in input order, while the next ones are parsed (Oxigraph lets go of the
GIL while it writes).

A store that cannot be written at all (the disk is full, the storage failed, it is read-only or busy, its server is
down) stops the run: the article in hand is reported failed, and :attr:`IngestSummary.stopped` says why; what was
committed before stays whole.

>>> summary = IngestSummary()
>>> summary.add(Outcome("a.txt", "failed", error="empty article (no text)"))
>>> summary.add(Outcome("a1", "new", events=3, triples=80))
>>> summary.articles, summary.failed, summary.triples
(2, 1, 80)
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from extract.model import Article, Extraction, PieceProgress
from extract.readers import ReadError
from graph.rdf import article_rdf
from graph.errors import Unavailable
from graph.store import EventStore, StoreError, os_reason

STATUSES = ("new", "updated", "unchanged", "failed")


@dataclass(frozen=True)
class Outcome:
    """What happened to one article (``source`` is the article id, or the path of a document that could not be read)."""

    source: str
    status: str  # one of STATUSES
    events: int = 0
    triples: int = 0
    error: str | None = None


@dataclass
class IngestSummary:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    events: int = 0
    triples: int = 0
    failures: list[Outcome] = field(default_factory=list)
    stopped: str | None = None  # why the run ended before its input did (the store could not be written)

    @property
    def articles(self) -> int:
        return self.new + self.updated + self.unchanged + self.failed

    def add(self, outcome: Outcome) -> None:
        setattr(self, outcome.status, getattr(self, outcome.status) + 1)
        self.events += outcome.events
        self.triples += outcome.triples
        if outcome.status == "failed":
            self.failures.append(outcome)


def ingest(
    store: EventStore,
    documents: Iterable[Article | ReadError],
    extractor,
    *,
    workers: int = 1,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_piece: Callable[[PieceProgress], None] | None = None,
) -> IngestSummary:
    """Put every document into ``store``; ``extractor`` is an :class:`extract.pipeline.Extractor`.

    ``on_outcome`` is called once per document, from the writer thread, in input order for the articles that were
    extracted. ``on_piece`` is called from this thread for every piece of a long article parsed here (an extractor
    that parses elsewhere, in processes or on Dask, reports none).
    """
    summary = IngestSummary()
    writer = _Writer(store, summary, on_outcome)

    def to_extract() -> Iterator[Article]:
        run = str(store.iris.extractor(extractor.name, extractor.version)) if extractor is not None else ""
        for document in documents:
            if isinstance(document, ReadError):
                writer.put(Outcome(document.source, "failed", error=document.reason))
            elif store.article_state(document.id) == (document.content_hash, run):
                writer.put(Outcome(document.id, "unchanged"))
            else:
                yield document

    extracted = _extract_isolated(extractor, to_extract(), workers, on_piece)
    try:
        for article, extraction in extracted:
            writer.put((article, extraction))
        writer.finish()
    except Unavailable as err:  # raised by the writer thread, or by reading the store here (a server store gone)
        writer.stop()
        summary.stopped = str(err)
    except BaseException:
        writer.stop()
        raise
    finally:
        extracted.close()  # parser processes still busy with articles that will not be stored
    return summary


class _Writer:
    """A thread storing ``(article, extraction)`` pairs and reporting every outcome, in the order they were put."""

    _DONE = object()

    def __init__(self, store: EventStore, summary: IngestSummary, on_outcome: Callable[[Outcome], None] | None):
        self.store, self.summary, self.on_outcome = store, summary, on_outcome
        self.queue: queue.Queue = queue.Queue(maxsize=64)  # a few batches ahead: extractions are small
        self.stopping = threading.Event()
        self.failure: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name="eventkg-ingest-writer", daemon=True)
        self.thread.start()

    def put(self, item: Outcome | tuple[Article, Extraction | Exception]) -> None:
        while True:
            if self.failure is not None:
                raise self.failure
            try:
                return self.queue.put(item, timeout=0.1)
            except queue.Full:
                continue

    def finish(self) -> None:
        """Wait until everything put is stored and reported."""
        self.put(self._DONE)
        self.thread.join()
        if self.failure is not None:
            raise self.failure

    def stop(self) -> None:
        """Store nothing more (what is stored stays whole) and wait for the article being written."""
        self.stopping.set()
        try:
            self.queue.put_nowait(self._DONE)  # wakes the thread if it waits for work
        except queue.Full:  # it does not: it sees the stop after the article in hand
            pass
        self.thread.join()

    def _run(self) -> None:
        try:
            while (item := self.queue.get()) is not self._DONE and not self.stopping.is_set():
                try:
                    outcome = item if isinstance(item, Outcome) else store_extracted(self.store, *item)
                except Unavailable as err:
                    self.failure = err  # raised in the main thread, after this last outcome is reported
                    outcome = Outcome(item[0].id, "failed", error=str(err))
                self.summary.add(outcome)
                if self.on_outcome is not None:
                    self.on_outcome(outcome)
                if self.failure is not None:
                    return
        except BaseException as err:  # noqa: BLE001  (the caller's callback failed: the main thread raises it)
            self.failure = err


def extract_one(extractor, article: Article, **reporting) -> Extraction | Exception:
    """The extraction of ``article``, or the exception the extractor raised on it: one bad article is reported (by
    :func:`store_extracted`), not raised."""
    try:
        return extractor.extract(article, **reporting)
    except Exception as err:  # noqa: BLE001
        return err


def extraction_failure(err: Exception) -> str:
    """How an article the extractor failed on is reported."""
    return f"extraction failed: {err!r}"


def store_extracted(store: EventStore, article: Article, extraction: Extraction | Exception) -> Outcome:
    """Store one article as extracted (:func:`extract_one`) in one transaction; a failed extraction, or an article
    that cannot be converted or stored, is the outcome ``failed`` with the reason. A store that cannot be written at
    all raises (a :class:`graph.errors.Unavailable`: read-only, busy, its server down, the writer lease lost): it is
    not the article's fault, and every article after this one would fail the same way."""
    if isinstance(extraction, Exception):
        return Outcome(article.id, "failed", error=extraction_failure(extraction))
    try:
        rdf = article_rdf(article, extraction, store.iris)
        status = store.put(rdf)
    except OSError as err:  # the storage itself: every article after this one would fail the same way
        raise StoreError(f"the store could not be written: {os_reason(err)}") from err
    except Unavailable:
        raise
    except Exception as err:  # one bad article must not stop the batch; the transaction left nothing behind
        return Outcome(article.id, "failed", error=f"could not store it: {err}")
    # events and triples of the article's own graph, as written (with the canonical IRIs the store resolved)
    return Outcome(article.id, status, events=rdf.event_count, triples=len(rdf.quads()))


def _extract_isolated(
    extractor, articles: Iterator[Article], workers: int, on_piece: Callable[[PieceProgress], None] | None = None
) -> Iterator[tuple[Article, Extraction | Exception]]:
    """``(article, extraction)`` pairs in order through ``extract_many``; an article the extractor fails on is paired
    with its exception instead.

    ``extract_many`` streams in batches, so an exception does not say which article of the batch in flight caused it:
    the articles handed over but not yet returned are then extracted one by one, and streaming resumes after them.
    """
    in_flight: deque[Article] = deque()
    source_failed: list[BaseException] = []
    reporting = {"on_piece": on_piece} if on_piece is not None else {}  # only an extractor that can report is asked

    def hand_over(source: Iterator[Article]) -> Iterator[Article]:
        try:
            for article in source:
                in_flight.append(article)
                yield article
        except Exception as err:  # reading or the store failed, not the extractor: that stops the run
            source_failed.append(err)
            raise

    while True:
        try:
            for extraction in extractor.extract_many(hand_over(articles), workers=workers, **reporting):
                yield in_flight.popleft(), extraction
            return
        except Exception:  # noqa: BLE001  (isolate the culprit below, then carry on)
            if source_failed or not in_flight:  # not an article's fault: reading, the store or the extractor itself
                raise
            suspects = list(in_flight)
            in_flight.clear()
            for article in suspects:
                yield article, extract_one(extractor, article, **reporting)
