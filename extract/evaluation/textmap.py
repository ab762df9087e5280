"""Turning a dataset's tokens back into article text, keeping a map from each token to its character span.

The extractor reads plain text, the gold is annotated on tokens: every reader builds the text with one of these
functions and converts the gold token offsets with the returned spans: gold token ``i`` is
``text[spans[i][0]:spans[i][1]]``.

- :func:`detokenize` joins tokens with single spaces, except no space before closing punctuation and clitics
  (``,`` ``.`` ``)`` ``'s`` ``n't`` …) and none after opening brackets; Penn-style quote tokens become ``"``.
- :func:`join_sentences` puts the sentences one per line (``"\\n"`` between them), the layout of a plain-text article
  with one paragraph per line.

>>> text, spans = join_sentences([["He", "was", "n't", "there", "."], ["(", "Really", ")"]])
>>> text
"He wasn't there.\\n(Really)"
>>> [text[s:e] for s, e in spans]
['He', 'was', "n't", 'there', '.', '(', 'Really', ')']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

Offsets = tuple[int, int]

NO_SPACE_BEFORE = frozenset(",.;:?!%)]}”’…") | {"'s", "'re", "'ve", "'m", "'ll", "'d", "n't", "'t", "...", "''"}
CLITIC_SUFFIXES = ("’s", "’re", "’ve", "’m", "’ll", "’d", "n’t")
NO_SPACE_AFTER = frozenset("([{$“‘") | {"``"}
QUOTE_TOKENS = {"``": '"', "''": '"'}
SENTENCE_SEPARATOR = "\n"


def detokenize(tokens: Sequence[str], offset: int = 0) -> tuple[str, list[Offsets]]:
    """One sentence's text and each token's ``(start, end)`` in it, shifted by ``offset``.

    >>> detokenize(["Kevin", "O", "'Brien", ",", "$", "5", "."])
    ("Kevin O 'Brien, $5.", [(0, 5), (6, 7), (8, 14), (14, 15), (16, 17), (17, 18), (18, 19)])
    """
    parts: list[str] = []
    spans: list[Offsets] = []
    cursor = offset
    previous = None
    for token in tokens:
        surface = QUOTE_TOKENS.get(token, token)
        if previous is not None and not _glued(previous, token):
            parts.append(" ")
            cursor += 1
        parts.append(surface)
        spans.append((cursor, cursor + len(surface)))
        cursor += len(surface)
        previous = token
    return "".join(parts), spans


def join_sentences(sentences: Sequence[Sequence[str]]) -> tuple[str, list[Offsets]]:
    """Detokenized sentences, one per line, and the spans of all tokens in document order (flat token index)."""
    return join_texts([lambda offset, s=sentence: detokenize(s, offset) for sentence in sentences])


def join_texts(builders: Iterable[Callable[[int], tuple[str, list[Offsets]]]]) -> tuple[str, list[Offsets]]:
    """Join sentence builders ``f(offset) -> (text, spans)`` one per line; the flat token spans in order."""
    texts: list[str] = []
    spans: list[Offsets] = []
    offset = 0
    for build in builders:
        if texts:
            offset += len(SENTENCE_SEPARATOR)
        text, token_spans = build(offset)
        texts.append(text)
        spans.extend(token_spans)
        offset += len(text)
    return SENTENCE_SEPARATOR.join(texts), spans


def token_range(spans: Sequence[Offsets], start: int, end: int) -> Offsets:
    """The character span of tokens ``start`` .. ``end - 1`` (end-exclusive token indices)."""
    return spans[start][0], spans[end - 1][1]


def _glued(previous: str, token: str) -> bool:
    clitic = token.endswith(CLITIC_SUFFIXES) and token[0] in "'’n"
    return token in NO_SPACE_BEFORE or clitic or previous in NO_SPACE_AFTER
