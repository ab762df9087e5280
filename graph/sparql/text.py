"""Lexical looks at a query text, in a few regular expressions: whether its answer may be cached, whether it names
its dataset, where the protocol's ``USING`` clauses go in an update. Never a decision about safety (the sandbox makes
that, whatever the text), so a wrong guess costs caching or a syntax error, nothing else."""

from __future__ import annotations

import re

from graph.sparql.errors import SparqlError

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_TOKEN = re.compile(r"""
    \#[^\r\n]*                                    # a comment, which \r ends as well as \n
  | '''(?:[^'\\]|\\.|'(?!''))*(?:'''|$)          # long strings
  | \"\"\"(?:[^"\\]|\\.|"(?!""))*(?:\"\"\"|$)
  | '(?:[^'\\\r\n]|\\.)*'? | "(?:[^"\\\r\n]|\\.)*"?
  | <[^<>"{}|^`\\\x00-\x20]*>                     # an IRI
  | [?$][\w\u00b7-]+                              # a variable
  | [\w:.\u00b7-]+                                # a keyword, prefixed name or number
  | \S""", re.VERBOSE | re.DOTALL)
_VOLATILE = {"now", "rand", "uuid", "struuid", "bnode"}
UPDATE_START = re.compile(r"\s*(?:(?:PREFIX\s*[\w.-]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*"
                           r"(?:INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)


def unescape(text: str) -> str:
    r"""The text with SPARQL's ``\u``/``\U`` escapes decoded, as the parser reads it before anything else.

    >>> unescape(r"\u0053ERVICE")
    'SERVICE'
    """
    def decode(match: re.Match) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else match.group(0)

    return _ESCAPE.sub(decode, text)


def _words(text: str) -> set[str]:
    """The keywords and names of a query, lower-cased: comments, strings and IRIs left out. Oxigraph decodes no
    escapes in keywords (``\\u0053ERVICE`` is a syntax error), so the text is read as it came."""
    return {t.lower() for t in _TOKEN.findall(text) if t[0] not in "#'\"<"}


def is_volatile(text: str) -> bool:
    """Whether the query may use ``NOW()``, ``RAND()``, ``UUID()``, ``STRUUID()`` or ``BNODE()``, whose answers
    differ from run to run: such an answer must not be cached. Conservative: a variable or a name that happens to be
    one of these words makes it volatile too, which only costs caching.

    >>> is_volatile(r"SELECT (\u004eOW() AS ?t) {}"), is_volatile("SELECT ('NOW()' AS ?t) {}")
    (True, False)
    """
    texts = [text, unescape(text)] if "\\" in text else [text]  # the escapes decoded too, to be on the safe side
    lowered = " ".join(texts).lower()
    if not any(word in lowered for word in _VOLATILE):  # most texts: no tokenizing
        return False
    words = set().union(*map(_words, texts))
    return not _VOLATILE.isdisjoint(w.rsplit(":", 1)[-1].lstrip("?$") for w in words)


def with_using(text: str, graphs: tuple[str, ...], named: tuple[str, ...]) -> str:
    """The update with ``USING``/``USING NAMED`` clauses for the protocol's graphs before the ``WHERE`` of each
    operation (SPARQL 1.1 Protocol §2.2.3); an update that names its own (``USING``, ``WITH``) is refused, as is
    ``DELETE WHERE``, which cannot take them. The update still runs as Oxigraph parses it: a misplaced clause is a
    syntax error, and the sandbox holds whatever the text."""
    clauses = " ".join([*(f"USING <{g}>" for g in graphs), *(f"USING NAMED <{g}>" for g in named)]) + " "
    out, depth, previous, at = [], 0, "", 0
    for match in _TOKEN.finditer(text):
        token = match.group().lower()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0 and token in ("using", "with"):
            raise SparqlError("give the graphs either in the update (USING, WITH) or as using-graph-uri/"
                              "using-named-graph-uri, not both")
        elif depth == 0 and token == "where":
            if previous == "delete":
                raise SparqlError("DELETE WHERE takes no USING: with using-graph-uri, write DELETE { … } WHERE { … }")
            out += [text[at:match.start()], clauses]
            at = match.start()
        if token[0] != "#":
            previous = token
    return "".join([*out, text[at:]])


def names_dataset(text: str) -> bool:
    """Whether the query has ``FROM``/``FROM NAMED`` (then its own dataset applies rather than the union of all
    graphs). A word ``FROM`` outside comments, strings and IRIs is taken as one; a wrong guess changes which graphs
    are read, never what the query may do."""
    return "from" in text.lower() and "from" in _words(text)  # most texts have no "from" at all: no tokenizing
