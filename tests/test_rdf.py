"""Extraction -> RDF (graph/rdf.py) against docs/data-model.md §2: IRIs, types, literals, statements, provenance."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from graph.namespaces import EKG, GEO, OWL, PROV, RDF, RDFS, SCHEMA, SEM, SKOS, XSD, IRIs
from graph.rdf import PARTICIPANT_ROLES, article_rdf, time_literal


@pytest.fixture(scope="module")
def call_rdf(hand_extractions):
    article, extraction = hand_extractions[0]
    return article_rdf(article, extraction, IRIs())


def objects(rdf, s, p):
    return sorted((o for s2, p2, o in rdf.triples if s2 == s and p2 == p), key=str)


def test_iris_follow_the_data_model():
    iris = IRIs("https://example.org/kg")  # a missing trailing slash is added
    assert iris.entity("organization/isis") == URIRef("https://example.org/kg/entity/organization/isis")
    assert iris.entity("person/josé martí") == URIRef("https://example.org/kg/entity/person/jos%C3%A9%20mart%C3%AD")
    assert iris.article("a/b c") == URIRef("https://example.org/kg/article/a%2Fb%20c")
    assert iris.event("a", "ev4") == URIRef("https://example.org/kg/event/a/ev4")
    assert iris.statement("a", 3) == URIRef("https://example.org/kg/statement/a/3")
    assert iris.extractor("eventkg-rules", "0.1.0") == URIRef("https://example.org/kg/extractor/eventkg-rules-0.1.0")
    assert iris.article_graph("a") == URIRef("https://example.org/kg/graph/article/a")
    assert iris.entities_graph == URIRef("https://example.org/kg/graph/entities")
    assert iris.ontology_graph == URIRef("https://example.org/kg/graph/ontology")


def test_article_node_carries_its_metadata_and_hash(call_rdf, hand_extractions):
    article = hand_extractions[0][0]
    a = call_rdf.iris.article("call")
    assert set(objects(call_rdf, a, RDF.type)) == {EKG.Article, SCHEMA.NewsArticle}
    assert objects(call_rdf, a, SCHEMA.headline) == [Literal("ISIS calls for attacks")]
    assert objects(call_rdf, a, SCHEMA.datePublished) == [Literal("2022-04-20", datatype=XSD.date)]
    assert objects(call_rdf, a, SCHEMA.url) == [Literal("https://example.org/call", datatype=XSD.anyURI)]
    assert objects(call_rdf, a, EKG.contentHash) == [Literal(article.content_hash)]
    assert objects(call_rdf, a, EKG.text) == [Literal(article.text)]


def test_events_are_typed_nodes_with_roles_evidence_and_provenance(call_rdf):
    iris = call_rdf.iris
    call, attack, killing = (iris.event("call", e) for e in ("ev1", "ev2", "ev3"))
    assert objects(call_rdf, call, RDF.type) == [EKG.CallForAction]
    assert objects(call_rdf, call, EKG.agent) == [iris.entity("person/abu-omar-al-muhajir")]
    assert objects(call_rdf, call, EKG.topic) == [attack]
    assert objects(call_rdf, attack, EKG.modality) == [Literal("called-for")]
    assert objects(call_rdf, killing, SEM.accordingTo) == [iris.entity("group/police")]
    assert objects(call_rdf, killing, EKG.time) == [Literal("2022-03", datatype=XSD.gYearMonth)]
    assert objects(call_rdf, killing, EKG.timeText) == [Literal("last month")]
    assert objects(call_rdf, killing, EKG.triggerStart) == [Literal(105)]
    assert objects(call_rdf, killing, EKG.confidence) == [Literal(0.8, datatype=XSD.double)]
    assert objects(call_rdf, killing, PROV.wasGeneratedBy) == [iris.extractor("test-extractor", "1")]
    assert objects(call_rdf, killing, PROV.wasDerivedFrom) == [iris.article("call")]
    (sentence,) = objects(call_rdf, killing, EKG.sentence)
    (start,) = objects(call_rdf, killing, EKG.sentenceStart)
    (end,) = objects(call_rdf, killing, EKG.sentenceEnd)
    text = objects(call_rdf, iris.article("call"), EKG.text)[0]
    assert str(text)[start.toPython() : end.toPython()] == str(sentence)
    assert "Killing" in str(objects(call_rdf, killing, RDFS.label)[0])


def test_relations_are_direct_edges_and_statements_pointing_back(call_rdf):
    iris = call_rdf.iris
    speaker = iris.entity("person/abu-omar-al-muhajir")
    assert (speaker, EKG.calledFor, iris.event("call", "ev2")) in call_rdf.triples
    assert (speaker, EKG.spokespersonOf, iris.entity("organization/isis")) in call_rdf.triples
    st = iris.statement("call", 2)
    assert objects(call_rdf, st, RDF.type) == [RDF.Statement]
    assert objects(call_rdf, st, RDF.predicate) == [EKG.calledFor]
    assert objects(call_rdf, st, EKG.event) == [iris.event("call", "ev1")]
    assert objects(call_rdf, st, EKG.sentence)[0].startswith("ISIS spokesperson")  # the event's sentence
    assert objects(call_rdf, iris.statement("call", 1), EKG.role) == [Literal("spokesperson")]


def test_entities_are_claims_in_the_article_graph(call_rdf):
    iris = call_rdf.iris
    isis = iris.entity("organization/isis")
    claim = iris.claim("call", "organization/isis")
    assert objects(call_rdf, claim, RDF.type) == [EKG.EntityClaim]
    assert objects(call_rdf, claim, EKG.about) == [isis]
    assert objects(call_rdf, claim, EKG.claimedType) == [EKG.Organization]
    assert objects(call_rdf, claim, EKG.claimedLabel) == [Literal("ISIS")]
    beer_sheva = iris.claim("call", "place/geonames-295530")
    assert objects(call_rdf, beer_sheva, EKG.claimedGeonamesId) == [Literal(295530, datatype=XSD.integer)]
    (claim,) = [c for c in call_rdf.claims if c.key == "organization/isis"]
    assert set(claim.aliases) == {"Islamic State", "Daesh"}
    # mentions are stated in the article graph, so deleting the article takes them away
    assert (isis, EKG.mentionedIn, iris.article("call")) in call_rdf.triples
    # the entity graph is the store's: nothing of it here
    assert not [t for t in call_rdf.triples if t[1] in (RDFS.label, GEO.lat, OWL.sameAs)
                and str(t[0]).startswith(str(iris.entity("")))]


def test_the_article_graph_uses_the_canonical_entities_it_is_given(hand_extractions):
    from graph.rdf import EntityRef

    article, extraction = hand_extractions[0]
    iris = IRIs()
    rdf = article_rdf(article, extraction, iris, {"person/abu-omar-al-muhajir": EntityRef("person/al-muhajir", "Person"),
                                                  "place/geonames-2510769": EntityRef("person/europe", "Person")})
    call = iris.event("call", "ev1")
    assert objects(rdf, call, EKG.agent) == [iris.entity("person/al-muhajir")]
    # a place role filled by what resolved to a person would make a reasoner call the person a place: left out
    assert objects(rdf, iris.event("call", "ev2"), EKG.place) == []


def test_a_stored_extraction_gives_back_the_article_and_extraction(hand_extractions):
    from graph.stored_extraction import article_from_json, extraction_json

    article, extraction = hand_extractions[0]
    again = article_from_json(article.id, article.text, extraction_json(article, extraction))
    assert again == (article, extraction)


def test_surface_forms_other_than_the_label_are_alt_labels_in_the_article_graph(hand_extractions):
    article, extraction = hand_extractions[1]
    rdf = article_rdf(article, extraction, IRIs())
    isis = rdf.iris.entity("organization/isis")
    assert (isis, SKOS.altLabel, Literal("Islamic State")) in rdf.triples


def test_a_name_broken_across_a_line_is_one_name_in_its_alt_labels_and_claims(extractor):
    from extract.model import Article

    article = Article("broken", "The Islamic State leader Abu Bakr\nal-Baghdadi was killed in a raid in Syria, officials "
                                "said. John\nSmith, a witness, saw it. Abu Bakr al-Baghdadi had led the group since 2010.",
                      published="2022-04-20")
    extraction = extractor.extract(article)
    rdf = article_rdf(article, extraction, IRIs())
    # the mentions keep the text as written (offsets, evidence); the names made of them do not
    assert any("\n" in m.text for e in extraction.entities for m in e.mentions)
    names = [str(o) for _, p, o in rdf.triples if p in (RDFS.label, SKOS.altLabel)]
    names += [n for c in rdf.claims for n in (c.label, *c.aliases)]
    names += [n for e in extraction.entities for n in (e.label, *e.aliases)]
    assert "Abu Bakr al-Baghdadi" in names
    assert [n for n in names if n != " ".join(n.split())] == []


def test_time_literals_keep_their_granularity():
    assert time_literal("2022-02-03").datatype == XSD.date
    assert time_literal("2022-02").datatype == XSD.gYearMonth
    assert time_literal("2022").datatype == XSD.gYear
    assert time_literal("last week") is None
    assert time_literal(None) is None


def test_same_input_gives_the_same_quads(hand_extractions):
    article, extraction = hand_extractions[0]
    assert article_rdf(article, extraction, IRIs()).quads() == article_rdf(article, extraction, IRIs()).quads()


def test_seed_through_the_real_extractor(seed_article, extractor):
    extraction = extractor.extract(seed_article)
    rdf = article_rdf(seed_article, extraction, IRIs())
    entity_iris = {IRIs().entity(e.id) for e in extraction.entities}
    assert {c.key for c in rdf.claims} == {e.id for e in extraction.entities}
    iris = IRIs()
    written = {s for s, p, o in rdf.triples if p == EKG.modality}
    with_participants = {
        iris.event(seed_article.id, e.id)
        for e in extraction.events
        if any(a.role in PARTICIPANT_ROLES and a.entity in {x.id for x in extraction.entities} for a in e.arguments)
    }
    assert with_participants <= written <= {iris.event(seed_article.id, e.id) for e in extraction.events}
    assert len([t for t in rdf.triples if t[1] == RDF.type and t[2] == RDF.Statement]) <= len(extraction.relations)
    # every entity of the article is mentioned in it
    mentioned = {s for s, p, o in rdf.triples if p == EKG.mentionedIn}
    assert mentioned == entity_iris


def test_events_with_nothing_to_connect_to_are_left_out(hand_extractions):
    from extract.model import Argument, Event, Extraction, Relation, Span

    article, extraction = hand_extractions[1]
    loose = Event("ev9", "Attack", "asserted", Span("attacked", 23, 31), extraction.events[0].sentence,
                  [Argument("agent", "fighters", 14, 22, None)])
    topic_of_loose = Event("ev10", "Attack", "called-for", Span("attacked", 23, 31), extraction.events[0].sentence)
    call = Event("ev11", "CallForAction", "asserted", Span("attacked", 23, 31), extraction.events[0].sentence,
                 [Argument("topic", "attacked", 23, 31, "ev12"), Argument("topic", "Hadera", 32, 38, "organization/isis")])
    called = Event("ev12", "Attack", "called-for", Span("attacked", 23, 31), extraction.events[0].sentence)
    extra = Extraction(article.id, extraction.entities, [*extraction.events, loose, topic_of_loose, call, called],
                       extraction.relations)
    rdf = article_rdf(article, extra, IRIs())
    written = {str(s).rsplit("/", 1)[1] for s, p, o in rdf.triples if p == EKG.modality}
    assert written == {"ev1"}  # ev9-ev12 have no participant entity and nothing that is kept refers to them
    extra.relations = [*extraction.relations, Relation("organization/isis", "calledFor", "ev12", "ev11", 0.5)]
    rdf = article_rdf(article, extra, IRIs())
    written = {str(s).rsplit("/", 1)[1] for s, p, o in rdf.triples if p == EKG.modality}
    assert written == {"ev1", "ev11", "ev12"}  # the relation refers to both
    assert rdf.event_count == 3
    call_iri = rdf.iris.event(article.id, "ev11")
    assert objects(rdf, call_iri, EKG.topic) == [rdf.iris.event(article.id, "ev12")]  # not the entity "topic"
