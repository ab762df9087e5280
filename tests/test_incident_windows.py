"""Incident windows at the ends of the calendar: an article published in the first days of year 1, or events dated on
its first or last days, are stored and grouped like any other (the windows are clamped, not overflowed)."""

from __future__ import annotations

import pytest

from extract.model import Article
from graph.rdf import article_rdf
from graph.store import EventStore


@pytest.mark.parametrize(("text", "published"), [
    ("ISIS attacked Kabul.", "0001-01-03"),  # undated: the week before publication reaches before year 1
    ("ISIS attacked Kabul on 0001-01-02.", "2022-01-01"),
    ("ISIS attacked Kabul on 9999-12-31.", "9999-12-31"),
])
def test_reports_at_the_ends_of_the_calendar_are_stored_as_one_incident(extractor, text, published):
    store = EventStore(None)
    for source in ("a", "b"):  # two reports of one attack: the second is compared with the first
        article = Article(id=source, text=text, published=published)
        store.put(article_rdf(article, extractor.extract(article), store.iris))
    incidents = store.select("SELECT DISTINCT ?i WHERE { ?i a ekg:Incident }")
    assert len(list(incidents)) == 1
