"""What each article claims about its entities, and how the claims of different articles find each other
(docs/data-model.md §2, "Entities across articles"); which of them name one entity is graph/resolution.py's to decide.

A :class:`Claim` is what one article says about one of its entities: the extractor's key, type and label, the other
surface forms it used, the GeoNames id, coordinates, country and description (:func:`entity_claim`, from an extraction
or from its stored form). Claims are linked only when they share a *block* (:func:`blocks`: the key, a gazetteer entry,
a name form, a person's surname or shorter name, an acronym); :class:`ClaimIndex` holds every claim of a store by key
and by block, so that a write finds the component of the block graph an article touches.

>>> sorted(blocks(Claim("a1", "person/barack-obama", "Person", "Barack Obama", aliases=("Obama", "He"))))
['k:person/barack-obama', 'n:barack obama', 'n:bo', 'n:obama']
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from extract.gazetteer import Gazetteer
from extract.model import Extraction, name_text
from graph.names import acronym, is_acronym, is_given_name, name_key


@dataclass(frozen=True)
class Claim:
    """What one article says about one of its entities."""

    article: str
    key: str
    type: str
    label: str
    aliases: tuple[str, ...] = ()
    geonames_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    country: str | None = None
    description: str | None = None

    @property
    def local(self) -> bool:
        """An unnamed actor of one article ("11 people"): never resolved across articles."""
        return "@" in self.key


_CLAIMED = ("geonames_id", "latitude", "longitude", "country", "description")  # the entity's fields a claim repeats


def entity_claim(article: str, entity: Mapping[str, Any], mention_texts: Iterable[str]) -> Claim:
    """What ``article`` says about one entity, given by its fields (``vars()`` of an extract.model ``Entity``, or the
    entity in the stored extraction, graph/stored_extraction.py) and its mentions' texts: every surface form but
    the label is an alias."""
    label = entity["label"]
    surfaces = {name_text(text) for text in (*mention_texts, *entity.get("aliases", ()))}
    return Claim(article, entity["id"], entity["type"], label, tuple(sorted(surfaces - {label})),
                 *(entity.get(name) for name in _CLAIMED))


def claims_of(article_id: str, extraction: Extraction) -> list[Claim]:
    """The claims of one extraction, one per entity."""
    return [entity_claim(article_id, vars(e), (m.text for m in e.mentions)) for e in extraction.entities]


def blocks(claim: Claim) -> set[str]:
    """The name forms a claim can be linked by; empty for an article-local actor."""
    if claim.local:
        return set()
    out = {"k:" + claim.key}
    gaz = gazetteer_key(claim)
    if gaz:
        out.add("k:" + gaz)
    person = person_like(claim)
    for name in (claim.label, *(a for a in claim.aliases if name_like(a))):
        key = name_key(name)
        if key:
            out.add("n:" + key)
            if person:
                out |= {"n:" + part for part in (*surnames(key), *shorter_names(key))}
            if acronym(name):
                out.add("n:" + acronym(name))
    return out


def person_like(claim: Claim) -> bool:
    """A person's claim, or an organisation's whose name of several words starts with a given name and that nothing
    marks as an organisation (no description, no acronym): spaCy's ORG "Pablo Escobar"."""
    if claim.type == "Person":
        return True
    words = name_key(claim.label).split()
    return (claim.type in ("Organization", "Group") and not claim.description and not is_acronym(claim.label)
            and len(words) > 1 and is_given_name(words[0]))


def surnames(key: str) -> tuple[str, ...]:
    """The words of a person's full name (a :func:`name_key`) that can stand for it alone."""
    words = key.split()
    if len(words) < 2:
        return ()
    if len(words) > 2 and len(words[-2]) > 1 and not is_given_name(words[-2]):
        return words[-1], words[-2]
    return (words[-1],)


def shorter_names(key: str) -> list[str]:
    """The names of two words or more that a person's full name (a :func:`name_key`) shortens to by leaving words
    out, in order ("pablo escobar gaviria" -> "pablo escobar", "pablo gaviria", "escobar gaviria")."""
    words = key.split()
    if not 2 < len(words) <= 6:
        return []
    return [" ".join(c) for n in range(2, len(words)) for c in combinations(words, n)]


def gazetteer_key(claim: Claim) -> str | None:
    """The gazetteer entry a claim names: its own key if listed, else a listed organisation with that name."""
    if is_gazetteer_key(claim.key):
        return claim.key
    if claim.type in ("Organization", "Group") or is_acronym(claim.label):
        entry = Gazetteer.load().organization(claim.label)
        if entry is not None:
            return entry.id
    return None


def is_gazetteer_key(key: str) -> bool:
    return key.startswith("place/geonames-") or Gazetteer.load().by_id(key) is not None


_NOT_NAMES = {"he", "she", "it", "they", "we", "i", "you", "him", "his", "her", "its", "their", "them", "this", "that",
              "these", "those", "the", "a", "an", "who", "which"}


def name_like(text: str) -> bool:
    """A surface form that can name an entity across articles: a capitalised word that is no pronoun or article
    ("He", "The group" and "the militants" resolve inside their article only)."""
    words = text.split()
    return any(w[:1].isupper() and w.lower() not in _NOT_NAMES for w in words) and bool(name_key(text))


@dataclass
class ClaimIndex:
    """All claims of a store, indexed for finding the component an article touches (kept by the store's writer)."""

    claims: dict[str, list[Claim]] = field(default_factory=dict)  # article -> its claims
    by_key: dict[str, set[tuple[str, int]]] = field(default_factory=lambda: defaultdict(set))  # key -> (article, n)
    by_block: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # block -> keys
    key_blocks: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))  # key -> block counts

    def set_article(self, article: str, claims: list[Claim] | None) -> set[str]:
        """Replace (``None``: remove) an article's claims; returns the keys whose claims changed."""
        touched = set()
        for n, c in enumerate(self.claims.pop(article, [])):
            touched.add(c.key)
            self.by_key[c.key].discard((article, n))
            if not self.by_key[c.key]:
                del self.by_key[c.key]
            for b in blocks(c):
                self.key_blocks[c.key][b] -= 1
                if self.key_blocks[c.key][b] <= 0:
                    del self.key_blocks[c.key][b]
                    self.by_block[b].discard(c.key)
                    if not self.by_block[b]:
                        del self.by_block[b]
            if not self.key_blocks.get(c.key):
                self.key_blocks.pop(c.key, None)
        if claims:
            self.claims[article] = list(claims)
            for n, c in enumerate(claims):
                touched.add(c.key)
                self.by_key[c.key].add((article, n))
                for b in blocks(c):
                    self.key_blocks[c.key][b] += 1
                    self.by_block[b].add(c.key)
        return touched

    def component(self, seeds: Iterable[str], extra_links: Mapping[str, set[str]]) -> set[str]:
        """Every key linked to ``seeds`` through shared blocks (and the curator's merges, ``extra_links``)."""
        seen = set()
        frontier = [k for k in seeds if k in self.by_key]
        while frontier:
            k = frontier.pop()
            if k in seen:
                continue
            seen.add(k)
            for b in self.key_blocks.get(k, ()):
                frontier.extend(o for o in self.by_block[b] if o not in seen)
            frontier.extend(o for o in extra_links.get(k, ()) if o not in seen and o in self.by_key)
        return seen

    def key_claims(self, keys: Iterable[str]) -> list[Claim]:
        return [self.claims[a][n] for k in keys for a, n in sorted(self.by_key.get(k, ()))]

    def articles_of(self, keys: Iterable[str]) -> set[str]:
        return {a for k in keys for a, _ in self.by_key.get(k, ())}
