"""Coreference inside one article (extract/coref.py): pronouns, name parts, definite descriptions and appositions
point to the entity they refer to, on the real spaCy model."""

from __future__ import annotations

import pytest

from extract.model import Article


def _extract(extractor, text: str):
    return extractor.extract(Article(id="t", text=text))


def _agents(extraction, trigger: str) -> list[str | None]:
    event = next(e for e in extraction.events if e.trigger.text == trigger)
    return [a.entity for a in event.args("agent")]


def _references(extraction, key: str) -> list[str]:
    return [r.text for r in next(e for e in extraction.entities if e.id == key).references]


@pytest.fixture(scope="module")
def seed(extractor, seed_article):
    return extractor.extract(seed_article)


def test_seed_he_urged_is_al_muhajir(seed):
    event = next(e for e in seed.events if e.trigger.text == "urged" and e.sentence.text.startswith("He also urged"))
    assert [a.entity for a in event.args("agent")] == ["person/abu-omar-al-muhajir"]


def test_pronoun_goes_to_the_salient_person_of_matching_gender(extractor):
    ex = _extract(extractor, "Ms Maria Lopez met Mr John Carter in Madrid. He later attacked a police station.")
    assert _agents(ex, "attacked") == ["person/john-carter"]
    ex = _extract(extractor, "John Carter met Maria Lopez in Madrid. She said she was afraid. "
                             "He later attacked a police station.")
    assert _agents(ex, "attacked") == ["person/john-carter"]


def test_pronoun_prefers_the_subject_and_is_not_its_own_verbs_subject(extractor):
    ex = _extract(extractor, "Ahmed Karimi criticised Omar Haddad on Monday. He killed him two days later.")
    event = next(e for e in ex.events if e.trigger.text == "killed")
    assert [a.entity for a in event.args("agent")] == ["person/ahmed-karimi"]
    assert [a.entity for a in event.args("victim")] == ["person/omar-haddad"]


def test_surname_alone_is_the_named_person(extractor):
    ex = _extract(extractor, "Police said Khalid Mansour planned the raid. Mansour was arrested in Berlin on Friday.")
    event = next(e for e in ex.events if e.type == "Arrest")
    assert [a.entity for a in event.args("target")] == ["person/khalid-mansour"]


def test_definite_descriptions_refer_back(extractor):
    ex = _extract(extractor, "Boko Haram claimed the bombing in Maiduguri. The group also attacked a school in Kano. "
                             "The militants killed three teachers.")
    assert _agents(ex, "attacked") == ["organization/boko-haram"]
    assert _agents(ex, "killed") == ["organization/boko-haram"]
    ex = _extract(extractor, "A man stabbed two people in Leeds. Police arrested the man an hour later.")
    stab, arrest = (next(e for e in ex.events if e.type == t) for t in ("Attack", "Arrest"))
    assert [a.entity for a in arrest.args("target")] == [a.entity for a in stab.args("agent")]


def test_apposition_is_its_head(extractor):
    ex = _extract(extractor, "Abu Hamza, the leader of the cell, was killed in Raqqa. "
                             "The leader had attacked a checkpoint in 2019.")
    key = "person/abu-hamza"
    assert _references(ex, key) == ["the leader", "The leader"]
    assert _agents(ex, "attacked") == [key]
    killing = next(e for e in ex.events if e.type == "Killing")
    assert [a.entity for a in killing.args("victim")] == [key]


@pytest.mark.parametrize("text", [
    "The report was published on Monday. It said that prices rose.",  # "it" is a thing: no organisation here
    "Omar Haddad met the ministers. They refused to talk about it.",  # "they" is not the one person before it
])
def test_no_antecedent_no_reference(extractor, text):
    ex = _extract(extractor, text)
    assert all(not e.references for e in ex.entities if e.type == "Person")


def test_references_are_not_aliases(extractor):
    ex = _extract(extractor, "Omar Haddad was arrested in Paris. He denied the charges.")
    person = next(e for e in ex.entities if e.id == "person/omar-haddad")
    assert [r.text for r in person.references] == ["He"] and "He" not in person.aliases


# --- event coreference (extract/event_coref.py) ----------------------------------------------------------------------

BLAST = "A car bomb exploded in Kabul on Monday. The blast killed five."


def test_a_repeated_incident_is_one_event_with_several_mentions(extractor):
    ex = _extract(extractor, BLAST)
    attack, killing = ex.events
    assert attack.type == "Attack" and [m.trigger.text for m in attack.mentions] == ["exploded", "blast"]
    assert [m.sentence.text for m in attack.mentions] == ["A car bomb exploded in Kabul on Monday.",
                                                          "The blast killed five."]
    blast = attack.mentions[1].trigger
    assert BLAST[blast.start:blast.end] == "blast" and (attack.trigger, attack.sentence) == (
        attack.mentions[0].trigger, attack.mentions[0].sentence)
    assert killing.type == "Killing" and len(killing.mentions) == 1
    killed = [(r.subject, r.object) for r in ex.relations if r.predicate == "killed"]
    assert killed == [(attack.id, "person/five@t")]  # the blast that killed is the one attack


@pytest.mark.parametrize("text", [
    "A bomb exploded in Kabul on Monday. Another blast hit Herat on Tuesday.",  # "another": a new event
    "A bomb exploded in Kabul on Monday. The blast in Kandahar killed two.",  # places conflict
    "Rebels called for an attack on the base. The attack on the base killed two soldiers.",  # called for, then done
])
def test_other_incidents_stay_apart(extractor, text):
    ex = _extract(extractor, text)
    assert all(len(e.mentions) == 1 for e in ex.events)


def test_event_mentions_in_rdf(extractor):
    from graph.namespaces import EKG, RDF, IRIs
    from graph.rdf import article_rdf

    article = Article(id="t", text=BLAST)
    rdf = article_rdf(article, extractor.extract(article), IRIs())
    attack = rdf.iris.event("t", "ev1")
    mentions = [o for s, p, o in rdf.triples if s == attack and p == EKG.mention]
    assert mentions == [rdf.iris.event_mention("t", "ev1", 1), rdf.iris.event_mention("t", "ev1", 2)]
    second = set((p, o) for s, p, o in rdf.triples if s == mentions[1])
    assert {(RDF.type, EKG.EventMention)} <= second
    assert {(p, o.toPython()) for p, o in second if p != RDF.type} == {
        (EKG.triggerText, "blast"), (EKG.triggerStart, BLAST.index("blast")),
        (EKG.triggerEnd, BLAST.index("blast") + 5), (EKG.sentence, "The blast killed five."),
        (EKG.sentenceStart, BLAST.index("The blast")), (EKG.sentenceEnd, len(BLAST))}
    killing = rdf.iris.event("t", "ev2")
    assert not any(s == killing and p == EKG.mention for s, p, o in rdf.triples)  # told once: no mention nodes


def test_relative_pronouns_and_demonyms_are_references(extractor):
    ex = _extract(extractor, "Russia said Omar Haddad, who led the cell, was killed by Russian troops.")
    assert "who" in _references(ex, "person/omar-haddad")
    russia = next(e for e in ex.entities if e.label == "Russia")
    assert [r.text for r in russia.references] == ["Russian"]


def test_a_name_keeps_one_type_inside_an_article():
    from spacy.tokens import Span as SpacySpan

    from extract.entities import build_index
    from extract.gazetteer import Gazetteer
    from extract.pipeline import build_nlp

    doc = build_nlp()("Khairullozhon Matanov lied to agents. Matanov was charged. Prosecutors said Matanov knew.")
    names = [(0, 2, "PERSON"), (6, 7, "GPE"), (12, 13, "ORG")]  # the statistical NER's kind of disagreement
    doc.ents = [SpacySpan(doc, start, end, label=label) for start, end, label in names]
    index = build_index(doc, "t", Gazetteer.load())
    assert {index.token_entity[i] for i in (0, 6, 12)} == {"person/khairullozhon-matanov"}


def test_i_in_quoted_speech_is_the_speaker(extractor):
    ex = _extract(extractor, '"I saw the gunmen attack the bus," said Eva Martin, a student.')
    assert "I" in _references(ex, "person/eva-martin")
