"""Features of a rule candidate and of each of its arguments, read from the spaCy parse: sparse ``{name: value}``
dicts that the linear models of :mod:`extract.learned.linear` weigh.

Only what transfers across sources goes in: the candidate's type and trigger word, its syntax (part of speech,
dependency, determiner, voice), what its arguments are (a named entity of which label, a people noun, a weapon, a
pronoun, another noun), modality, and where it stands in the article (the first line, a repeated mention). No
dataset, document or position identity.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter

from spacy.tokens import Token

from extract import lexicon

PATIENT_ROLES = frozenset({"target", "victim"})
ARG_CLASSES = ("none", "agent", "patient", "instrument", "place")  # what the argument model decides between
_DEFINITE = {"the", "this", "that", "these", "those"}
_POSSESSIVE = {"its", "their", "his", "her", "our", "my", "your"}


def abstract_role(role: str) -> str:
    """A rule's role as one of :data:`ARG_CLASSES` (target and victim are both the patient)."""
    return "patient" if role in PATIENT_ROLES else role


def kind(token: Token, index) -> str:
    """What an argument is: a named-entity label, or a people / weapon / place noun, a pronoun, another noun."""
    if token.ent_type_:
        return token.ent_type_
    lemma = token.lemma_.lower()
    if token.pos_ == "PRON":
        return "pron"
    if lemma in lexicon.PEOPLE_NOUNS or lemma in lexicon.COLLECTIVE_NOUNS:
        return "people"
    if lemma in lexicon.WEAPONS:
        return "weapon"
    if lemma in lexicon.PLACE_NOUNS:
        return "placenoun"
    if index.entity_at(token) is not None:
        return "entity"
    return "propn" if token.pos_ == "PROPN" else "noun"


def _determiner(token: Token) -> str:
    for child in token.children:
        if child.dep_ == "det":
            word = child.lower_
            return "def" if word in _DEFINITE else ("indef" if word in ("a", "an") else word)
        if child.dep_ == "poss":
            return "poss-pron" if child.lower_ in _POSSESSIVE else "poss-name"
    return "bare"


def _bucket(n: int, edges=(0, 1, 2, 4)) -> str:
    for edge in edges:
        if n <= edge:
            return str(edge)
    return f">{edges[-1]}"


class DocumentContext:
    """What the features need from the whole document: sentence numbers and earlier mentions of each class."""

    def __init__(self, candidates, index, classes: dict[str, str]):
        self.index = index
        self.earlier_class: dict[int, int] = {}
        self.earlier_lemma: dict[int, int] = {}
        seen_class, seen_lemma = Counter(), Counter()
        for candidate in sorted(candidates, key=lambda c: c.trigger.i):
            cls = classes.get(candidate.type, candidate.type)
            lemma = candidate.trigger.lemma_.lower()
            self.earlier_class[id(candidate)] = seen_class[cls]
            self.earlier_lemma[id(candidate)] = seen_lemma[lemma]
            seen_class[cls] += 1
            seen_lemma[lemma] += 1

    def sentence_number(self, token: Token) -> int:
        return bisect_right(self.index.sentence_starts, token.i) - 1


def trigger_features(candidate, context: DocumentContext, cls: str) -> dict[str, float]:
    """Is this a real, specific event mention of its type? Features of the trigger and what the rules found."""
    trigger, index = candidate.trigger, context.index
    lemma, pos = trigger.lemma_.lower(), trigger.pos_
    f: dict[str, float] = {
        f"type={candidate.type}": 1, f"cls={cls}": 1, f"pos={pos}": 1, f"tag={trigger.tag_}": 1,
        f"dep={trigger.dep_}": 1, f"cls|pos={cls}|{pos}": 1, f"lemma={lemma}": 1, f"cls|lemma={cls}|{lemma}": 1,
        f"head={trigger.head.lemma_.lower()}": 1, f"headpos={trigger.head.pos_}": 1,
        f"modality={candidate.modality}": 1, f"cls|modality={cls}|{candidate.modality}": 1,
    }
    if pos in ("NOUN", "PROPN", "ADJ"):
        f[f"det={_determiner(trigger)}"] = 1
        f[f"pos|det={pos}|{_determiner(trigger)}"] = 1
        if trigger.dep_ == "pobj":
            f[f"under={trigger.head.lower_}|{trigger.head.head.lemma_.lower()}"] = 1
            f[f"prep={trigger.head.lower_}"] = 1
        if candidate.anchor is not trigger:
            f[f"anchor={candidate.anchor.lemma_.lower()}"] = 1
    if trigger.is_title and trigger.i > index.sentence(trigger).start:
        f["title-case"] = 1  # a headline word
    for child in trigger.children:
        f[f"child={child.dep_}"] = 1
        if child.dep_ in ("amod", "compound", "neg", "prt", "advmod"):
            f[f"child={child.dep_}|{child.lemma_.lower()}"] = 1
        if child.dep_ == "prep":
            f[f"childprep={child.lower_}"] = 1
    if trigger.tag_ in ("NNS", "NNPS"):
        f["plural"] = 1
    roles = Counter(abstract_role(r) for r, _ in candidate.args)
    if candidate.instruments:
        roles["instrument"] += len(candidate.instruments)
    f[f"nargs={_bucket(sum(roles.values()))}"] = 1
    for role in roles:
        f[f"has={role}"] = 1
        f[f"cls|has={cls}|{role}"] = 1
    for role, token in candidate.args:
        f[f"arg={abstract_role(role)}|{kind(token, index)}"] = 1
        if kind(token, index) == "noun":
            f[f"argnoun={abstract_role(role)}|{token.lemma_.lower()}"] = 1
    if candidate.governor is not None:
        f[f"governor={candidate.governor.lemma_.lower()}"] = 1
    if candidate.source is not None:
        f["source"] = 1
    if candidate.cause is not None:
        f["cause"] = 1
    earlier = context.earlier_class[id(candidate)]
    f[f"earlier_cls={_bucket(earlier)}"] = 1
    f[f"earlier_lemma={_bucket(context.earlier_lemma[id(candidate)])}"] = 1
    f[f"pos|first={pos}|{earlier == 0}"] = 1
    sentence = index.sentence(trigger)
    f[f"sentence={min(context.sentence_number(trigger), 3)}"] = 1
    labels = {t.ent_type_ for t in sentence}  # not sentence.ents: a Span's ents scans every entity of the document
    for label in ("CARDINAL", "DATE", "TIME", "GPE", "PERSON", "ORG", "NORP"):
        if label in labels:
            f[f"sent_has={label}"] = 1
    f[f"sentlen={_bucket(len(sentence), (8, 15, 30, 50))}"] = 1
    return f


def argument_features(candidate, role: str, token: Token, context: DocumentContext, cls: str) -> dict[str, float]:
    """Which role does this argument play (or none)? Features of the argument, its path to the trigger, the rule."""
    trigger, index = candidate.trigger, context.index
    role = abstract_role(role)
    what = kind(token, index)
    f: dict[str, float] = {
        f"role={role}": 1, f"cls|role={cls}|{role}": 1, f"kind={what}": 1, f"role|kind={role}|{what}": 1,
        f"cls|role|kind={cls}|{role}|{what}": 1, f"dep={token.dep_}": 1, f"role|dep={role}|{token.dep_}": 1,
        f"tpos={trigger.pos_}": 1, f"role|tpos={role}|{trigger.pos_}": 1,
        f"side={'before' if token.i < trigger.i else 'after'}": 1,
        f"role|side={role}|{'before' if token.i < trigger.i else 'after'}": 1,
        f"dist={_bucket(abs(token.i - trigger.i), (1, 3, 6, 12, 25))}": 1,
    }
    if token.head.i == trigger.i:
        f[f"direct={token.dep_}"] = 1
    elif token.dep_ == "pobj":
        prep = token.head.lower_
        f[f"prep={prep}"] = 1
        f[f"role|prep={role}|{prep}"] = 1
        if token.head.head.i == trigger.i:
            f[f"trigger_prep={prep}"] = 1
    if index.sentence(token) != index.sentence(trigger):
        f["other_sentence"] = 1
    if any(c.dep_ in ("nsubjpass", "auxpass") for c in trigger.children):
        f[f"passive|role={role}"] = 1
    if token.dep_ == "conj":
        f["conjunct"] = 1
    if trigger.lemma_.lower() in lexicon.KILLER_NOUNS:
        f["killer_noun"] = 1
    same = sum(1 for r, _ in candidate.args if abstract_role(r) == role)
    f[f"same_role={_bucket(same, (1, 2))}"] = 1
    if token.lower_ in lexicon.VAGUE_PRONOUNS:
        f["vague"] = 1
    return f
