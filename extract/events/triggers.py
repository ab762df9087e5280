"""Triggers: tokens whose lemma is in an event type's lexicon (:mod:`extract.event_types`), kept when their
dependents say the word is meant in that sense ("blew up", "air strike", "called for")."""

from __future__ import annotations

from spacy.matcher import Matcher
from spacy.tokens import Token
from spacy.vocab import Vocab

from extract import lexicon
from extract.event_types import ADJ_INDEX, NOUN_INDEX, VERB_INDEX
from extract.events.candidate import EventCandidate
from extract.events.syntax import NOUN_CLAUSE_DEPS, content_head, dep_child, governing_verb

# Nouns ambiguous on their own ("a strike", "the operation", "a call"): triggers only with a telling dependent.
AMBIGUOUS_NOUNS = {"strike", "operation", "campaign", "mission", "call", "order", "demand", "request", "message",
                   "speech", "interview", "capture", "custody", "war", "deployment", "attempt", "plea", "appeal",
                   "statement", "remark", "raid", "fighting"}


def trigger_words(vocab: Vocab) -> Matcher:
    """A matcher for every token whose lemma is in a trigger lexicon: the rules then look at those tokens only."""
    lemmas = set(VERB_INDEX) | set(NOUN_INDEX) | set(ADJ_INDEX) | lexicon.KILLER_NOUNS | lexicon.LIFE_TAKING_VERBS
    plurals = {f"{w}s" for w in NOUN_INDEX} | {f"{w}es" for w in NOUN_INDEX}
    matcher = Matcher(vocab)
    matcher.add("TRIGGER", [[{"LEMMA": {"IN": sorted(lemmas | {w.capitalize() for w in lemmas})}}],
                            [{"POS": "PROPN", "LOWER": {"IN": sorted(plurals | set(NOUN_INDEX))}}]])
    return matcher


def trigger_lemma(token: Token) -> str:
    """The lower-case lemma; headline words tagged PROPN ("Shootings in Belfast") keep their inflection, so strip it."""
    lemma = token.lemma_.lower()
    if token.pos_ == "PROPN" and lemma not in NOUN_INDEX:
        for suffix in ("es", "s"):
            if lemma.endswith(suffix) and lemma[: -len(suffix)] in NOUN_INDEX:
                return lemma[: -len(suffix)]
    return lemma


def candidate_at(token: Token) -> EventCandidate | None:
    lemma = trigger_lemma(token)
    pos = token.pos_
    if any(c.lower_ in lexicon.ACCIDENT_WORDS for c in token.children):
        return None
    if pos == "VERB" and lemma in lexicon.LIFE_TAKING_VERBS and any(
            c.dep_ == "dobj" and c.lemma_.lower() == "life" for c in token.children):
        return EventCandidate("Killing", token, token, confidence=0.8)  # "the blast claimed nine lives"
    if pos == "VERB" and not (lemma in lexicon.KILLER_NOUNS and token.dep_ == "compound"):
        etype = VERB_INDEX.get(lemma)
        if etype is None or not _verb_fits(token, lemma, etype):
            return None
        if etype in ("Attack", "Injury") and any(c.lower_ in ("fatally", "mortally") or etype == "Attack" and (
                c.lower_ in ("dead", "death") or c.dep_ == "prep" and any(g.lower_ == "death" for g in c.children))
                for c in token.children):
            etype = "Killing"  # "fatally shot", "shot dead", "stabbed to death", "mortally wounded"
        if etype == "Statement" and lemma in lexicon.CALL_VERBS and any(c.dep_ == "xcomp" for c in token.children):
            etype = "CallForAction"
        return EventCandidate(etype, token, token, confidence=0.8)
    if lemma in lexicon.KILLER_NOUNS:  # a noun, or one the tagger took for a verb ("Kennedy assassin/VBP Sirhan")
        holder = _killer_holder(token)  # an "assassin" nobody is named as describes no particular killing
        if holder is None:
            return None
        return EventCandidate("Killing", token, governing_verb(token), args=[("agent", holder)], confidence=0.7)
    if pos in ("NOUN", "PROPN"):
        etype = NOUN_INDEX.get(lemma)
        if etype is None or (lemma in AMBIGUOUS_NOUNS and not _noun_fits(token, lemma)) or _generic(token) \
                or _sentence_to(token):
            return None
        head = token.head.lemma_.lower()
        if token.dep_ in ("compound", "amod", "nmod") and (
                head in NOUN_INDEX or head in lexicon.PERSON_HEADS or head in lexicon.KIND_HEADS):
            # "suicide bombing", "murder suspect", "assassination attempt": the head is the event; "killing field",
            # "attack helicopter": the head is a kind of thing
            return None
        return EventCandidate(etype, token, governing_verb(token), confidence=0.7)
    if pos == "ADJ" and lemma in ADJ_INDEX and token.dep_ in ("acomp", "amod", "oprd", "attr", "ROOT", "conj",
                                                              "pobj", "nsubj", "dobj", "ccomp", "xcomp"):
        return EventCandidate(ADJ_INDEX[lemma], token, governing_verb(token), confidence=0.6)  # "among the dead"
    return None


def _generic(noun: Token) -> bool:
    """"the prevention of an attack", "the fear of attacks": no particular event is told; "a heart attack" is none."""
    if any(c.dep_ in ("compound", "amod") and c.lemma_.lower() in lexicon.MEDICAL_WORDS for c in noun.children):
        return True
    return noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lemma_.lower() in lexicon.GENERIC_HEADS


def _sentence_to(noun: Token) -> bool:
    """"sentenced to death", "condemned to death": a punishment handed down, not a death."""
    return noun.dep_ == "pobj" and noun.head.lower_ == "to" and \
        noun.head.head.lemma_.lower() in ("sentence", "condemn", "doom")


def _human(token: Token | None) -> bool:
    """Whether a word can name people: a person or group name, a people noun, a pronoun, a number ("killed five")."""
    if token is None:
        return False
    token = content_head(token)  # "hundreds of hostages"
    return token.ent_type_ in ("PERSON", "NORP", "ORG") or token.pos_ == "PRON" or token.like_num or \
        token.lemma_.lower() in lexicon.PEOPLE_NOUNS or token.lower_ in lexicon.PEOPLE_NOUNS


def _killer_holder(noun: Token) -> Token | None:
    """Who an agent noun names: "Kennedy's assassin, Lee Harvey Oswald", "John Wilkes Booth, assassin of Lincoln",
    "King assassin James Earl Ray"."""
    if noun.dep_ in ("appos", "compound") and noun.head.ent_type_ == "PERSON":
        return noun.head
    if noun.dep_ == "attr":  # "Oswald was the lone assassin"
        subject = dep_child(noun.head, "nsubj")
        if subject is not None and subject.ent_type_ == "PERSON":
            return subject
    if noun.dep_ == "pobj" and noun.head.lower_ == "as":  # "Oswald, identified as the lone assassin"
        verb = noun.head.head
        named = dep_child(verb, "nsubjpass") or (verb.head if verb.dep_ in ("acl", "appos") else None)
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
    obj = dep_child(verb, "dobj")
    if verb.dep_ in ("amod", "compound") and (etype in ("CallForAction", "Threat")
                                              or verb.head.lemma_.lower() in lexicon.KIND_HEADS):
        return False  # "the commanding general", "a killing field"
    if lemma in lexicon.WEAPON_VERBS:  # "set off a bomb", "threw a grenade", "a bomb went off"
        thing = obj if lemma != "go" else dep_child(verb, "nsubj")
        return thing is not None and thing.lemma_.lower() in lexicon.DEVICE_OBJECTS
    if lemma == "lose":  # "lost a leg"
        return obj is not None and obj.lemma_.lower() in lexicon.BODY_PARTS
    subject = dep_child(verb, "nsubj")
    if etype == "Attack" and (subject is not None and subject.lemma_.lower() in lexicon.NATURAL_FORCES
                              or obj is not None and obj.lemma_.lower() in lexicon.FILMED):
        return False  # "the hurricane hit Florida", "shot a video"
    if etype in ("Attack", "Injury", "Killing") and obj is not None and (obj.lemma_.lower() in lexicon.ABSTRACT_OBJECTS or any(
            c.dep_ == "prep" and c.lower_ in ("for", "over", "with") and _child_lemma(c) in lexicon.ABSTRACT_OBJECTS
            for c in (*verb.children, *obj.children))):
        return False  # "attacked the proposal", "killed the bill", "attacked X over his record", "hit X with sanctions"
    if etype == "Attack" and obj is not None and obj.lower_ in ("other", "another") and any(
            t.lemma_.lower() in lexicon.DEBATE_WORDS for t in verb.sent):
        return False  # candidates "attacking each other" in a debate
    if lemma in ("hurt", "harm") and obj is not None and not _human(obj):
        return False  # "tariffs hurt steelmakers' profits"
    if lemma in ("seize", "capture") and not _human(obj or dep_child(verb, "nsubjpass")):
        return False  # "seized power", "captured the town": no one was arrested
    if etype == "CallForAction" and lemma == "ask":
        passive = any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children) or verb.dep_ == "advcl" \
            and verb.tag_ == "VBN"
        if passive and "xcomp" not in deps:
            return False  # "when asked if he would resign": a question put to someone ("asked to leave" is a request)
        if any(g.dep_ == "mark" and g.lower_ in ("if", "whether") for c in verb.children if c.dep_ == "ccomp"
               for g in c.children) or obj is not None and obj.lower_ in lexicon.DEITIES:
            return False  # "asked whether ...", "asked God to protect the city"
    first = verb.head if verb.dep_ == "conj" else verb
    if first.dep_ in ("acl", "xcomp") and first.head.lemma_.lower() in lexicon.GENERIC_HEADS:
        return False  # "with intent to coerce or intimidate"
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
            c.dep_ == "dobj" and c.lemma_.lower() in lexicon.FIRED for c in verb.children)
    if lemma in lexicon.NEEDS_OBJECT:
        return bool(deps & {"dobj", "nsubjpass", "xcomp", "ccomp", "dative"}) or verb.dep_ in NOUN_CLAUSE_DEPS
    return True


def _child_lemma(prep: Token) -> str:
    obj = dep_child(prep, "pobj")
    return obj.lemma_.lower() if obj is not None else ""


def _noun_fits(noun: Token, lemma: str) -> bool:
    """A noun such as "operation" or "strike" counts when a modifier or argument marks it as violent or as a call."""
    children = list(noun.children)
    words = {c.lemma_.lower() for c in children}
    if lemma == "call" and words & {"phone", "telephone", "video", "conference", "roll", "close", "wake"}:
        return False  # "a phone call to the prime minister"
    if lemma in ("strike", "raid", "operation", "campaign", "offensive") and noun.tag_ == "NNS" \
            and noun.dep_ == "dobj" and noun.head.lemma_.lower() in lexicon.LAUNCH_VERBS:
        return True  # "mounted strikes", "carried out raids"
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
