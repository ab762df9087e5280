"""A long article is parsed in pieces (``extract/pieces.py``): the extraction is the one the whole article gives in one
``Doc`` (article-wide steps such as coreference and one type per name see every piece), every offset is exact, and each
piece is reported as it is done, to ``ingest``'s ``on_piece`` and the CLI's progress."""

from __future__ import annotations

from bisect import bisect_right
from io import StringIO

import pytest
from rich.console import Console

from extract.model import Article, Extraction, Span
from extract.pieces import cuts
from extract.pipeline import Extractor

PIECE = 2_000  # characters: the long article below is cut into several pieces, each at a line or sentence end
# Each copy of the seed happens elsewhere and later, so that the copies are real sentences that differ.
PLACES = ["Paris", "Madrid", "Berlin", "London"]


@pytest.fixture(scope="module")
def long_article(seed_article) -> Article:
    copies = [seed_article.text.replace("Paris", place).replace("55 days", f"{55 + k} days")
              for k, place in enumerate(PLACES)]
    return Article(id="long", text="\n".join(copies), published=seed_article.published)


@pytest.fixture(scope="module")
def in_pieces() -> Extractor:
    return Extractor(piece_chars=PIECE)


def spans(extraction: Extraction) -> list[Span]:
    found = [m for e in extraction.entities for m in (*e.mentions, *e.references)]
    for event in extraction.events:
        found += [span for m in event.mentions for span in (m.trigger, m.sentence)]
        found += [Span(a.text, a.start, a.end) for a in event.arguments]
    return found + [r.evidence for r in extraction.relations if r.evidence is not None]


def test_cuts_fall_after_whitespace_and_join_to_the_text(long_article):
    text = long_article.text
    for size in (300, PIECE, 5_000):
        bounds = cuts(text, size)
        pieces = [text[a:b] for a, b in zip(bounds, bounds[1:])]
        assert "".join(pieces) == text and len(pieces) > len(text) // size
        assert all(len(p.rstrip()) <= size and not p[0].isspace() for p in pieces)
        assert all(text[b - 1].isspace() for b in bounds[1:-1])


def test_a_long_article_in_pieces_is_extracted_as_in_one_doc_with_progress(extractor, in_pieces, long_article):
    text = long_article.text
    assert PIECE < len(text) < extractor.piece_chars  # the session's extractor parses it in one Doc
    progress = []
    pieced = in_pieces.extract(long_article, on_piece=progress.append)
    assert pieced.to_dict() == extractor.extract(long_article).to_dict()

    pieces = len(cuts(text, PIECE)) - 1
    assert pieces >= 5
    assert [(p.article, p.pieces_done, p.pieces, p.chars) for p in progress] == \
           [("long", n, pieces, len(text)) for n in range(1, pieces + 1)]
    done = [p.chars_done for p in progress]
    assert done == sorted(set(done)) and done[-1] == len(text)
    assert all(text[s.start:s.end] == s.text for s in spans(pieced))
    # every piece contributes: an event in each copy of the seed, and the copies' places are there
    copy_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n" and text.startswith("ISIS has declared", i + 1)]
    assert len(copy_starts) == len(PLACES)
    for start, end in zip(copy_starts, [*copy_starts[1:], len(text)]):
        assert any(start <= e.trigger.start < end for e in pieced.events)
    labels = {e.label for e in pieced.entities}
    assert set(PLACES) <= labels
    # one entity across the pieces: the group named in every copy
    isis = next(e for e in pieced.entities if e.id == "organization/isis")
    assert {bisect_right(copy_starts, m.start) for m in isis.mentions} == set(range(1, len(PLACES) + 1))


def test_ingest_reports_each_piece_before_the_articles_outcome(tmp_path, in_pieces, long_article):
    from api.cli.progress import IngestProgress
    from graph.ingest import ingest
    from graph.store import open_store

    short = Article(id="short", text="Gunmen killed three soldiers in Kabul on Monday.")
    out = StringIO()
    with open_store(tmp_path / "kg") as kg, \
            IngestProgress(2, verbose=True, console=Console(file=out, width=200)) as progress:
        summary = ingest(kg, [short, long_article], in_pieces, on_outcome=progress.show, on_piece=progress.piece)
    assert (summary.new, summary.failed) == (2, 0)
    lines = out.getvalue().splitlines()
    pieces = len(cuts(long_article.text, PIECE)) - 1
    shown = [line for line in lines if line.startswith("parsing long: piece ")]
    assert [line.split(",")[0] for line in shown] == [f"parsing long: piece {n}/{pieces}" for n in range(1, pieces + 1)]
    assert shown[-1].endswith(f"{len(long_article.text):,}/{len(long_article.text):,} characters")
    stored = next(i for i, line in enumerate(lines) if line.startswith("new       long "))
    assert lines.index(shown[-1]) < stored


def test_the_apis_extractor_takes_articles_as_long_as_the_settings_accept():
    """With ``max_article_bytes`` set above the default, the API's extractor (api.state.Extractors) raises spaCy's
    limit on a text's length to fit, as the CLI's does: otherwise POST /articles fails the articles in between."""
    from api.settings import Settings
    from api.state import Extractors

    extractor = Extractors(Settings(max_article_bytes=3_000_000)).get()
    assert extractor.nlp.max_length > 3_000_000
