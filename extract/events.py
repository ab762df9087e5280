"""Event rules: triggers from lemma lexicons, their arguments from the dependency parse, modality from the words that
govern them, and times from the sentence.

One pass per document, token based; an :class:`EventCandidate` holds tokens while the rules run and becomes an
:class:`~extract.model.Event` at the end.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from extract import lexicon
from extract.entities import EntityIndex, entity_from_entry
from extract.model import Span

VERB_INDEX = {lemma: etype for etype, lemmas in lexicon.VERB_TRIGGERS.items() for lemma in lemmas}
NOUN_INDEX = {lemma: etype for etype, lemmas in lexicon.NOUN_TRIGGERS.items() for lemma in lemmas}
ADJ_INDEX = {lemma: etype for etype, lemmas in lexicon.ADJ_TRIGGERS.items() for lemma in lemmas}

# The role an event's patient (object, passive subject, "of"-phrase) plays.
PATIENT_ROLE = {
    "Attack": "target", "Killing": "victim", "Death": "victim", "Injury": "victim", "Arrest": "target",
    "Invasion": "target", "Threat": "target", "CallForAction": "target", "MilitaryOperation": "target",
    "Battle": "target", "Declaration": "topic", "Statement": "topic", "Proclamation": "topic",
}
# Types whose possessor is the patient ("his death", "the man's arrest") rather than the agent ("Russia's invasion").
POSSESSOR_IS_PATIENT = {"Death", "Arrest", "Injury", "Killing"}
# Nouns ambiguous on their own ("a strike", "the operation", "a call"): triggers only with a telling dependent.
AMBIGUOUS_NOUNS = {"strike", "operation", "campaign", "mission", "call", "order", "demand", "request", "message",
                   "speech", "interview", "capture", "custody", "war", "deployment", "attempt", "plea", "appeal",
                   "statement", "remark", "raid", "fighting"}
OPERATOR_STOP_DEPS = {"relcl", "acl", "csubj", "parataxis", "nsubj", "nsubjpass", "appos"}
CLAUSE_DEPS = {"ccomp", "xcomp", "advcl", "relcl", "csubj", "parataxis", "nsubj", "nsubjpass", "acl", "mark"}


@dataclass
class EventCandidate:
    type: str
    trigger: Token
    anchor: Token  # the verb of the clause the event sits in (the trigger itself for verbs)
    args: list[tuple[str, Token]] = field(default_factory=list)
    instruments: list[Token] = field(default_factory=list)
    modality: str = "asserted"
    source: Token | None = None
    governor: Token | None = None  # the call/threat/declaration/statement word this event is the topic of
    confidence: float = 0.7
    cause: EventCandidate | None = None  # "the death of X during a US operation": the operation


def trigger_words(vocab: Vocab) -> Matcher:
    """A matcher for every token whose lemma is in a trigger lexicon: the rules then look at those tokens only."""
    lemmas = set(VERB_INDEX) | set(NOUN_INDEX) | set(ADJ_INDEX) | lexicon.KILLER_NOUNS | lexicon.LIFE_TAKING_VERBS
    plurals = {f"{w}s" for w in NOUN_INDEX} | {f"{w}es" for w in NOUN_INDEX}
    matcher = Matcher(vocab)
    matcher.add("TRIGGER", [[{"LEMMA": {"IN": sorted(lemmas | {w.capitalize() for w in lemmas})}}],
                            [{"POS": "PROPN", "LOWER": {"IN": sorted(plurals | set(NOUN_INDEX))}}]])
    return matcher


def _lemma(token: Token) -> str:
    """The lower-case lemma; headline words tagged PROPN ("Shootings in Belfast") keep their inflection, so strip it."""
    lemma = token.lemma_.lower()
    if token.pos_ == "PROPN" and lemma not in NOUN_INDEX:
        for suffix in ("es", "s"):
            if lemma.endswith(suffix) and lemma[: -len(suffix)] in NOUN_INDEX:
                return lemma[: -len(suffix)]
    return lemma


def find_events(doc: Doc, index: EntityIndex, matcher: Matcher) -> list[EventCandidate]:
    candidates = (_candidate(doc[start]) for _, start, _ in matcher(doc))
    events = [e for e in candidates if e is not None]
    by_trigger = {e.trigger.i: e for e in events}
    for event in events:
        _arguments(event, index)
        if event.trigger.lemma_.lower() not in lexicon.KILLER_NOUNS:  # "the assassin" names a deed that was done
            _modality(event)
    for event in events:
        _causes(event, by_trigger, index)
    _name_the_killer(events, index)
    return events


def _name_the_killer(events: list[EventCandidate], index: EntityIndex) -> None:
    """"the assassination of President Kennedy ... Oswald was the lone assassin": an agent noun without a victim names
    the agent of the agentless killing in its sentence."""
    for killer in events:
        if killer.trigger.lemma_.lower() not in lexicon.KILLER_NOUNS or any(r == "victim" for r, _ in killer.args):
            continue
        agent = next((t for r, t in killer.args if r == "agent"), None)
        sentence = index.sentence(killer.trigger)
        for event in events:
            if event is not killer and event.type == "Killing" and index.sentence(event.trigger) == sentence \
                    and agent is not None and not any(r == "agent" for r, _ in event.args):
                event.args.append(("agent", agent))


def _candidate(token: Token) -> EventCandidate | None:
    lemma = _lemma(token)
    pos = token.pos_
    if any(c.lower_ in lexicon.ACCIDENT_WORDS for c in token.children):
        return None
    if pos == "VERB" and lemma in lexicon.LIFE_TAKING_VERBS and any(
            c.dep_ == "dobj" and c.lemma_.lower() == "life" for c in token.children):
        return EventCandidate("Killing", token, token, confidence=0.8)  # "the blast claimed nine lives"
    if pos == "VERB":
        etype = VERB_INDEX.get(lemma)
        if etype is None or not _verb_fits(token, lemma, etype):
            return None
        if etype == "Attack" and any(c.lower_ in ("fatally", "dead", "death", "mortally") or
                                     (c.dep_ == "prep" and any(g.lower_ == "death" for g in c.children))
                                     for c in token.children):
            etype = "Killing"  # "fatally shot", "shot dead", "stabbed to death"
        if etype == "Statement" and lemma in lexicon.CALL_VERBS and any(c.dep_ == "xcomp" for c in token.children):
            etype = "CallForAction"
        return EventCandidate(etype, token, token, confidence=0.8)
    if pos in ("NOUN", "PROPN") and lemma in lexicon.KILLER_NOUNS:
        holder = _killer_holder(token)  # an "assassin" nobody is named as describes no particular killing
        if holder is None:
            return None
        return EventCandidate("Killing", token, _governing_verb(token), args=[("agent", holder)], confidence=0.7)
    if pos in ("NOUN", "PROPN"):
        etype = NOUN_INDEX.get(lemma)
        if etype is None or (lemma in AMBIGUOUS_NOUNS and not _noun_fits(token, lemma)):
            return None
        if token.dep_ == "compound" and (token.head.lemma_.lower() in NOUN_INDEX or
                                         token.head.lemma_.lower() in lexicon.PEOPLE_NOUNS | lexicon.KILLER_NOUNS):
            return None  # "suicide bombing", "murder suspect", "assassination attempt": the head is the event
        return EventCandidate(etype, token, _governing_verb(token), confidence=0.7)
    if pos == "ADJ" and lemma in ADJ_INDEX and token.dep_ in ("acomp", "amod", "oprd", "attr", "ROOT", "conj",
                                                              "pobj", "nsubj", "dobj"):  # "among the dead"
        return EventCandidate(ADJ_INDEX[lemma], token, _governing_verb(token), confidence=0.6)
    return None


def _killer_holder(noun: Token) -> Token | None:
    """Who an agent noun names: "Kennedy's assassin, Lee Harvey Oswald", "John Wilkes Booth, assassin of Lincoln",
    "King assassin James Earl Ray"."""
    if noun.dep_ in ("appos", "compound") and noun.head.ent_type_ == "PERSON":
        return noun.head
    if noun.dep_ == "attr":  # "Oswald was the lone assassin"
        subject = _child(noun.head, "nsubj")
        if subject is not None and subject.ent_type_ == "PERSON":
            return subject
    if noun.dep_ == "pobj" and noun.head.lower_ == "as":  # "Oswald, identified as the lone assassin"
        verb = noun.head.head
        named = _child(verb, "nsubjpass") or (verb.head if verb.dep_ in ("acl", "appos") else None)
        if named is not None and named.ent_type_ == "PERSON":
            return named
    appos = next((c for c in noun.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)
    if appos is None and noun.i + 2 < len(noun.doc) and noun.doc[noun.i + 1].text == ",":
        # "Kennedy's assassin, Lee Harvey Oswald, ..." when the parser misses the apposition
        following = noun.doc[noun.i + 2]
        if following.ent_type_ == "PERSON" and following.ent_iob_ == "B":
            appos = next(e for e in noun.doc.ents if e.start == following.i).root
    return appos


def _verb_fits(verb: Token, lemma: str, etype: str) -> bool:
    deps = {c.dep_ for c in verb.children}
    particle = lexicon.NEEDS_PARTICLE.get(lemma)
    if particle and not any(c.lower_ == particle for c in verb.children):
        return False
    if etype == "Threat" and any(c.dep_ == "dobj" and c.lemma_.lower() in lexicon.ALLEGIANCE_NOUNS
                                 for c in verb.children):
        return False  # "pledged allegiance to Islamic State"
    if lemma == "call":
        if "oprd" in deps or any(c.dep_ == "prt" and c.lower_ in ("in", "up", "off", "back", "out")
                                 for c in verb.children):
            return False  # "called the explosion an attack", "called her in", "called off": naming, summoning
        return bool(deps & {"xcomp", "ccomp"}) or any(c.dep_ == "prep" and c.lower_ in ("on", "for", "upon")
                                                       for c in verb.children)
    if lemma == "fire":
        return any(c.dep_ == "prep" and c.lower_ in ("at", "on", "upon", "into") for c in verb.children) or any(
            c.dep_ == "dobj" and c.lemma_.lower() in lexicon.WEAPONS | {"shot", "round"} for c in verb.children)
    if lemma in lexicon.NEEDS_OBJECT:
        return bool(deps & {"dobj", "nsubjpass", "xcomp", "ccomp", "dative"}) or verb.dep_ in ("acl", "relcl")
    return True


def _noun_fits(noun: Token, lemma: str) -> bool:
    """A noun such as "operation" or "strike" counts when a modifier or argument marks it as violent or as a call."""
    children = list(noun.children)
    words = {c.lemma_.lower() for c in children}
    if lemma == "attempt":  # "assassination attempt", "bombing attempt"
        return any(c.dep_ in ("compound", "amod") and NOUN_INDEX.get(c.lemma_.lower()) in ("Attack", "Killing")
                   for c in children)
    if lemma == "order" and noun.i > 0 and noun.doc[noun.i - 1].lower_ == "in":
        return False  # "in order to"
    if lemma in ("call", "appeal", "plea", "demand", "request", "order"):
        return any(c.dep_ in ("prep", "acl") and c.lower_ in ("for", "to") or c.dep_ == "acl" for c in children)
    if lemma in ("statement", "speech", "message", "interview", "remark"):
        return any(c.dep_ == "poss" or c.dep_ == "prep" and c.lower_ in ("by", "from") for c in children) or \
            any(c.ent_type_ in ("ORG", "PERSON", "NORP", "GPE") for c in children)
    if words & lexicon.MILITARY_MODIFIERS or words & {"air", "drone", "missile", "rocket", "artillery", "bombing",
                                                      "suicide", "terror", "terrorist", "deadly", "fatal", "armed"}:
        return True
    return any(c.ent_type_ in ("GPE", "NORP", "ORG") and c.dep_ in ("compound", "amod", "nmod", "poss")
               for c in children) or any(c.dep_ == "prep" and c.lower_ in ("on", "against") for c in children)


def _governing_verb(token: Token) -> Token:
    """The verb of the clause a noun or adjective sits in ("carried out attacks" -> carried)."""
    node = token
    for _ in range(6):
        if node.pos_ in ("VERB", "AUX") or node.head.i == node.i:
            return node
        node = node.head
    return node


def _arguments(event: EventCandidate, index: EntityIndex) -> None:
    trigger = event.trigger
    patient_role = PATIENT_ROLE[event.type]
    add = event.args.append
    if trigger.pos_ == "VERB":
        bare_participle = trigger.tag_ == "VBN" and not any(c.dep_.startswith("nsubj") for c in trigger.children)
        passive = any(c.dep_ in ("nsubjpass", "auxpass") for c in trigger.children) or (
            trigger.dep_ in ("acl", "relcl", "advcl") and bare_participle) or (
            trigger.dep_ == "conj" and bare_participle and _is_passive(trigger.head))  # "was shot and killed"
        if passive:
            patient = _child(trigger, "nsubjpass") or (trigger.head if trigger.dep_ in ("acl", "relcl") else None)
            if patient is None and trigger.dep_ == "conj":
                patient = _child(trigger.head, "nsubjpass")
            if patient is None and trigger.dep_ == "advcl":  # "Wounded in the attack, the soldier ..."
                patient = clause_subject(trigger.head)
            agent = _by_agent(trigger) or _stray_by_agent(trigger) or next(
                (_by_agent(v) for v in trigger.conjuncts if v.tag_ == "VBN" and _by_agent(v) is not None), None)
        else:
            agent = clause_subject(trigger)
            patient = _child(trigger, "dobj")
            if patient is not None and patient.lemma_.lower() == "life":  # "claimed the lives of two soldiers"
                of = next((c for c in patient.children if c.dep_ == "prep" and c.lower_ == "of"), None)
                patient = _child(of, "pobj") if of is not None else None
            if agent is not None and agent.lemma_.lower() in lexicon.WEAPONS | {"shot", "round", "blast"}:
                # "Oswald fired the shots that killed Kennedy": the weapon is the instrument, its user the agent
                event.instruments.append(agent)
                agent = clause_subject(agent.head) if agent.dep_ in ("dobj", "pobj") else None
            if patient is not None and trigger.lemma_.lower() == "open" and patient.lower_ == "fire":
                patient = None  # "opened fire at/on X": the target is in the prepositional phrase
            if event.type == "Death":
                agent, patient = None, agent
            if patient is None and event.type in ("Attack", "CallForAction", "Threat"):
                patient = next((g for c in trigger.children if c.dep_ == "prep" and c.lower_ in
                                ("at", "on", "upon", "against") for g in c.children if g.dep_ == "pobj"
                                and not (c.lower_ == "at" and is_place_noun(g))), None)  # "at a bar": where
        if event.type in ("Attack",) and patient is not None and patient.lemma_.lower() in lexicon.WEAPONS \
                and trigger.lemma_.lower() in ("detonate", "explode", "blow", "fire"):
            event.instruments.append(patient)
            patient = None
        for role, token in (("agent", agent), (patient_role, patient)):
            if token is not None and token.i == trigger.head.i and trigger.dep_ in ("relcl", "acl"):
                add((role, token))  # "Ruby, who killed Oswald, and Jim": the clause is about Ruby alone
            else:
                _add_with_conj(add, role, token)
    elif trigger.pos_ == "ADJ":
        if trigger.dep_ in ("pobj", "nsubj", "dobj"):
            pass  # "the dead": the adjective is its own referent
        elif trigger.dep_ == "amod":
            _add_with_conj(add, patient_role, trigger.head)
        else:
            _add_with_conj(add, patient_role, _child(trigger.head, "nsubj") or _child(trigger.head, "nsubjpass"))
    else:
        _nominal_arguments(event, index)
    for place in _places(trigger, index):
        add(("place", place))
    _instruments(event)
    if event.type in ("Attack", "Killing", "Injury", "Battle"):
        _commanders_and_accomplices(event)
    if event.type in ("Attack", "Killing", "Injury", "Battle") and not any(r == "agent" for r, _ in event.args):
        outer = _enclosing_event_verb(trigger)
        if outer is not None:
            _add_with_conj(add, "agent", clause_subject(outer))


def _nominal_arguments(event: EventCandidate, index: EntityIndex) -> None:
    trigger, add = event.trigger, event.args.append
    patient_role = PATIENT_ROLE[event.type]
    for child in _noun_dependents(trigger):
        dep, word = child.dep_, child.lower_
        if dep == "poss":
            if child.ent_type_ in ("DATE", "TIME") or index.entity_at(child) is None:
                continue  # "Saturday's attack", "the country's bombing"
            _add_with_conj(add, patient_role if event.type in POSSESSOR_IS_PATIENT else "agent", child)
        elif dep == "prep" and word == "between" and event.type in ("Battle", "Attack"):
            sides = [g for g in child.children if g.dep_ == "pobj"]  # "a battle between troops and terrorists"
            for side in sides:
                add(("agent", side))
                for n, other in enumerate(side.conjuncts):
                    add(("target" if n == 0 else "agent", other))
        elif dep == "acl" and child.lemma_.lower() in ("target", "aim", "direct"):
            for prep in (c for c in child.children if c.dep_ == "prep" and c.lower_ in ("at", "against", "on")):
                _add_with_conj(add, patient_role, _child(prep, "pobj"))  # "bombings targeted at the military"
        elif dep == "prep" and word in ("of", "on", "against", "targeting", "upon", "by", "from"):
            for obj in (g for g in child.children if g.dep_ == "pobj"):
                if word in ("by", "from"):
                    role = "agent"
                elif word == "of" and event.type not in POSSESSOR_IS_PATIENT | {"Invasion", "Arrest"}:
                    entity = index.entity_at(obj)
                    if entity is None or index.entities[entity].type == "Place":
                        continue
                    role = "agent" if event.type in ("Statement", "Declaration", "CallForAction", "Threat") \
                        else patient_role
                else:
                    role = patient_role
                _add_with_conj(add, role, obj)
                if word == "of":  # "the assassination of X by Y": the parser often hangs "by Y" on X
                    for by in (c for c in obj.children if c.dep_ == "prep" and c.lower_ == "by"):
                        _add_with_conj(add, "agent", _child(by, "pobj"))
        elif dep == "compound" and event.trigger.lemma_.lower() in lexicon.KILLER_NOUNS and child.ent_type_ == "PERSON":
            add((patient_role, child))  # "King assassin James Earl Ray"
        elif dep in ("compound", "nmod", "amod") and child.ent_type_ not in ("DATE", "TIME", "CARDINAL", "ORDINAL") \
                and (child.ent_type_ or word in index.gazetteer.demonyms):
            entity = index.entity_at(child) or demonym_entity(child, index)
            if entity is None:
                continue
            if index.entities[entity].type == "Place" and child.ent_type_ not in ("NORP",) and dep != "amod" \
                    and word not in index.gazetteer.demonyms and event.type in ("Attack", "Killing", "Death"):
                add(("place", child))
            else:
                add(("agent" if event.type not in POSSESSOR_IS_PATIENT else patient_role, child))
    if trigger.lemma_.lower() in lexicon.KILLER_NOUNS and trigger.dep_ == "compound" and \
            not any(r == patient_role for r, _ in event.args):
        # "John F. Kennedy assassin Lee Harvey Oswald": the parser hangs both names on the last one
        holder_entity = index.entity_at(trigger.head)
        victim = next((c for c in trigger.head.children if c.i < trigger.i and c.dep_ == "compound"
                       and c.ent_type_ == "PERSON" and index.entity_at(c) != holder_entity), None)
        _add_with_conj(add, patient_role, victim)
    if trigger.lemma_.lower() in lexicon.KILLER_NOUNS and not any(r == patient_role for r, _ in event.args):
        holder = next((t for r, t in event.args if r == "agent"), None)
        possessor = _child(holder, "poss") if holder is not None else None
        _add_with_conj(add, patient_role, possessor)  # "William McKinley's assassin Leon Czolgosz"
    _convicted_agent(event)
    if trigger.dep_ == "nsubj" and trigger.head.lemma_.lower() in lexicon.IMPACT_VERBS:
        _add_with_conj(add, patient_role, _child(trigger.head, "dobj"))  # "the explosion targeted a bakery"
    if trigger.dep_ == "pobj" and trigger.head.lower_ == "under" and trigger.head.head.pos_ in ("VERB", "AUX"):
        _add_with_conj(add, patient_role, clause_subject(trigger.head.head))  # "their posts came under gunfire"
    if event.type in ("Threat", "CallForAction", "Statement") and trigger.head.lemma_.lower() in lexicon.DELIVERY_VERBS:
        _delivery_arguments(event, trigger.head)
    if event.type == "Injury" and not any(r == patient_role for r, _ in event.args):
        _injury_bearer(event)
    light = trigger.head if trigger.dep_ in ("dobj", "nsubjpass") else None
    if light is not None and light.lemma_.lower() in lexicon.LIGHT_VERBS \
            and not any(r == "agent" for r, _ in event.args):
        subject = clause_subject(light) if trigger.dep_ == "dobj" else _by_agent(light)
        _add_with_conj(add, "agent", subject)
    # "claimed responsibility for the attack"
    if trigger.dep_ == "pobj" and trigger.head.lower_ == "for" and trigger.head.head.lemma_.lower() == "responsibility":
        verb = trigger.head.head.head
        if verb.pos_ == "VERB":
            _add_with_conj(add, "agent", clause_subject(verb))


def _commanders_and_accomplices(event: EventCandidate) -> None:
    """"murdered on the orders of X" / "on X's orders": X is the agent; "conspired with X in the assassination of Y",
    "helped X (to) kill Y": X took part, as does the one who conspired."""
    trigger, add = event.trigger, event.args.append
    for prep in (c for c in trigger.children if c.dep_ == "prep" and c.lower_ in ("on", "at", "under", "by")):
        command = _child(prep, "pobj")
        if command is None or command.lemma_.lower() not in lexicon.COMMAND_NOUNS:
            continue
        of = next((c for c in command.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        _add_with_conj(add, "agent", _child(of, "pobj") if of is not None else _child(command, "poss"))
    verb = trigger.head
    if trigger.dep_ == "pobj" and verb.lower_ in ("in", "to"):
        verb = verb.head  # "conspiring with X in the assassination"
    elif trigger.dep_ != "xcomp":  # "conspired with X to kill Y"
        return
    if verb.lemma_.lower() not in lexicon.ACCOMPLICE_VERBS:
        return
    with_phrase = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ == "with"), None)
    _add_with_conj(add, "agent", _child(with_phrase, "pobj") if with_phrase is not None else _child(verb, "dobj"))
    if trigger.pos_ != "VERB":  # a verb already has its controller as subject
        _add_with_conj(add, "agent", clause_subject(verb))


def _injury_bearer(event: EventCandidate) -> None:
    """"A man suffered gunshot wounds", "John Hale was taken to hospital with a gunshot wound": who bears the injury
    is the victim."""
    trigger, verb = event.trigger, event.trigger.head
    if trigger.dep_ == "pobj" and verb.lower_ == "with" and verb.head.pos_ == "VERB":
        verb = verb.head
        bearer = _child(verb, "nsubjpass") or _child(verb, "dobj") or clause_subject(verb)
    elif trigger.dep_ in ("dobj", "nsubjpass") and verb.lemma_.lower() in lexicon.BEARING_VERBS:
        bearer = clause_subject(verb) if trigger.dep_ == "dobj" else _by_agent(verb)
    else:
        return
    _add_with_conj(event.args.append, "victim", bearer)


def _noun_dependents(noun: Token) -> list[Token]:
    """The noun's dependents, and those the parser hung on a date between ("the assassination in 1914 of X by Y")."""
    found = []
    for child in noun.children:
        found.append(child)
        date = _child(child, "pobj") if child.dep_ == "prep" else None
        if date is not None and date.ent_type_ in ("DATE", "TIME"):
            found.extend(c for c in date.children if c.dep_ == "prep" and c.lower_ in ("of", "by"))
    return found


def _delivery_arguments(event: EventCandidate, verb: Token) -> None:
    """"warnings were given to the police", "employees were given an ultimatum by their bosses", "police issued a
    warning to residents": who gets the message is the target, who gives it the agent."""
    add = event.args.append
    to_phrase = next((_child(c, "pobj") for c in verb.children if c.dep_ in ("prep", "dative") and c.lower_ == "to"),
                     None)
    _add_with_conj(add, "target", to_phrase or _child(verb, "dative"))
    if any(c.dep_ == "auxpass" for c in verb.children):
        if event.trigger.dep_ == "dobj":
            _add_with_conj(add, "target", _child(verb, "nsubjpass"))
        if not any(r == "agent" for r, _ in event.args):
            agent = _by_agent(verb)
            _add_with_conj(add, "agent", agent)
    elif not any(r == "agent" for r, _ in event.args):
        _add_with_conj(add, "agent" if verb.lemma_.lower() != "receive" else "target", clause_subject(verb))


def _convicted_agent(event: EventCandidate) -> None:
    """"X was convicted of (the) killing (of) Y", "X, suspected of the assassination of Y": the person the verdict or
    suspicion is about did the deed."""
    if any(r == "agent" for r, _ in event.args):
        return
    node = event.trigger
    if node.dep_ not in ("pobj", "pcomp") or node.head.lower_ not in ("of", "for", "with"):
        return
    judged = node.head.head
    for _ in range(3):  # "serving 99 years in prison for the murder of X", "sentenced to life for killing X"
        if judged.lemma_.lower() in lexicon.VERDICT_WORDS or judged.pos_ not in ("NOUN", "ADP", "NUM"):
            break
        judged = judged.head
    if judged.lemma_.lower() not in lexicon.VERDICT_WORDS:
        return
    person = _child(judged, "nsubjpass") or _child(judged, "nsubj")
    if person is None and judged.dep_ in ("acl", "appos", "amod", "relcl"):
        person = judged.head
    if person is not None:
        event.args.append(("agent", person))
        if judged.lemma_.lower() in lexicon.SUSPICION_WORDS:
            event.modality, event.source = "reported", None


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


def clause_subject(verb: Token) -> Token | None:
    """Who does what a verb says: its subject, or the controller of an infinitive, or the noun a relative clause or
    participle modifies. ``urged supporters to carry out attacks`` -> supporters carry out."""
    for _ in range(6):
        subject = next((c for c in verb.children if c.dep_ in ("nsubj", "csubj")), None)
        if subject is not None:
            if subject.lower_ in lexicon.RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                return verb.head  # "the shots that killed Kennedy" -> shots
            return subject
        if verb.dep_ == "relcl" and any(c.dep_ == "nsubjpass" for c in verb.children):
            return None  # "the soldiers, who were killed": the noun is the patient
        if verb.dep_ == "relcl" or (verb.dep_ == "acl" and verb.tag_ == "VBG"):
            return verb.head
        if verb.dep_ == "acl" and verb.head.lemma_.lower() in lexicon.INTENT_NOUNS and verb.head.dep_ == "dobj":
            verb = verb.head.head  # "ISIS has the capacity to carry out attacks": whoever has the capacity
            continue
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":  # "acted alone in killing Kennedy"
            verb = verb.head.head
            if verb.lemma_.lower() in lexicon.VERDICT_WORDS:  # "X (was) convicted of killing Y": X did it
                judged = _child(verb, "nsubjpass") or _child(verb, "nsubj")
                if judged is None and verb.dep_ in ("acl", "relcl", "appos", "amod"):
                    judged = verb.head
                return judged or _person_before_comma(verb)
            continue
        if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in lexicon.OBJECT_CONTROL:
            obj = _child(verb.head, "dobj") or next(
                (g for c in verb.head.children if c.dep_ == "prep" and c.lower_ in ("on", "upon")
                 for g in c.children if g.dep_ == "pobj"), None)
            if obj is not None:
                return obj
        if verb.dep_ == "advcl" and any(c.dep_ == "mark" for c in verb.children):
            return None  # "while shelling continues, ...": a subordinate clause has its own subject
        if _free_participle(verb):  # "X urged Y to attack, also claiming ...": X claims
            verb = _matrix_verb(verb.head)
            subject = next((c for c in verb.children if c.dep_ in ("nsubj", "csubj")), None)
            if subject is not None:
                return subject
            continue
        if verb.dep_ in ("xcomp", "conj", "advcl") and verb.head.i != verb.i and verb.head.pos_ in ("VERB", "AUX"):
            if verb.dep_ == "conj" and any(c.dep_ == "nsubjpass" for c in verb.head.children):
                return None
            verb = verb.head
            continue
        return None
    return None


def _is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _by_agent(verb: Token) -> Token | None:
    """The "by"-phrase of a passive verb."""
    return next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)


def _stray_by_agent(verb: Token) -> Token | None:
    """"Lennon was shot to death in the courtyard of his building by Mark David Chapman": a "by"-phrase the parser
    hung on a later noun of the same clause still names the agent when it names a person."""
    for token in verb.subtree:
        if token.i <= verb.i or token.dep_ in ("relcl", "acl", "ccomp", "advcl"):
            continue
        if token.lower_ == "by" and token.dep_ == "prep" and not any(a.dep_ in ("relcl", "acl", "advcl", "ccomp")
                                                                      for a in token.ancestors if a.i > verb.i):
            person = _child(token, "pobj")
            if person is not None and person.ent_type_ == "PERSON":
                return person
    return None


def _person_before_comma(participle: Token) -> Token | None:
    """"..., John Harvey Adamson, convicted of murdering ...": a participle after a name and a comma is about that
    name, however the parser attached it."""
    doc = participle.doc
    if participle.i >= 2 and doc[participle.i - 1].text == "," and doc[participle.i - 2].ent_type_ == "PERSON":
        return doc[participle.i - 2]
    return None


def _enclosing_event_verb(trigger: Token) -> Token | None:
    """For "X killed six people in two attacks": the verb whose prepositional phrase holds the nominal trigger."""
    node = trigger
    for _ in range(4):
        if node.dep_ == "pobj" and node.head.lower_ in ("in", "during", "with"):
            node = node.head.head
            if node.dep_ in ("dobj", "nsubjpass") and node.head.pos_ == "VERB":
                node = node.head
            if node.pos_ == "VERB" and (VERB_INDEX.get(node.lemma_.lower()) in ("Killing", "Injury", "Attack")):
                return node
            continue
        return None
    return None


def _places(trigger: Token, index: EntityIndex) -> list[Token]:
    """Place entities in locative phrases under the trigger, not crossing into other clauses."""
    found, stack, seen = [], [(c, 1) for c in trigger.children if c.dep_ not in CLAUSE_DEPS], set()
    while stack:
        token, depth = stack.pop()
        if token.i in seen or depth > 7:
            continue
        seen.add(token.i)
        if token.dep_ in ("pobj", "conj", "appos") and (token.head.lower_ in lexicon.LOCATIVE_PREPS
                                                          or token.dep_ != "pobj"):
            key = index.token_entity.get(token.i)
            if key is not None and index.entities[key].type == "Place" and (
                    token.dep_ == "pobj" or token.head.i in found):
                found.append(token.i)
            elif key is None and depth == 2 and token.dep_ == "pobj" and is_place_noun(token) \
                    and token.head.lower_ not in ("on", "against", "into", "from", "by"):  # "attacks on hotels": target
                found.append(token.i)  # "at the bus station", "in the market"
        stack.extend((c, depth + 1) for c in token.children if c.dep_ not in CLAUSE_DEPS)
    doc = trigger.doc
    return [doc[i] for i in sorted(found)]


def is_place_noun(token: Token) -> bool:
    return token.pos_ == "NOUN" and token.lemma_.lower() in lexicon.PLACE_NOUNS


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


def _modality(event: EventCandidate) -> None:
    """The innermost operator above the trigger decides: negation, modal verbs and conditionals, calls, threats,
    intentions, reports ("said", "according to")."""
    node = event.trigger
    if node.pos_ in ("NOUN", "PROPN", "ADJ"):
        if any(c.lower_ in lexicon.NEGATIVE_DETERMINERS for c in node.children):
            event.modality = "negated"
            return
        if node.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "acomp", "amod"):
            # the word governing an object acts as a verb even when tagged otherwise ("and stage/NOUN attacks")
            node = node.head if node.dep_ != "amod" else _governing_verb(node)
        elif node.dep_ == "pobj" and node.head.lower_ in ("for", "with", "of") and _is_operator(node.head.head):
            node = node.head.head  # "called for attacks", "threatened with attacks"
        elif node.dep_ == "pobj" and node.head.lower_ == "for" and node.head.head.lemma_.lower() in lexicon.INTENT_NOUNS:
            node = node.head.head
            return _set_operator(event, node, "dobj") if node.i != event.trigger.i else None
        else:
            return
        lemma = node.lemma_.lower()
        # "carried out attacks" only says who; "planned attacks" also says they have not happened (yet)
        if _is_operator(node) and (lemma not in lexicon.LIGHT_VERBS or lemma in lexicon.INTENT_VERBS):
            return _set_operator(event, node, "dobj")
    situation = False  # inside a "while ..." clause: only a report above still covers the event
    for _ in range(8):
        own = _own_modality(node)
        if own is not None:
            if not situation or own[0] == "reported":
                event.modality, event.source = own
            return
        dep, head = node.dep_, node.head
        if dep == "acl" and head.pos_ == "NOUN":
            noun = head.lemma_.lower()
            if noun in lexicon.INTENT_NOUNS:
                event.modality = {"threat": "threatened", "call": "called-for", "order": "called-for",
                                  "appeal": "called-for", "demand": "called-for"}.get(noun, "hypothetical")
                event.governor = head if NOUN_INDEX.get(noun) else None
            return
        if dep in OPERATOR_STOP_DEPS or head.i == node.i:
            return
        situation = situation or _situation_clause(node)
        if dep not in ("xcomp", "ccomp", "conj", "advcl", "pcomp", "dobj", "pobj", "prep"):
            return
        if _free_participle(node):  # "urged X to attack, also claiming Y": the participle belongs to the main clause
            node = _matrix_verb(head)
            continue
        if dep == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children) \
                and not _is_operator(head):
            return  # "X hasn't staged attacks, and attacks are inspired by Y": a conjoined clause stands alone
        if head.pos_ in ("VERB", "AUX") and head.i != event.trigger.i and _is_operator(head):
            if situation and not _only_reports(head):
                return
            return _set_operator(event, head, dep)
        node = head


def _situation_clause(verb: Token) -> bool:
    """"stage attacks while the crusaders are fighting": a subordinate clause with a temporal or causal conjunction
    describes the circumstances; it is not part of what is called for, threatened or denied (a report still covers
    it: "while shelling continues, ..., according to X")."""
    return verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in lexicon.SITUATION_MARKS
                                        for c in verb.children)


def _free_participle(verb: Token) -> bool:
    """A participle clause set off by a comma ("..., also claiming Y"): it modifies the main clause, wherever the
    parser hung it."""
    if verb.dep_ != "advcl" or verb.tag_ != "VBG" or any(c.dep_ in ("mark", "nsubj") for c in verb.children):
        return False
    edge = verb.left_edge.i
    return edge > 0 and verb.doc[edge - 1].text == ","


def _matrix_verb(verb: Token) -> Token:
    """The main verb an infinitive or conjoined verb chain hangs from ("urged X to arm and carry out" -> urged,
    "proclaimed itself to be" -> proclaimed); a finite complement clause ("said Y attacked") has its own subject."""
    for _ in range(6):
        infinitive = verb.dep_ == "ccomp" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        if not (verb.dep_ in ("xcomp", "conj") or infinitive) or verb.head.i == verb.i:
            break
        verb = verb.head
    return verb


def _own_modality(verb: Token) -> tuple[str, Token | None] | None:
    children = list(verb.children)
    if any(c.dep_ == "neg" for c in children):
        return "negated", None
    for child in children:
        if child.dep_ == "aux" and child.lower_ in lexicon.MODAL_AUX:
            return "hypothetical", None
        if child.dep_ == "mark" and child.lower_ in lexicon.CONDITIONAL_MARKS:
            return "hypothetical", None
        if child.dep_ == "prep" and child.lower_ == "according":
            source = next((g for c in child.children for g in c.children if g.dep_ == "pobj"), None)
            return "reported", source
    return None


def _is_operator(verb: Token) -> bool:
    lemma = verb.lemma_.lower()
    return lemma in lexicon.CALL_VERBS or lemma in lexicon.THREAT_VERBS or lemma in lexicon.INTENT_VERBS \
        or lemma in lexicon.NEGATING_VERBS or lemma in lexicon.REPORTING_VERBS or lemma in ("declare", "proclaim")


def _only_reports(verb: Token) -> bool:
    lemma = verb.lemma_.lower()
    return lemma in lexicon.REPORTING_VERBS and not (lemma in lexicon.CALL_VERBS or lemma in lexicon.THREAT_VERBS
                                                     or lemma in lexicon.INTENT_VERBS or lemma == "announce")


def _set_operator(event: EventCandidate, verb: Token, dep: str) -> None:
    lemma = verb.lemma_.lower()
    event.governor = verb
    if lemma == "call" and any(c.dep_ == "oprd" for c in verb.children):
        # "Macron called the explosion an attack": a naming, reported by whoever names it
        event.modality, event.source = "reported", clause_subject(verb)
        return
    if lemma in ("declare", "proclaim", "announce"):
        # A declared offensive or war is announced, not yet fought: a threat until it is reported as happening.
        if event.type in ("Attack", "MilitaryOperation", "Invasion", "Battle"):
            event.modality = "threatened"
        return
    if lemma in lexicon.CALL_VERBS and not (lemma == "tell" and dep == "ccomp"):
        event.modality = "called-for"
    elif lemma in lexicon.THREAT_VERBS:
        event.modality = "threatened"
    elif lemma in lexicon.NEGATING_VERBS:
        event.modality = "negated"
    elif lemma in lexicon.INTENT_VERBS:
        event.modality = "hypothetical"
    else:
        event.modality = "reported"
        event.source = clause_subject(verb)


CAUSE_TYPES = ("MilitaryOperation", "Attack", "Battle")


def _causes(event: EventCandidate, by_trigger: dict[int, EventCandidate], index: EntityIndex) -> None:
    """Deaths and injuries caused by an attack or operation: "the attack, which killed three people" (the attack as
    subject), "killed in IS attacks" (the attacker kills), "the death of X during a US operation" (the operation)."""
    if event.type not in ("Death", "Killing", "Injury"):
        return
    agent = next((t for r, t in event.args if r == "agent"), None)
    if agent is not None:
        cause = by_trigger.get(agent.i)
        if cause is not None and cause.type in CAUSE_TYPES:
            event.args = [(r, t) for r, t in event.args if not (r == "agent" and t.i == agent.i)]
            _caused_by(event, cause)
        return
    ancestors = {event.trigger.i} | {a.i for a in event.trigger.ancestors}
    for token in index.sentence(event.trigger):
        cause = by_trigger.get(token.i)
        if cause is None or cause is event or cause.type not in CAUSE_TYPES:
            continue
        prep = token.head
        if token.dep_ == "pobj" and prep.lower_ in ("during", "in", "amid", "by") and prep.head.i in ancestors:
            _caused_by(event, cause)
            return


def _caused_by(event: EventCandidate, cause: EventCandidate) -> None:
    """The operation or attack is what killed (the ``killed`` edge starts at it, see relations.event_relations); its
    agent is the killing's agent too."""
    if event.type == "Death":
        event.type = "Killing"
    event.cause = cause
    event.args.extend((r, t) for r, t in cause.args if r == "agent")
    if not any(r == "place" for r, _ in event.args):
        event.args.extend(a for a in cause.args if a[0] == "place")


def _child(token: Token, dep: str) -> Token | None:
    return next((c for c in token.children if c.dep_ == dep), None)


def _add_with_conj(add, role: str, token: Token | None) -> None:
    """The argument, the words conjoined with it and the ones it includes ("leftists, including Eva Forest")."""
    if token is None:
        return
    original, token = token, _content_head(token)
    add((role, token))
    for conj in token.conjuncts:
        if conj.i > token.i and conj.pos_ in ("NOUN", "PROPN", "PRON", "NUM"):
            add((role, _content_head(conj)))
    for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in ("including", "among")):
        member = _child(prep, "pobj")
        if member is not None:
            _add_with_conj(add, role, member)
    for clause in (c for c in {*original.children, *token.children} if c.dep_ == "relcl"
                   and c.lemma_.lower() == "include"):
        _add_with_conj(add, role, _child(clause, "dobj"))  # "a group of nobles that included Brutus and Cassius"


def _content_head(token: Token) -> Token:
    """"hundreds of hostages" -> hostages, "a number of people" -> people; a relative pronoun -> the noun its clause
    is about ("the men who were arrested" -> men)."""
    if token.lower_ in lexicon.RELATIVE_PRONOUNS and token.head.dep_ == "relcl" and token.dep_ != "poss":
        return token.head.head
    if token.lemma_.lower() in lexicon.QUANTITY_NOUNS or token.like_num:
        of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
        member = _child(of, "pobj") if of is not None else None
        if member is not None and member.pos_ in ("NOUN", "PROPN"):
            return member
    return token


