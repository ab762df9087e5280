"""Arguments of nominal triggers: the possessor and modifiers ("ISIS attack", "the army's shelling"), the "of", "on",
"by" and "between" phrases, and the verbs around the noun that name its doer or patient (light verbs, "claimed
responsibility for", "came under gunfire", verdicts)."""

from __future__ import annotations

from spacy.tokens import Token

from extract import lexicon
from extract.entities import EntityIndex
from extract.event_types import NOUN_INDEX, PATIENT_ROLE, POSSESSOR_IS_PATIENT
from extract.events import frames
from extract.events.candidate import EventCandidate
from extract.events.syntax import (
    add_with_conj,
    by_agent,
    clause_subject,
    dep_child,
    event_slot,
    is_date,
    is_place_noun,
    misparsed_conjuncts,
    of_object,
)

# Types whose "of" phrase always names the patient ("the arrest of X", "the death of X", "the invasion of X").
OF_PATIENT_TYPES = POSSESSOR_IS_PATIENT | {"Invasion", "Arrest"}


def nominal_arguments(event: EventCandidate, index: EntityIndex) -> None:
    trigger, add = event.trigger, event.args.append
    patient_role = PATIENT_ROLE[event.type]
    for child in _noun_dependents(trigger):
        dep, word = child.dep_, child.lower_
        if dep == "poss":
            if child.ent_type_ in ("DATE", "TIME") or index.entity_at(child) is None:
                continue  # "Saturday's attack", "the country's bombing"
            add_with_conj(add, patient_role if event.type in POSSESSOR_IS_PATIENT else "agent", child)
        elif dep == "prep" and word == "between" and event.type in ("Battle", "Attack"):
            sides = [g for g in child.children if g.dep_ == "pobj"]  # "a battle between troops and terrorists"
            for side in sides:
                add(("agent", side))
                for n, other in enumerate(side.conjuncts):
                    add(("target" if n == 0 else "agent", other))
        # "bombings targeted at the military", "the bombings, which seemed to be aimed at civilians"
        elif dep in ("acl", "relcl") and (aimed := _aimed(child)) is not None:
            for prep in (c for c in aimed.children if c.dep_ == "prep" and c.lower_ in ("at", "against", "on")):
                add_with_conj(add, patient_role, dep_child(prep, "pobj"))
        elif dep == "prep" and word in ("of", "on", "against", "targeting", "upon", "by", "from"):
            for obj in (g for g in child.children if g.dep_ == "pobj" and not is_date(g)):  # "the attack on Monday"
                if word in ("by", "from"):
                    role = "agent"
                elif word == "of" and event.type not in OF_PATIENT_TYPES:
                    entity = index.entity_at(obj)
                    if event.type == "Attack" and (obj.lemma_.lower() in lexicon.SETTLEMENT_NOUNS or entity is not None
                                                   and index.entities[entity].type == "Place"):
                        add(("place", obj))  # "the shelling of Aleppo", "the bombing of the city": where
                        continue
                    facility = entity is None and is_place_noun(obj) and event.type == "Attack"
                    if not facility and (entity is None or index.entities[entity].type == "Place"):
                        continue  # "the bombing of the embassy" has a target; "the shelling of Aleppo" a place
                    role = "agent" if event.type in ("Statement", "Declaration", "CallForAction", "Threat") \
                        else patient_role
                else:
                    role = patient_role
                add_with_conj(add, role, obj)
                if word == "of":
                    for other in misparsed_conjuncts(trigger):  # "the bombings of the embassy and the hotel"
                        add_with_conj(add, role, other)
                    # "the assassination of X by Y": the parser often hangs "by Y" on X
                    for by in (c for c in obj.children if c.dep_ == "prep" and c.lower_ == "by"):
                        add_with_conj(add, "agent", dep_child(by, "pobj"))
        elif dep == "compound" and child.lemma_.lower() in lexicon.FORCE_NOUNS and not child.ent_type_ \
                and event.type in ("Attack", "Arrest", "Battle", "Killing", "Invasion"):
            add(("agent", child))  # "a police shooting", "army raids"
        elif dep == "compound" and event.trigger.lemma_.lower() in lexicon.KILLER_NOUNS and child.ent_type_ == "PERSON":
            add((patient_role, child))  # "King assassin James Earl Ray"
        elif dep in ("compound", "nmod", "amod") and child.ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL") \
                and (child.ent_type_ or word in index.gazetteer.demonyms):
            entity = index.entity_at(child) or index.demonym_entity(child)
            if entity is None:
                continue
            place = index.entities[entity]
            country = place.type == "Place" and place.country is None and place.geonames_id is not None
            if place.type == "Place" and child.ent_type_ not in ("NORP",) and dep != "amod" \
                    and word not in index.gazetteer.demonyms and event.type in ("Attack", "Killing", "Death") \
                    and not (country and event.type == "Attack"):  # "US bombardment": the US bombarded
                add(("place", child))
            else:
                add(("agent" if event.type not in POSSESSOR_IS_PATIENT else patient_role, child))
    if trigger.lemma_.lower() in lexicon.KILLER_NOUNS and trigger.dep_ == "compound" and \
            not event.has(patient_role):
        # "John F. Kennedy assassin Lee Harvey Oswald": the parser hangs both names on the last one
        holder_entity = index.entity_at(trigger.head)
        victim = next((c for c in trigger.head.children if c.i < trigger.i and c.dep_ == "compound"
                       and c.ent_type_ == "PERSON" and index.entity_at(c) != holder_entity), None)
        add_with_conj(add, patient_role, victim)
    if trigger.dep_ == "compound" and trigger.head.lemma_.lower() == "toll":
        add_with_conj(add, patient_role, toll_figure(trigger.head))  # "the death toll rose to 15"
    if trigger.lemma_.lower() in lexicon.KILLER_NOUNS and not event.has(patient_role):
        holder = event.first("agent")
        possessor = dep_child(holder, "poss") if holder is not None else None
        add_with_conj(add, patient_role, possessor)  # "William McKinley's assassin Leon Czolgosz"
    frames.convicted_agent(event)
    if trigger.dep_ == "nsubj" and trigger.head.lemma_.lower() in lexicon.IMPACT_VERBS:
        add_with_conj(add, patient_role, dep_child(trigger.head, "dobj"))  # "the explosion targeted a bakery"
    if trigger.dep_ == "pobj" and trigger.head.dep_ == "agent" and trigger.head.head.lemma_.lower() in lexicon.IMPACT_VERBS:
        add_with_conj(add, patient_role, dep_child(trigger.head.head, "nsubjpass"))  # "the hotel was hit by a blast"
    if trigger.dep_ == "pobj" and trigger.head.lower_ == "under" and trigger.head.head.pos_ in ("VERB", "AUX"):
        add_with_conj(add, patient_role, clause_subject(trigger.head.head))  # "their posts came under gunfire"
    if event.type in ("Threat", "CallForAction", "Statement") and trigger.head.lemma_.lower() in lexicon.DELIVERY_VERBS:
        frames.delivery_arguments(event, trigger.head)
    if event.type == "Injury" and not event.has(patient_role):
        frames.injury_bearer(event)
    slot = event_slot(trigger)  # "launched a wave of attacks"
    light = slot.head if slot.dep_ in ("dobj", "nsubjpass") else None
    if light is not None and light.lemma_.lower() in lexicon.LIGHT_VERBS \
            and not event.has("agent"):
        subject = clause_subject(light) if slot.dep_ == "dobj" else by_agent(light)
        add_with_conj(add, patient_role if event.type == "Death" else "agent", subject)  # "committed suicide"
    # "claimed responsibility for the attack"
    if trigger.dep_ == "pobj" and trigger.head.lower_ == "for" and trigger.head.head.lemma_.lower() == "responsibility":
        verb = trigger.head.head.head
        if verb.pos_ == "VERB":
            add_with_conj(add, "agent", clause_subject(verb))


def _aimed(clause: Token) -> Token | None:
    """The verb of aiming in a clause about an event noun ("targeted at", "which seemed to be aimed at"), or None."""
    for _ in range(3):
        if clause.lemma_.lower() in ("target", "aim", "direct"):
            return clause
        clause = dep_child(clause, "xcomp")
        if clause is None:
            return None
    return None


def toll_figure(toll: Token) -> Token | None:
    """The number a toll is given as: "a death toll of 11", "the toll rose to 15", "raised the toll to 40"."""
    figure = of_object(toll)
    if figure is None and toll.dep_ in ("nsubj", "dobj"):
        figure = next((g for c in toll.head.children if c.dep_ == "prep" and c.lower_ in ("to", "at")
                       for g in c.children if g.dep_ == "pobj"), None)
    return figure if figure is not None and figure.like_num else None


def _noun_dependents(noun: Token) -> list[Token]:
    """The noun's dependents, and those the parser hung on a date between ("the assassination in 1914 of X by Y")."""
    found = []
    for child in noun.children:
        found.append(child)
        date = dep_child(child, "pobj") if child.dep_ == "prep" else None
        if date is not None and date.ent_type_ in ("DATE", "TIME"):
            found.extend(c for c in date.children if c.dep_ == "prep" and c.lower_ in ("of", "by"))
    if not any(c.dep_ == "prep" and c.lower_ == "of" for c in found):
        found.extend(_shared_of(noun))
    return found


def _shared_of(noun: Token) -> list[Token]:
    """"the torture and murder of farmers": coordinated event nouns share the "of" phrase after the last of them,
    which the parser hangs on one only."""
    partners = [c for c in noun.children if c.dep_ == "conj"]
    if noun.dep_ == "conj":
        partners.append(noun.head)
    return [c for p in partners if p.pos_ == "NOUN" and p.lemma_.lower() in NOUN_INDEX for c in p.children
            if c.dep_ == "prep" and c.lower_ == "of" and c.i > max(noun.i, p.i)]
