"""What the resolution tests share (tests/test_resolution.py, tests/test_writer_claims.py): three wire reports of one
attack in Homs (tests/fixtures/incidents), in different words and name forms, run through the real extractor once per
session (conftest.py imports the fixture), and a store built from them."""

from __future__ import annotations

import json

import pytest

from extract.model import Article
from graph.rdf import article_rdf
from graph.store import EventStore


@pytest.fixture(scope="session")
def reports(repo_dir, extractor) -> list[tuple[Article, object]]:
    with (repo_dir / "tests" / "fixtures" / "incidents" / "articles.jsonl").open() as lines:
        articles = [Article(**json.loads(line)) for line in lines]
    return list(zip(articles, extractor.extract_many(articles)))


def build(reports, order) -> EventStore:
    kg = EventStore(None)
    for i in order:
        article, extraction = reports[i]
        kg.put(article_rdf(article, extraction, kg.iris))
    return kg


def quads(kg: EventStore) -> list[str]:
    """The store's content: every quad but the change log's (it says when, not what)."""
    from graph.changes import is_change_log

    return sorted(str(q) for q in kg.native if not is_change_log(q.graph_name, kg.iris))
