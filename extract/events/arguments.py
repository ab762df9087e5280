"""Arguments of an event from the dependency parse: agent and patient by voice, the possessor and phrases of a nominal
trigger, places in locative phrases, instruments, and the frames that name a doer elsewhere (verdicts, orders,
accomplices, light verbs)."""

from __future__ import annotations

from spacy.tokens import Token

from extract import lexicon
from extract.entities import EntityIndex, entity_from_entry
from extract.gazetteer import slug
from extract.event_types import NOUN_INDEX, PATIENT_ROLE, POSSESSOR_IS_PATIENT, VERB_INDEX
from extract.events.candidate import EventCandidate
from extract.events.syntax import (
    CLAUSE_DEPS,
    governing_verb,
    NOUN_CLAUSE_DEPS,
    PASSIVE_DEPS,
    add_members,
    add_with_conj,
    by_agent,
    clause_subject,
    dep_child,
    is_passive,
    is_date,
    is_place_noun,
    misparsed_conjuncts,
    nominal_gerund,
    of_object,
    stray_by_agent,
)
from extract.model import Entity, Span

# Types whose "of" phrase always names the patient ("the arrest of X", "the death of X", "the invasion of X").
OF_PATIENT_TYPES = POSSESSOR_IS_PATIENT | {"Invasion", "Arrest"}


def find_arguments(event: EventCandidate, index: EntityIndex) -> None:
    trigger = event.trigger
    patient_role = PATIENT_ROLE[event.type]
    add = event.args.append
    if event.type in ("Death", "Injury", "Killing") and trigger.head.lemma_.lower() == "leave" \
            and trigger.dep_ in ("oprd", "ccomp", "xcomp", "conj") and (trigger.pos_ == "ADJ" or trigger.tag_ == "VBN"):
        _left_dead(event, trigger.head)  # "left four people dead and nine injured"
    elif nominal_gerund(trigger):  # "the police shooting of a teenager"
        _nominal_arguments(event, index)
    elif trigger.pos_ == "VERB" and trigger.dep_ == "amod":  # "the detained student", "the attacking troops"
        add(("agent" if trigger.tag_ == "VBG" else patient_role, trigger.head))
    elif trigger.pos_ == "VERB":
        bare_participle = trigger.tag_ == "VBN" and not any(c.dep_.startswith("nsubj") for c in trigger.children)
        passive = any(c.dep_ in PASSIVE_DEPS for c in trigger.children) or (
            trigger.dep_ in ("acl", "relcl", "advcl") and bare_participle) or (
            trigger.dep_ in ("conj", "xcomp", "oprd", "ccomp") and bare_participle and is_passive(trigger.head))
        if passive or _reduced_passive(trigger):  # "was shot and killed", "was found shot dead", "5 soldiers killed"
            patient = dep_child(trigger, "nsubjpass") or dep_child(trigger, "nsubj") or (
                (_participle_list(trigger) or trigger.head) if trigger.dep_ in NOUN_CLAUSE_DEPS else None)
            if patient is None and trigger.dep_ != "advcl":
                patient = dep_child(trigger.head, "nsubjpass")
            if patient is None and trigger.dep_ == "advcl":  # "Wounded in the attack, the soldier ..."
                patient = clause_subject(trigger.head)
            agent = by_agent(trigger) or stray_by_agent(trigger) or next(
                (by_agent(v) for v in trigger.conjuncts if v.tag_ == "VBN" and by_agent(v) is not None), None)
        else:
            agent = clause_subject(trigger)
            patient = dep_child(trigger, "dobj") or _shared_object(trigger)
            if patient is not None and patient.lemma_.lower() == "life":  # "claimed the lives of two soldiers"
                patient = of_object(patient)
            if agent is not None and patient is None and trigger.lemma_.lower() in ("explode", "detonate") \
                    and agent.pos_ != "PROPN" and agent.lemma_.lower() not in lexicon.PEOPLE_NOUNS:
                event.instruments.append(agent)  # "then they exploded": what explodes is the device
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
        if event.type in ("Attack",) and patient is not None and patient.lemma_.lower() in lexicon.WEAPONS \
                and trigger.lemma_.lower() in lexicon.DEVICE_VERBS:
            event.instruments.append(patient)
            patient = None
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
        if trigger.dep_ in ("pobj", "nsubj", "dobj"):
            pass  # "the dead": the adjective is its own referent
        elif trigger.dep_ == "amod":
            add_with_conj(add, patient_role, trigger.head)
        else:
            add_with_conj(add, patient_role, dep_child(trigger.head, "nsubj") or dep_child(trigger.head, "nsubjpass"))
    else:
        _nominal_arguments(event, index)
    for place in _places(trigger, index):
        add(("place", place))
    if trigger.pos_ == "NOUN" and trigger.dep_ in ("dobj", "nsubj", "nsubjpass") and _tells_where(trigger.head) \
            and not any(r == "place" for r, _ in event.args):
        for place in _places(trigger.head, index):  # "carried out an attack in Kabul", "the blast killed 5 in Kabul"
            add(("place", place))
    _instruments(event)
    if event.type in ("Attack", "Killing", "Injury", "Battle"):
        _commanders_and_accomplices(event)
        for role, token in event.args:
            if role in ("agent", "victim", "target"):
                _unrecognised_name(token, index)
    if event.type in ("Attack", "Killing", "Injury", "Battle") and not any(r == "agent" for r, _ in event.args):
        outer = _enclosing_event_verb(trigger)
        if outer is not None:
            add_with_conj(add, "agent", clause_subject(outer))


def _nominal_arguments(event: EventCandidate, index: EntityIndex) -> None:
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
        elif dep == "acl" and child.lemma_.lower() in ("target", "aim", "direct"):
            for prep in (c for c in child.children if c.dep_ == "prep" and c.lower_ in ("at", "against", "on")):
                add_with_conj(add, patient_role, dep_child(prep, "pobj"))  # "bombings targeted at the military"
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
                if word == "of":  # "the assassination of X by Y": the parser often hangs "by Y" on X
                    for by in (c for c in obj.children if c.dep_ == "prep" and c.lower_ == "by"):
                        add_with_conj(add, "agent", dep_child(by, "pobj"))
        elif dep == "compound" and child.lemma_.lower() in lexicon.FORCE_NOUNS and not child.ent_type_ \
                and event.type in ("Attack", "Arrest", "Battle", "Killing", "Invasion"):
            add(("agent", child))  # "a police shooting", "army raids"
        elif dep == "compound" and event.trigger.lemma_.lower() in lexicon.KILLER_NOUNS and child.ent_type_ == "PERSON":
            add((patient_role, child))  # "King assassin James Earl Ray"
        elif dep in ("compound", "nmod", "amod") and child.ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL") \
                and (child.ent_type_ or word in index.gazetteer.demonyms):
            entity = index.entity_at(child) or demonym_entity(child, index)
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
            not any(r == patient_role for r, _ in event.args):
        # "John F. Kennedy assassin Lee Harvey Oswald": the parser hangs both names on the last one
        holder_entity = index.entity_at(trigger.head)
        victim = next((c for c in trigger.head.children if c.i < trigger.i and c.dep_ == "compound"
                       and c.ent_type_ == "PERSON" and index.entity_at(c) != holder_entity), None)
        add_with_conj(add, patient_role, victim)
    if trigger.lemma_.lower() in lexicon.KILLER_NOUNS and not any(r == patient_role for r, _ in event.args):
        holder = next((t for r, t in event.args if r == "agent"), None)
        possessor = dep_child(holder, "poss") if holder is not None else None
        add_with_conj(add, patient_role, possessor)  # "William McKinley's assassin Leon Czolgosz"
    _convicted_agent(event)
    if trigger.dep_ == "nsubj" and trigger.head.lemma_.lower() in lexicon.IMPACT_VERBS:
        add_with_conj(add, patient_role, dep_child(trigger.head, "dobj"))  # "the explosion targeted a bakery"
    if trigger.dep_ == "pobj" and trigger.head.lower_ == "under" and trigger.head.head.pos_ in ("VERB", "AUX"):
        add_with_conj(add, patient_role, clause_subject(trigger.head.head))  # "their posts came under gunfire"
    if event.type in ("Threat", "CallForAction", "Statement") and trigger.head.lemma_.lower() in lexicon.DELIVERY_VERBS:
        _delivery_arguments(event, trigger.head)
    if event.type == "Injury" and not any(r == patient_role for r, _ in event.args):
        _injury_bearer(event)
    light = trigger.head if trigger.dep_ in ("dobj", "nsubjpass") else None
    if light is not None and light.lemma_.lower() in lexicon.LIGHT_VERBS \
            and not any(r == "agent" for r, _ in event.args):
        subject = clause_subject(light) if trigger.dep_ == "dobj" else by_agent(light)
        add_with_conj(add, patient_role if event.type == "Death" else "agent", subject)  # "committed suicide"
    # "claimed responsibility for the attack"
    if trigger.dep_ == "pobj" and trigger.head.lower_ == "for" and trigger.head.head.lemma_.lower() == "responsibility":
        verb = trigger.head.head.head
        if verb.pos_ == "VERB":
            add_with_conj(add, "agent", clause_subject(verb))


HARM_TYPES = ("Attack", "Killing", "Injury")


def _reduced_passive(verb: Token) -> bool:
    """"Seven militants killed in blasts" (a headline), "died, with two civilians injured": a past participle with a
    subject but no auxiliary and no object is passive; its subject is the patient."""
    return verb.tag_ == "VBN" and any(c.dep_ == "nsubj" for c in verb.children) and not any(
        c.dep_ in ("aux", "auxpass", "dobj") for c in verb.children)


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


def _commanders_and_accomplices(event: EventCandidate) -> None:
    """"murdered on the orders of X" / "on X's orders": X is the agent; "conspired with X in the assassination of Y",
    "helped X (to) kill Y": X took part, as does the one who conspired."""
    trigger, add = event.trigger, event.args.append
    for prep in (c for c in trigger.children if c.dep_ == "prep" and c.lower_ in ("on", "at", "under", "by")):
        command = dep_child(prep, "pobj")
        if command is None or command.lemma_.lower() not in lexicon.COMMAND_NOUNS:
            continue
        add_with_conj(add, "agent", of_object(command) or dep_child(command, "poss"))  # "the orders of X", "X's orders"
    verb = trigger.head
    if trigger.dep_ == "pobj" and verb.lower_ in ("in", "to"):
        verb = verb.head  # "conspiring with X in the assassination"
    elif trigger.dep_ != "xcomp":  # "conspired with X to kill Y"
        return
    if verb.lemma_.lower() not in lexicon.ACCOMPLICE_VERBS:
        return
    with_phrase = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "with"), None)
    add_with_conj(add, "agent", dep_child(with_phrase, "pobj") if with_phrase is not None else dep_child(verb, "dobj"))
    if trigger.pos_ != "VERB":  # a verb already has its controller as subject
        add_with_conj(add, "agent", clause_subject(verb))


def _injury_bearer(event: EventCandidate) -> None:
    """"A man suffered gunshot wounds", "John Hale was taken to hospital with a gunshot wound": who bears the injury
    is the victim."""
    trigger, verb = event.trigger, event.trigger.head
    if trigger.dep_ == "pobj" and verb.lower_ == "with" and verb.head.pos_ == "VERB":
        verb = verb.head
        bearer = dep_child(verb, "nsubjpass") or dep_child(verb, "dobj") or clause_subject(verb)
    elif trigger.dep_ in ("dobj", "nsubjpass") and verb.lemma_.lower() in lexicon.BEARING_VERBS:
        bearer = clause_subject(verb) if trigger.dep_ == "dobj" else by_agent(verb)
    else:
        return
    add_with_conj(event.args.append, "victim", bearer)


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


def _delivery_arguments(event: EventCandidate, verb: Token) -> None:
    """"warnings were given to the police", "employees were given an ultimatum by their bosses", "police issued a
    warning to residents": who gets the message is the target, who gives it the agent."""
    add = event.args.append
    to_phrase = next((dep_child(c, "pobj") for c in verb.children if c.dep_ in ("prep", "dative") and c.lower_ == "to"),
                     None)
    add_with_conj(add, "target", to_phrase or dep_child(verb, "dative"))
    if any(c.dep_ == "auxpass" for c in verb.children):
        if event.trigger.dep_ == "dobj":
            add_with_conj(add, "target", dep_child(verb, "nsubjpass"))
        if not any(r == "agent" for r, _ in event.args):
            agent = by_agent(verb)
            add_with_conj(add, "agent", agent)
    elif not any(r == "agent" for r, _ in event.args):
        add_with_conj(add, "agent" if verb.lemma_.lower() != "receive" else "target", clause_subject(verb))


def _left_dead(event: EventCandidate, leave: Token) -> None:
    """"The explosion left four people dead and nine injured": the people are the victims, the explosion the agent (a
    cause when it is an attack)."""
    trigger, add = event.trigger, event.args.append
    victim = dep_child(trigger, "nsubj")
    if victim is None and trigger.dep_ != "conj":
        victim = dep_child(leave, "dobj")
    if victim is None and trigger.dep_ == "conj":  # "and nine injured": the number before the adjective
        before = trigger.doc[trigger.i - 1]
        victim = before if before.like_num or before.pos_ in ("NOUN", "PROPN") else None
    add_with_conj(add, PATIENT_ROLE[event.type], victim)
    add_with_conj(add, "agent", clause_subject(leave))


def _convicted_agent(event: EventCandidate) -> None:
    """"X was convicted of (the) killing (of) Y", "X, suspected of the assassination of Y", "charged in", "went on
    trial for", "pleaded guilty to", "serving a sentence for the killing of Y": the person the verdict or suspicion is
    about did the deed; "the bombing was blamed on X", "blamed X for the bombing": so did X."""
    if any(r == "agent" for r, _ in event.args):
        return
    node = event.trigger
    if node.dep_ == "nsubjpass" and node.head.lemma_.lower() in lexicon.BLAME_VERBS:
        on = next((c for c in node.head.children if c.dep_ == "prep" and c.lower_ in ("on", "to")), None)
        add_with_conj(event.args.append, "agent", dep_child(on, "pobj") if on is not None else None)
        return
    if node.dep_ not in ("pobj", "pcomp") or node.head.lower_ not in ("of", "for", "with", "in", "to", "over"):
        return
    judged = node.head.head
    for _ in range(3):  # "serving 99 years in prison for the murder of X", "sentenced to life for killing X"
        if judged.lemma_.lower() in lexicon.VERDICT_WORDS or judged.pos_ not in ("NOUN", "ADP", "NUM"):
            break
        judged = judged.head
    if judged.lemma_.lower() not in lexicon.VERDICT_WORDS:
        return
    person = dep_child(judged, "nsubjpass")
    if person is None and judged.lemma_.lower() in lexicon.ACCUSING_WORDS:
        person = dep_child(judged, "dobj")  # "police accused X of the killing"
    person = person or dep_child(judged, "nsubj")
    if person is None and judged.pos_ in ("NOUN", "ADJ") and judged.dep_ not in ("acl", "appos", "amod", "relcl"):
        person = clause_subject(governing_verb(judged))  # "went on trial for", "pleaded guilty to"
    if person is None and judged.dep_ in ("acl", "appos", "amod", "relcl"):
        person = judged.head
    if person is not None:
        event.args.append(("agent", person))
        if judged.lemma_.lower() in lexicon.SUSPICION_WORDS:
            event.modality, event.source = "reported", None


def _enclosing_event_verb(trigger: Token) -> Token | None:
    """For "X killed six people in two attacks": the verb whose prepositional phrase holds the nominal trigger."""
    node = trigger
    for _ in range(4):
        if node.dep_ == "pobj" and node.head.lower_ in ("in", "during", "with"):
            node = node.head.head
            if node.dep_ in ("dobj", "nsubjpass") and node.head.pos_ == "VERB":
                node = node.head
            if node.pos_ == "VERB" and (VERB_INDEX.get(node.lemma_.lower()) in ("Killing", "Injury", "Attack")) \
                    and node.lemma_.lower() not in lexicon.VICTIM_SUBJECT_VERBS:
                return node
            continue
        return None
    return None


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
    return verb.pos_ == "VERB" and (lemma in lexicon.WHERE_VERBS
                                    or VERB_INDEX.get(lemma) in ("Killing", "Injury"))


def _instruments(event: EventCandidate) -> None:
    if event.type not in ("Attack", "Killing", "Injury", "Death", "Battle"):
        return
    for child in event.trigger.children:
        if child.dep_ == "prep" and child.lower_ in ("with", "using", "by"):
            event.instruments.extend(g for g in child.children if g.dep_ == "pobj"
                                     and g.lemma_.lower() in lexicon.WEAPONS)
        elif child.dep_ == "compound" and child.lemma_.lower() in lexicon.WEAPONS:
            event.instruments.append(child)
        elif child.dep_ == "nsubj" and child.lemma_.lower() in lexicon.WEAPONS and event.trigger.pos_ == "VERB":
            event.instruments.append(child)


# NER labels the small model gives unfamiliar names ("Lennon" a facility, "Atahualpa" a work of art) that make no entity.
UNSURE_LABELS = frozenset({"", "FAC", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"})


def _unrecognised_name(token: Token, index: EntityIndex) -> None:
    """"Ruby fatally shot Oswald": a capitalised proper noun the NER left unlabelled, who kills, is killed or is shot,
    is a person; a known place or organisation name, or one word of an existing person's name, is not new."""
    if token.pos_ != "PROPN" or token.ent_type_ not in UNSURE_LABELS or index.entity_at(token) is not None:
        return
    words = [c for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < token.i] + [token]
    start = min(t.i for t in words)
    name = token.doc[start:token.i + 1]
    before = token.doc[start - 1] if start > 0 else None
    if not all(t.is_title for t in name) or token.lower_ in lexicon.DAY_WORDS \
            or any(c.dep_ in ("det", "poss") for c in token.children) or (before is not None and before.is_quote) \
            or index.gazetteer.place(name.text) or index.gazetteer.organization(name.text):
        return
    key = next((k for k, e in index.entities.items() if e.type == "Person" and e.label.split()[-1] == name.text),
               f"person/{slug(name.text)}")
    index.add_mention(index.entities.get(key) or Entity(id=key, label=name.text, type="Person"), name)


def demonym_entity(token: Token, index: EntityIndex) -> str | None:
    """The country a nationality adjective names ("Russian" -> Russia), added to the index with this mention."""
    entry = index.gazetteer.country_of_demonym(token.text)
    if entry is None:
        return None
    entity = index.entities.setdefault(entry.id, entity_from_entry(entry))
    if index.token_entity.setdefault(token.i, entity.id) == entity.id:
        mention = Span(token.text, token.idx, token.idx + len(token.text))
        if mention not in entity.mentions:
            entity.mentions.append(mention)
    return entity.id
