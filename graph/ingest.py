"""Articles in, store updated: read -> skip unchanged -> extract (batched, optionally in parallel) -> one transaction each.

Every article ends in exactly one :class:`Outcome`: ``new``, ``updated``, ``unchanged`` or ``failed``. A document that
cannot be read, extracted or converted is reported and skipped; the others go on. Each article is written in its own
transaction (:meth:`graph.store.EventStore.put`), so an interrupted run leaves whole articles only, and running it again
skips what was committed (same content hash and extractor) and finishes the rest.

>>> summary = IngestSummary()
>>> summary.add(Outcome("a.txt", "failed", error="empty article (no text)"))
>>> summary.add(Outcome("a1", "new", events=3, triples=80))
>>> summary.articles, summary.failed, summary.triples
(2, 1, 80)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from extract.model import Article, Extraction
from extract.readers import ReadError
from graph.rdf import article_rdf
from graph.store import EventStore

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
) -> IngestSummary:
    """Put every document into ``store``; ``extractor`` is an :class:`extract.pipeline.Extractor`.

    ``on_outcome`` is called once per document, in input order for the articles that were extracted.
    """
    summary = IngestSummary()

    def report(outcome: Outcome) -> None:
        summary.add(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    def to_extract() -> Iterator[Article]:
        run = str(store.iris.extractor(extractor.name, extractor.version)) if extractor is not None else ""
        for document in documents:
            if isinstance(document, ReadError):
                report(Outcome(document.source, "failed", error=document.reason))
            elif store.article_state(document.id) == (document.content_hash, run):
                report(Outcome(document.id, "unchanged"))
            else:
                yield document

    for article, extraction in _extract_isolated(extractor, to_extract(), workers):
        report(_store(store, article, extraction))
    return summary


def _store(store: EventStore, article: Article, extraction: Extraction | Exception) -> Outcome:
    if isinstance(extraction, Exception):
        return Outcome(article.id, "failed", error=f"extraction failed: {extraction!r}")
    try:
        rdf = article_rdf(article, extraction, store.iris)
        status = store.put(rdf)
    except Exception as err:  # one bad article must not stop the batch; the transaction left nothing behind
        return Outcome(article.id, "failed", error=f"could not store it: {err!r}")
    # events and triples of the article's RDF (entity descriptions included, even those the store already had)
    return Outcome(article.id, status, events=rdf.event_count, triples=len(rdf.quads()))


def _extract_isolated(
    extractor, articles: Iterator[Article], workers: int
) -> Iterator[tuple[Article, Extraction | Exception]]:
    """``(article, extraction)`` pairs in order through ``extract_many``; an article the extractor fails on is paired
    with its exception instead.

    ``extract_many`` streams in batches, so an exception does not say which article of the batch in flight caused it:
    the articles handed over but not yet returned are then extracted one by one, and streaming resumes after them.
    """
    in_flight: deque[Article] = deque()
    source_failed: list[BaseException] = []

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
            for extraction in extractor.extract_many(hand_over(articles), workers=workers):
                yield in_flight.popleft(), extraction
            return
        except Exception:  # noqa: BLE001  (isolate the culprit below, then carry on)
            if source_failed or not in_flight:  # not an article's fault: reading, the store or the extractor itself
                raise
            suspects = list(in_flight)
            in_flight.clear()
            for article in suspects:
                try:
                    yield article, extractor.extract(article)
                except Exception as err:  # noqa: BLE001
                    yield article, err
