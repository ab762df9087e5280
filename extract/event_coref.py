"""Event coreference inside one article: a definite noun that tells an event again ("the blast", "the attack", "the
attacks came …") is a further mention of that event, not a new event.

Runs as the component ``eventkg_event_coref``, after the event rules (and the learned layer, where there is one) and
before ``eventkg_relations``, on the candidates in ``doc.user_data["eventkg.events"]``: the list is replaced by one
candidate per event, whose ``mentions`` are the candidates merged into it (:func:`merge_mentions`). ``eventkg_relations``
then makes one :class:`~extract.model.Event` of each, with every mention's trigger and sentence
(``Event.mentions``), the arguments of all of them, and references to any of them (a killing caused by "the blast")
pointing to the one event.

A candidate joins an earlier event when all of these hold (each rule a small function below):

- it is **anaphoric**: a noun trigger with a definite or demonstrative determiner ("the", "this", "these"), and no
  word that makes it another event ("another", "a second", "new", "previous", …);
- the **types** agree (equal, or Killing and Death);
- both are told as **happening** (modality asserted or reported: "the attack they called for" is not the attack that
  happened);
- it is **near**: within :data:`WINDOW` sentences of the event's latest mention;
- nothing **conflicts**: where both name an agent, a target or a victim, they share one (the entity coreference
  resolved, else the same head word); where both name weapons, they share one; where both name a place, one place
  is the other or the other's country; where both have a resolved time, one contains the other; a name on the
  mention itself ("the Manchester bombing", "ETA's attack") must be among the event's participants.

Among the earlier events that qualify it joins the one mentioned latest. Deterministic: text order in, text order out.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable

from extract.entities import EntityIndex
from extract import lexicon
from extract.events import EventCandidate
from extract.model import TimeValue

WINDOW = 4  # sentences between an event's latest mention and the anaphoric one
ANAPHORIC_DETERMINERS = {"the", "this", "that", "these", "those"}
NEW_EVENT_WORDS = {"another", "second", "third", "new", "further", "other", "previous", "earlier", "first", "last",
                   "latest", "next", "similar", "separate", "more", "fresh", "recent", "past", "subsequent", "later"}
SAME_EVENT_TYPES = ({"Killing", "Death"},)
HAPPENING = {"asserted", "reported"}
COMPARED_ROLES = ("agent", "target", "victim")
NAMING_DEPS = ("compound", "nmod", "amod", "poss")  # "the Manchester bombing", "ETA's attack"

TimeOf = Callable[[EventCandidate], TimeValue | None]


def merge_mentions(candidates: list[EventCandidate], index: EntityIndex, time_of: TimeOf) -> list[EventCandidate]:
    """One candidate per event, in text order; an anaphoric candidate is appended to the ``mentions`` of the event it
    tells again, and its arguments join that event's."""
    events: list[EventCandidate] = []
    latest: dict[int, int] = {}  # id(event) -> sentence number of its latest mention
    merged: dict[int, EventCandidate] = {}  # id(merged candidate) -> the event it joined
    for candidate in sorted(candidates, key=lambda c: c.trigger.i):
        sentence = _sentence_number(index, candidate)
        event = _antecedent(candidate, sentence, events, latest, index, time_of) if _anaphoric(candidate) else None
        if event is None:
            events.append(candidate)
            event = candidate
        else:
            _absorb(event, candidate)
            merged[id(candidate)] = event
        latest[id(event)] = sentence
    for event in events:  # "the blast killed five": the killing's cause is the one event
        if event.cause is not None:
            event.cause = merged.get(id(event.cause), event.cause)
    return events


def _anaphoric(candidate: EventCandidate) -> bool:
    trigger = candidate.trigger
    if trigger.pos_ not in ("NOUN", "PROPN"):
        return False
    words = {c.lower_ for c in trigger.children if c.dep_ in ("det", "amod", "advmod", "nummod", "compound")}
    return bool(words & ANAPHORIC_DETERMINERS) and not words & NEW_EVENT_WORDS


def _antecedent(candidate: EventCandidate, sentence: int, events: list[EventCandidate], latest: dict[int, int],
                index: EntityIndex, time_of: TimeOf) -> EventCandidate | None:
    """The latest-mentioned earlier event that the candidate may tell again."""
    for event in sorted(events, key=lambda e: -latest[id(e)]):
        if sentence - latest[id(event)] > WINDOW:
            break
        if _types_agree(event, candidate) and _both_happening(event, candidate) \
                and not _conflict(event, candidate, index, time_of):
            return event
    return None


def _types_agree(a: EventCandidate, b: EventCandidate) -> bool:
    return a.type == b.type or any({a.type, b.type} <= same for same in SAME_EVENT_TYPES)


def _both_happening(a: EventCandidate, b: EventCandidate) -> bool:
    return a.modality in HAPPENING and b.modality in HAPPENING


def _conflict(a: EventCandidate, b: EventCandidate, index: EntityIndex, time_of: TimeOf) -> bool:
    for role in COMPARED_ROLES:
        mine, theirs = _participants(a, role, index), _participants(b, role, index)
        if mine and theirs and not mine & theirs:
            return True
    weapons_a, weapons_b = (_weapons(c) for c in (a, b))
    if weapons_a and weapons_b and not weapons_a & weapons_b:
        return True  # "the suicide bombing" is not "the van-and-knife attack"
    named = _named_by(b, index)
    if named and not named & {index.entity_at(t) for _, t in a.args}:
        return True  # "the Manchester bombing" tells an event in Manchester: not one whose place is unknown
    places_a, places_b = _places(a, index), _places(b, index)
    if places_a and places_b and not any(_same_place(p, q, index) for p in places_a for q in places_b):
        return True
    return _times_conflict(time_of(a), time_of(b))


def _times_conflict(a: TimeValue | None, b: TimeValue | None) -> bool:
    """Resolved times conflict unless one contains the other (2022-02 and 2022-02-24); unresolved ones ("Saturday" and
    "May 22", no publication date) unless their words are the same."""
    if a is None or b is None:
        return False
    if a.value and b.value:
        return not (a.value.startswith(b.value) or b.value.startswith(a.value))
    return a.text.lower() != b.text.lower()


def _weapons(candidate: EventCandidate) -> set[str]:
    """Instruments and weapon words on the trigger ("the van-and-knife attack")."""
    words = {t.lemma_.lower() for t in candidate.instruments}
    return words | {c.lemma_.lower() for c in candidate.trigger.children
                    if c.dep_ in NAMING_DEPS and c.lemma_.lower() in lexicon.WEAPONS}


def _participants(candidate: EventCandidate, role: str, index: EntityIndex) -> set[str]:
    """Who fills a role: the entity coreference resolved, else the head word ("five" people, "a bus")."""
    return {index.entity_at(token) or token.lemma_.lower() for r, token in candidate.args if r == role}


def _named_by(candidate: EventCandidate, index: EntityIndex) -> set[str]:
    """The entities a trigger's own modifiers name ("the Manchester bombing", "the IRA's attacks")."""
    return {key for c in candidate.trigger.children
            if c.dep_ in NAMING_DEPS and (key := index.token_entity.get(c.i)) is not None}


def _places(candidate: EventCandidate, index: EntityIndex) -> set[str]:
    """Place entities, also named inside a place noun ("in the London Bridge district")."""
    tokens = [t for r, t in candidate.args if r == "place"]
    tokens += [c for t in tokens for c in t.children if c.dep_ in ("compound", "nmod")]
    return {key for t in tokens if (key := index.entity_at(t)) is not None
            and index.entities[key].type == "Place"}


def _same_place(a: str, b: str, index: EntityIndex) -> bool:
    """The same place, or one is the country of the other ("in Kabul" and "in Afghanistan")."""
    if a == b:
        return True
    first, second = index.entities[a], index.entities[b]
    return first.country == second.label or second.country == first.label


def _absorb(event: EventCandidate, mention: EventCandidate) -> None:
    """The mention joins the event: its arguments and instruments are the event's too (the same filler once)."""
    event.mentions.append(mention)
    known = {(role, token.i) for role, token in event.args}
    event.args.extend(arg for arg in mention.args if (arg[0], arg[1].i) not in known)
    event.instruments.extend(t for t in mention.instruments if t.i not in {i.i for i in event.instruments})
    event.confidence = max(event.confidence, mention.confidence)
    if event.cause is None:
        event.cause = mention.cause


def _sentence_number(index: EntityIndex, candidate: EventCandidate) -> int:
    return bisect_right(index.sentence_starts, candidate.trigger.i) - 1
