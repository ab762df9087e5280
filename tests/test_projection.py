"""The networkx projection (graph/projection.py) against docs/data-model.md §3, on a real store."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.projection import project, shared_projection
from graph.rdf import article_rdf
from graph.store import open_store

ISIS = "https://w3id.org/eventkg/id/entity/organization/isis"
SPEAKER = "https://w3id.org/eventkg/id/entity/person/abu-omar-al-muhajir"
SYMPATHISERS = "https://w3id.org/eventkg/id/entity/group/isis-sympathisers"
EUROPE = "https://w3id.org/eventkg/id/entity/place/geonames-2510769"
HADERA = "https://w3id.org/eventkg/id/entity/place/geonames-294946"


@pytest.fixture(scope="module")
def store(hand_store):
    return hand_store


def edges(G: nx.MultiDiGraph) -> list[tuple[str, str, str]]:
    return [(u.rsplit("/", 1)[1], d["predicate"], v.rsplit("/", 1)[1]) for u, v, d in G.edges(data=True)]


def test_nodes_are_entities_with_label_type_aliases_and_places(store):
    G = project(store)
    assert G.nodes[ISIS] == {"label": "ISIS", "type": "Organization", "aliases": ["Daesh", "Islamic State"]}
    hadera = G.nodes[HADERA]
    assert (hadera["type"], hadera["lat"], hadera["lon"], hadera["country"]) == ("Place", 32.43, 34.92, "Israel")
    assert list(G.nodes) == sorted(G.nodes)


def test_edges_carry_statement_key_and_evidence(store):
    G = project(store)
    ((key, data),) = G[ISIS][HADERA].items()
    assert key == "https://w3id.org/eventkg/id/statement/attack/1"
    assert data == {
        "predicate": "attacked",
        "event": "https://w3id.org/eventkg/id/event/attack/ev1",
        "event_type": "Attack",
        "modality": "asserted",
        "time": "2022-03-27",
        "article": "https://w3id.org/eventkg/id/article/attack",
        "confidence": 0.85,
        "sentence": "Islamic State fighters attacked Hadera in Israel on 27 March 2022.",
    }


def test_edges_to_an_event_go_to_its_participants(store):
    G = project(store)
    (data,) = G[SPEAKER][EUROPE].values()  # calledFor <attack in Europe>: projected onto the attack's place
    assert data["predicate"] == "calledFor"
    assert data["event"] == "https://w3id.org/eventkg/id/event/call/ev2" and data["event_type"] == "Attack"
    assert data["modality"] == "asserted"  # the call happened; the attack was only called for
    assert data["time"] == "2022-04-20"


def test_filters(store):
    assert sorted(edges(project(store))) == [
        ("abu-omar-al-muhajir", "calledFor", "geonames-2510769"),
        ("abu-omar-al-muhajir", "spokespersonOf", "isis"),
        ("isis", "attacked", "geonames-294946"),
        ("isis-sympathisers", "affiliatedWith", "isis"),
    ]
    assert edges(project(store, predicates=["attacked"])) == [("isis", "attacked", "geonames-294946")]
    assert sorted(edges(project(store, event_types=["Attack"]))) == [
        ("abu-omar-al-muhajir", "calledFor", "geonames-2510769"),
        ("isis", "attacked", "geonames-294946"),
    ]
    assert sorted(edges(project(store, min_confidence=0.88))) == [
        ("abu-omar-al-muhajir", "calledFor", "geonames-2510769"),
        ("abu-omar-al-muhajir", "spokespersonOf", "isis"),
    ]
    # dates: a month or a year covers all of it; standing relations have no time and stay
    april = edges(project(store, start="2022-04-01", end="2022-04-30"))
    assert sorted(april) == [
        ("abu-omar-al-muhajir", "calledFor", "geonames-2510769"),
        ("abu-omar-al-muhajir", "spokespersonOf", "isis"),
        ("isis-sympathisers", "affiliatedWith", "isis"),
    ]
    assert ("isis", "attacked", "geonames-294946") in edges(project(store, start="2022-03", end="2022"))
    assert ("isis", "attacked", "geonames-294946") not in edges(project(store, end="2022-02"))


def test_modalities(tmp_path, hand_extractions):
    from dataclasses import replace

    from extract.model import Relation

    article, extraction = hand_extractions[0]
    reported = Relation("group/isis-sympathisers", "attacked", "place/geonames-295530", "ev3", 0.8)  # ev3: reported
    with open_store(tmp_path / "kg") as kg:
        kg.put(article_rdf(article, replace(extraction, relations=[*extraction.relations, reported]), kg.iris))
        asserted, everything = project(kg), project(kg, modalities=None)
        only_reported = project(kg, modalities=["reported"])
    claim = ("isis-sympathisers", "attacked", "geonames-295530")
    assert claim not in edges(asserted)
    assert claim in edges(everything) and claim in edges(only_reported)
    assert everything.number_of_edges() == asserted.number_of_edges() + 1
    # standing relations have no modality: they pass any modality filter
    assert ("abu-omar-al-muhajir", "spokespersonOf", "isis") in edges(only_reported)


def test_projection_is_deterministic(store):
    first, second = project(store), project(store)
    assert list(first.edges(keys=True, data=True)) == list(second.edges(keys=True, data=True))
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))


def test_bad_date_is_a_clear_error(store):
    with pytest.raises(ValueError, match="not an ISO date"):
        project(store, start="March 2022")


def test_a_snapshot_shares_its_projections_frozen(tmp_path, hand_extractions):
    """Readers of one read-only snapshot get one projection per filter set, which nobody can modify; a new snapshot
    (after a write) and a writable store get projections of their own."""
    with open_store(tmp_path / "kg") as kg:
        article, extraction = hand_extractions[0]
        kg.put(article_rdf(article, extraction, kg.iris))
        assert shared_projection(kg) is not shared_projection(kg)
    with open_store(tmp_path / "kg", read_only=True) as snapshot:
        G = shared_projection(snapshot, modalities=["asserted"])
        assert shared_projection(snapshot, modalities=("asserted",)) is G
        assert shared_projection(snapshot, predicates=["attacked"], modalities=["asserted"]) is not G
        assert edges(G) == edges(project(snapshot, modalities=["asserted"]))
        with pytest.raises(nx.NetworkXError, match="Frozen"):
            G.add_edge("a", "b")
    with open_store(tmp_path / "kg") as kg:
        article, extraction = hand_extractions[1]
        kg.put(article_rdf(article, extraction, kg.iris))
    with open_store(tmp_path / "kg", read_only=True) as snapshot:
        assert shared_projection(snapshot, modalities=["asserted"]).number_of_edges() > G.number_of_edges()
