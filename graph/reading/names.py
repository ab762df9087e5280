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
        if iri.startswith(store.iris.base + "entity/") and typed([ox.NamedNode(iri)]):
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
    best: dict[int, list[str]] = {}
    for entity in (named.summary for named in names(store)):
        if kind is not None and entity.type != kind:
            continue
        how = name_fit(text, entity.label, entity.aliases, entity.type == "Person")
        if how is not None:
            best.setdefault(how, []).append(entity.iri)
    return [ox.NamedNode(iri) for iri in sorted(set(best[min(best)]))] if best else []


def name_fit(name: str, label: str, aliases: Iterable[str], person: bool) -> int | None:
    """How a name a user typed fits an entity, in any case (casefolded: "STRASSER" is "Straßer"): 0 its label, 1 one
    of its aliases, 2 (a person, and a name of one word) one word of its label, ``None`` not at all; the lowest wins.
    The one rule for both this module and :func:`graph.analytics.entities.resolve_entity`.

    >>> name_fit("HANS STRASSER", "Hans Straßer", (), True), name_fit("strasser", "Hans Straßer", (), True)
    (0, 2)
    >>> name_fit("daesh", "ISIS", ("Islamic State", "Daesh"), False), name_fit("Hans", "Hans Straßer", (), False)
    (1, None)
    """
    wanted = name.casefold()
    if not wanted:
        return None
    if label.casefold() == wanted:
        return 0
    if any(alias.casefold() == wanted for alias in aliases):
        return 1
    return 2 if person and " " not in wanted and wanted in label.casefold().split() else None


def _candidate(store: EventStore, node: ox.NamedNode) -> Candidate:
    label, type_name = label_and_type(store, node.value)
    mentions = sum(1 for _ in store.native.quads_for_pattern(node, OX_MENTIONED_IN, None, None))
    return Candidate(ref(store, node.value).id, node.value, label if label is not None else node.value,
                     type_name or "", mentions)
