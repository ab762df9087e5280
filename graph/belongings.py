"""Which organisation or country an article's unnamed actors belong to ("police in Homs" -> Syria, "Taliban gunmen"
-> the Taliban): the article graph writes it as their ``ekg:belongsTo``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from extract.model import Entity, Event, Extraction
from graph.names import name_key
from graph.resolution import country_geonames_ids

if TYPE_CHECKING:  # graph.rdf imports this module
    from graph.rdf import EntityRef

# Unnamed actors that are a state's armed or police forces: they belong to the country where they act.
_STATE_FORCES = {"police", "policeman", "policemen", "officer", "soldier", "troop", "trooper", "army", "force",
                 "military", "guard", "security"}
_MEMBERSHIP = ("memberOf", "affiliatedWith", "worksFor", "spokespersonOf", "leaderOf")
_PARTICIPANTS = ("agent", "target", "victim")
_GENERIC_FORCES = {"police", "policeman", "policemen", "officer", "officers", "soldier", "soldiers", "troop", "troops",
                   "army", "force", "forces", "military", "security", "guard", "guards", "armed", "national"}
_VIOLENT = ("Attack", "Killing")  # whoever claims an attack or killing of the article is behind its unnamed attackers


def belongings(extraction: Extraction, refs: Mapping[str, EntityRef]) -> dict[str, str]:
    """Unnamed actors of the article ("police", "gunmen", "11 people") -> the named entity the article says they
    belong to, first rule that applies:

    1. a membership or affiliation the article states ("militants linked to ISIS");
    2. police, soldiers and other state forces: the country their name states ("Honduran police"), else the country of
       the places of their events ("police in Homs" -> Syria), else, for plain "police", "soldiers", "security
       forces", the one country of all the places the article names;
    3. a name that states its group: the one named organisation whose name or acronym is in the actor's
       ("Taliban gunmen", "FMLN guerrilla unit");
    4. the attacker of an event: the one named organisation that is the agent of an event of the same type in the
       same sentence, or that states, declares or claims the event (a statement whose topic it is); for an attack or
       killing also the one that is the agent of another attack or killing of the article in no other place, or that
       claims responsibility in it ("Gunmen stormed a hotel … The Taliban claimed responsibility for the attack").
    """
    named = {k for k in refs if "@" not in k}
    local = {e.id: e for e in extraction.entities if "@" in e.id}
    out: dict[str, str] = {}
    for r in extraction.relations:
        if r.subject in local and r.subject not in out and r.predicate in _MEMBERSHIP and r.object in named:
            out[r.subject] = r.object
    groups = {e.id: e for e in extraction.entities if e.id in named and refs[e.id].type in ("Organization", "Group")}
    events = {e.id: e for e in extraction.events}
    # plain "police" or "soldiers" whose events have no place serve the one country the article's places lie in
    countries = {f"place/geonames-{n}" for n in country_geonames_ids().values()}
    article_countries = sorted({c for e in extraction.entities if e.id in refs for c in [_country(refs[e.id])]
                                if c in countries})
    claims = [e for e in extraction.events if e.trigger.text.lower().startswith("claim")
              and e.modality in ("asserted", "reported")]  # "no one has claimed responsibility" is no claim
    for key, entity in local.items():
        if key in out:
            continue
        own = [e for e in extraction.events if any(a.entity == key for a in e.arguments if a.role in _PARTICIPANTS)]
        if (entity.description or "") in _STATE_FORCES:
            countries = _demonym_country(entity.label) or sorted({c for e in own for a in e.args("place")
                                                                  if a.entity in refs
                                                                  for c in [_country(refs[a.entity])] if c})
            if not countries and set(name_key(entity.label).split()) <= _GENERIC_FORCES:
                countries = article_countries
            if len(countries) == 1:
                out[key] = countries[0]
                continue
        stated = _stated_group(entity, groups, refs)
        if stated is not None:
            out[key] = stated
            continue
        if (entity.description or "") in _STATE_FORCES:
            continue
        claimants = set()
        for e in (e for e in own if any(a.entity == key for a in e.args("agent"))):
            violent = e.type in _VIOLENT
            for other in extraction.events:
                agents = {a.entity for a in other.args("agent") if a.entity in groups}
                same = other.type == e.type and other.id != e.id and (
                    other.sentence == e.sentence or violent and _places(other, refs) <= _places(e, refs))
                claimed = any(t.entity == e.id for t in other.args("topic")) and other.id in events
                if same or claimed or (violent and other in claims):
                    claimants |= agents
        if len(claimants) == 1:
            out[key] = claimants.pop()
    return out


def _demonym_country(label: str) -> list[str]:
    """The country a demonym in a name states ("Salvadoran air force" -> El Salvador), as a one-item list."""
    from extract.gazetteer import Gazetteer

    found = {e.id for w in label.split() if (e := Gazetteer.load().country_of_demonym(w)) is not None}
    return sorted(found) if len(found) == 1 else []


def _places(event: Event, refs: Mapping[str, EntityRef]) -> set[str]:
    return {refs[a.entity].key for a in event.args("place") if a.entity in refs}


def _stated_group(entity: Entity, groups: Mapping[str, Entity], refs: Mapping[str, EntityRef]) -> str | None:
    """The one named organisation whose name, alias or acronym is part of an unnamed actor's name."""
    words = f" {name_key(entity.label)} "
    found = set()
    for key, group in groups.items():
        forms = {name_key(f) for f in (group.label, *group.aliases, *(m.text for m in group.mentions))}
        if any(f and (" " in f or len(f) > 2) and f" {f} " in words for f in forms):
            found.add(refs[key].key)
    if len(found) != 1:
        return None
    (owner,) = found
    return next(k for k in sorted(groups) if refs[k].key == owner)


def _country(ref: EntityRef) -> str | None:
    """The country key of a place (a country is its own)."""
    if ref.type != "Place" or not ref.known_place:
        return None
    return ref.country_key or ref.key
