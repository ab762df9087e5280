"""Frames that name a participant outside the trigger's own phrase: commanders and accomplices ("on the orders of X",
"conspired with X in"), who bears an injury ("suffered wounds"), who gets a warning ("issued a warning to X"), "left X
dead", verdicts and blame ("X was convicted of the killing"), and the verb a nominal trigger is the means of ("killed
six in two attacks")."""

from __future__ import annotations

from spacy.tokens import Token

from extract import lexicon
from extract.event_types import HARM_TYPES, PATIENT_ROLE, VERB_INDEX
from extract.events.candidate import EventCandidate
from extract.events.syntax import add_with_conj, by_agent, clause_subject, dep_child, governing_verb, of_object


def commanders_and_accomplices(event: EventCandidate) -> None:
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
        add_with_conj(add, "agent", clause_subject(verb) or dep_child(verb, "nsubjpass"))  # "X was involved in"


def injury_bearer(event: EventCandidate) -> None:
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


def delivery_arguments(event: EventCandidate, verb: Token) -> None:
    """"warnings were given to the police", "employees were given an ultimatum by their bosses", "police issued a
    warning to residents": who gets the message is the target, who gives it the agent."""
    add = event.args.append
    to_phrase = next((dep_child(c, "pobj") for c in verb.children if c.dep_ in ("prep", "dative") and c.lower_ == "to"),
                     None)
    add_with_conj(add, "target", to_phrase or dep_child(verb, "dative"))
    if any(c.dep_ == "auxpass" for c in verb.children):
        if event.trigger.dep_ == "dobj":
            add_with_conj(add, "target", dep_child(verb, "nsubjpass"))
        if not event.has("agent"):
            agent = by_agent(verb)
            add_with_conj(add, "agent", agent)
    elif not event.has("agent"):
        add_with_conj(add, "agent" if verb.lemma_.lower() != "receive" else "target", clause_subject(verb))


def left_dead(event: EventCandidate, leave: Token) -> None:
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


def convicted_agent(event: EventCandidate) -> None:
    """"X was convicted of (the) killing (of) Y", "X, suspected of the assassination of Y", "charged in", "went on
    trial for", "pleaded guilty to", "serving a sentence for the killing of Y": the person the verdict or suspicion is
    about did the deed; "the bombing was blamed on X", "blamed X for the bombing": so did X."""
    if event.has("agent"):
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


def enclosing_event_verb(trigger: Token) -> Token | None:
    """For "X killed six people in two attacks": the verb whose prepositional phrase holds the nominal trigger."""
    node = trigger
    for _ in range(4):
        if node.dep_ == "pobj" and node.head.lower_ in ("in", "during", "with"):
            node = node.head.head
            if node.dep_ in ("dobj", "nsubjpass") and node.head.pos_ == "VERB":
                node = node.head
            if node.pos_ == "VERB" and VERB_INDEX.get(node.lemma_.lower()) in HARM_TYPES \
                    and node.lemma_.lower() not in lexicon.VICTIM_SUBJECT_VERBS:
                return node
            continue
        return None
    return None
