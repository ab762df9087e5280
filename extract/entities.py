"""Entity resolution inside one article: NER and gazetteer mentions become entities with stable keys; name parts,
aliases ("X, also known as Y"), pronouns and group anaphora ("the terrorist group") resolve to them; unnamed actors
("ISIS sympathisers", "a Palestinian man", "six people") become entities on demand.

Keys: gazetteer entries keep their id (``organization/isis``, ``place/geonames-163843``); other named entities get
``<type>/<slug of the canonical name>``; unnamed actors are local to the article: ``group/<slug>@<article>`` (see
``local_key``).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from spacy.tokens import Doc, Span as SpacySpan, Token

from extract import lexicon
from extract.gazetteer import Gazetteer, GazetteerEntry, fold, slug
from extract.model import Entity, Span, name_text

if TYPE_CHECKING:
    from extract.coref import Referent

_NAMED = {"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"}
_ALIAS_GLUE = re.compile(r"^\s*,?\s*(?:\(\s*)?(?:also\s+|better\s+)?(?:known\s+as|a\.?k\.?a\.?|alias|nicknamed|dubbed)\s+$",
                         re.IGNORECASE)
_NAME_PARTICLES = {"al", "el", "bin", "ibn", "abu", "abd", "the", "de", "van", "von", "da"}
# NER labels the small model gives unfamiliar names ("Lennon" a facility, "Atahualpa" a work of art) that make no entity.
UNSURE_LABELS = frozenset({"", "FAC", "WORK_OF_ART", "PRODUCT", "EVENT", "LAW"})


def local_key(etype: str, label: str, article: str) -> str:
    """The key of an entity that is local to its article (an unnamed actor): ``group/police@wire-2022-03-attack``.

    An article id that is not its own slug gets 8 hex of its sha256 as well, after a "~" (which no slug holds, so no
    other id's scope can be the same), else "news/1" and "news-1" (or two ids in another script) would share their
    police:

    >>> local_key("Group", "Police", "wire-2022-03-attack"), local_key("Group", "Police", "news/1")
    ('group/police@wire-2022-03-attack', 'group/police@news-1~101ac677')
    """
    scope = slug(article)
    if scope != article:
        scope = f"{scope}~{hashlib.sha256(article.encode()).hexdigest()[:8]}"
    return f"{etype.lower()}/{slug(label)}@{scope}"


@dataclass
class EntityIndex:
    """The entities of one document and which tokens mention them."""

    doc: Doc
    article: str
    gazetteer: Gazetteer
    entities: dict[str, Entity] = field(default_factory=dict)
    token_entity: dict[int, str] = field(default_factory=dict)
    mention_spans: dict[int, SpacySpan] = field(default_factory=dict)  # token index -> the mention's span
    main_group: str | None = None
    coref: dict[int, Referent] = field(default_factory=dict)  # token index -> referent (extract/coref.py)
    sentence_starts: list[int] = field(default_factory=list)
    sentences: list[SpacySpan] = field(default_factory=list)

    def sentence(self, token: Token) -> SpacySpan:
        """The sentence of a token (``token.sent`` walks the parse each time; this looks it up)."""
        return self.sentences[bisect_right(self.sentence_starts, token.i) - 1]

    def entity_at(self, token: Token) -> str | None:
        """The entity a token refers to: its mention, what coreference resolved it to (a pronoun's antecedent, what a
        description or apposition describes), or a new unnamed actor for a people noun."""
        if token.i in self.token_entity:
            return self.token_entity[token.i]
        referent = self.coref.get(token.i)
        if referent is not None:
            return self.referent_entity(referent)
        # "Oswald, the man who ..." is Oswald; "a guard, two cooks and a driver" is a list read as an apposition
        if token.dep_ == "appos" and token.head.i in self.token_entity \
                and not any(c.dep_ == "conj" for c in token.children):
            return self.token_entity[token.head.i]
        if token.lower_ in lexicon.RELATIVE_PRONOUNS and token.head.dep_ in ("relcl", "acl") \
                and token.head.head.i != token.i:
            return self.entity_at(token.head.head)
        if token.pos_ in ("NOUN", "PROPN") and (token.lemma_.lower() in lexicon.PEOPLE_NOUNS or
                                                token.ent_type_ == "NORP" and token.tag_ in ("NNS", "NNPS")):
            return self.actor(token)  # "a gunman", "residents", "Venezuelans"
        if token.like_num and token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj"):
            return self.actor(token)
        return None

    def add_mention(self, entity: Entity, span: SpacySpan, tokens: SpacySpan | None = None) -> None:
        """A name mention: ``entity`` joins the index, ``span`` its mentions, and every token of ``tokens`` (the
        mention itself unless given) refers to it, named by ``span``."""
        self.entities[entity.id] = entity
        entity.mentions.append(Span(span.text, span.start_char, span.end_char))
        for t in span if tokens is None else tokens:
            self.token_entity[t.i] = entity.id
            self.mention_spans[t.i] = span

    def name_persons(self, tokens: Iterable[Token]) -> None:
        """"Ruby fatally shot Oswald": a capitalised proper noun the NER left unlabelled, who kills, is killed or is
        shot (``tokens``: the agents, victims and targets of the article's violent events), is a person; a known place
        or organisation name, or one word of an existing person's name, is not new. One pass after the events."""
        by_last_word: dict[str, str] = {}
        known = -1
        for token in tokens:
            name = self._unlabelled_name(token)
            if name is None:
                continue
            if len(self.entities) != known:  # a person added, or an actor by entity_at: read the persons again
                by_last_word.clear()
                for key, entity in self.entities.items():
                    if entity.type == "Person":
                        by_last_word.setdefault(entity.label.split()[-1], key)
                known = len(self.entities)
            key = by_last_word.get(name.text, f"person/{slug(name.text)}")
            self.add_mention(self.entities.get(key) or Entity(id=key, label=name_text(name.text), type="Person"), name)

    def _unlabelled_name(self, token: Token) -> SpacySpan | None:
        """The capitalised name a proper noun the NER left unlabelled ends (with its compounds), unless it is an
        entity already, a day, a quoted word or a known place or organisation name."""
        if token.pos_ != "PROPN" or token.ent_type_ not in UNSURE_LABELS or self.entity_at(token) is not None:
            return None
        words = [c for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < token.i] + [token]
        start = min(t.i for t in words)
        name = token.doc[start:token.i + 1]
        before = token.doc[start - 1] if start > 0 else None
        if not all(t.is_title for t in name) or token.lower_ in lexicon.DAY_WORDS \
                or any(c.dep_ in ("det", "poss") for c in token.children) or (before is not None and before.is_quote) \
                or self.gazetteer.place(name.text) or self.gazetteer.organization(name.text):
            return None
        return name

    def demonym_entity(self, token: Token) -> str | None:
        """The country a nationality adjective names ("Russian" -> Russia), added to the index with this mention."""
        entry = self.gazetteer.country_of_demonym(token.text)
        if entry is None:
            return None
        entity = self.entities.setdefault(entry.id, entity_from_entry(entry))
        if self.token_entity.setdefault(token.i, entity.id) == entity.id:
            mention = Span(token.text, token.idx, token.idx + len(token.text))
            if mention not in entity.mentions:
                entity.mentions.append(mention)
        return entity.id

    def referent_entity(self, referent: Referent) -> str:
        """The entity key of a coreference referent; an unnamed one ("a man ... the man ... he") becomes an unnamed
        actor now, its other mentions references."""
        if referent.key is None:
            referent.key = self.actor(referent.head)
            own = {m.start for m in self.entities[referent.key].mentions}
            for span in referent.mentions:
                if span.start_char not in own:
                    self.add_reference(referent.key, span)
        return referent.key

    def add_reference(self, key: str, span: SpacySpan) -> None:
        """A pronoun or description that refers to entity ``key``."""
        reference = Span(span.text, span.start_char, span.end_char)
        references = self.entities[key].references
        if reference not in references:
            references.append(reference)

    def span_of(self, token: Token) -> SpacySpan:
        """The words that name a token's referent: its mention, else its noun phrase."""
        return self.mention_spans.get(token.i) or noun_phrase(token)

    def actor(self, token: Token) -> str:
        """An unnamed actor: the noun phrase around a people noun, as a Person or (plural) a Group."""
        phrase = noun_phrase(token)
        words = [t for t in phrase if t.dep_ not in ("det", "poss", "predet") and t.lower_ not in ("'s", "’s")]
        label = " ".join(t.text for t in words) or token.text
        plural = token.tag_ in ("NNS", "NNPS") or token.lemma_.lower() in lexicon.COLLECTIVE_NOUNS \
            or any(c.dep_ == "nummod" and c.lower_ not in ("one", "1") for c in token.children)
        etype = "Group" if plural else "Person"
        key = local_key(etype, label, self.article)
        entity = self.entities.get(key)
        if entity is None:
            entity = self.entities[key] = Entity(id=key, label=label, type=etype,
                                                 description=token.lemma_.lower())
        mention = Span(phrase.text, phrase.start_char, phrase.end_char)
        if mention not in entity.mentions:
            entity.mentions.append(mention)
        for t in phrase:
            self.token_entity.setdefault(t.i, key)
        return key


def build_index(doc: Doc, article: str, gazetteer: Gazetteer) -> EntityIndex:
    index = EntityIndex(doc, article, gazetteer)
    index.sentences = list(doc.sents)
    index.sentence_starts = [s.start for s in index.sentences]
    named = [(ent, _classify(ent, gazetteer)) for ent in doc.ents if ent.label_ in _NAMED]
    named = _one_type_per_name([(ent, c) for ent, c in named if c is not None])
    person_keys = _person_keys([ent for ent, (etype, _) in named if etype == "Person"])
    for ent, (etype, entry) in named:
        span = _trim(ent)
        if entry is not None:
            entity = index.entities.get(entry.id) or entity_from_entry(entry)
        else:
            key = person_keys.get(ent.start) if etype == "Person" else f"{etype.lower()}/{slug(span.text)}"
            entity = index.entities.get(key) or Entity(id=key, label=name_text(span.text), type=etype)
        index.add_mention(entity, span, ent)
        alias = name_text(span.text)
        if alias not in entity.aliases and alias != entity.label:
            entity.aliases.append(alias)
    for entity in index.entities.values():
        if entity.type == "Person":  # canonical name: the longest form used
            longest = max((m.text for m in entity.mentions), key=lambda s: (len(s.split()), len(s)))
            entity.label = name_text(longest)
            entity.aliases = sorted({name_text(m.text) for m in entity.mentions} - {entity.label})
    index.main_group = _main_group(index)
    return index


def noun_phrase(token: Token) -> SpacySpan:
    """The noun phrase a token heads, without clauses, prepositional phrases and appositions hanging off it."""
    keep = [token]
    stack = [c for c in token.children if c.dep_ in ("det", "amod", "compound", "nummod", "poss", "nmod", "quantmod",
                                                     "case", "predet", "advmod")]
    while stack:
        t = stack.pop()
        keep.append(t)
        stack.extend(c for c in t.children if c.dep_ not in ("prep", "relcl", "acl", "appos", "punct", "cc", "conj"))
    start = min(t.i for t in keep)
    end = max(t.i for t in keep) + 1
    while start < token.i and token.doc[start].is_punct:
        start += 1
    return token.doc[start:end]


def _classify(ent: SpacySpan, gazetteer: Gazetteer) -> tuple[str, GazetteerEntry | None] | None:
    text = _trim(ent).text
    if ent.ent_id_:
        entry = gazetteer.by_id(ent.ent_id_)
        if entry is not None:
            return entry.type, entry
    if ent.label_ != "NORP" and _age_follows(ent):
        return "Person", None  # "Tamerlan, 26, died": a name with an age is a person's
    org = gazetteer.organization(text)
    if org is not None and ent.label_ in ("ORG", "NORP", "PERSON", "GPE"):
        return "Organization", org
    place = gazetteer.place(text)
    if ent.label_ in ("GPE", "LOC", "FAC") or ent[-1].lower_ in lexicon.TOPONYM_HEADS:
        return "Place", place  # "Oxford Street", "Bagram Airfield" are places whatever the NER says
    if ent.label_ == "PERSON":
        # The statistical NER reads unfamiliar place names as people ("Beer Sheva"); a known place wins where the
        # words say place ("in Hadera") or it is a country. Many people share a town's name ("Lincoln", "Kennedy").
        return ("Place", place) if place is not None and (_after_locative(ent) or place.country is None) \
            else ("Person", None)
    if ent.label_ == "ORG":  # "in Quetta", "in Homs and Hama": a known place where the words say place
        return ("Place", place) if place is not None and (place.country is None or _after_locative(ent)) \
            else ("Organization", None)
    return None  # nationality adjectives are not entities of their own


def _age_follows(ent: SpacySpan) -> bool:
    """"Name, 26, ...": a number from 1 to 110 set off by commas right after the name."""
    doc, end = ent.doc, ent.end
    if end + 2 >= len(doc) or doc[end].text != "," or doc[end + 2].text != "," or not doc[end + 1].is_digit:
        return False
    return 0 < int(doc[end + 1].text) <= 110


def _one_type_per_name(named: list[tuple[SpacySpan, tuple[str, GazetteerEntry | None]]]):
    """Inside one article a name keeps one type, whatever the NER said at each mention: a name that ends a person's
    name is that person ("Matanov" after "Khairullozhon Matanov", unless it follows "in"/"at"), else the type most of
    the name's mentions have ("Maduro" five times a person, once an organisation). Gazetteer entries keep theirs."""
    person_parts = _Suffixes()  # every final run of a person's name words
    for ent, (etype, _) in named:
        if etype == "Person":
            person_parts.add(_name_tokens(_trim(ent).text), True)
    votes: dict[str, Counter] = {}
    for ent, (etype, entry) in named:
        if entry is None:
            votes.setdefault(fold(_trim(ent).text), Counter())[etype] += 1
    result = []
    for ent, (etype, entry) in named:
        if entry is None and etype != "Person":
            parts = _name_tokens(_trim(ent).text)
            if not _after_locative(ent) and person_parts.whole_of(parts) is not None:
                etype = "Person"
            else:
                (top, count), *_ = votes[fold(_trim(ent).text)].most_common(1)
                etype = top if count > votes[fold(_trim(ent).text)][etype] else etype
        result.append((ent, (etype, entry)))
    return result


def _after_locative(ent: SpacySpan) -> bool:
    """"in X", "near X", or "in Homs and X": a locative preposition, or a conjunction after a place name."""
    doc, start = ent.doc, ent.start
    if start > 0 and doc[start - 1].lower_ in ("in", "at", "near", "across", "outside"):
        return True
    return start > 1 and doc[start - 1].lower_ in ("and", "or", ",") and doc[start - 2].ent_type_ in ("GPE", "LOC")


def _person_keys(ents: list[SpacySpan]) -> dict[int, str]:
    """``ent.start -> key`` for person mentions, with name parts and "also known as" aliases merged."""
    names = {ent.start: _name_tokens(_trim(ent).text) for ent in ents}
    canonical: dict[int, int] = {}
    longer = _Suffixes()  # the names seen so far, longest first: the first whose final words a name is
    for ent in sorted(ents, key=lambda e: -len(names[e.start])):
        target = longer.whole_of(names[ent.start])
        canonical[ent.start] = canonical.get(target.start, target.start) if target is not None else ent.start
        longer.add(names[ent.start], ent)
    ordered = sorted(ents, key=lambda e: e.start)
    for a, b in zip(ordered, ordered[1:]):
        if _ALIAS_GLUE.match(_between(a, b)):
            old, new = canonical[b.start], canonical[a.start]
            canonical = {k: (new if v == old else v) for k, v in canonical.items()}
    first = {ent.start: ent for ent in ents}
    return {start: f"person/{slug(name_text(_trim(first[c]).text))}" for start, c in canonical.items()}


def _between(a: SpacySpan, b: SpacySpan) -> str:
    """The text between two spans of a document (without joining the whole ``doc.text``)."""
    return a[-1].whitespace_ + "".join(t.text_with_ws for t in a.doc[a.end:b.start])


class _Suffixes:
    """Names by their final runs of name words, particles left out: "al-Muhajir" is part of "Abu-Omar al-Muhajir",
    "Putin" of "Vladimir Putin". Finding the name a part belongs to is one look-up, not a scan of every mention (which
    made long articles quadratic).

    >>> names = _Suffixes()
    >>> names.add(["vladimir", "putin"], "putin-entity")
    >>> names.whole_of(["putin"]), names.whole_of(["vladimir", "putin"])
    ('putin-entity', None)
    """

    def __init__(self):
        self._whole: dict[tuple[str, ...], object] = {}

    def add(self, whole: list[str], value: object) -> None:
        core = [p for p in whole if p not in _NAME_PARTICLES]
        for k in range(1, len(core)):
            self._whole.setdefault(tuple(core[-k:]), value)

    def whole_of(self, parts: list[str]) -> object | None:
        """The value of the first name added that ``parts`` is a final run of (shorter than it), else None."""
        return self._whole.get(tuple(p for p in parts if p not in _NAME_PARTICLES))


def _name_tokens(text: str) -> list[str]:
    return fold(text).split()


def _trim(ent: SpacySpan) -> SpacySpan:
    """A mention without a leading "the" or trailing possessive."""
    start, end = ent.start, ent.end
    if end - start > 1 and ent.doc[start].lower_ == "the":
        start += 1
    if end - start > 1 and ent.doc[end - 1].lower_ in ("'s", "’s", "'"):
        end -= 1
    return ent.doc[start:end]


def entity_from_entry(entry: GazetteerEntry) -> Entity:
    return Entity(id=entry.id, label=entry.label, type=entry.type, aliases=list(entry.aliases), country=entry.country,
                  latitude=entry.latitude, longitude=entry.longitude, geonames_id=entry.geonames_id,
                  description=entry.description)


def _main_group(index: EntityIndex) -> str | None:
    """The organisation an article is about: the most mentioned armed group, else the most mentioned organisation."""
    orgs = [e for e in index.entities.values() if e.type == "Organization"]
    if not orgs:
        return None
    best = max(orgs, key=lambda e: (e.description == "armed group", len(e.mentions), -e.mentions[0].start))
    return best.id
