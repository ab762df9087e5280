"""The counters the store maintains at write time (graph/aggregates.py), on a real store: equal to the aggregates
counted by SPARQL over the events, whatever the order of puts, replacements and deletes."""

from __future__ import annotations

import pyoxigraph as ox
from api_fixtures import handmade, second_article

from graph import aggregates
from graph.analytics.timeline import event_counts
from graph.analytics.top import counted_ranking
from graph.filters import Filter
from graph.rdf import article_rdf
from graph.reading import count_tables
from graph.store import EventStore, open_store


def counters(store: EventStore) -> list[str]:
    return sorted(str(q) for kind in aggregates.KINDS
                  for q in store.native.quads_for_pattern(None, None, None, ox.NamedNode(str(aggregates.graph_of(store.iris, kind)))))


def test_counters_equal_a_count_by_sparql(tmp_path, hand_extractions):
    with open_store(tmp_path / "kg") as store:
        for article, extraction in [*hand_extractions, handmade(), second_article()]:
            store.put(article_rdf(article, extraction, store.iris))
        everything = Filter(modalities=None)
        by_sparql = {(time[:7] if time else None, kind): 0 for time, kind in event_counts(store, everything)}
        for (time, kind), n in event_counts(store, everything).items():
            by_sparql[(time[:7] if time else None, kind)] += n
        assert count_tables.period_counts(store) == by_sparql
        for kind in ("agent", "place"):
            assert count_tables.ranking(store, kind) == counted_ranking(store, kind, everything, top=1000)
        asserted = count_tables.ranking(store, "agent", modalities=["asserted"], event_types=["Attack"])
        assert asserted == counted_ranking(store, "agent", Filter(event_types=("Attack",)), top=1000)
        assert asserted[0] == (str(store.iris.entity("organization/isis")), 3)


def test_any_order_of_puts_and_deletes_gives_the_counters_of_a_recount(tmp_path, hand_extractions):
    articles = [*hand_extractions, handmade(), second_article()]
    with open_store(tmp_path / "fresh") as fresh:
        for article, extraction in articles:
            fresh.put(article_rdf(article, extraction, fresh.iris))
        expected = counters(fresh)
        aggregates.recount(fresh)
        assert counters(fresh) == expected and len(expected) > 20
    with open_store(tmp_path / "churned") as churned:
        for article, extraction in articles[:2]:
            churned.put(article_rdf(article, extraction, churned.iris))
        assert churned.delete_article(articles[0][0].id)
        article, extraction = articles[1]
        extraction.events[0].confidence = 0.5  # a new version replaces the old one, its events counted once
        article.title = "changed"
        assert churned.put(article_rdf(article, extraction, churned.iris)) == "updated"
        for article, extraction in reversed(articles):
            churned.put(article_rdf(article, extraction, churned.iris))
            rankings_are_counts(churned)
        assert counters(churned) == expected
        for article, _ in articles:
            churned.delete_article(article.id)
            rankings_are_counts(churned)
        assert counters(churned) == [] and count_tables.period_counts(churned) == {}


def rankings_are_counts(store: EventStore) -> None:
    """The rankings, whose sums are moved by the tables each write changed (graph/aggregates.py, "reading"), equal
    a count by SPARQL."""
    everything = Filter(modalities=None)
    for kind in ("agent", "place"):
        assert count_tables.ranking(store, kind) == counted_ranking(store, kind, everything, top=1000)
        assert (count_tables.ranking(store, kind, modalities=["asserted"], top=2)
                == counted_ranking(store, kind, Filter(), top=2))


def test_a_bulk_load_recounts(tmp_path, hand_extractions):
    with open_store(tmp_path / "source") as source:
        for article, extraction in hand_extractions:
            source.put(article_rdf(article, extraction, source.iris))
        expected = counters(source)
        for kind in aggregates.KINDS:
            source.native.remove_graph(ox.NamedNode(str(aggregates.graph_of(source.iris, kind))))
        source.dump(tmp_path / "articles.nq", "nq")
    with open_store(tmp_path / "loaded") as loaded:
        loaded.load(tmp_path / "articles.nq")
        assert counters(loaded) == expected
