"""Relations: direct edges from events (``killed``, ``calledFor`` …) and standing relations from appositions, titles
and affiliation phrases (``spokespersonOf``, ``leaderOf``, ``worksFor``, ``affiliatedWith`` …)."""

from __future__ import annotations

from spacy.matcher import Matcher
from spacy.tokens import Doc, Token
from spacy.vocab import Vocab

from extract import lexicon
from extract.entities import EntityIndex
from extract.event_types import EVENT_EDGES  # type -> (predicate, role of its object); the subject is the agent
from extract.gazetteer import fold
from extract.model import Argument, Event, Relation, Span

# Edges about what happened are only drawn for events that happened (or are reported to have).
FACTUAL = {"asserted", "reported"}
# Edges about speech acts that a spokesperson or leader makes on an organisation's behalf.
SPOKEN_FOR = {"calledFor", "threatened", "declared", "proclaimed"}
# An agentless passive ("was arrested") still says who was affected: such edges keep subject None (someone).
AGENTLESS_OK = {"attacked", "killed", "injured", "arrested"}


def event_relations(events: list[Event], causes: dict[str, str], index: EntityIndex) -> list[Relation]:
    """Edges from each event's agent to its object; ``causes`` maps a killing's id to the event that caused it."""
    relations = _shootings_that_killed(events, _named_people(index))
    for event in events:
        if event.type not in EVENT_EDGES:
            continue
        predicate, role = EVENT_EDGES[event.type]
        speech_act = role == "topic"
        if not speech_act and event.modality not in FACTUAL:
            continue
        objects = [a.entity for a in event.args(role) if a.entity]
        if event.type == "Threat" and not objects:
            objects = [a.entity for a in event.args("target") if a.entity]
        subjects = [a.entity for a in event.args("agent") if a.entity]
        if event.id in causes:
            subjects = [causes[event.id]]
        if not subjects and predicate in AGENTLESS_OK:
            subjects = [None]
        for subject in subjects:
            for obj in objects:
                if subject != obj:
                    relations.append(Relation(subject, predicate, obj, event=event.id, confidence=event.confidence))
    return relations


def _shootings_that_killed(events: list[Event], people: set[str]) -> list[Relation]:
    """"Sirhan shot Kennedy", "Lincoln was shot by Booth": one named person shooting another is, in news, nearly
    always told because the victim died, so the shooting also yields ``killed`` (at a lower confidence than a stated
    killing), unless the sentence tells of wounds or survival, or the shots were fired "at" someone (who may have been
    missed). Groups, unnamed gunmen and police firing on crowds keep ``attacked`` only."""
    out = []
    for event in events:
        if event.type != "Attack" or event.modality not in FACTUAL or \
                event.trigger.text.lower() not in lexicon.SHOOTING_FORMS or lexicon.SURVIVED.search(event.sentence.text):
            continue
        agents = {a.entity for a in event.args("agent")}
        targets = {a.entity for a in event.args("target") if not _fired_at(event, a)}
        for subject in sorted(agents & people):
            for obj in sorted((targets & people) - {subject}):
                out.append(Relation(subject, "killed", obj, event=event.id, confidence=round(event.confidence * 0.75, 2)))
    return out


def _fired_at(event: Event, argument: Argument) -> bool:
    """"fired at X", "shot at X": shots aimed at someone, who may have been missed."""
    sentence = event.sentence
    if not sentence.start <= argument.start <= sentence.end:
        return False  # an argument from a later mention of the event
    return sentence.text[: argument.start - sentence.start].rstrip().lower().endswith((" at", " on", " upon"))


def _named_people(index: EntityIndex) -> set[str]:
    """Persons the text names (not "the gunman", "a man": unnamed actors carry the noun that describes them)."""
    return {key for i, key in index.token_entity.items() if index.entities[key].type == "Person"
            and (index.doc[i].ent_type_ == "PERSON" or index.entities[key].description is None)}


def spoken_for(relations: list[Relation]) -> list[Relation]:
    """A spokesperson's or leader's call is also the organisation's call."""
    speaks_for = {}
    for r in relations:
        if r.predicate in ("spokespersonOf", "leaderOf") and r.event is None:
            speaks_for.setdefault(r.subject, []).append(r.object)
    derived = []
    for r in relations:
        if r.predicate in SPOKEN_FOR:
            for org in speaks_for.get(r.subject, ()):
                derived.append(Relation(org, r.predicate, r.object, event=r.event, confidence=round(r.confidence * 0.9, 2)))
    return derived


def relation_words(vocab: Vocab, titles: dict[str, str]) -> Matcher:
    """A matcher for title and affiliation words, the only tokens standing relations start from."""
    words = {w for w in titles if " " not in w} | lexicon.AFFILIATION_WORDS
    matcher = Matcher(vocab)
    matcher.add("RELATION", [[{"LEMMA": {"IN": sorted(words | {w.capitalize() for w in words})}}]])
    return matcher


def standing_relations(doc: Doc, index: EntityIndex, matcher: Matcher) -> list[Relation]:
    relations = []
    titles = index.gazetteer.titles
    for _, start, _ in matcher(doc):
        token = doc[start]
        lemma = token.lemma_.lower()
        if lemma in titles and token.pos_ == "NOUN":
            relations.extend(_title_relations(token, index))
        elif lemma in lexicon.AFFILIATION_WORDS and token.dep_ in ("acl", "amod", "relcl"):
            relations.extend(_affiliation(token, index))
    relations.extend(_located_in(index))
    relations.extend(_person_of_organisation(index))
    return relations


def _person_of_organisation(index: EntityIndex) -> list[Relation]:
    """"Sam Kadet of the law firm Skadden", "John Smith at the FBI": a named person's of/at phrase names an employer."""
    out = []
    for span in {s.start: s for s in index.mention_spans.values()}.values():
        person = index.token_entity[span.start]
        if index.entities[person].type != "Person":
            continue
        for prep in (c for c in span.root.children if c.dep_ == "prep" and c.lower_ in ("of", "at", "from")):
            obj = index.entity_at(_pobj(prep)) if _pobj(prep) is not None else None
            if obj and index.entities[obj].type == "Organization":
                out.append(Relation(person, "worksFor", obj, event=None, confidence=0.6,
                                    evidence=_sentence(span.root, index)))
    return out


def _pobj(prep: Token) -> Token | None:
    return next((g for g in prep.children if g.dep_ == "pobj"), None)


def _title_relations(title: Token, index: EntityIndex) -> list[Relation]:
    """"Abu-Omar al-Muhajir, a spokesperson for the group", "Russian president Vladimir Putin", "its founder X",
    "ISIS sympathisers"."""
    holders = []
    if title.dep_ in ("appos", "compound") and _typed(index, title.head, "Person"):
        holders.append(title.head)
    holders.extend(c for c in title.children if c.dep_ == "appos" and _typed(index, c, "Person"))
    if title.dep_ == "attr":
        holders.extend(c for c in title.head.children if c.dep_ == "nsubj" and _typed(index, c, "Person"))
    people_noun = not holders and title.lemma_.lower() in lexicon.PEOPLE_NOUNS
    organisations = []
    for child in title.children:
        if child.dep_ == "prep" and child.lower_ in ("of", "for", "at", "with", "in", "to"):
            organisations.extend(g for g in child.children if g.dep_ == "pobj")
        elif child.dep_ == "poss" or (child.dep_ in ("compound", "amod", "nmod") and
                                      (child.ent_type_ or child.text in index.gazetteer.demonyms)):
            organisations.append(child)
    if people_noun and organisations:
        holders = [title]
    role, predicate = _role(title, index)
    out = []
    for holder in holders:
        subject = index.entity_at(holder)
        for org_token in organisations:
            obj = index.entity_at(org_token) or index.demonym_entity(org_token)
            if subject is None or obj is None or obj == subject:
                continue
            obj_type = index.entities[obj].type
            if obj_type == "Person" or (obj_type == "Place" and predicate not in ("leaderOf", "memberOf")):
                continue
            out.append(Relation(subject, predicate, obj, event=None, confidence=0.75,
                                evidence=_sentence(title, index), role=role))
    return out


def _role(title: Token, index: EntityIndex) -> tuple[str, str]:
    titles = index.gazetteer.titles
    lemma = title.lemma_.lower()
    for child in title.children:
        two = f"{child.lower_} {lemma}"
        if child.dep_ in ("amod", "compound") and two in titles:
            return two, titles[two]
    return lemma, titles.get(lemma, "affiliatedWith")


def _affiliation(word: Token, index: EntityIndex) -> list[Relation]:
    """"a Palestinian man linked to ISIS", "militants loyal to the group"."""
    actor = word.head
    subject = index.entity_at(actor)
    if subject is None:
        return []
    predicate = "memberOf" if word.lemma_.lower() in lexicon.MEMBERSHIP_WORDS else "affiliatedWith"
    out = []
    for prep in (c for c in word.children if c.dep_ in ("prep", "agent") and c.lower_ in ("to", "with", "by")):
        for obj_token in (g for g in prep.children if g.dep_ == "pobj"):
            obj = index.entity_at(obj_token)
            if obj and obj != subject and index.entities[obj].type in ("Organization", "Group"):
                out.append(Relation(subject, predicate, obj, event=None, confidence=0.7, evidence=_sentence(word, index)))
    return out


def _located_in(index: EntityIndex) -> list[Relation]:
    """A place is in its country when the article names both."""
    countries = {fold(e.label): e.id for e in index.entities.values() if e.type == "Place" and e.country is None}
    out = []
    for entity in index.entities.values():
        country = countries.get(fold(entity.country)) if entity.type == "Place" and entity.country else None
        if country and country != entity.id:
            out.append(Relation(entity.id, "locatedIn", country, event=None, confidence=0.9))
    return out + _written_located_in(index)


def _written_located_in(index: EntityIndex) -> list[Relation]:
    """What the text says: "Bethany, Conn.", "Springfield, Illinois", "Hadera in Israel"."""
    doc, out = index.doc, []
    places = {s.start: s for s in index.mention_spans.values()
              if index.entities[index.token_entity[s.start]].type == "Place"}
    for start, inner in sorted(places.items()):
        end = inner.end
        outer = None
        if end + 1 < len(doc) and doc[end].text == "," and end + 1 in places:
            outer = places[end + 1]
            after = outer.end
            if outer.root.dep_ == "conj" or (after < len(doc) and doc[after].lower_ in ("and", "or")):
                continue  # "Beer Sheva, Hadera and Jaffa" is a list, not a place in a place
        elif end + 1 < len(doc) and doc[end].lower_ == "in" and end + 1 in places and doc[end].head.i == inner.root.i:
            outer = places[end + 1]
        if outer is not None:
            subject, obj = index.token_entity[inner.start], index.token_entity[outer.start]
            if subject != obj:
                out.append(Relation(subject, "locatedIn", obj, event=None, confidence=0.7,
                                    evidence=_sentence(inner.root, index)))
    return out


def _typed(index: EntityIndex, token: Token, etype: str) -> bool:
    key = index.token_entity.get(token.i)
    return key is not None and index.entities[key].type == etype


def _sentence(token: Token, index: EntityIndex) -> Span:
    sent = index.sentence(token)
    return Span(sent.text, sent.start_char, sent.end_char)
