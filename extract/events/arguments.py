"""Arguments of an event from the dependency parse: agent and patient of a verb by voice, places in locative phrases,
instruments; nominal triggers' arguments are in :mod:`.nominal`, the frames that name a participant elsewhere (verdicts,
orders, accomplices, "left X dead") in :mod:`.frames`."""

from __future__ import annotations

from spacy.tokens import Token

from extract import lexicon
from extract.entities import EntityIndex
from extract.event_types import HARM_TYPES, PATIENT_ROLE, VERB_INDEX, VIOLENT_TYPES
from extract.events import frames, nominal
from extract.events.candidate import EventCandidate
from extract.events.syntax import (
    CLAUSE_DEPS,
    NOUN_CLAUSE_DEPS,
    PASSIVE_DEPS,
    add_members,
    add_with_conj,
    by_agent,
    clause_subject,
    dep_child,
    event_slot,
    is_date,
    is_passive,
    is_place_noun,
    nominal_gerund,
    of_object,
    stray_by_agent,
)

_WITH_INSTRUMENTS = frozenset((*VIOLENT_TYPES, "Death"))  # the types whose "with", "using", "by" name an instrument


def find_arguments(event: EventCandidate, index: EntityIndex) -> None:
    trigger = event.trigger
    patient_role = PATIENT_ROLE[event.type]
    add = event.args.append
    if event.type in ("Death", "Injury", "Killing") and trigger.head.lemma_.lower() == "leave" \
            and trigger.dep_ in ("oprd", "ccomp", "xcomp", "conj") and (trigger.pos_ == "ADJ" or trigger.tag_ == "VBN"):
        frames.left_dead(event, trigger.head)  # "left four people dead and nine injured"
    elif trigger.dep_ in ("pobj", "nsubj", "dobj") and (trigger.pos_ == "ADJ" or trigger.tag_ == "VBN" and any(
            c.dep_ == "det" for c in trigger.children)):
        _the_dead(event)  # "the dead", "the injured": the adjective is its own referent
    elif nominal_gerund(trigger):  # "the police shooting of a teenager"
        nominal.nominal_arguments(event, index)
    elif trigger.pos_ == "VERB" and trigger.dep_ == "amod":  # "the detained student", "the attacking troops"
        add(("agent" if trigger.tag_ == "VBG" else patient_role, trigger.head))
    elif trigger.pos_ == "VERB":
        bare_participle = _bare_participle(trigger)
        passive = any(c.dep_ in PASSIVE_DEPS for c in trigger.children) or (
            trigger.dep_ in ("acl", "relcl", "advcl") and bare_participle) or (
            trigger.dep_ in ("conj", "xcomp", "oprd", "ccomp") and bare_participle and is_passive(trigger.head))
        if passive or _reduced_passive(trigger):  # "was shot and killed", "was found shot dead", "5 soldiers killed"
            patient = dep_child(trigger, "nsubjpass") or dep_child(trigger, "nsubj") or (
                (_participle_list(trigger) or trigger.head) if trigger.dep_ in NOUN_CLAUSE_DEPS else None)
            if patient is None and trigger.dep_ != "advcl":
                patient = dep_child(trigger.head, "nsubjpass")
            if patient is None and trigger.dep_ == "advcl":  # "killed, with two others injured"
                patient = _absolute_subject(trigger)
            if patient is None and trigger.dep_ == "advcl":  # "Wounded in the attack, the soldier ..."
                patient = clause_subject(trigger.head)
            agent = by_agent(trigger) or stray_by_agent(trigger) or next(
                (by_agent(v) for v in trigger.conjuncts if v.tag_ == "VBN" and by_agent(v) is not None), None)
        else:
            agent = clause_subject(trigger)
            patient = dep_child(trigger, "dobj") or _shared_object(trigger)
            if patient is not None and patient.lemma_.lower() == "life":  # "claimed the lives of two soldiers"
                patient = of_object(patient)
            if patient is not None and patient.lemma_.lower() in lexicon.TRAP_WEAPONS \
                    and trigger.lemma_.lower() in ("hit", "strike"):
                event.instruments.append(patient)  # "their truck struck a roadside bomb": it ran into the weapon
                agent, patient = None, agent
            if patient is None and trigger.lemma_.lower() in ("explode", "detonate"):
                # "then they exploded", "the bomb was hidden in a bin and exploded": what explodes is the device
                device = agent or (dep_child(trigger.head, "nsubjpass") if trigger.dep_ == "conj" else None)
                if device is not None and device.pos_ != "PROPN" and device.lemma_.lower() not in lexicon.PEOPLE_NOUNS:
                    event.instruments.append(device)
                    agent = None
            if agent is not None and agent.lemma_.lower() in lexicon.WEAPON_SUBJECTS:
                # "Oswald fired the shots that killed Kennedy": the weapon is the instrument, its user the agent
                event.instruments.append(agent)
                agent = clause_subject(agent.head) if agent.dep_ in ("dobj", "pobj") else None
            if patient is not None and trigger.lemma_.lower() == "open" and patient.lower_ == "fire":
                patient = None  # "opened fire at/on X": the target is in the prepositional phrase
            if event.type == "Death" or trigger.lemma_.lower() in lexicon.VICTIM_SUBJECT_VERBS:
                agent, patient = None, agent  # "he died", "the soldier lost a leg"
            if patient is None and event.type in ("Attack", "CallForAction", "Threat"):
                patient = next((g for c in trigger.children if c.dep_ in ("prep", "prt") and c.lower_ in
                                ("at", "on", "upon", "against") for g in c.children if g.dep_ == "pobj"
                                and not (c.lower_ == "at" and is_place_noun(g))
                                and not is_date(g)), None)  # "at a bar": where
        if event.type == "Attack" and patient is not None and patient.lemma_.lower() in lexicon.WEAPONS \
                and trigger.lemma_.lower() in lexicon.DEVICE_VERBS:
            event.instruments.append(patient)
            patient = None
        if event.type == "Attack" and patient is not None and patient.lower_ in lexicon.REFLEXIVES:
            patient = None  # "blew himself up": the bomber is the attacker, not a target
        for role, token in (("agent", agent), (patient_role, patient)):
            if token is not None and token.i == trigger.head.i and trigger.dep_ in NOUN_CLAUSE_DEPS \
                    and _participle_list(trigger) is None:
                add((role, token))  # "Ruby, who killed Oswald, and Jim": the clause is about Ruby alone
            else:
                add_with_conj(add, role, token)
        if patient is not None:  # "activists were arrested, including X and Y": the list hangs on the verb
            for prep in (c for c in trigger.children if c.dep_ == "prep" and c.lower_ == "including"):
                add_members(add, patient_role, prep)
    elif trigger.pos_ == "ADJ":
        if trigger.dep_ == "amod":
            add_with_conj(add, patient_role, trigger.head)
        elif trigger.dep_ == "oprd" and trigger.head.pos_ == "VERB":
            _result_arguments(event, trigger.head)  # "police shot him dead", "X, shot dead by police", "found dead"
        else:
            add_with_conj(add, patient_role, dep_child(trigger.head, "nsubj") or dep_child(trigger.head, "nsubjpass"))
    else:
        nominal.nominal_arguments(event, index)
    for place in _places(trigger, index):
        add(("place", place))
    slot = event_slot(trigger)  # "a wave of shootings broke out in the city"
    if slot.dep_ == "pobj" and slot.head.dep_ == "agent":
        slot = slot.head  # "the hotel in X was hit by a blast"
    if trigger.pos_ == "NOUN" and slot.dep_ in ("dobj", "nsubj", "nsubjpass", "agent") and _tells_where(slot.head) \
            and not event.has("place"):
        for place in _places(slot.head, index):  # "carried out an attack in Kabul", "the blast killed 5 in Kabul"
            add(("place", place))
    _instruments(event)
    if event.type in VIOLENT_TYPES:
        frames.commanders_and_accomplices(event)
        if not event.has("agent"):
            outer = frames.enclosing_event_verb(trigger)
            if outer is not None:
                add_with_conj(add, "agent", clause_subject(outer))


def _bare_participle(verb: Token) -> bool:
    """A past participle without a subject; the tagger calls some past tense ("the six soldiers killed", "with two
    others injured")."""
    if any(c.dep_.startswith("nsubj") for c in verb.children):
        return False
    return verb.tag_ == "VBN" or verb.tag_ == "VBD" and verb.dep_ in ("acl", "advcl") and not any(
        c.dep_ == "dobj" for c in verb.children)


def _reduced_passive(verb: Token) -> bool:
    """"Seven militants killed in blasts" (a headline), "died, with two civilians injured": a past participle with a
    subject but no auxiliary and no object is passive; its subject is the patient."""
    return verb.tag_ == "VBN" and any(c.dep_ == "nsubj" for c in verb.children) and not any(
        c.dep_ in ("aux", "auxpass", "dobj") for c in verb.children)


def _the_dead(event: EventCandidate) -> None:
    """Who "the dead" or "the injured" are: "the dead included two children", "a teacher was among the dead",
    "among the dead were two children", "eleven of the injured"."""
    group, add, role = event.trigger, event.args.append, PATIENT_ROLE[event.type]
    if group.dep_ == "nsubj" and group.head.lemma_.lower() in ("include", "be"):
        add_with_conj(add, role, dep_child(group.head, "dobj") or dep_child(group.head, "attr"))
    elif group.dep_ == "pobj" and group.head.lower_ == "among" and group.head.head.lemma_.lower() == "be":
        verb = group.head.head
        add_with_conj(add, role, dep_child(verb, "nsubj") or dep_child(verb, "attr"))
    elif group.dep_ == "pobj" and group.head.lower_ == "of" and group.head.head.like_num:
        add((role, group.head.head))


def _absolute_subject(participle: Token) -> Token | None:
    """"Six soldiers were killed, with two others injured": the parser hangs the participle on the main verb beside the
    "with" phrase whose object, right before it, is its subject."""
    return next((g for c in participle.head.children if c.dep_ == "prep" and c.lower_ == "with"
                 for g in c.children if g.dep_ == "pobj" and g.right_edge.i == participle.i - 1), None)


def _result_arguments(event: EventCandidate, verb: Token) -> None:
    """"dead" as the result of a verb: who ends up dead is the verb's object or passive subject, or the noun its
    participle modifies ("X, shot dead by police"), else its subject ("fell dead"); a harm verb also names who did it."""
    add = event.args.append
    bare = verb.tag_ == "VBN" and not any(c.dep_.startswith("nsubj") for c in verb.children)
    patient = dep_child(verb, "dobj") or dep_child(verb, "nsubjpass") or (
        verb.head if bare and verb.dep_ in NOUN_CLAUSE_DEPS else None) or dep_child(verb, "nsubj")
    add_with_conj(add, PATIENT_ROLE[event.type], patient)
    if VERB_INDEX.get(verb.lemma_.lower()) in HARM_TYPES:
        agent = by_agent(verb) or (clause_subject(verb) if patient is not None and patient.dep_ == "dobj" else None)
        add_with_conj(add, "agent", agent)


def _participle_list(participle: Token) -> Token | None:
    """"four guards and two cooks injured in the blast": a participle after the last item of a list, not set off by a
    comma, is about the whole list; the list's first item (for :func:`add_with_conj`), or None."""
    if participle.dep_ != "acl" or participle.doc[participle.i - 1].text == ",":
        return None
    first = participle.head
    while first.dep_ in ("conj", "appos") and first.head.pos_ in ("NOUN", "PROPN", "NUM") and first.head.i < first.i:
        first = first.head
    items, stack = [], [first]
    while stack:
        item = stack.pop()
        items.append(item.i)
        stack.extend(c for c in item.children if c.dep_ in ("conj", "appos") and c.pos_ in ("NOUN", "PROPN", "NUM"))
    return first if len(items) > 1 and max(items) < participle.i else None


def _shared_object(verb: Token) -> Token | None:
    """"Ruby shot and mortally wounded Oswald": coordinated verbs share the object after the last one, which the
    parser hangs on either verb (now and then as a second subject of the first)."""
    if any(c.dep_ == "prep" and c.lower_ in ("at", "on", "into", "upon") for c in verb.children):
        return None  # "fired at the crowd and killed two": the first verb has its own target
    first = verb.head if verb.dep_ == "conj" else verb
    verbs = [first, *(c for c in first.children if c.dep_ == "conj" and c.pos_ == "VERB")]
    if any(VERB_INDEX.get(v.lemma_.lower()) not in HARM_TYPES for v in verbs):
        return None  # "clashed with a column and inflicted casualties": only harm verbs share their object
    if len(verbs) < 2 or any(g.dep_.startswith("nsubj") for v in verbs[1:] for g in v.children):
        return None  # "X shot Y and Z killed W": clauses of their own
    last = max(v.i for v in verbs)
    return next((c for v in verbs for c in v.children if c.i > last and (
        c.dep_ == "dobj" or c.dep_ == "nsubj" and any(g.dep_ == "nsubj" and g.i < v.i for g in v.children))), None)


def _places(trigger: Token, index: EntityIndex) -> list[Token]:
    """Place entities in locative phrases under the trigger, not crossing into other clauses; a place inside a named
    place's phrase is where that place is, not another place of the event ("Bagram Airfield in Afghanistan",
    "Strasbourg, eastern France"), one conjoined with it is ("in X and Y")."""
    found, seen = [], set()
    stack = [(c, 1, False) for c in trigger.children if c.dep_ not in CLAUSE_DEPS]
    while stack:
        token, depth, inside = stack.pop()
        if token.i in seen or depth > 7:
            continue
        seen.add(token.i)
        named = False
        if token.dep_ in ("pobj", "conj", "appos") and (token.head.lower_ in lexicon.LOCATIVE_PREPS
                                                          or token.dep_ != "pobj"):
            key = index.token_entity.get(token.i)
            if key is not None and index.entities[key].type == "Place" and (
                    token.dep_ == "pobj" and not inside or token.dep_ == "conj" and token.head.i in found):
                found.append(token.i)
                named = True
            elif key is None and depth == 2 and token.dep_ == "pobj" and is_place_noun(token) \
                    and token.head.lower_ not in ("on", "against", "into", "from", "by"):  # "attacks on hotels": target
                found.append(token.i)  # "at the bus station", "in the market"
        stack.extend((c, depth + 1, inside or named) for c in token.children if c.dep_ not in CLAUSE_DEPS)
    doc = trigger.doc
    return [doc[i] for i in sorted(found)]


def _tells_where(verb: Token) -> bool:
    """Verbs whose place phrase is where the event named as their subject or object happened."""
    lemma = verb.lemma_.lower()
    if verb.pos_ == "AUX":  # "the blast was at a bus station": the copula tells where, as "took place" does
        return lemma == "be" and verb.dep_ == "ROOT"
    return verb.pos_ == "VERB" and (lemma in lexicon.WHERE_VERBS
                                    or VERB_INDEX.get(lemma) in ("Killing", "Injury"))


def _instruments(event: EventCandidate) -> None:
    if event.type not in _WITH_INSTRUMENTS:
        return
    for child in event.trigger.children:
        if child.dep_ == "prep" and child.lower_ in ("with", "using", "by"):
            event.instruments.extend(g for g in child.children if g.dep_ == "pobj"
                                     and g.lemma_.lower() in lexicon.WEAPONS)
        elif child.dep_ == "compound" and child.lemma_.lower() in lexicon.WEAPONS:
            event.instruments.append(child)
        elif child.dep_ == "nsubj" and child.lemma_.lower() in lexicon.WEAPONS and event.trigger.pos_ == "VERB" \
                and not any(t.i == child.i for _, t in event.args):  # "the truck struck a mine": the truck was hit
            event.instruments.append(child)
