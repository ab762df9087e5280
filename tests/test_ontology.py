"""The ontology (ontology/eventkg.ttl) and the SHACL shapes (ontology/shapes.ttl), checked against real graphs: the
hand-made examples, the seed article and WikiEvents dev documents run through the real extractor."""

from __future__ import annotations

import io
import json

import pytest
from pyshacl import validate
from rdflib import Graph, Literal, URIRef

import ontology
from extract.model import ENTITY_TYPES, EVENT_TYPES, PREDICATES, Article
from graph.namespaces import EKG, OWL, RDF, RDFS, SCHEMA, SKOS, XSD
from graph.rdf import article_rdf
from graph.reading.stats import stats
from graph.store import EventStore, open_store

CAMEO_SCHEME = URIRef("https://w3id.org/eventkg/ontology/cameo/scheme")
PLOVER_SCHEME = URIRef("https://w3id.org/eventkg/ontology/plover/scheme")
MAPPINGS = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch)
WIKIEVENTS_DOCS = 5


@pytest.fixture(scope="module")
def onto() -> Graph:
    return Graph().parse(ontology.path("eventkg.ttl"))


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(ontology.path("shapes.ttl"))


def union(store: EventStore) -> Graph:
    """Every graph of the store (articles, entities, ontology) as one rdflib Graph, as SPARQL's default graph sees it."""
    buffer = io.BytesIO()
    store.dump(buffer, "nt")
    return Graph().parse(data=buffer.getvalue(), format="nt")


def conforms(data: Graph, shapes: Graph, inference: str = "none") -> tuple[bool, str]:
    ok, _, report = validate(data, shacl_graph=shapes, advanced=True, allow_warnings=True, inference=inference)
    return ok, report


def test_every_term_of_the_namespace_is_defined_with_label_comment_domain_and_range(onto):
    terms = [*EKG.__annotations__, *EVENT_TYPES, *PREDICATES]
    for name in terms:
        term = EKG[name]
        kinds = set(onto.objects(term, RDF.type))
        assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, f"{name} is not defined"
        assert onto.value(term, RDFS.label) is not None and onto.value(term, RDFS.comment) is not None, name
        if OWL.Class not in kinds:
            assert {RDFS.domain, SCHEMA.domainIncludes} & set(onto.predicates(term)), f"{name} has no domain"
            assert {RDFS.range, SCHEMA.rangeIncludes} & set(onto.predicates(term)), f"{name} has no range"
    defined = {s for s in onto.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(str(EKG))}
    assert defined == {EKG[name] for name in terms}  # and nothing the code does not know


def test_classes_are_aligned_to_sem_and_schema(onto):
    assert (EKG.Event, RDFS.subClassOf, URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/Event")) in onto
    assert (EKG.Event, RDFS.subClassOf, SCHEMA.Event) in onto
    for name in EVENT_TYPES:
        assert (EKG[name], RDFS.subClassOf, EKG.Event) in onto
    for name in ENTITY_TYPES:
        assert (EKG[name], RDFS.subClassOf, EKG.Entity) in onto
    assert (EKG.Person, RDFS.subClassOf, SCHEMA.Person) in onto
    assert (EKG.Place, RDFS.subClassOf, SCHEMA.Place) in onto


@pytest.mark.parametrize("event_type", [t for t in EVENT_TYPES if t != "Death"])
def test_event_types_map_to_cameo_codes_as_skos_concepts(onto, event_type):
    targets = {o for p in MAPPINGS for o in onto.objects(EKG[event_type], p)}
    cameo = [t for t in targets if (t, SKOS.inScheme, CAMEO_SCHEME) in onto]
    assert cameo, f"{event_type} has no CAMEO mapping"
    for concept in cameo:
        notation = onto.value(concept, SKOS.notation)
        assert str(notation).isdigit() and str(concept).endswith("/" + str(notation))
        assert onto.value(concept, SKOS.prefLabel) is not None


def test_known_codes(onto):
    def codes(event_type: str, scheme: URIRef) -> set[str]:
        return {
            str(onto.value(o, SKOS.notation))
            for p in MAPPINGS
            for o in onto.objects(EKG[event_type], p)
            if (o, SKOS.inScheme, scheme) in onto
        }

    assert "173" in codes("Arrest", CAMEO_SCHEME) and "COERCE" in codes("Arrest", PLOVER_SCHEME)
    assert "13" in codes("Threat", CAMEO_SCHEME) and "THREATEN" in codes("Threat", PLOVER_SCHEME)
    assert "10" in codes("CallForAction", CAMEO_SCHEME) and "DEMAND" in codes("CallForAction", PLOVER_SCHEME)
    assert {"18", "19"} <= codes("Attack", CAMEO_SCHEME) and "ASSAULT" in codes("Attack", PLOVER_SCHEME)
    assert "186" in codes("Killing", CAMEO_SCHEME)


def test_hand_made_graph_conforms_to_the_shapes(tmp_path, hand_extractions, shapes):
    with open_store(tmp_path / "kg") as kg:
        for article, extraction in hand_extractions:
            kg.put(article_rdf(article, extraction, kg.iris))
        ok, report = conforms(union(kg), shapes, inference="rdfs")
    assert ok, report


def test_shapes_catch_a_broken_graph(tmp_path, hand_extractions, shapes):
    with open_store(tmp_path / "kg") as kg:
        for article, extraction in hand_extractions:
            kg.put(article_rdf(article, extraction, kg.iris))
        data = union(kg)
        iris = kg.iris
    killing, isis = iris.event("call", "ev3"), iris.entity("organization/isis")
    data.set((killing, EKG.confidence, Literal(1.5, datatype=XSD.double)))
    data.remove((iris.event("call", "ev1"), RDF.type, None))
    data.add((isis, RDFS.label, Literal("Islamic State")))
    data.set((killing, EKG.time, Literal("March 2022")))
    data.remove((killing, URIRef("http://semanticweb.cs.vu.nl/2009/11/sem/accordingTo"), None))
    ok, report = conforms(data, shapes)
    assert not ok
    for problem in ("MaxInclusive", "ClassConstraint", "MaxCount", "OrConstraint", "MinCount"):
        assert problem in report, problem


@pytest.fixture(scope="module")
def wikievents_articles(shared_dir) -> list[Article]:
    with (shared_dir / "data" / "wikievents" / "dev.jsonl").open() as lines:
        docs = [json.loads(line) for _, line in zip(range(WIKIEVENTS_DOCS), lines)]
    return [Article(id=d["doc_id"], text=d["text"], published="2020-01-01") for d in docs]


def test_seed_and_wikievents_through_the_real_extractor_conform(
    tmp_path, seed_article, wikievents_articles, extractor, shapes
):
    articles = [seed_article, *wikievents_articles]
    with open_store(tmp_path / "kg") as kg:
        for article, extraction in zip(articles, extractor.extract_many(articles)):
            kg.put(article_rdf(article, extraction, kg.iris))
        assert stats(kg)["articles"] == len(articles)
        data = union(kg)
    ok, report = conforms(data, shapes)
    assert ok, report
    # as a researcher's reasoner reads it: every rdfs:domain and rdfs:range must be true of what is written
    ok, report = conforms(data, shapes, inference="rdfs")
    assert ok, report


def test_the_synthetic_benchmark_graph_conforms(tmp_path, shapes):
    from bench.synthetic import write_synthetic

    write_synthetic(tmp_path / "synthetic.nq", quads=3000)
    with open_store(tmp_path / "kg") as kg:
        kg.load(tmp_path / "synthetic.nq")
        assert stats(kg)["articles"] > 5
        ok, report = conforms(union(kg), shapes)
    assert ok, report
