"""What entity a user means: a key (``place/geonames-1138958``), an IRI, a label or an alias (``Kabul``, ``Daesh``).

A label wins over an alias, an exact spelling over another case; failing those, a person is found by one part of their
name (``Obama``), as readers refer to people. A name that fits several entities is an :class:`AmbiguousName` (HTTP 400)
listing them as :class:`~graph.reading.records.Candidate`, the most mentioned first; a name that fits none is an
:class:`UnknownName` (404).

>>> from graph.store import EventStore
>>> resolve(EventStore(None), "Kabul")
Traceback (most recent call last):
...
graph.reading.names.UnknownName: no entity named 'Kabul'
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from graph.errors import InvalidInput, NotFound
from graph.namespaces import EKG, local_name
from graph.reading.entities import names
from graph.reading.query import OX_ALT_LABEL, OX_LABEL, OX_MENTIONED_IN, OX_TYPE, label_and_type, ref
from graph.reading.records import Candidate
from graph.store import EventStore
from graph.terms import to_ox

SHOWN = 10  # candidates named in the message (all are in AmbiguousName.candidates)


class UnknownName(NotFound):
    """No entity has this key, IRI, label or alias."""


class AmbiguousName(InvalidInput):
    """A name that fits several entities; :attr:`candidates` lists them, the most mentioned first."""

    def __init__(self, message: str, candidates: list[Candidate]):
        super().__init__(message)
        self.candidates = candidates

    def extra_fields(self) -> dict:
        """What the API adds to the error's JSON."""
        return {"candidates": [vars(c) for c in self.candidates]}


def resolve(store: EventStore, name: str, *, entity_type: str | None = None, what: str = "entity") -> str:
    """The key of the entity ``name`` means (of ``entity_type`` if given, e.g. ``"Place"``)."""
    text = name.strip()
    entities = to_ox(store.iris.entities_graph)
    wanted = str(EKG[entity_type]) if entity_type else None

    def typed(nodes) -> list[ox.NamedNode]:
        found = []
        for node in dict.fromkeys(nodes):
            types = {q.object.value for q in store.native.quads_for_pattern(node, OX_TYPE, None, entities)}
            if types and (wanted is None or wanted in types):
                found.append(node)
        return found

    for iri in (str(store.iris.entity(text)), text):  # a key, or an IRI
        if iri.startswith(store.iris.entity_prefix) and typed([ox.NamedNode(iri)]):
            return ref(store, iri).id
    candidates = (typed(q.subject for q in store.native.quads_for_pattern(None, OX_LABEL, ox.Literal(text), entities))
                  or typed(q.subject for q in store.native.quads_for_pattern(None, OX_ALT_LABEL, ox.Literal(text), None))
                  or _by_any_case(store, text, wanted))
    if not candidates:
        raise UnknownName(f"no {what} named {text!r}")
    if len(candidates) == 1:
        return ref(store, candidates[0].value).id
    ranked = sorted((_candidate(store, node) for node in candidates), key=lambda c: (-c.mentions, c.label, c.key))
    names = "; ".join(f"{c.label} ({c.key}, {c.mentions} article{'' if c.mentions == 1 else 's'})"
                      for c in ranked[:SHOWN])
    more = f" and {len(ranked) - SHOWN} more" if len(ranked) > SHOWN else ""
    raise AmbiguousName(f"the name {text!r} fits {len(ranked)} entities: {names}{more}; give the key", ranked)


def _by_any_case(store: EventStore, text: str, wanted: str | None) -> list[ox.NamedNode]:
    """Entities whose label, else an alias, is ``text`` in another case; else persons with ``text`` as a part of
    their name. From the names index of :func:`graph.reading.entities.names` (built once per snapshot), by IRI."""
    kind = local_name(wanted) if wanted else None
    entities = (named.summary for named in names(store))
    return [ox.NamedNode(iri) for iri in best_fits(text, ((e.iri, e.label, e.aliases, e.type == "Person")
                                                          for e in entities if kind is None or e.type == kind))]


def best_fits(name: str, entities: Iterable[tuple[str, str, Iterable[str], bool]]) -> list[str]:
    """The ids of the ``(id, label, aliases, is a person)`` that ``name`` fits best (:func:`name_fit`), sorted.

    >>> best_fits("isis", [("p", "Isis", (), True), ("o", "Islamic State", ("ISIS",), False)])
    ['p']
    """
    best: dict[int, set[str]] = {}
    for entity_id, label, aliases, person in entities:
        how = name_fit(name, label, aliases, person)
        if how is not None:
            best.setdefault(how, set()).add(entity_id)
    return sorted(best[min(best)]) if best else []


def name_fit(name: str, label: str, aliases: Iterable[str], person: bool) -> int | None:
    """How a name a user typed fits an entity: 0 its label as written, 1 one of its aliases as written, 2 its label in
    another case (casefolded: "STRASSER" is "Straßer"), 3 an alias in another case, 4 (a person, and a name of one
    word) one word of its label, ``None`` not at all; the lowest wins. The one rule of :func:`resolve` (whose look-ups
    of the label and the aliases as written are the first two) and :func:`graph.analytics.entities.resolve_entity`.

    >>> name_fit("HANS STRASSER", "Hans Straßer", (), True), name_fit("strasser", "Hans Straßer", (), True)
    (2, 4)
    >>> name_fit("ISIS", "Isis", (), True), name_fit("ISIS", "Islamic State", ("ISIS",), False)
    (2, 1)
    >>> name_fit("daesh", "ISIS", ("Islamic State", "Daesh"), False), name_fit("Hans", "Hans Straßer", (), False)
    (3, None)
    """
    wanted = name.casefold()
    if not wanted:
        return None
    if label == name:
        return 0
    if name in aliases:
        return 1
    if label.casefold() == wanted:
        return 2
    if any(alias.casefold() == wanted for alias in aliases):
        return 3
    return 4 if person and " " not in wanted and wanted in label.casefold().split() else None


def _candidate(store: EventStore, node: ox.NamedNode) -> Candidate:
    label, type_name = label_and_type(store, node.value)
    mentions = sum(1 for _ in store.native.quads_for_pattern(node, OX_MENTIONED_IN, None, None))
    return Candidate(ref(store, node.value).id, node.value, label if label is not None else node.value,
                     type_name or "", mentions)
