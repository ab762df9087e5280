"""What the graph writers share: scalar attributes, sorted copies, text streams over binary files.

Tools such as Gephi and igraph take one value per attribute, so lists (an entity's aliases) are joined into one string
and missing values (None) are left out instead of written as empty.

>>> flat_attributes({"label": "ISIS", "aliases": ["Islamic State", "Daesh"], "lat": None})
{'label': 'ISIS', 'aliases': 'Daesh | Islamic State'}
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, BinaryIO, TextIO

if TYPE_CHECKING:  # for annotations; at run time it is imported where it is used
    import networkx as nx

ALIAS_SEPARATOR = " | "
# Characters XML 1.0 forbids (C0 controls other than tab, newline and carriage return; U+FFFE, U+FFFF); a stray form
# feed in an article would otherwise make a whole GEXF or GraphML file unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 cannot hold replaced by a space.

    >>> xml_safe("page\x0cbreak")
    'page break'
    """
    return _NOT_XML.sub(" ", text)


def flat_attributes(data: dict) -> dict[str, str | int | float]:
    """``data`` with lists joined by :data:`ALIAS_SEPARATOR` (sorted), text made :func:`xml_safe`, and None and empty
    values dropped."""
    flat = {}
    for name, value in data.items():
        if isinstance(value, (list, tuple, set)):
            value = ALIAS_SEPARATOR.join(sorted(value))
        if isinstance(value, str):
            value = xml_safe(value)
        if value is not None and value != "":
            flat[name] = value
    return flat


def sorted_graph(G: nx.MultiDiGraph, *, flat: bool = False) -> nx.MultiDiGraph:
    """A copy of ``G`` with nodes and edges inserted in sorted order (so writers are deterministic), optionally flat."""
    import networkx as nx  # on first use: the server loads it only for analytics and exports
    attributes = flat_attributes if flat else dict
    H = nx.MultiDiGraph()
    H.add_nodes_from((n, attributes(G.nodes[n])) for n in sorted(G))
    edges = sorted(G.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2])))
    H.add_edges_from((u, v, key, attributes(data)) for u, v, key, data in edges)
    return H


@contextmanager
def text_writer(fileobj: BinaryIO) -> Iterator[TextIO]:
    """UTF-8 text on top of a binary file object, which stays open afterwards."""
    text = io.TextIOWrapper(fileobj, encoding="utf-8", newline="")
    try:
        yield text
    finally:
        text.flush()
        text.detach()
