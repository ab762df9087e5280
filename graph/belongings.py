"""Which organisation an article's unnamed actors belong to ("police in Homs" -> the police of Syria, "Taliban gunmen"
-> the Taliban): the article graph writes it as their ``ekg:belongsTo``.

A country's state force ("police of Syria", ``organization/police-of-syria``) is an entity the article claims
(:func:`force_claims`), so it is one node across articles, resolved like any other and gone with its last article;
the entity graph says it belongs to its country (graph/entity_graph.py)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from extract.gazetteer import Gazetteer, slug
from extract.model import Entity, Event, Extraction
from graph.claims import Claim
from graph.names import name_key
from graph.resolution import country_geonames_ids

if TYPE_CHECKING:  # graph.rdf imports this module
    from graph.rdf import EntityRef

# Unnamed actors that are a state's armed or police forces (by the description of their name): they belong to the
# force of that kind of the country where they act.
_FORCE_KINDS = {"police": "police", "policeman": "police", "policemen": "police", "officer": "police",
                 "soldier": "army", "troop": "army", "trooper": "army", "army": "army", "military": "army",
                 "force": "security forces", "guard": "security forces", "security": "security forces"}
_MEMBERSHIP = ("memberOf", "affiliatedWith", "worksFor", "spokespersonOf", "leaderOf")
_PARTICIPANTS = ("agent", "target", "victim")
_GENERIC_FORCES = {"police", "policeman", "policemen", "officer", "officers", "soldier", "soldiers", "troop", "troops",
                   "army", "force", "forces", "military", "security", "guard", "guards", "armed", "national"}
_VIOLENT = ("Attack", "Killing")  # whoever claims an attack or killing of the article is behind its unnamed attackers


def belongings(extraction: Extraction, refs: Mapping[str, EntityRef]) -> dict[str, str]:
    """Unnamed actors of the article ("police", "gunmen", "11 people") -> the named entity the article says they
    belong to, first rule that applies:

    1. a membership or affiliation the article states ("militants linked to ISIS");
    2. police, soldiers and other state forces: the country (whose force of their kind they belong to, as
       :func:`state_forces` says) their name states ("Honduran police"), else the country of
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
    # plain "police" or "soldiers" whose events have no place serve the one country the article's places lie in
    country_keys = {f"place/geonames-{n}" for n in country_geonames_ids().values()}
    article_countries = sorted({c for e in extraction.entities if e.id in refs for c in [_country(refs[e.id])]
                                if c in country_keys})
    claims = [e for e in extraction.events if e.trigger.text.lower().startswith("claim")
              and e.modality in ("asserted", "reported")]  # "no one has claimed responsibility" is no claim
    for key, entity in local.items():
        if key in out:
            continue
        own = [e for e in extraction.events if any(a.entity == key for a in e.arguments if a.role in _PARTICIPANTS)]
        force = force_kind(key, entity.description) is not None
        if force:
            theirs = _demonym_country(entity.label) or sorted({c for e in own for a in e.args("place")
                                                               if a.entity in refs
                                                               for c in [_country(refs[a.entity])] if c})
            if not theirs and set(name_key(entity.label).split()) <= _GENERIC_FORCES:
                theirs = article_countries
            if len(theirs) == 1:
                out[key] = theirs[0]
                continue
        stated = _stated_group(entity, groups, refs)
        if stated is not None:
            out[key] = stated
            continue
        if force:
            continue
        claimants = set()
        for e in (e for e in own if any(a.entity == key for a in e.args("agent"))):
            violent = e.type in _VIOLENT
            for other in extraction.events:
                agents = {a.entity for a in other.args("agent") if a.entity in groups}
                same = other.type == e.type and other.id != e.id and (
                    other.sentence == e.sentence or violent and _places(other, refs) <= _places(e, refs))
                claimed = any(t.entity == e.id for t in other.args("topic"))
                if same or claimed or (violent and other in claims):
                    claimants |= agents
        if len(claimants) == 1:
            out[key] = claimants.pop()
    return out


def state_forces(extraction: Extraction) -> dict[str, Claim]:
    """Unnamed state forces of the article -> the claim of the country's force they belong to ("police" in Homs ->
    an Organization ``organization/police-of-syria``, "police of Syria", in Syria). Decided from the extraction
    alone (each entity as the article describes it), so an article's claims never depend on other articles."""
    from graph.rdf import own_ref  # graph.rdf imports this module

    kinds = {e.id: force_kind(e.id, e.description) for e in extraction.entities}
    out: dict[str, Claim] = {}
    if not any(kinds.values()):
        return out
    refs = {e.id: own_ref(e) for e in extraction.entities}
    for key, owner in belongings(extraction, refs).items():
        country = Gazetteer.load().by_id(owner) if kinds[key] and owner.startswith("place/geonames-") else None
        if country is not None:
            label = f"{kinds[key]} of {country.label}"
            out[key] = Claim(extraction.id, f"organization/{slug(label)}", "Organization", label, country=country.label)
    return out


def force_kind(entity_id: str, description: str | None) -> str | None:
    """The kind of state force ("police", "army", "security forces") an actor of the article's own ("@" in its key)
    is by its description, or None: only such actors belong to a country's force (:func:`state_forces`)."""
    return _FORCE_KINDS.get(description or "") if "@" in entity_id else None


def force_claims(article_id: str, forces: Mapping[str, Claim]) -> list[Claim]:
    """The article's claims of the state forces its unnamed forces belong to (:func:`state_forces`), one per force."""
    unique = {c.key: c for c in forces.values()}
    return [replace(unique[k], article=article_id) for k in sorted(unique)]


def _demonym_country(label: str) -> list[str]:
    """The country a demonym in a name states ("Salvadoran air force" -> El Salvador), as a one-item list."""
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
