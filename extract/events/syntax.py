"""Reading the dependency parse: named sets of dependency labels (as textacy's ``extract/triples.py`` does) and the
helpers the trigger, argument and modality rules share (subjects of clauses, passives, conjuncts)."""

from __future__ import annotations

from spacy.tokens import Token

from extract import lexicon
from extract.event_types import NOUN_INDEX

SUBJECT_DEPS = frozenset({"nsubj", "csubj"})
# NER labels of places and organisations: a name with one of them does not stand for a person word before it.
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC", "ORG", "NORP"})
PASSIVE_DEPS = frozenset({"nsubjpass", "auxpass"})
# Clauses that modify a noun: "the man who attacked", "the shots fired", "the capacity to attack".
NOUN_CLAUSE_DEPS = frozenset({"relcl", "acl"})
# Where a clause of its own begins: places under a trigger are not looked for beyond these.
CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "relcl", "csubj", "parataxis", "nsubj", "nsubjpass", "acl", "mark"})
# Modality does not climb above these: what a relative clause or a subject says is not under the main verb's operator.
OPERATOR_STOP_DEPS = frozenset({"relcl", "acl", "csubj", "parataxis", "nsubj", "nsubjpass", "appos"})
# Modality climbs through these to the operator that governs the event.
OPERATOR_PATH_DEPS = frozenset({"xcomp", "ccomp", "conj", "advcl", "pcomp", "dobj", "pobj", "prep"})
# Modifiers of a noun that may name an entity taking part ("ISIS attack", "Russian invasion").
NOUN_MODIFIER_DEPS = frozenset({"compound", "nmod", "amod"})


def nominal_gerund(token: Token) -> bool:
    """"the police shooting of a teenager": a gerund the tagger calls a verb but used as a noun (a determiner,
    possessor or noun modifier, or an "of" phrase, and the place of a noun in its clause)."""
    return token.tag_ == "VBG" and token.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj", "conj") and any(
        c.dep_ in ("det", "poss", "compound", "amod") or c.dep_ == "prep" and c.lower_ == "of" for c in token.children)


def event_slot(noun: Token) -> Token:
    """Where a nominal trigger stands in its clause: "launched a wave of attacks" -> wave."""
    if noun.dep_ == "pobj" and noun.head.lower_ == "of" and noun.head.head.lemma_.lower() in lexicon.SERIES_NOUNS:
        return noun.head.head
    return noun


def governing_verb(token: Token) -> Token:
    """The verb of the clause a noun or adjective sits in ("carried out attacks" -> carried)."""
    node = token
    for _ in range(6):
        if node.pos_ in ("VERB", "AUX") or node.head.i == node.i:
            return node
        node = node.head
    return node


def clause_subject(verb: Token) -> Token | None:
    """Who does what a verb says: its subject, or the controller of an infinitive, or the noun a relative clause or
    participle modifies. ``urged supporters to carry out attacks`` -> supporters carry out."""
    for _ in range(6):
        subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
        if subject is not None:
            if subject.lower_ in lexicon.RELATIVE_PRONOUNS and verb.dep_ == "relcl":
                return _named(verb.head)  # "the shots that killed Kennedy" -> shots
            return subject
        if verb.dep_ == "relcl" and any(c.dep_ == "nsubjpass" for c in verb.children):
            return None  # "the soldiers, who were killed": the noun is the patient
        if verb.dep_ == "relcl" or (verb.dep_ == "acl" and verb.tag_ == "VBG"):
            return _named(verb.head)
        if verb.dep_ == "acl" and verb.head.lemma_.lower() in lexicon.OWN_INTENT_NOUNS \
                and dep_child(verb.head, "poss") is not None:
            return dep_child(verb.head, "poss")  # "the group's decision to carry out attacks": the group does
        if verb.dep_ == "acl" and verb.head.lemma_.lower() in lexicon.INTENT_NOUNS and verb.head.dep_ == "dobj":
            verb = verb.head.head  # "ISIS has the capacity to carry out attacks": whoever has the capacity
            continue
        if verb.dep_ == "pcomp" and verb.head.dep_ == "prep":  # "acted alone in killing Kennedy"
            verb = verb.head.head
            if verb.lemma_.lower() in lexicon.VERDICT_WORDS:  # "X (was) convicted of killing Y": X did it
                judged = dep_child(verb, "nsubjpass") or dep_child(verb, "nsubj")
                if judged is None and verb.dep_ in ("acl", "relcl", "appos", "amod"):
                    judged = verb.head
                if judged is None and verb.dep_ == "acomp":  # "X pleaded guilty to killing Y"
                    judged = clause_subject(verb.head)
                return judged or person_before_comma(verb)
            if verb.dep_ == "dobj" and verb.head.lemma_.lower() in lexicon.VERDICT_WORDS:
                return _named(verb)  # "the jury convicted the gunman, John Doe, of killing Y"
            continue
        if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in lexicon.OBJECT_CONTROL:
            obj = dep_child(verb.head, "dobj") or next(
                (g for c in verb.head.children if c.dep_ in ("prep", "prt") and c.lower_ in ("on", "upon")
                 for g in c.children if g.dep_ == "pobj"), None)
            if obj is not None:
                return obj
        if verb.dep_ == "advcl" and any(c.dep_ == "mark" for c in verb.children):
            return None  # "while shelling continues, ...": a subordinate clause has its own subject
        if free_participle(verb):  # "X urged Y to attack, also claiming ...": X claims
            verb = matrix_verb(verb.head)
            subject = next((c for c in verb.children if c.dep_ in SUBJECT_DEPS), None)
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


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in PASSIVE_DEPS for c in verb.children)


def by_agent(verb: Token) -> Token | None:
    """The "by"-phrase of a passive verb."""
    return next((g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"), None)


def stray_by_agent(verb: Token) -> Token | None:
    """"Lennon was shot to death in the courtyard of his building by Mark David Chapman": a "by"-phrase the parser
    hung on a later noun of the same clause still names the agent when it names a person."""
    for token in verb.subtree:
        if token.i <= verb.i or token.dep_ in ("relcl", "acl", "ccomp", "advcl"):
            continue
        if token.lower_ == "by" and token.dep_ == "prep" and not any(a.dep_ in ("relcl", "acl", "advcl", "ccomp")
                                                                      for a in token.ancestors if a.i > verb.i):
            person = dep_child(token, "pobj")
            if person is not None and person.ent_type_ == "PERSON":
                return person
    return None


def person_before_comma(participle: Token) -> Token | None:
    """"..., John Harvey Adamson, convicted of murdering ...": a participle after a name and a comma is about that
    name, however the parser attached it."""
    doc = participle.doc
    if participle.i >= 2 and doc[participle.i - 1].text == "," and doc[participle.i - 2].ent_type_ == "PERSON":
        return doc[participle.i - 2]
    return None


def free_participle(verb: Token) -> bool:
    """A participle clause set off by a comma ("..., also claiming Y"): it modifies the main clause, wherever the
    parser hung it."""
    if verb.dep_ != "advcl" or verb.tag_ != "VBG" or any(c.dep_ in ("mark", "nsubj") for c in verb.children):
        return False
    edge = verb.left_edge.i
    return edge > 0 and verb.doc[edge - 1].text == ","


def matrix_verb(verb: Token) -> Token:
    """The main verb an infinitive or conjoined verb chain hangs from ("urged X to arm and carry out" -> urged,
    "proclaimed itself to be" -> proclaimed); a finite complement clause ("said Y attacked") has its own subject."""
    for _ in range(6):
        infinitive = verb.dep_ == "ccomp" and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
        if not (verb.dep_ in ("xcomp", "conj") or infinitive) or verb.head.i == verb.i:
            break
        verb = verb.head
    return verb


def dep_child(token: Token, dep: str) -> Token | None:
    return next((c for c in token.children if c.dep_ == dep), None)


def of_object(token: Token) -> Token | None:
    """The object of a word's (first) "of" phrase: "hundreds of hostages" -> hostages."""
    of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    return dep_child(of, "pobj") if of is not None else None


def add_with_conj(add, role: str, token: Token | None) -> None:
    """The argument, the words conjoined with it and the ones it includes ("leftists, including Eva Forest")."""
    if token is None:
        return
    original, token = token, content_head(token)
    add((role, token))
    stray = {c.i for c in misparsed_conjuncts(token)}
    # the description's conjuncts too: "the minister, Lord Moyne, and the mediator, Count Bernadotte"
    for conj in dict.fromkeys((*token.conjuncts, *original.conjuncts)):
        if conj.i > token.i and conj.pos_ in ("NOUN", "PROPN", "PRON", "NUM") and conj.i not in stray \
                and conj.lemma_.lower() not in NOUN_INDEX:  # "attacks on the police and assassinations": two events
            add((role, content_head(conj)))
    for item in stray_list_items(original):
        add_with_conj(add, role, item)
    for item in (c for c in token.children if c.dep_ == "appos" and c.pos_ == token.pos_ == "NOUN"
                 and any(g.dep_ == "conj" for g in c.children)):
        add_with_conj(add, role, item)  # "a policeman, a driver and two children": a list the parser read as apposition
    for prep in (c for c in token.children if c.dep_ == "prep" and c.lower_ in ("including", "among")):
        add_members(add, role, prep)
    for clause in (c for c in {*original.children, *token.children} if c.dep_ == "relcl"
                   and c.lemma_.lower() == "include"):
        add_with_conj(add, role, dep_child(clause, "dobj"))  # "a group of nobles that included Brutus and Cassius"


def stray_list_items(obj: Token) -> list[Token]:
    """"attacked the barracks, the police station, the courthouse and the market", "warnings were given to the mayor,
    the police, ...": the parser hangs the rest of a list on the verb (a conjunct or a loose noun phrase); noun phrases
    that follow an object with only commas and "and" between continue its list."""
    if obj.dep_ == "dobj":
        verb = obj.head
    elif obj.dep_ == "pobj" and obj.head.dep_ in ("prep", "dative"):
        verb = obj.head.head
    else:
        return []
    if verb.pos_ not in ("VERB", "AUX"):
        return []
    doc, end, items = obj.doc, obj.right_edge.i, []
    for child in (c for c in verb.children if c.i > end and c.dep_ not in ("punct", "cc")):
        gap = doc[end + 1:child.left_edge.i]
        if child.dep_ not in ("conj", "npadvmod", "appos") or child.pos_ not in ("NOUN", "PROPN") or is_date(child) \
                or child.lemma_.lower() in lexicon.TIME_NOUNS \
                or not len(gap) or not all(t.text == "," or t.dep_ == "cc" for t in gap):
            break
        items.append(child)
        end = child.right_edge.i
    return items


def add_members(add, role: str, prep: Token) -> None:
    """The members of an "including" list. A long list of names, each with its description, parses as a chain of
    appositions and conjuncts: every name in it that is an item (not the object of "wife of X") is a member."""
    member = dep_child(prep, "pobj")
    if member is None:
        return
    add_with_conj(add, role, member)
    for name in member.subtree:
        if name.dep_ in ("conj", "appos") and name.ent_type_ == "PERSON" and name.i > member.i \
                and not _related_by_of(name, member):
            add((role, name))


def _related_by_of(name: Token, item: Token) -> bool:
    """Whether ``name`` hangs on an "of" phrase below ``item`` ("wife of the poet X": X is no item of the list)."""
    node = name
    while node.i != item.i and node.head.i != node.i:
        if node.dep_ == "pobj" and node.head.lower_ == "of":
            return True
        node = node.head
    return False


def misparsed_conjuncts(noun: Token) -> list[Token]:
    """"the bombings of the embassy and the hotel": the parser often conjoins the second object with the event noun
    itself; a conjunct of an event noun that follows its "of" phrase and names no event is another object."""
    obj = of_object(noun)
    if obj is None:
        return []
    of = obj.head
    found = [c for c in noun.children if c.dep_ == "conj" and c.i > of.i]
    cc = next((c for c in noun.children if c.dep_ == "cc" and c.i > of.i), None)
    if cc is not None and not found:  # or makes it a second subject of the verb: "the bombings of X and Y were ..."
        found = [c for c in noun.head.children if c.dep_ == noun.dep_ and c.i > cc.i]
    return [c for c in found if c.pos_ in ("NOUN", "PROPN") and c.lemma_.lower() not in NOUN_INDEX]


def content_head(token: Token) -> Token:
    """"hundreds of hostages" -> hostages, "the body of a trader" -> trader; a relative pronoun -> the noun its clause
    is about ("the men who were arrested" -> men)."""
    if token.lower_ in lexicon.RELATIVE_PRONOUNS and token.head.dep_ == "relcl" and token.dep_ != "poss":
        return _name_in_apposition(token.head.head)
    if token.lemma_.lower() in lexicon.MEMBER_NOUNS or token.like_num:
        member = of_object(token)
        if member is not None and member.pos_ in ("NOUN", "PROPN"):
            return member
    if token.lemma_.lower() in lexicon.SETTLEMENT_NOUNS:  # "the towns of Marjah and Nad Ali" -> Marjah (and Nad Ali)
        name = of_object(token)
        if name is not None and name.pos_ == "PROPN":
            return name
    return _name_in_apposition(token)


def _set_off(appos: Token) -> bool:
    """An apposition set off by a comma ("the king of Peru, Atahualpa"), not a name run into a phrase."""
    edge = appos.left_edge.i
    return edge > 0 and appos.doc[edge - 1].text == ","


def is_date(token: Token) -> bool:
    """"on Monday", "on 4 May": a time, never a participant (lower-case wire text has no entity label for it)."""
    return token.ent_type_ in ("DATE", "TIME") or token.lower_ in lexicon.DAY_WORDS


def is_place_noun(token: Token) -> bool:
    return token.pos_ == "NOUN" and token.lemma_.lower() in lexicon.PLACE_NOUNS


def _named(noun: Token) -> Token:
    """Who a description of a doer names: "Omar Haddad, a tailor who assassinated the governor" (an apposition), "Omar
    Haddad was the gunman who shot the governor" (a predicate noun), "Haddad, identified as the man who ..." (an "as"
    phrase), "the gunman, Omar Haddad, who ..." (its own apposition)."""
    if noun.ent_type_:
        return noun
    if noun.dep_ == "appos" and noun.head.ent_type_ == "PERSON":
        return noun.head
    if noun.dep_ == "attr" and noun.head.lemma_ == "be":
        subject = dep_child(noun.head, "nsubj")
        if subject is not None and subject.ent_type_ == "PERSON":
            return subject
    if noun.dep_ == "pobj" and noun.head.lower_ == "as" and noun.head.head.pos_ == "VERB":
        verb = noun.head.head
        named = dep_child(verb, "nsubjpass") or dep_child(verb, "dobj") or (
            verb.head if verb.dep_ in ("acl", "appos", "relcl") else None)
        if named is not None and named.ent_type_ == "PERSON":
            return named
    return _name_in_apposition(noun)


def _name_in_apposition(noun: Token) -> Token:
    """"the notorious outlaw Jesse James", "the minister, Lord Moyne", "the last king of Peru, Atahualpa": a
    description whose apposition is a name stands for what it names."""
    if noun.ent_type_ == "PERSON" or noun.pos_ not in ("NOUN", "PROPN"):
        return noun
    settlement = noun.lemma_.lower() in lexicon.SETTLEMENT_NOUNS
    person_word = noun.pos_ == "PROPN" or noun.lemma_.lower() in lexicon.PEOPLE_NOUNS
    named = next((c for c in noun.children if c.dep_ == "appos" and (c.ent_type_ == "PERSON" or c.pos_ == "PROPN" and (
        settlement or person_word and c.ent_type_ not in PLACE_LABELS) and _set_off(c))), None)
    if named is None and noun.head.i != noun.i:  # "the gambler Walter Haines" read as two subjects side by side
        named = next((c for c in noun.head.children if c.dep_ == noun.dep_ and c.ent_type_ == "PERSON"
                      and c.left_edge.i == noun.i + 1), None)
    return named if named is not None else noun
