"""networkx analytics: unit tests on projections built to the §3 contract (docs/data-model.md), then end to end on a
real store built from the seed article with the real extractor."""

from __future__ import annotations

import networkx as nx
import pytest

from graph.analytics import (
    UnknownEntity,
    aggregate_edges,
    centrality,
    communities,
    cooccurrence_network,
    ego_network,
    resolve_entity,
    shortest_connection,
    time_bounds,
)

B = "https://w3id.org/eventkg/id/"
ISIS = B + "entity/organization/isis"
MUHAJIR = B + "entity/person/abu-omar-al-muhajir"
WEST = B + "entity/place/west"
SYMPATHISERS = B + "entity/group/isis-sympathisers"
ISRAEL = B + "entity/place/geonames-294640"
BEER_SHEVA = B + "entity/place/geonames-295530"
RUSSIA = B + "entity/place/geonames-2017370"
UKRAINE = B + "entity/place/geonames-690791"
PUTIN = B + "entity/person/vladimir-putin"
ZELENSKYY = B + "entity/person/volodymyr-zelenskyy"
LONER = B + "entity/person/nobody-linked"
ARTICLE = B + "article/isis-global-offensive"

NODES = [
    (ISIS, {"label": "ISIS", "type": "Organization", "aliases": ["Islamic State", "Daesh"]}),
    (MUHAJIR, {"label": "Abu-Omar al-Muhajir", "type": "Person", "aliases": ["Al-Muhajir"]}),
    (WEST, {"label": "West", "type": "Place", "aliases": []}),
    (SYMPATHISERS, {"label": "ISIS sympathisers", "type": "Group", "aliases": []}),
    (ISRAEL, {"label": "Israel", "type": "Place", "aliases": [], "lat": 31.5, "lon": 34.75, "country": "Israel"}),
    (BEER_SHEVA, {"label": "Beer Sheva", "type": "Place", "aliases": ["Beersheba"], "lat": 31.25, "lon": 34.79,
                  "country": "Israel"}),
    (RUSSIA, {"label": "Russia", "type": "Place", "aliases": [], "country": "Russia"}),
    (UKRAINE, {"label": "Ukraine", "type": "Place", "aliases": [], "country": "Ukraine"}),
    (PUTIN, {"label": "Vladimir Putin", "type": "Person", "aliases": ["Putin"]}),
    (ZELENSKYY, {"label": "Volodymyr Zelenskyy", "type": "Person", "aliases": []}),
    (LONER, {"label": "Nobody Linked", "type": "Person", "aliases": []}),
]


def _edge(n, s, o, predicate, event=None, event_type=None, time=None, confidence=0.8, sentence=None):
    key = f"{B}statement/isis-global-offensive/{n}"
    return s, o, key, {
        "predicate": predicate,
        "event": f"{B}event/isis-global-offensive/{event}" if event else None,
        "event_type": event_type,
        "modality": "asserted" if event else None,
        "time": time,
        "article": ARTICLE,
        "confidence": confidence,
        "sentence": sentence or f"sentence of statement {n}",
    }


EDGES = [
    _edge(1, MUHAJIR, ISIS, "spokespersonOf", confidence=0.9,
          sentence="Abu-Omar al-Muhajir, a newly instated spokesperson for the terrorist group, called on …"),
    _edge(2, ISIS, WEST, "threatened", "ev1", "Threat", "2022-04-20", 0.7, "ISIS has declared a new 'global offensive'"),
    _edge(3, SYMPATHISERS, ISRAEL, "attacked", "ev5", "Attack", "2022-03", 0.8),
    _edge(4, SYMPATHISERS, BEER_SHEVA, "attacked", "ev5", "Attack", "2022-03", 0.8),
    _edge(5, SYMPATHISERS, BEER_SHEVA, "attacked", "ev6", "Attack", "2022-03-22", 0.6),
    _edge(6, SYMPATHISERS, ISIS, "affiliatedWith", confidence=0.5),
    _edge(7, BEER_SHEVA, ISRAEL, "locatedIn", confidence=1.0),
    _edge(8, RUSSIA, UKRAINE, "invaded", "ev2", "Invasion", "2022-02-24", 0.9),
    _edge(9, PUTIN, RUSSIA, "leaderOf", confidence=0.9),
    _edge(10, ZELENSKYY, UKRAINE, "leaderOf", confidence=0.9),
    _edge(11, PUTIN, UKRAINE, "invaded", "ev2", "Invasion", "2022-02-24", 0.6),
    _edge(12, RUSSIA, UKRAINE, "attacked", "ev3", "Attack", "2022", 0.6),
]


def example_projection(*, reverse: bool = False) -> nx.MultiDiGraph:
    """A projection as graph.projection.project returns it (docs/data-model.md §3), inserted forwards or backwards."""
    G = nx.MultiDiGraph()
    order = -1 if reverse else 1
    G.add_nodes_from(NODES[::order])
    G.add_edges_from(EDGES[::order])
    return G


@pytest.fixture
def G() -> nx.MultiDiGraph:
    return example_projection()


# -- entities ------------------------------------------------------------------------------------------------------


def test_entities_resolve_by_iri_label_or_alias_ignoring_case(G):
    assert resolve_entity(G, ISIS) == ISIS
    assert resolve_entity(G, "isis") == ISIS
    assert resolve_entity(G, "  DAESH ") == ISIS
    assert resolve_entity(G, "putin") == PUTIN


def test_unknown_and_ambiguous_names_are_clear_errors(G):
    with pytest.raises(UnknownEntity, match="no entity named 'Hamas'"):
        resolve_entity(G, "Hamas")
    G.add_node(B + "entity/person/other-muhajir", label="Abu Muhajir", type="Person", aliases=["al-muhajir"])
    with pytest.raises(UnknownEntity, match="ambiguous: Abu-Omar al-Muhajir <.*>, Abu Muhajir <.*>; give the IRI"):
        resolve_entity(G, "Al-Muhajir")


def test_a_label_match_wins_over_an_alias_match(G):
    G.add_node(B + "entity/group/isis-k", label="ISIS-K", type="Group", aliases=["ISIS"])
    assert resolve_entity(G, "ISIS") == ISIS


# -- aggregation -----------------------------------------------------------------------------------------------------


def test_time_bounds_expand_each_granularity():
    assert [d.isoformat() for d in time_bounds("2024-02")] == ["2024-02-01", "2024-02-29"]
    assert [d.isoformat() for d in time_bounds("2022")] == ["2022-01-01", "2022-12-31"]
    assert [d.isoformat() for d in time_bounds("2022-03-22")] == ["2022-03-22", "2022-03-22"]
    assert time_bounds(None) is None and time_bounds("last month") is None and time_bounds("2022-13") is None


def test_aggregated_edges_count_supporting_events_and_span_their_times(G):
    edges = {(e.source, e.target, e.predicate): e for e in aggregate_edges(G)}
    beer_sheva = edges[(SYMPATHISERS, BEER_SHEVA, "attacked")]
    assert (beer_sheva.weight, beer_sheva.statements, beer_sheva.confidence) == (2, 2, 0.8)
    assert (beer_sheva.start.isoformat(), beer_sheva.end.isoformat()) == ("2022-03-01", "2022-03-31")
    standing = edges[(MUHAJIR, ISIS, "spokespersonOf")]
    assert (standing.weight, standing.start, standing.end) == (1, None, None)
    assert len(edges) == len(aggregate_edges(G)) == 11  # statements 4 and 5 fold into one edge
    assert [(e.source, e.target, e.predicate) for e in aggregate_edges(G)] == sorted(edges)


def test_the_same_event_twice_between_two_entities_weighs_one(G):
    G.add_edge(*_edge(13, SYMPATHISERS, ISRAEL, "attacked", "ev5", "Attack", "2022-03")[:3])
    G.edges[SYMPATHISERS, ISRAEL, f"{B}statement/isis-global-offensive/13"].update(EDGES[2][3])
    (edge,) = [e for e in aggregate_edges(G) if (e.source, e.target) == (SYMPATHISERS, ISRAEL)]
    assert (edge.weight, edge.statements) == (1, 2)


# -- centrality ------------------------------------------------------------------------------------------------------


def test_degree_centrality_ranks_by_distinct_neighbours_with_labels(G):
    ranked = centrality(G, "degree")
    assert [r.rank for r in ranked] == list(range(1, len(G) + 1))
    # ISIS (al-Muhajir, West, sympathisers) and the sympathisers (ISIS, Israel, Beer Sheva) tie: label order decides
    assert [(r.entity, r.label, r.type) for r in ranked[:2]] == [
        (ISIS, "ISIS", "Organization"),
        (SYMPATHISERS, "ISIS sympathisers", "Group"),
    ]
    assert ranked[0].score == ranked[1].score == pytest.approx(3 / (len(G) - 1))
    assert ranked[-1].entity == LONER and ranked[-1].score == 0
    scores = [r.score for r in ranked]
    assert scores == sorted(scores, reverse=True)


def test_betweenness_finds_the_broker(G):
    top = centrality(G, "betweenness", top=2)
    assert len(top) == 2
    # every path from al-Muhajir or the West to the attack cluster goes through ISIS and the sympathisers
    assert {r.entity for r in top} == {ISIS, SYMPATHISERS}


def test_pagerank_sums_to_one_and_rewards_what_is_acted_upon(G):
    ranked = centrality(G, "pagerank")
    assert sum(r.score for r in ranked) == pytest.approx(1.0)
    assert ranked[0].entity == UKRAINE  # invaded and attacked by Russia and Putin, led by Zelenskyy


def test_unknown_measure_is_a_clear_error(G):
    with pytest.raises(ValueError, match="unknown centrality measure 'fame'.*pagerank"):
        centrality(G, "fame")


def test_centrality_of_an_empty_projection_is_empty():
    assert all(centrality(nx.MultiDiGraph(), m) == [] for m in ("degree", "betweenness", "pagerank"))


# -- communities ---------------------------------------------------------------------------------------------------


def test_louvain_separates_the_war_from_the_jihadist_network(G):
    found = communities(G)
    assert sorted(n for c in found for n in c) == sorted(G)  # a partition
    by_node = {n: i for i, c in enumerate(found) for n in c}
    assert by_node[RUSSIA] == by_node[UKRAINE] == by_node[PUTIN] == by_node[ZELENSKYY]
    assert by_node[SYMPATHISERS] == by_node[BEER_SHEVA] == by_node[ISRAEL]
    assert by_node[RUSSIA] != by_node[ISIS]
    assert [len(c) for c in found] == sorted((len(c) for c in found), reverse=True)


def test_communities_are_deterministic_whatever_the_insertion_order():
    assert communities(example_projection()) == communities(example_projection(reverse=True))


# -- paths ---------------------------------------------------------------------------------------------------------


def test_shortest_connection_reports_each_hop_with_its_real_direction_and_evidence(G):
    hops = shortest_connection(G, "Al-Muhajir", "beersheba")
    assert [(h.source, h.predicate, h.target) for h in hops] == [
        (MUHAJIR, "spokespersonOf", ISIS),
        (SYMPATHISERS, "affiliatedWith", ISIS),  # walked backwards: the statement runs sympathisers -> ISIS
        (SYMPATHISERS, "attacked", BEER_SHEVA),
    ]
    first, _, last = hops
    assert first.sentence.startswith("Abu-Omar al-Muhajir, a newly instated spokesperson")
    assert first.article == ARTICLE and first.event is None and first.source_label == "Abu-Omar al-Muhajir"
    # two statements support the last hop; the more confident one (0.8, event ev5, March 2022) is shown
    assert (last.support, last.confidence, last.time, last.event_type) == (2, 0.8, "2022-03", "Attack")
    assert last.event == B + "event/isis-global-offensive/ev5"


def test_no_connection_and_unknown_entities_are_clear_errors(G):
    with pytest.raises(nx.NetworkXNoPath, match="no connection between ISIS and Vladimir Putin"):
        shortest_connection(G, "ISIS", "Putin")
    with pytest.raises(UnknownEntity):
        shortest_connection(G, "ISIS", "Atlantis")


# -- ego and co-occurrence -----------------------------------------------------------------------------------------


def test_ego_network_grows_with_the_radius_and_keeps_evidence(G):
    one = ego_network(G, "Islamic State")
    assert set(one) == {ISIS, MUHAJIR, WEST, SYMPATHISERS}
    assert set(ego_network(G, ISIS, radius=2)) == {ISIS, MUHAJIR, WEST, SYMPATHISERS, ISRAEL, BEER_SHEVA}
    assert one.nodes[ISIS]["aliases"] == ["Islamic State", "Daesh"]
    assert one.edges[ISIS, WEST, f"{B}statement/isis-global-offensive/2"]["event_type"] == "Threat"


def test_cooccurrence_links_participants_of_the_same_events(G):
    C = cooccurrence_network(G)
    assert C.edges[SYMPATHISERS, BEER_SHEVA]["weight"] == 2  # ev5 and ev6
    assert C.edges[SYMPATHISERS, ISRAEL]["events"] == [B + "event/isis-global-offensive/ev5"]
    assert C.has_edge(ISRAEL, BEER_SHEVA)  # both in ev5, though no statement of ev5 links them
    assert C.has_edge(PUTIN, RUSSIA) and C.edges[PUTIN, RUSSIA]["weight"] == 1  # via ev2
    assert MUHAJIR not in C and LONER not in C  # in no event
    assert C.nodes[BEER_SHEVA]["label"] == "Beer Sheva"


# -- end to end on a real store ------------------------------------------------------------------------------------
# A hand-written extraction (the extract/ data model, turned into RDF and stored by graph/ as ingest does) pins down
# times, modalities and confidences exactly; the seed article through the real extractor checks the whole chain.

EXAMPLE_TEXT = (
    "ISIS has declared a new global offensive against the West. "
    "Abu-Omar al-Muhajir, a spokesperson for ISIS, called on supporters to stage attacks in the West. "
    "ISIS sympathisers killed six people in two attacks across Beer Sheva and Hadera in Israel last month. "
    "Police arrested a suspect in Hadera in 2021."
)


def example_article_and_extraction():
    """An Article and a hand-made Extraction of it with exact offsets: 4 events, 5 relations."""
    from extract.model import Argument, Article, Entity, Event, Extraction, Relation, Span, TimeValue

    text = EXAMPLE_TEXT

    def span(words: str, after: int = 0) -> Span:
        start = text.index(words, after)
        return Span(words, start, start + len(words))

    def sentence(n: int) -> Span:
        parts = text.split(". ")
        start = sum(len(p) + 2 for p in parts[:n])
        body = parts[n] if parts[n].endswith(".") else parts[n] + "."
        return Span(body, start, start + len(body))

    def mention(key: str, label: str, kind: str, *surfaces: str, **place) -> Entity:
        return Entity(key, label, kind, aliases=[s for s in surfaces if s != label],
                      mentions=[span(s) for s in surfaces], **place)

    entities = [
        mention("organization/isis", "ISIS", "Organization", "ISIS"),
        mention("place/west", "West", "Place", "West"),
        mention("person/abu-omar-al-muhajir", "Abu-Omar al-Muhajir", "Person", "Abu-Omar al-Muhajir"),
        mention("group/isis-sympathisers", "ISIS sympathisers", "Group", "ISIS sympathisers"),
        mention("place/geonames-295530", "Beer Sheva", "Place", "Beer Sheva", latitude=31.25, longitude=34.79,
                geonames_id=295530, country="Israel"),
        mention("place/geonames-294946", "Hadera", "Place", "Hadera", latitude=32.43, longitude=34.92,
                geonames_id=294946, country="Israel"),
        mention("place/geonames-294640", "Israel", "Place", "Israel", geonames_id=294640),
    ]

    def arg(role: str, key: str, words: str) -> Argument:
        s = span(words)
        return Argument(role, s.text, s.start, s.end, key)

    events = [
        Event("ev1", "Declaration", "asserted", span("declared"), sentence(0),
              [arg("agent", "organization/isis", "ISIS"), arg("target", "place/west", "West")],
              TimeValue("", "2022-04-20"), 0.9),
        Event("ev2", "Attack", "called-for", span("attacks"), sentence(1), [arg("place", "place/west", "West")],
              None, 0.7),
        Event("ev3", "Attack", "asserted", span("attacks", sentence(2).start), sentence(2),
              [arg("agent", "group/isis-sympathisers", "ISIS sympathisers"),
               arg("place", "place/geonames-295530", "Beer Sheva"), arg("place", "place/geonames-294946", "Hadera")],
              TimeValue("last month", "2022-03"), 0.8),
        Event("ev4", "Arrest", "asserted", span("arrested"), sentence(3),
              [arg("place", "place/geonames-294946", "Hadera")], TimeValue("in 2021", "2021"), 0.4),
    ]
    relations = [
        Relation("person/abu-omar-al-muhajir", "spokespersonOf", "organization/isis", None, 0.9, sentence(1)),
        Relation("organization/isis", "declared", "place/west", "ev1", 0.9),
        Relation("person/abu-omar-al-muhajir", "calledFor", "ev2", "ev2", 0.7),
        Relation("group/isis-sympathisers", "attacked", "place/geonames-295530", "ev3", 0.8),
        Relation("group/isis-sympathisers", "attacked", "place/geonames-294946", "ev3", 0.6),
    ]
    article = Article("example", text, title="Example", published="2022-04-20", publisher="Test")
    return article, Extraction("example", entities, events, relations)


def store_with(path, *pairs):
    """A store on disk at ``path`` holding the given (article, extraction) pairs, written as ingest writes them."""
    from graph.rdf import article_rdf
    from graph.store import open_store

    store = open_store(path)
    for article, extraction in pairs:
        store.put(article_rdf(article, extraction, store.iris))
    return store


@pytest.fixture
def example_store(tmp_path):
    store = store_with(tmp_path / "kg", example_article_and_extraction())
    yield store
    store.close()


def test_timeline_counts_events_per_period_and_type(example_store):
    from graph.analytics import timeline

    rows = [(r.period, r.event_type, r.events) for r in timeline(example_store)]
    assert rows == [("2021", "Arrest", 1), ("2022-03", "Attack", 1), ("2022-04", "Declaration", 1)]
    by_day = [(r.period, r.event_type) for r in timeline(example_store, granularity="day")]
    assert by_day == [("2021", "Arrest"), ("2022-03", "Attack"), ("2022-04-20", "Declaration")]
    assert [r.period for r in timeline(example_store, granularity="year")] == ["2021", "2022", "2022"]


def test_timeline_filters_like_the_projection(example_store):
    from graph.analytics import timeline

    assert [r.event_type for r in timeline(example_store, event_types=["Attack"])] == ["Attack"]
    everything = timeline(example_store, modalities=None)
    assert (None, "Attack", 1) in [(r.period, r.event_type, r.events) for r in everything]  # the undated call
    assert [r.period for r in timeline(example_store, start="2022-03-15", end="2022-03-31")] == ["2022-03"]
    assert [r.event_type for r in timeline(example_store, min_confidence=0.5)] == ["Attack", "Declaration"]
    with pytest.raises(ValueError, match="unknown event type 'Bombing'"):
        timeline(example_store, event_types=["Bombing"])
    with pytest.raises(ValueError, match="unknown granularity 'week'"):
        timeline(example_store, granularity="week")


def test_analytics_run_on_the_projection_of_a_real_store(example_store):
    from graph.projection import project

    G = project(example_store)
    muhajir, west = (example_store.iris.entity(k) for k in ("person/abu-omar-al-muhajir", "place/west"))
    # al-Muhajir's call for attacks is not asserted, so only the spokesperson link and ISIS's declaration connect him
    hops = shortest_connection(G, "abu-omar al-muhajir", "west")
    assert [(h.source_label, h.predicate, h.target_label) for h in hops] == [
        ("Abu-Omar al-Muhajir", "spokespersonOf", "ISIS"),
        ("ISIS", "declared", "West"),
    ]
    assert hops[1].sentence == "ISIS has declared a new global offensive against the West."
    assert (hops[1].time, hops[1].event_type, hops[1].article) == ("2022-04-20", "Declaration",
                                                                  str(example_store.iris.article("example")))
    with_calls = project(example_store, modalities=None)
    assert with_calls.has_edge(str(muhajir), str(west))  # the call, projected onto the called-for attack's place
    assert [r.label for r in centrality(G, "degree")[:2]] == ["ISIS", "ISIS sympathisers"]  # two neighbours each
    labels = [sorted(G.nodes[n]["label"] for n in c) for c in communities(G)]
    assert labels == [["Abu-Omar al-Muhajir", "ISIS", "West"], ["Beer Sheva", "Hadera", "ISIS sympathisers"]]


def test_timeline_rejects_a_date_that_is_not_iso(example_store):
    from graph.analytics import timeline

    with pytest.raises(ValueError, match="not an ISO date, month or year: 'March'"):
        timeline(example_store, start="March")
