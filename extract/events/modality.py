"""Modality: the innermost operator above a trigger decides whether the event is asserted, negated, hypothetical,
called for, threatened or reported (and by whom)."""

from __future__ import annotations

from spacy.tokens import Token

from extract import lexicon
from extract.event_types import NOUN_INDEX
from extract.events.candidate import EventCandidate
from extract.events.syntax import (
    OPERATOR_PATH_DEPS,
    OPERATOR_STOP_DEPS,
    clause_subject,
    free_participle,
    governing_verb,
    matrix_verb,
    nominal_gerund,
)


def set_modality(event: EventCandidate) -> None:
    """The innermost operator above the trigger decides: negation, modal verbs and conditionals, calls, threats,
    intentions, reports ("said", "according to")."""
    node = event.trigger
    situation = False  # inside a "while ..." clause: only a report above still covers the event
    if node.pos_ in ("NOUN", "PROPN", "ADJ") or nominal_gerund(node):
        if any(c.lower_ in lexicon.NEGATIVE_DETERMINERS for c in node.children):
            event.modality = "negated"
            return
        if node.dep_ in ("dobj", "nsubjpass", "attr", "oprd", "acomp", "amod"):
            # the word governing an object acts as a verb even when tagged otherwise ("and stage/NOUN attacks")
            node = node.head if node.dep_ != "amod" else governing_verb(node)
        elif node.dep_ == "pobj" and node.head.lower_ in ("for", "with", "of") and _is_operator(node.head.head):
            node = node.head.head  # "called for attacks", "threatened with attacks"
        elif node.dep_ == "pobj" and node.head.lower_ == "for" and node.head.head.lemma_.lower() in lexicon.INTENT_NOUNS:
            node = node.head.head
            return _set_operator(event, node, "dobj") if node.i != event.trigger.i else None
        else:
            # "died in the bombing, officials said": a noun elsewhere in a clause is only covered by a report
            node, situation = governing_verb(node), True
        lemma = node.lemma_.lower()
        # "carried out attacks" only says who; "planned attacks" also says they have not happened (yet)
        if _is_operator(node) and (lemma not in lexicon.LIGHT_VERBS or lemma in lexicon.INTENT_VERBS) \
                and (not situation or _only_reports(node)):
            return _set_operator(event, node, "dobj")
        # "the toll does not include deaths", "unless the army ends the offensive": the negation or condition of a
        # verb is about the verb, not about an event named in its object
        situation = situation or lemma not in lexicon.NAMING_VERBS
    for _ in range(8):
        own = _own_modality(node)
        if own is not None and own[0] == "hypothetical" and not situation:
            speech_act = _speech_act_above(node)  # "warned that it would mount new attacks": a threat
            if speech_act is not None:
                own, event.governor = (speech_act[0], None), speech_act[1]
        if own is not None:
            if not situation or own[0] == "reported":
                event.modality, event.source = own
            if own[0] == "reported" or not situation:
                return
        dep, head = node.dep_, node.head
        if dep == "acl" and head.pos_ == "NOUN":
            noun = head.lemma_.lower()
            if noun in lexicon.INTENT_NOUNS:
                event.modality = {"threat": "threatened", "call": "called-for", "order": "called-for",
                                  "appeal": "called-for", "demand": "called-for"}.get(noun, "hypothetical")
                event.governor = head if NOUN_INDEX.get(noun) else None
            return
        if dep in OPERATOR_STOP_DEPS or head.i == node.i:
            return
        situation = situation or _situation_clause(node) or _time_phrase(node)
        if dep not in OPERATOR_PATH_DEPS:
            return
        if free_participle(node):  # "urged X to attack, also claiming Y": the participle belongs to the main clause
            node = matrix_verb(head)
            continue
        if dep == "conj" and any(c.dep_ in ("nsubj", "nsubjpass") for c in node.children) \
                and not _is_operator(head):
            return  # "X hasn't staged attacks, and attacks are inspired by Y": a conjoined clause stands alone
        if head.pos_ in ("VERB", "AUX") and head.i != event.trigger.i and _is_operator(head):
            if situation and not _only_reports(head):
                return
            return _set_operator(event, head, dep)
        node = head


def _situation_clause(verb: Token) -> bool:
    """"stage attacks while the crusaders are fighting": a subordinate clause with a temporal or causal conjunction
    describes the circumstances; it is not part of what is called for, threatened or denied (a report still covers
    it: "while shelling continues, ..., according to X")."""
    return verb.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in lexicon.SITUATION_MARKS
                                        for c in verb.children)


def _time_phrase(node: Token) -> bool:
    """"warned of unrest after the shooting of a man": what a time phrase places the event against is its setting,
    not what is threatened, called for or denied."""
    return node.dep_ in ("pobj", "pcomp") and node.head.lower_ in lexicon.TIME_PREPS


def _speech_act_above(verb: Token) -> tuple[str, Token] | None:
    """A threat or call whose complement a modal clause is ("warned that it would attack", "urged that they should
    leave"): the event is threatened or called for, not merely possible."""
    node = verb
    for _ in range(4):
        if node.dep_ not in ("ccomp", "xcomp", "conj") or node.head.i == node.i:
            return None
        node = node.head
        lemma = node.lemma_.lower()
        if lemma in lexicon.THREAT_VERBS:
            return "threatened", node
        if lemma in lexicon.CALL_VERBS and lemma != "tell":
            return "called-for", node
    return None


def _own_modality(verb: Token) -> tuple[str, Token | None] | None:
    children = list(verb.children)
    for child in children:  # "The attack, police said, killed five": a report set in the clause
        if child.dep_ == "parataxis" and child.lemma_.lower() in lexicon.REPORTING_VERBS \
                and not any(c.dep_ == "ccomp" for c in child.children):
            return "reported", next((c for c in child.children if c.dep_ == "nsubj"), None)
    if any(c.dep_ == "neg" for c in children):
        return "negated", None
    for child in children:
        if child.dep_ == "aux" and child.lower_ in lexicon.MODAL_AUX:
            return "hypothetical", None
        if child.dep_ == "mark" and child.lower_ in lexicon.CONDITIONAL_MARKS:
            return "hypothetical", None
        if child.dep_ == "prep" and child.lower_ == "according":
            source = next((g for c in child.children for g in c.children if g.dep_ == "pobj"), None)
            return "reported", source
    return None


def _is_operator(verb: Token) -> bool:
    lemma = verb.lemma_.lower()
    return lemma in lexicon.CALL_VERBS or lemma in lexicon.THREAT_VERBS or lemma in lexicon.INTENT_VERBS \
        or lemma in lexicon.NEGATING_VERBS or lemma in lexicon.REPORTING_VERBS or lemma in ("declare", "proclaim")


def _only_reports(verb: Token) -> bool:
    lemma = verb.lemma_.lower()
    return lemma in lexicon.REPORTING_VERBS and not (lemma in lexicon.CALL_VERBS or lemma in lexicon.THREAT_VERBS
                                                     or lemma in lexicon.INTENT_VERBS or lemma == "announce")


def _set_operator(event: EventCandidate, verb: Token, dep: str) -> None:
    lemma = verb.lemma_.lower()
    event.governor = verb
    if lemma == "call" and any(c.dep_ == "oprd" for c in verb.children):
        # "Macron called the explosion an attack": a naming, reported by whoever names it
        event.modality, event.source = "reported", clause_subject(verb)
        return
    if lemma in ("declare", "proclaim", "announce"):
        # A declared offensive or war is announced, not yet fought: a threat until it is reported as happening.
        if event.type in ("Attack", "MilitaryOperation", "Invasion", "Battle"):
            event.modality = "threatened"
        return
    if lemma in lexicon.CALL_VERBS and not (lemma == "tell" and dep == "ccomp"):
        event.modality = "called-for"
    elif lemma in lexicon.THREAT_VERBS:
        event.modality = "threatened"
    elif lemma in lexicon.NEGATING_VERBS:
        event.modality = "negated"
    elif lemma in lexicon.INTENT_VERBS:
        event.modality = "hypothetical"
    else:
        event.modality = "reported"
        event.source = clause_subject(verb)
