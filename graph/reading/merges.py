"""What entity resolution decided about one entity, as a curator asks it (``eventkg entities show|merge|split``): the
extractor keys it merges with the articles claiming each, the merges with their reason and score, and which key or
entity a curator's name means.

>>> from graph.store import EventStore
>>> claimed_key(EventStore(None), "person/nobody") is None
True
"""

from __future__ import annotations

from rdflib import Literal

from graph.store import EventStore
from graph.terms import sparql_term


def claimed_key(kg: EventStore, name: str, *, exact: bool = False) -> str | None:
    """The extractor key ``name`` means: a key some article claims, or (unless ``exact``) the smallest key of the
    entity an IRI or canonical key names; None if no article claims it."""
    key = kg.iris.key_of(name) or name
    if bool(kg.select(f"ASK {{ ?c ekg:key {sparql_term(Literal(key))} ; ekg:about ?e }}")):
        return key
    if not exact:
        rows = list(kg.select(f"SELECT ?k WHERE {{ ?c ekg:about {sparql_term(kg.iris.entity(key))} ; ekg:key ?k }} "
                              "ORDER BY ?k LIMIT 1"))
        if rows:
            return rows[0]["k"].value
    return None


def canonical_key(kg: EventStore, key: str) -> str:
    """The key of the entity the extractor key ``key`` is resolved to (``key`` itself when no article claims it)."""
    rows = list(kg.select(f"SELECT ?e WHERE {{ ?c ekg:key {sparql_term(Literal(key))} ; ekg:about ?e }} LIMIT 1"))
    return kg.iris.key_of(rows[0]["e"].value) if rows else key


def members(kg: EventStore, entity: str) -> list[tuple[str, int]]:
    """(extractor key, articles claiming it) for every key the entity IRI ``entity`` merges, by key."""
    term = sparql_term(entity)
    return [(row["k"].value, int(row["n"].value)) for row in kg.select(
        f"SELECT ?k (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?c ekg:about {term} ; ekg:key ?k }} }} "
        "GROUP BY ?k ORDER BY ?k")]


def merges(kg: EventStore, entity: str) -> list[tuple[str, str, float]]:
    """(keys joined by " + ", reason, score) of every merge recorded into the entity IRI ``entity``."""
    return [(row["keys"].value, row["why"].value, float(row["s"].value)) for row in kg.select(
        f"SELECT ?why ?s (GROUP_CONCAT(?k; separator=' + ') AS ?keys) WHERE {{ ?m ekg:mergedInto "
        f"{sparql_term(entity)} ; ekg:reason ?why ; ekg:score ?s ; ekg:key ?k }} GROUP BY ?m ?why ?s ORDER BY ?keys")]
