"""Entity coreference inside one article: pronouns, definite descriptions and appositions point to what they refer to.

One pass over the document, left to right, after the named entities are known (:func:`resolve`). Every mention of a
thing the article talks about joins a :class:`Referent`: named mentions the referent of their entity; a pronoun
("he", "their", "its") the most salient compatible referent before it; a definite description ("the group", "the
man", "the militants") an earlier referent it repeats or describes; an apposition ("X, the leader of Y") the noun it
stands next to; an indefinite people noun ("a Palestinian man", "six people") starts a new, unnamed referent that later
mentions can join.

Salience follows Lappin & Leass (1994), reduced to what is cheap: each mention of a referent adds a weight for its
grammatical role (subject > object > other), halved for every sentence since; a referent is a candidate only within
:data:`WINDOW` sentences and only when type, number and gender agree. Rules are small functions; the numbers are the
constants below. Deterministic: the same text gives the same chains.

The result is ``index.coref`` (token index -> referent) and, on each entity, ``Entity.references``: the pronouns and
descriptions that refer to it (not names, so never aliases). An unnamed referent becomes an entity (an unnamed actor,
see :meth:`extract.entities.EntityIndex.referent_entity`) only when an event argument needs it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span as SpacySpan, Token

from extract import lexicon
from extract.entities import EntityIndex, noun_phrase

WINDOW = 3  # sentences back in which an antecedent is looked for (the pronoun's own sentence is 0)
NEAR = 1  # sentences back for weak anaphors: "it", "the man" (a named person further back is rarely "the man")
DECAY = 0.5  # salience kept per sentence of distance
ROLE_WEIGHT = {"subject": 80.0, "object": 50.0, "other": 0.0}
RECENCY_WEIGHT = 100.0  # every mention's base weight in its own sentence
NAMED_WEIGHT = 20.0  # a name is a firmer anchor than a description

SUBJECT_DEPS = {"nsubj", "nsubjpass"}
OBJECT_DEPS = {"dobj", "dative", "iobj"}
DEFINITE = {"the", "this", "that", "these", "those"}
OWN_DETERMINERS = frozenset(DEFINITE | {"its", "their"})  # "the group", "its fighters": one mentioned before

# Pronoun -> (types it may refer to, plural, gender). "they" refers to armed groups too ("ISIS ... they"), not to
# other organisations (a newspaper named in passing is rarely "they"); "its" to countries ("Russia ... its invasion"),
# but "it" mostly to things this graph does not hold, so only to organisations.
PERSON, GROUP, ARMED = "Person", "Group", "armed group"
PRONOUNS: dict[str, tuple[tuple[str, ...], bool, str | None]] = {
    **{w: ((PERSON,), False, "m") for w in ("he", "him", "his", "himself")},
    **{w: ((PERSON,), False, "f") for w in ("she", "her", "hers", "herself")},
    **{w: ((PERSON, GROUP, ARMED), True, None) for w in ("they", "them", "their", "theirs", "themselves")},
    **{w: (("Organization", "Place"), False, None) for w in ("its", "itself")},
    "it": (("Organization",), False, None),
}
REFLEXIVES = {"himself", "herself", "themselves", "itself"}
SPEAKER_PRONOUNS = {"i", "me", "my", "mine", "myself"}  # in quoted speech: whoever says it
SPEECH_VERBS = {"say", "tell", "add", "state", "write", "explain", "recall", "insist", "declare", "announce"}
HONORIFICS = {"mr": "m", "mr.": "m", "sir": "m", "mrs": "f", "mrs.": "f", "ms": "f", "ms.": "f", "miss": "f",
              "madam": "f", "lady": "f"}
GENDERED_NOUNS = {
    **dict.fromkeys(("man", "boy", "father", "son", "husband", "brother", "policeman", "gunman", "king", "uncle"), "m"),
    **dict.fromkeys(("woman", "girl", "mother", "daughter", "wife", "sister", "policewoman", "queen", "aunt"), "f"),
}
# Singular people nouns that may describe any person already named ("Oswald ... the man").
GENERIC_PERSON_NOUNS = {"man", "woman", "person", "individual", "suspect", "boy", "girl"}
# Plural fighter nouns that, definite, may describe the armed group the article is about ("the militants").
FIGHTER_NOUNS = {"militant", "insurgent", "fighter", "jihadist", "extremist", "terrorist", "rebel", "guerrilla",
                 "gunman", "gunmen", "attacker", "assailant"}


@dataclass
class Referent:
    """One thing the article talks about and the tokens that mention it."""

    etype: str  # Person | Group | Organization | Place
    plural: bool
    gender: str | None = None
    key: str | None = None  # the entity key; None for an unnamed referent not (yet) an entity
    head: Token | None = None  # an unnamed referent's first noun: the unnamed actor is made from it
    nouns: set[str] = field(default_factory=set)  # head lemmas of the descriptions used for it ("man", "spokesperson")
    salience: list[tuple[int, float]] = field(default_factory=list)  # (sentence, weight) of each mention
    mentions: list[SpacySpan] = field(default_factory=list)  # pronouns and descriptions (names are entity mentions)

    def score(self, sentence: int) -> float:
        return sum(w * DECAY ** (sentence - s) for s, w in self.salience if 0 <= sentence - s <= WINDOW)


@dataclass
class _State:
    index: EntityIndex
    by_key: dict[str, Referent] = field(default_factory=dict)
    # referents by identity, in order of their latest mention (a dict: moving one to the end is O(1), and a
    # Referent's dataclass equality compares every field)
    active: dict[int, Referent] = field(default_factory=dict)
    sentence: int = 0

    def mention(self, referent: Referent, token: Token, named: bool = False) -> None:
        weight = RECENCY_WEIGHT + ROLE_WEIGHT[_role(token)] + (NAMED_WEIGHT if named else 0.0)
        referent.salience.append((self.sentence, weight))
        self.active.pop(id(referent), None)
        self.active[id(referent)] = referent

    def named(self, key: str) -> Referent:
        """The referent of entity ``key`` (made at its first use, which may come before its name: "I," said Eva)."""
        referent = self.by_key.get(key)
        if referent is None:
            entity = self.index.entities[key]
            referent = self.by_key[key] = Referent(entity.type, entity.type == "Group", key=key)
        return referent

    def at(self, token: Token) -> Referent | None:
        """The referent a token already stands for: its name's, or what coreference gave it."""
        key = self.index.token_entity.get(token.i)
        return self.named(key) if key else self.index.coref.get(token.i)

    def candidates(self, window: int = WINDOW) -> list[Referent]:
        """Referents mentioned within ``window`` sentences, latest first."""
        return [r for r in reversed(self.active.values()) if r.salience and self.sentence - r.salience[-1][0] <= window]


def resolve(index: EntityIndex) -> None:
    """Fill ``index.coref`` and the entities' ``references`` for the whole document."""
    state = _State(index)
    for number, sentence in enumerate(index.sentences):
        state.sentence = number
        speech_subjects = None  # found once per sentence, when a first-person pronoun asks
        for token in sentence:
            if token.i in index.token_entity:
                _named(state, token)
            elif token.pos_ == "PRON" and token.lower_ in PRONOUNS:
                _link(state, token, _pronoun_antecedent(state, token))
            elif token.pos_ == "PRON" and token.lower_ in SPEAKER_PRONOUNS:
                if speech_subjects is None:
                    speech_subjects = _speech_subjects(sentence)
                _link(state, token, _speaker(state, token, speech_subjects), announce=False)
            elif token.lower_ in lexicon.RELATIVE_PRONOUNS and token.head.dep_ == "relcl":
                _link(state, token, _relative_antecedent(state, token), announce=False)
            elif token.ent_type_ == "NORP":
                _demonym(index, token)
            elif token.pos_ in ("NOUN", "PROPN"):
                _nominal(state, token)


def _named(state: _State, token: Token) -> None:
    """A name (once per mention, at its root) joins its entity's referent; an apposition noun beside it joins too."""
    index = state.index
    span = index.mention_spans.get(token.i)
    if span is None or span.root.i != token.i:
        return
    referent = state.named(index.token_entity[token.i])
    if referent.gender is None:  # "Mr Whitelaw", with or without the title inside the name
        referent.gender = HONORIFICS.get(span[0].lower_) or (
            HONORIFICS.get(index.doc[span.start - 1].lower_) if span.start > 0 else None)
    for child in token.children:
        if child.dep_ in ("appos", "compound") and child.pos_ == "NOUN":
            referent.nouns.add(child.lemma_.lower())  # "Russian president Vladimir Putin", "X, a spokesperson"
            if child.dep_ == "appos":
                _link(state, child, referent, announce=False)
    if token.dep_ == "appos" and token.head.pos_ == "NOUN" and token.head.i in index.coref:
        _relink(state, token.head, referent)  # "the group's spokesman, Abu-Omar": the noun was Abu-Omar
    state.mention(referent, token, named=True)


def _nominal(state: _State, token: Token) -> None:
    """A people or group noun: a definite description joins what it describes; any other starts a new referent."""
    index, lemma = state.index, token.lemma_.lower()
    if token.i in index.coref or token.dep_ == "compound":
        return  # already an apposition; "ISIS supporters": only the head counts
    group_word = lemma in lexicon.GROUP_ANAPHORS
    if not group_word and lemma not in lexicon.PEOPLE_NOUNS:
        return
    plural = token.tag_ in ("NNS", "NNPS") or lemma in lexicon.COLLECTIVE_NOUNS or any(
        c.dep_ == "nummod" and c.lower_ not in ("one", "1") for c in token.children)
    head = index.coref.get(token.head.i)
    if token.dep_ == "appos" and head is not None and head.plural == plural:  # not "eight women, including a girl"
        return _link(state, token, head)
    named = _named_modifier(state, token, group_word)
    if named is not None:  # "the journalist Anna Berg" is Anna Berg, "the Islamic State militant group" IS
        referent = state.named(named)
        referent.nouns.add(lemma)
        return _link(state, token, referent)
    definite = any(c.dep_ in ("det", "poss") and c.lower_ in OWN_DETERMINERS for c in token.children)
    # "the UDA leaders" names whose leaders they are: not the leaders mentioned before
    own_name = any(c.i in index.token_entity for c in token.children if c.dep_ in ("compound", "amod", "nmod"))
    antecedent = None
    if definite and not own_name:
        antecedent = _description_antecedent(state, token, lemma, plural, group_word)
        if antecedent is None and group_word:
            antecedent = _main_group(state)
    if antecedent is not None:
        antecedent.nouns.add(lemma)
        return _link(state, token, antecedent)
    referent = Referent("Group" if plural else "Person", plural, GENDERED_NOUNS.get(lemma), head=token, nouns={lemma})
    index.coref[token.i] = referent
    state.mention(referent, token)


def _named_modifier(state: _State, token: Token, group_word: bool) -> str | None:
    """The entity a noun is another word for: a person's name beside a people noun, an organisation's name
    inside a group noun."""
    index = state.index
    for child in token.children:
        key = index.token_entity.get(child.i)
        if key is None:
            continue
        etype = index.entities[key].type
        if child.dep_ in ("appos", "compound") and etype == "Person" and not group_word:
            return key
        if child.dep_ in ("compound", "nmod", "amod") and etype == "Organization" and group_word:
            return key
    return None


def _description_antecedent(state: _State, token: Token, lemma: str, plural: bool,
                            group_word: bool) -> Referent | None:
    """What "the man", "the group", "the militants" describe: a referent that was given this noun before (repetition),
    else for generic words the most salient compatible referent."""
    candidates = state.candidates()
    repeated = next((r for r in candidates if lemma in r.nouns and r.plural == plural), None)
    if repeated is not None:
        return repeated
    if group_word:
        return _best(state, [r for r in candidates if r.etype == "Organization"])
    if plural and lemma in FIGHTER_NOUNS:
        return _best(state, [r for r in candidates if r.etype == "Organization" and _armed(state, r)])
    if not plural and lemma in GENERIC_PERSON_NOUNS:
        gender = GENDERED_NOUNS.get(lemma)
        return _best(state, [r for r in state.candidates(NEAR) if r.etype == "Person" and not r.plural
                             and r.key is not None and (gender is None or r.gender in (None, gender))])
    return None


def _pronoun_antecedent(state: _State, pronoun: Token) -> Referent | None:
    """The most salient compatible referent; a gendered pronoun with a single candidate also gives it its gender
    (the next "she" then skips it); with several it tells nothing about the one chosen."""
    types, plural, gender = PRONOUNS[pronoun.lower_]
    if pronoun.lower_ == "it" and pronoun.dep_ not in SUBJECT_DEPS:
        return None  # "it" as an object or expletive is mostly a thing ("send it"): nothing this graph holds
    clause_mates = _clause_mates(state, pronoun)
    reflexive = pronoun.lower_ in REFLEXIVES
    found = []
    for referent in state.candidates(NEAR if pronoun.lower_ == "it" else WINDOW):
        etype = ARMED if referent.etype == "Organization" and ARMED in types and _armed(state, referent) \
            else referent.etype
        if etype not in types or not _agrees(referent, plural, gender):
            continue
        if not reflexive and referent in clause_mates:
            continue  # "he killed him": a plain pronoun is not its own verb's subject
        found.append(referent)
    if reflexive:
        return next((r for r in found if r in clause_mates), None) or _best(state, found)
    best = _best(state, found)
    if best is not None and best.gender is None and len(found) == 1:
        best.gender = gender
    if best is None and pronoun.lower_ in ("its", "itself"):
        return _main_group(state)  # "its founder": the organisation the article is about
    return best


def _speech_subjects(sentence: SpacySpan) -> list[Token]:
    """The subjects of a sentence's speech verbs, in order."""
    return [c for verb in sentence if verb.pos_ == "VERB" and verb.lemma_.lower() in SPEECH_VERBS
            for c in verb.children if c.dep_ in SUBJECT_DEPS]


def _speaker(state: _State, pronoun: Token, speech_subjects: list[Token]) -> Referent | None:
    """"I was there," said Eva: "I" in a sentence with a speech verb is its subject, when that is a person named or
    resolved (not "I told him", whose subject is the pronoun itself)."""
    for subject in speech_subjects:
        if subject.i != pronoun.i:
            referent = state.at(subject)
            if referent is not None and referent.etype == "Person" and not referent.plural:
                return referent
    return None


def _relative_antecedent(state: _State, pronoun: Token) -> Referent | None:
    """"the man who ...", "Hamas, which ...": the noun the relative clause is about (never a place for who/whom)."""
    noun = pronoun.head.head
    referent = state.at(noun)
    if referent is None:
        return None
    personal = pronoun.lower_ in ("who", "whom", "whose")
    return referent if not personal or referent.etype != "Place" else None


def _demonym(index: EntityIndex, token: Token) -> None:
    """"Russian" refers to Russia when the article names Russia (not inside a longer name: "South American")."""
    doc = token.doc
    if token.ent_iob_ != "B" or (token.i + 1 < len(doc) and doc[token.i + 1].ent_iob_ == "I"):
        return
    entry = index.gazetteer.country_of_demonym(token.text)
    if entry is not None and entry.id in index.entities and index.entities[entry.id].mentions:
        index.add_reference(entry.id, token.doc[token.i:token.i + 1])


def _agrees(referent: Referent, plural: bool, gender: str | None) -> bool:
    if referent.etype in ("Organization", "Place"):  # "ISIS ... its", "ISIS ... they"
        return True
    return referent.plural == plural and (gender is None or referent.gender in (None, gender))


def _best(state: _State, referents: list[Referent]) -> Referent | None:
    """The most salient referent (ties: the latest mentioned; ``referents`` come latest first)."""
    best, best_score = None, 0.0
    for referent in referents:
        score = referent.score(state.sentence)
        if score > best_score:
            best, best_score = referent, score
    return best


def _clause_mates(state: _State, pronoun: Token) -> list[Referent]:
    """Referents named as the subject of the pronoun's own verb (for binding: "he" is not, "himself" is)."""
    verb = pronoun.head if pronoun.dep_ != "poss" else pronoun.head.head
    mates = []
    for child in verb.children:
        if child.dep_ in SUBJECT_DEPS and child.i != pronoun.i:
            referent = state.at(child)
            if referent is not None:
                mates.append(referent)
    return mates if pronoun.dep_ != "poss" else []  # "he ... his": a possessive may be bound by its subject


def _armed(state: _State, referent: Referent) -> bool:
    return referent.key is not None and state.index.entities[referent.key].description == "armed group"


def _main_group(state: _State) -> Referent | None:
    key = state.index.main_group
    return state.named(key) if key is not None else None


def _link(state: _State, token: Token, referent: Referent | None, announce: bool = True) -> None:
    """``token`` mentions ``referent``: remembered for arguments, counted for salience, kept as a reference."""
    if referent is None:
        return
    index = state.index
    index.coref[token.i] = referent
    span = _words(token)
    referent.mentions.append(span)
    if referent.gender is None and token.pos_ == "NOUN":  # "Erica Gasparri, the mother of ..."
        referent.gender = GENDERED_NOUNS.get(token.lemma_.lower())
    if referent.key is not None:
        index.add_reference(referent.key, span)
    if announce:
        state.mention(referent, token)


def _relink(state: _State, token: Token, referent: Referent) -> None:
    old = state.index.coref.get(token.i)
    if old is not None and old is not referent and old.key is None:
        state.active.pop(id(old), None)
        referent.salience.extend(old.salience)
    _link(state, token, referent, announce=False)


def _words(token: Token) -> SpacySpan:
    return token.doc[token.i:token.i + 1] if token.pos_ == "PRON" else noun_phrase(token)


def _role(token: Token) -> str:
    if token.dep_ in SUBJECT_DEPS:
        return "subject"
    if token.dep_ in OBJECT_DEPS:
        return "object"
    return "other"
