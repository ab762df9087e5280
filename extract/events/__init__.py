"""Event rules: triggers from the event types' lexicons (:mod:`.triggers`), their arguments from the dependency parse
(:mod:`.arguments` for verbs, places and instruments, :mod:`.nominal` for nouns, :mod:`.frames` for participants named
elsewhere in the sentence), modality from the words that govern them (:mod:`.modality`).

One pass per document, token based; an :class:`EventCandidate` holds tokens while the rules run and becomes an
:class:`~extract.model.Event` at the end.
"""

from __future__ import annotations

from spacy.matcher import Matcher
from spacy.tokens import Doc

from extract import lexicon
from extract.event_types import VIOLENT_TYPES
from extract.entities import EntityIndex
from extract.events.arguments import find_arguments
from extract.events.candidate import EventCandidate
from extract.events.modality import set_modality
from extract.events.syntax import clause_subject, is_place_noun
from extract.events.triggers import candidate_at, trigger_words

__all__ = ["EventCandidate", "clause_subject", "find_events", "is_place_noun", "trigger_words"]
CAUSE_TYPES = ("MilitaryOperation", "Attack", "Battle")


def find_events(doc: Doc, index: EntityIndex, matcher: Matcher) -> list[EventCandidate]:
    candidates = (candidate_at(doc[start]) for _, start, _ in matcher(doc))
    events = [e for e in candidates if e is not None]
    by_trigger = {e.trigger.i: e for e in events}
    for event in events:
        find_arguments(event, index)
        if event.trigger.lemma_.lower() not in lexicon.KILLER_NOUNS:  # "the assassin" names a deed that was done
            set_modality(event)
    index.name_persons(token for event in events if event.type in VIOLENT_TYPES
                       for role, token in event.args if role in ("agent", "victim", "target"))
    for event in events:
        _causes(event, by_trigger, index)
    _name_the_killer(events, index)
    return events


def _name_the_killer(events: list[EventCandidate], index: EntityIndex) -> None:
    """"the assassination of President Kennedy ... Oswald was the lone assassin": an agent noun without a victim names
    the agent of the agentless killing in its sentence."""
    for killer in events:
        if killer.trigger.lemma_.lower() not in lexicon.KILLER_NOUNS or killer.has("victim"):
            continue
        agent = killer.first("agent")
        sentence = index.sentence(killer.trigger)
        for event in events:
            if event is not killer and event.type == "Killing" and index.sentence(event.trigger) == sentence \
                    and agent is not None and not event.has("agent"):
                event.args.append(("agent", agent))


def _causes(event: EventCandidate, by_trigger: dict[int, EventCandidate], index: EntityIndex) -> None:
    """Deaths and injuries caused by an attack or operation: "the attack, which killed three people" (the attack as
    subject), "killed in IS attacks" (the attacker kills), "the death of X during a US operation" (the operation)."""
    if event.type not in ("Death", "Killing", "Injury"):
        return
    agent = event.first("agent")
    if agent is None:  # "the blast killed five": the subject was taken for a weapon
        agent = next((t for t in event.instruments if t.i in by_trigger), None)
    if agent is not None:
        cause = by_trigger.get(agent.i)
        if cause is not None and cause.type in CAUSE_TYPES:
            event.args = [(r, t) for r, t in event.args if not (r == "agent" and t.i == agent.i)]
            event.instruments = [t for t in event.instruments if t.i != agent.i]
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
    if not event.has("place"):
        event.args.extend(a for a in cause.args if a[0] == "place")
