"""The spaCy components of the extractor, each doing one thing, composed in :func:`extract.pipeline.build_nlp`:

``eventkg_lines``     (before the parser) a line break (what the re-flow left of them) ends a sentence
``entity_ruler``      (before ``ner``) gazetteer names: armed groups and their aliases, countries, place overrides
``eventkg_entities``  mentions -> entities with stable keys; name parts, aliases, pronouns, unnamed actors
``eventkg_times``     DATE/TIME expressions resolved against the publication date
``eventkg_events``    triggers, arguments, modality, time of each event
``eventkg_learned``   (:mod:`extract.learned`) drops candidates the model finds not real, relabels or drops arguments,
                      sets calibrated confidences
``eventkg_event_coref`` later definite mentions of an event ("the blast") merged into it (``extract/event_coref.py``)
``eventkg_relations`` event edges and standing relations; leaves the :class:`Extraction` in ``doc.user_data``

The tokenizer reads a same-length prepared copy of the text (true-cased capitals, re-flowed lines, boilerplate blanked:
:mod:`extract.prepare`); the extraction's texts are sliced from the original at the end.

State passes between components in ``doc.user_data`` under ``eventkg.*`` keys; the last component replaces it with the
extraction. Documents never cross process boundaries: with several workers, each extracts whole batches of articles
(:func:`extract.pipeline.Extractor.extract_many`).
"""

from __future__ import annotations

from collections import defaultdict

from spacy.language import Language
from spacy.tokens import Doc

from extract import coref, event_coref, lexicon
from extract.entities import build_index, local_key, noun_phrase
from extract.events import find_events, is_place_noun, trigger_words
from extract.gazetteer import Gazetteer
from extract.model import Argument, Entity, Event, EventMention, Extraction, Relation, Span, TimeValue
from extract.prepare import Preparer
from extract.relations import event_relations, relation_words, spoken_for, standing_relations
from extract.timex import resolve

ARTICLE = "eventkg.article"  # article id, set by the Extractor before the pipe
PUBLISHED = "eventkg.published"  # ISO publication date or None
RESULT = "eventkg.extraction"  # the Extraction (its id still empty), set by the last component
_INDEX, _TIMES, _EVENTS = "eventkg.index", "eventkg.times", "eventkg.events"
_CALIBRATED = "eventkg.calibrated"  # ids of the candidates whose confidence the learned layer set
ORIGINAL = "eventkg.original"  # the article's text when the Doc was made from a prepared copy


class PreparingTokenizer:
    """The pipeline's tokenizer on the prepared copy of each text (:mod:`extract.prepare`); the copy has the same
    length, so token offsets are offsets into the original, which rides on the Doc."""

    def __init__(self, nlp: Language):
        self.tokenizer = nlp.tokenizer
        self.prepare = Preparer(nlp)

    def __call__(self, text: str) -> Doc:
        prepared = self.prepare(text)
        doc = self.tokenizer(prepared)
        if prepared != text:
            doc.user_data[ORIGINAL] = text
        return doc

    def pipe(self, texts, batch_size: int = 1000):
        return (self(text) for text in texts)


@Language.component("eventkg_lines")
def mark_line_breaks(doc: Doc) -> Doc:
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.component("eventkg_entities")
def resolve_entities(doc: Doc) -> Doc:
    index = build_index(doc, doc.user_data.get(ARTICLE, "article"), Gazetteer.load())
    coref.resolve(index)
    doc.user_data[_INDEX] = index
    return doc


@Language.component("eventkg_times")
def resolve_times(doc: Doc) -> Doc:
    published = doc.user_data.get(PUBLISHED)
    doc.user_data[_TIMES] = [(ent, TimeValue(ent.text, resolve(ent.text, published)))
                             for ent in doc.ents if ent.label_ in ("DATE", "TIME")]
    return doc


@Language.factory("eventkg_events")
def make_event_detector(nlp: Language, name: str):
    matcher = trigger_words(nlp.vocab)

    def detect_events(doc: Doc) -> Doc:
        doc.user_data[_EVENTS] = find_events(doc, doc.user_data[_INDEX], matcher)
        return doc

    return detect_events


@Language.component("eventkg_event_coref")
def merge_event_mentions(doc: Doc) -> Doc:
    index, times = doc.user_data[_INDEX], doc.user_data[_TIMES]

    def time_of(candidate) -> TimeValue | None:
        return _time_of(candidate, times, index.sentence(candidate.trigger))

    doc.user_data[_EVENTS] = event_coref.merge_mentions(doc.user_data[_EVENTS], index, time_of)
    return doc


@Language.factory("eventkg_relations")
def make_relater(nlp: Language, name: str):
    matcher = relation_words(nlp.vocab, Gazetteer.load().titles)

    def relate_and_finish(doc: Doc) -> Doc:
        return relate(doc, matcher)

    return relate_and_finish


def relate(doc: Doc, matcher) -> Doc:
    """Events with ids, arguments and times; relations; the :class:`Extraction` replaces the working state."""
    index = doc.user_data.pop(_INDEX)
    times = doc.user_data.pop(_TIMES)
    candidates = sorted(doc.user_data.pop(_EVENTS), key=lambda e: e.trigger.i)
    calibrated = doc.user_data.pop(_CALIBRATED, set())  # confidences the learned layer set (extract.learned)
    ids = {id(c): f"ev{n}" for n, c in enumerate(candidates, start=1)}
    by_trigger = {m.trigger.i: ids[id(c)] for c in candidates for m in (c, *c.mentions)}
    governed = defaultdict(list)  # a governor token -> the mentions it governs, in text order, with their events
    for order, (c, m) in enumerate((c, m) for c in candidates for m in (c, *c.mentions)):
        if m.governor is not None:
            governed[m.governor.i].append((order, c, m))
    events = [_event(c, ids[id(c)], index, times, governed, by_trigger, id(c) in calibrated)
              for c in candidates]
    causes = {ids[id(c)]: ids[id(c.cause)] for c in candidates if c.cause is not None}
    relations = standing_relations(doc, index, matcher)
    relations += event_relations(events, causes, index)
    relations += spoken_for(relations)
    extraction = Extraction(
        id="",
        entities=sorted((e for e in index.entities.values() if e.mentions),
                        key=lambda e: (min(m.start for m in e.mentions), e.id)),
        events=events,
        relations=_ordered(relations, events, index),
    )
    for entity in extraction.entities:
        entity.mentions.sort(key=lambda m: (m.start, m.end))
        entity.references.sort(key=lambda m: (m.start, m.end))
    if ORIGINAL in doc.user_data:
        _original_texts(extraction, doc.user_data.pop(ORIGINAL))
    doc.user_data[RESULT] = extraction
    return doc


def _event(candidate, event_id, index, times, governed, by_trigger, calibrated=False) -> Event:
    trigger = candidate.trigger
    arguments, seen = [], set()
    for role, token in candidate.args:
        entity = index.entity_at(token)
        if entity is None and token.lower_ in lexicon.VAGUE_PRONOUNS:
            continue  # "someone", "it" say nothing about who
        if role == "agent" and entity is None and token.lemma_.lower() in lexicon.WEAPONS:
            role = "instrument"  # "a bomb killed five people", "a stray bullet hit the boy"
        is_place = entity is not None and index.entities[entity].type == "Place"
        if role == "victim" and is_place:
            continue  # a place is where, never who died
        if role == "target" and entity is None and candidate.type in ("CallForAction", "Threat"):
            continue  # "ordered the departure": whom a call or threat is addressed to is someone
        if role == "place" and not is_place and (entity is not None or not is_place_noun(token)):
            continue
        span = index.span_of(token)
        key = (role, entity or span.start_char)
        if key not in seen:
            seen.add(key)
            arguments.append(Argument(role, span.text, span.start_char, span.end_char, entity))
    for token in candidate.instruments:
        span = index.span_of(token)
        if ("instrument", span.start_char) not in seen:
            seen.add(("instrument", span.start_char))
            arguments.append(Argument("instrument", span.text, span.start_char, span.end_char, None))
    told = (candidate, *candidate.mentions)
    own = {m.trigger.i for m in told}
    # looked up by governor, not by scanning every candidate (which made long articles quadratic)
    topics = sorted((x for i in own for x in governed.get(i, ()) if x[1] is not candidate), key=lambda x: x[0])
    for _, _, other in topics:
        topic = by_trigger[other.trigger.i]
        if ("topic", topic) not in seen:
            seen.add(("topic", topic))
            arguments.append(Argument("topic", other.trigger.text, other.trigger.idx,
                                      other.trigger.idx + len(other.trigger.text), topic))
    if candidate.type == "Proclamation":
        arguments.extend(_proclaimed(candidate, index))
    confidence = candidate.confidence - (0.1 if not arguments and not calibrated else 0.0)
    source = index.entity_at(candidate.source) if candidate.source is not None else None
    mentions = [_mention(m.trigger, index) for m in told]
    return Event(
        id=event_id, type=candidate.type, modality=candidate.modality,
        trigger=mentions[0].trigger, sentence=mentions[0].sentence, mentions=mentions,
        arguments=sorted(arguments, key=lambda a: (a.start, a.role)),
        time=next((t for m in told if (t := _time_of(m, times, index.sentence(m.trigger))) is not None), None),
        confidence=round(confidence, 2), source=source,
    )


def _mention(trigger, index) -> EventMention:
    sent = index.sentence(trigger)
    return EventMention(Span(trigger.text, trigger.idx, trigger.idx + len(trigger.text)),
                        Span(sent.text, sent.start_char, sent.end_char))


def _original_texts(extraction: Extraction, text: str) -> None:
    """Every span's text as the article writes it (the Doc was made from a prepared copy of the same length); labels
    keep the prepared form ("Guatemala" for GUATEMALA)."""

    def original(span: Span) -> Span:
        return Span(text[span.start:span.end], span.start, span.end)

    for entity in extraction.entities:
        entity.mentions = [original(m) for m in entity.mentions]
        entity.references = [original(m) for m in entity.references]
    for event in extraction.events:
        event.trigger, event.sentence = original(event.trigger), original(event.sentence)
        event.mentions = [EventMention(original(m.trigger), original(m.sentence)) for m in event.mentions]
        for argument in event.arguments:
            argument.text = text[argument.start:argument.end]
    for relation in extraction.relations:
        if relation.evidence is not None:
            relation.evidence = original(relation.evidence)


def _proclaimed(candidate, index) -> list[Argument]:
    """What was proclaimed: "proclaimed a caliphate", "proclaimed itself (to be) a caliphate"."""
    trigger = candidate.trigger
    thing = next((c for c in trigger.children if c.dep_ in ("dobj", "oprd") and c.pos_ == "NOUN"), None)
    if thing is None:
        thing = next((g for c in trigger.children if c.dep_ in ("ccomp", "xcomp", "oprd")
                      for g in c.children if g.dep_ in ("attr", "oprd", "dobj") and g.pos_ == "NOUN"), None)
    if thing is None:
        return []
    phrase = noun_phrase(thing)
    words = " ".join(t.text for t in phrase if t.dep_ not in ("det", "poss"))
    key = local_key("Organization", words, index.article)
    entity = index.entities.setdefault(key, Entity(id=key, label=words, type="Organization",
                                                   description=thing.lemma_.lower()))
    entity.mentions.append(Span(phrase.text, phrase.start_char, phrase.end_char))
    return [Argument("topic", phrase.text, phrase.start_char, phrase.end_char, key)]


def _time_of(candidate, times, sent) -> TimeValue | None:
    """The time expression attached to the event's clause, else the closest resolved one in its sentence."""
    trigger = candidate.trigger
    heads = {trigger.i, candidate.anchor.i}
    best, best_score = None, None
    for span, value in times:
        if span.start < sent.start or span.end > sent.end:
            continue
        root = span.root
        attached = bool({root.head.i, root.head.head.i} & heads) or root.head.i in heads
        score = (not attached, value.value is None, abs(root.i - trigger.i))
        if best_score is None or score < best_score:
            best, best_score = value, score
    return best


def _ordered(relations: list[Relation], events: list[Event], index) -> list[Relation]:
    """Without duplicates, by first offset then id: the event's trigger, else the evidence or the subject's mention."""
    starts = {e.id: e.trigger.start for e in events}
    starts.update({k: min(m.start for m in e.mentions) for k, e in index.entities.items() if e.mentions})
    unique = {}
    for r in relations:
        unique.setdefault((r.subject, r.predicate, r.object, r.event), r)

    def key(r: Relation):
        start = starts.get(r.event) if r.event else (r.evidence.start if r.evidence else starts.get(r.subject, 0))
        return (start or 0, r.subject or "", r.predicate, r.object)

    return sorted(unique.values(), key=key)
