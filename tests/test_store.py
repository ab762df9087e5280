"""The Oxigraph store on disk (graph/store.py): atomic article writes, stable entities, delete, load, dump, stats."""

from __future__ import annotations

import io
import threading

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef

from graph.namespaces import EKG, RDFS, SKOS
from graph.rdf import article_rdf
from graph.reading.stats import stats
from graph.store import EventStore, StoreError, open_store
from graph.terms import sparql_term


@pytest.fixture
def store(tmp_path):
    kg = open_store(tmp_path / "kg")
    yield kg
    kg.close()


@pytest.fixture
def filled(store, hand_extractions):
    for article, extraction in hand_extractions:
        assert store.put(article_rdf(article, extraction, store.iris)) == "new"
    return store


def graph_quads(store: EventStore, graph: URIRef) -> set[str]:
    return {str(q) for q in store.native.quads_for_pattern(None, None, None, ox.NamedNode(str(graph)))}


def labels(store: EventStore, entity: URIRef) -> list[str]:
    rows = store.select(f"SELECT ?l WHERE {{ {sparql_term(entity)} rdfs:label ?l }}")
    return [r["l"].value for r in rows]


def test_one_named_graph_per_article_plus_entities_and_ontology(filled):
    graphs = {g.value for g in filled.native.named_graphs()}
    iris = filled.iris
    assert graphs == {
        str(iris.article_graph("call")),
        str(iris.article_graph("attack")),
        str(iris.entities_graph),
        str(iris.incidents_graph),
        str(iris.ontology_graph),
        str(iris.changes_graph),  # bookkeeping: when each article was written, and the counters of graph/aggregates
        *(f"{iris.aggregates_graph}/{kind}" for kind in ("period", "place", "agent")),
    }
    # the union default graph lets queries walk the class tree of the ontology graph
    assert filled.native.query(
        f"ASK {{ ?e a/{sparql_term(RDFS.subClassOf)}* {sparql_term(EKG.Event)} ; {sparql_term(EKG.modality)} 'called-for' }}",
        use_default_graph_as_union=True,
    )


def test_entity_iris_are_shared_across_articles_with_one_label(filled):
    isis = filled.iris.entity("organization/isis")
    assert labels(filled, isis) == ["ISIS"]
    mentioned_in = {r["a"].value for r in filled.select(f"SELECT ?a WHERE {{ {sparql_term(isis)} ekg:mentionedIn ?a }}")}
    assert mentioned_in == {str(filled.iris.article("call")), str(filled.iris.article("attack"))}
    aliases = {r["l"].value for r in filled.select(f"SELECT ?l WHERE {{ {sparql_term(isis)} skos:altLabel ?l }}")}
    assert {"Islamic State", "Daesh"} <= aliases


def test_unchanged_content_is_a_no_op_and_changed_content_replaces_the_graph(filled, hand_extractions):
    article, extraction = hand_extractions[1]
    before = sorted(map(str, filled.native))
    assert filled.put(article_rdf(article, extraction, filled.iris)) == "unchanged"
    assert sorted(map(str, filled.native)) == before

    article.title = "Attack in Hadera (updated)"
    try:
        extraction.events[0].confidence = 0.5
        assert filled.put(article_rdf(article, extraction, filled.iris)) == "updated"
    finally:
        article.title = "Attack in Hadera"
        extraction.events[0].confidence = 0.85
    graph = graph_quads(filled, filled.iris.article_graph("attack"))
    assert any("Attack in Hadera (updated)" in q for q in graph)
    assert not any('"Attack in Hadera"' in q for q in graph)  # nothing of the old version is left
    assert not any('"0.85"' in q for q in graph if "event/attack/ev1" in q.split()[0])


def test_a_new_extractor_version_counts_as_an_update(filled, hand_extractions):
    article, extraction = hand_extractions[1]
    extraction.extractor_version = "2"
    try:
        assert filled.put(article_rdf(article, extraction, filled.iris)) == "updated"
    finally:
        extraction.extractor_version = "1"


def test_an_update_drops_entities_the_new_version_no_longer_mentions(filled, hand_extractions):
    from extract.model import Extraction

    article, extraction = hand_extractions[1]
    hadera = filled.iris.entity("place/geonames-294946")
    assert labels(filled, hadera) == ["Hadera"]
    only_isis = Extraction(article.id, extraction.entities[:1], extractor="test-extractor", extractor_version="2")
    assert filled.put(article_rdf(article, only_isis, filled.iris)) == "updated"
    assert labels(filled, hadera) == []
    assert labels(filled, filled.iris.entity("organization/isis")) == ["ISIS"]


def test_delete_article_takes_entities_nobody_else_mentions(filled):
    iris = filled.iris
    isis, hadera = iris.entity("organization/isis"), iris.entity("place/geonames-294946")
    israel, beer_sheva = iris.entity("place/geonames-294640"), iris.entity("place/geonames-295530")
    assert filled.delete_article("attack") is True
    assert labels(filled, hadera) == []
    assert labels(filled, isis) == ["ISIS"]  # still mentioned by "call"
    assert labels(filled, israel) == ["Israel"]  # not mentioned by "call", but Beer Sheva lies in it
    assert graph_quads(filled, iris.article_graph("attack")) == set()
    assert filled.delete_article("attack") is False

    assert filled.delete_article("call") is True
    assert labels(filled, isis) == labels(filled, israel) == labels(filled, beer_sheva) == []
    assert graph_quads(filled, iris.entities_graph) == set()
    assert stats(filled)["articles"] == 0


def test_a_failed_write_leaves_the_previous_version_whole(filled, hand_extractions):
    article, extraction = hand_extractions[1]
    before = sorted(map(str, filled.native))
    rdf = article_rdf(article, extraction, filled.iris)
    rdf.content_hash = "changed"  # forces a write
    rdf.triples.append((URIRef("urn:x"), URIRef("urn:p"), Literal("\ud800")))  # a lone surrogate cannot be stored
    with pytest.raises(Exception):
        filled.put(rdf)
    assert sorted(map(str, filled.native)) == before


def test_stats_count_articles_events_entities_relations(filled):
    counts = stats(filled)
    assert counts["articles"] == 2
    assert counts["events_by_type"] == {"Attack": 2, "CallForAction": 1, "Killing": 1}
    assert counts["entities_by_type"]["Place"] == 4  # Europe, Beer Sheva, Hadera, Israel
    assert counts["relations_by_predicate"] == {"affiliatedWith": 1, "attacked": 1, "calledFor": 1, "spokespersonOf": 1}
    assert counts["quads"] == len(filled) > 0


@pytest.mark.parametrize("fmt", ["nq", "trig", "jsonld"])
def test_dataset_dumps_load_back_into_an_identical_store(filled, tmp_path, fmt):
    buffer = io.BytesIO()
    filled.dump(buffer, fmt)
    with open_store(tmp_path / f"copy-{fmt}") as copy:
        copy.load(io.BytesIO(buffer.getvalue()), fmt)
        assert sorted(map(str, copy.native)) == sorted(map(str, filled.native))


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_triple_dumps_hold_the_union_and_load_into_a_graph(filled, tmp_path, fmt):
    path = tmp_path / f"dump.{fmt}"
    filled.dump(path, fmt)
    union = {str(t) for t in filled.native.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                                 use_default_graph_as_union=True)}
    with open_store(tmp_path / f"copy-{fmt}") as copy:
        count = copy.load(path, graph=URIRef("urn:graph:imported"))
        assert count == len(union)
        imported = {str(ox.Triple(q.subject, q.predicate, q.object))
                    for q in copy.native.quads_for_pattern(None, None, None, ox.NamedNode("urn:graph:imported"))}
        assert imported == union


def test_compacting_after_a_load_keeps_every_quad(filled, tmp_path):
    source = tmp_path / "all.nq"
    filled.dump(source, "nq")
    with open_store(tmp_path / "copy") as copy:
        copy.load(source)
        before = sorted(map(str, copy.native.quads_for_pattern(None, None, None, None)))
        copy.compact()
        assert sorted(map(str, copy.native.quads_for_pattern(None, None, None, None))) == before
    with open_store(tmp_path / "copy", read_only=True) as snapshot, pytest.raises(StoreError, match="read-only"):
        snapshot.compact()


def test_load_of_a_broken_file_loads_nothing(store, tmp_path):
    before = len(store)
    bad = tmp_path / "bad.nt"
    bad.write_text('<urn:a> <urn:b> "fine" .\n<urn:a> <urn:b> "broken .\n')
    with pytest.raises(StoreError, match="not valid"):
        store.load(bad)
    assert len(store) == before
    with pytest.raises(StoreError, match="unknown RDF format"):
        store.load(bad, "docx")


def test_a_bad_load_call_fails_at_once_while_another_write_holds_the_lock(store, tmp_path):
    good = tmp_path / "good.nt"
    good.write_text('<urn:a> <urn:b> "fine" .\n')
    before = len(store)
    calls = {"a stream without a format": lambda: store.load(io.BytesIO(good.read_bytes())),
             "an unknown format": lambda: store.load(good, "docx")}
    failures: dict[str, str] = {}

    def call(name):
        try:
            calls[name]()
        except StoreError as err:
            failures[name] = str(err)

    # the store's own write lock, private: no public call holds it for as long as the test needs
    with store._write_lock:  # another thread's long write
        threads = [threading.Thread(target=call, args=(name,), daemon=True) for name in calls]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
        finished = {name for name, thread in zip(calls, threads) if not thread.is_alive()}
    assert finished == set(calls), "a bad call waited for the write lock"
    assert failures["a stream without a format"].startswith("give the RDF format of a stream")
    assert failures["an unknown format"].startswith("unknown RDF format 'docx'")
    assert len(store) == before


def test_the_ontology_is_loaded_once_and_kept(tmp_path):
    with open_store(tmp_path / "kg") as kg:
        first = graph_quads(kg, kg.iris.ontology_graph)
        assert any("CallForAction" in q for q in first)
    with open_store(tmp_path / "kg") as kg:
        assert graph_quads(kg, kg.iris.ontology_graph) == first


def test_read_only_store_reads_and_refuses_writes(tmp_path, hand_extractions):
    with open_store(tmp_path / "kg") as writer:
        for article, extraction in hand_extractions:
            writer.put(article_rdf(article, extraction, writer.iris))
        expected = stats(writer)
    with open_store(tmp_path / "kg", read_only=True) as reader:
        assert stats(reader) == expected
        with pytest.raises(StoreError, match="read-only"):
            reader.delete_article("call")
    with pytest.raises(StoreError, match="no store"):
        open_store(tmp_path / "missing", read_only=True)


def test_rdflib_dataset_view_sees_the_same_data(filled):
    ds = filled.dataset
    isis = filled.iris.entity("organization/isis")
    assert (isis, RDFS.label, Literal("ISIS")) in ds
    assert (isis, SKOS.altLabel, Literal("Daesh")) in ds
    assert any(True for _ in ds.triples((None, EKG.calledFor, None)))
