"""Long articles parsed in pieces: spaCy's statistical components (tagger, parser, NER) run on pieces of at most
:data:`PIECE_CHARS` characters, cut where a line or a sentence ends, and the extraction components then run once on
the pieces joined into one ``Doc`` (``Doc.from_docs``), so that everything decided over the whole article (one type
per name, name parts, the main group, entity and event coreference) still sees the whole article and every offset is
an offset into it.

Why: the statistical components' working arrays grow with the ``Doc`` they are given (a 300,000-character article
took 1.25 GB in one ``Doc``, 470 MB in pieces of 50,000 characters), while the joined ``Doc`` and the extraction's own
state are small. Each piece done is reported (:class:`extract.model.PieceProgress`), so a long article shows progress as it goes.

A cut falls after a run of whitespace, where the tokenizer splits the whole text too, so the joined ``Doc`` has the
tokens of the whole text. Each piece is parsed with :data:`CONTEXT` characters of the text around it, then cut out
(``Span.as_doc``): the tok2vec window and the parser's and NER's look-ahead see what they would in the whole text, so
the annotations are those of one ``Doc`` (a 1.2M-character article gave the same extraction both ways; they could still
differ where a sentence runs across a cut, which only a piece without a line break or sentence end can force).

>>> text = "One line.\\nTwo lines. Three.\\nFour"
>>> cuts(text, 12)
[0, 10, 21, 32]
>>> [text[a:b] for a, b in zip(cuts(text, 12), cuts(text, 12)[1:])]
['One line.\\n', 'Two lines. ', 'Three.\\nFour']
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Collection

from spacy.language import Language
from spacy.tokens import Doc

from extract import components

PIECE_CHARS = 50_000  # characters per piece: ~10,000 tokens, where a piece's parse takes a few seconds
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]?\s")
_SPACE = re.compile(r"\s")
# Characters parsed on either side of a piece and then dropped: the parser and the NER look a few tokens ahead, the
# tok2vec layer a few tokens both ways, so with this context the piece's tokens are annotated as in the whole text.
CONTEXT = 300


def cuts(text: str, size: int) -> list[int]:
    """Offsets that cut ``text`` into pieces of at most ``size`` characters and the whitespace after them (first 0,
    last ``len(text)``): after the last line break in the second half of a piece's room, else after the last sentence
    end, else after the last whitespace, else at ``size``."""
    bounds = [0]
    while len(text) - bounds[-1] > size:
        low, high = bounds[-1] + size // 2, bounds[-1] + size
        at = text.rfind("\n", low, high)
        if at < 0:
            at = max((m.end() - 1 for m in _SENTENCE_END.finditer(text, low, high)), default=-1)
        if at < 0:
            at = text.rfind(" ", low, high)
        bounds.append(_past_space(text, at + 1) if at >= 0 else high)
    return bounds if bounds[-1] == len(text) else [*bounds, len(text)]


def _past_space(text: str, at: int) -> int:
    """The end of the whitespace run from ``at``: a piece starts with a word, where the tokenizer splits the whole
    text too."""
    while at < len(text) and text[at].isspace():
        at += 1
    return at


def _window(text: str, start: int, end: int) -> tuple[int, int]:
    """The stretch parsed for the piece ``text[start:end]``: with about :data:`CONTEXT` characters either side, from
    and to a whitespace run (where the tokens are those of the whole text)."""
    before = _SPACE.search(text, max(0, start - CONTEXT), start) if start > 0 else None
    after = max(text.rfind(" ", end, end + CONTEXT), text.rfind("\n", end, end + CONTEXT))
    return (_past_space(text, before.start()) if before else start,
            _past_space(text, after) if after >= 0 else end)


def parse_in_pieces(nlp: Language, text: str, own: Collection[str], size: int = PIECE_CHARS,
                    on_piece: Callable[[int, int, int], None] | None = None) -> Doc:
    """``text`` tokenized (its prepared copy, :class:`extract.components.PreparingTokenizer`) and run through the
    components before the ``own`` ones in pieces of at most ``size`` characters, joined into one ``Doc``;
    ``on_piece(pieces done, pieces, characters done)`` after each piece."""
    tokenizer: components.PreparingTokenizer = nlp.tokenizer
    prepared = tokenizer.prepare(text)
    bounds = cuts(prepared, size)
    windows = [_window(prepared, a, b) for a, b in zip(bounds, bounds[1:])]
    docs = (tokenizer.tokenizer(prepared[low:high]) for low, high in windows)
    for name, component in nlp.pipeline:
        if name in own:
            break
        # one piece at a time through every component: only one piece's working arrays are alive
        docs = component.pipe(docs, batch_size=1) if hasattr(component, "pipe") else map(component, docs)
    parsed = []
    for done, (doc, (low, _), start, end) in enumerate(zip(docs, windows, bounds, bounds[1:]), start=1):
        idx = [t.idx for t in doc]
        parsed.append(doc[bisect_left(idx, start - low):bisect_left(idx, end - low)].as_doc())  # the context dropped
        if on_piece is not None:
            on_piece(done, len(bounds) - 1, end)
    # without the tensor (tok2vec's output, the biggest part of a Doc): the extraction does not read it
    joined = Doc.from_docs(parsed, ensure_whitespace=False, exclude=["tensor", "user_data"])
    if prepared != text:
        joined.user_data[components.ORIGINAL] = text
    return joined


def run_own(nlp: Language, doc: Doc, own: Collection[str]) -> Doc:
    """The ``own`` components on a ``Doc`` that :func:`parse_in_pieces` made, in pipeline order."""
    for name, component in nlp.pipeline:
        if name in own:
            doc = component(doc)
    return doc
