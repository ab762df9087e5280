"""Shared fixtures: the real spaCy model, the shared data folder and the seed article."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.ci import in_ci
from tests.scale_fixtures import corpus, plain_store, server  # noqa: F401 (session fixtures of the scale-out tests)
from tests.resolution_fixtures import reports  # noqa: F401 (session fixture of the resolution tests)

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("EVENTKG_SHARED", REPO.parent / "shared")).resolve()


@pytest.fixture(scope="session")
def repo_dir() -> Path:
    return REPO


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """``../shared`` (or ``EVENTKG_SHARED``): the evaluation data, which a clone of the repository does not have. Tests
    that need it skip without it, except under CI, where they fail: CI has the data and must not go green by skipping."""
    if not (SHARED / "data").is_dir():
        reason = f"../shared/data not found: evaluation data is not part of the repository (looked in {SHARED}; " \
                 "set EVENTKG_SHARED)"
        if in_ci():
            pytest.fail(f"{reason}; CI=true, so this is an error, not a skip", pytrace=False)
        pytest.skip(reason)
    return SHARED


@pytest.fixture(scope="session")
def seed_article():
    from extract.readers import iter_articles

    (article,) = iter_articles([REPO / "seeds" / "isis-global-offensive.txt"])
    return article


@pytest.fixture(scope="session")
def extractor():
    """The real extractor on the real spaCy model, loaded once per test session."""
    from extract.pipeline import Extractor

    return Extractor()


def _span(text: str, words: str, after: int = 0):
    from extract.model import Span

    start = text.index(words, after)
    return Span(words, start, start + len(words))


def _sentence_of(text: str, words: str):
    from extract.model import Span

    start = text.index(words)
    first = text.rfind(". ", 0, start) + 2 if ". " in text[:start] else 0
    last = text.index(".", start) + 1
    return Span(text[first:last], first, last)


@pytest.fixture(scope="session")
def hand_extractions():
    """Two articles with hand-made extractions (exact offsets) that share ISIS: a call for attacks through a
    spokesperson, a reported killing in a city of Israel, and an attack that followed; for graph tests that must not
    depend on what the statistical extractor finds."""
    from extract.model import Argument, Article, Entity, Event, Extraction, Relation, TimeValue

    def build(article, entities, events, relations):
        text = article.text
        ents = [
            Entity(key, label, kind, aliases=aliases, mentions=[_span(text, s) for s in surfaces], **extra)
            for key, label, kind, aliases, surfaces, extra in entities
        ]
        evs = [
            Event(eid, etype, modality, _span(text, trigger), _sentence_of(text, trigger),
                  [Argument(role, words, _span(text, words).start, _span(text, words).end, key)
                   for role, key, words in args], TimeValue(*time) if time else None, confidence, source)
            for eid, etype, modality, trigger, args, time, confidence, source in events
        ]
        return article, Extraction(article.id, ents, evs, relations, extractor="test-extractor", extractor_version="1")

    isis = ("organization/isis", "ISIS", "Organization", ["Islamic State", "Daesh"])
    beer_sheva = ("place/geonames-295530", "Beer Sheva", "Place", [])
    geo_beer_sheva = {"latitude": 31.25, "longitude": 34.79, "geonames_id": 295530, "country": "Israel"}
    a = Article(
        "call",
        "ISIS spokesperson Abu-Omar al-Muhajir urged supporters to carry out attacks in Europe. "
        "ISIS sympathisers killed six people in Beer Sheva last month, police said.",
        title="ISIS calls for attacks",
        published="2022-04-20",
        publisher="Example News",
        url="https://example.org/call",
    )
    b = Article(
        "attack",
        "Islamic State fighters attacked Hadera in Israel on 27 March 2022.",
        title="Attack in Hadera",
        published="2022-03-28",
        publisher="Other News",
    )
    call = build(
        a,
        [
            (*isis, ["ISIS"], {}),
            ("person/abu-omar-al-muhajir", "Abu-Omar al-Muhajir", "Person", [], ["Abu-Omar al-Muhajir"], {}),
            ("place/geonames-2510769", "Europe", "Place", [], ["Europe"], {}),
            ("group/isis-sympathisers", "ISIS sympathisers", "Group", [], ["ISIS sympathisers"], {}),
            (*beer_sheva, ["Beer Sheva"], geo_beer_sheva),
            ("group/police", "police", "Group", [], ["police"], {}),
        ],
        [
            ("ev1", "CallForAction", "asserted", "urged",
             [("agent", "person/abu-omar-al-muhajir", "Abu-Omar al-Muhajir"), ("topic", "ev2", "attacks")],
             ("", "2022-04-20"), 0.9, None),
            ("ev2", "Attack", "called-for", "attacks", [("place", "place/geonames-2510769", "Europe")], None, 0.7, None),
            ("ev3", "Killing", "reported", "killed",
             [("agent", "group/isis-sympathisers", "ISIS sympathisers"), ("place", "place/geonames-295530", "Beer Sheva")],
             ("last month", "2022-03"), 0.8, "group/police"),
        ],
        [
            Relation("person/abu-omar-al-muhajir", "spokespersonOf", "organization/isis", None, 0.9,
                     _sentence_of(a.text, "spokesperson"), "spokesperson"),
            Relation("person/abu-omar-al-muhajir", "calledFor", "ev2", "ev1", 0.9),
            Relation("group/isis-sympathisers", "affiliatedWith", "organization/isis", None, 0.6,
                     _sentence_of(a.text, "sympathisers")),
        ],
    )
    attack = build(
        b,
        [
            ("organization/isis", "ISIS", "Organization", ["Islamic State"], ["Islamic State"], {}),
            ("place/geonames-294946", "Hadera", "Place", [], ["Hadera"],
             {"latitude": 32.43, "longitude": 34.92, "geonames_id": 294946, "country": "Israel"}),
            ("place/geonames-294640", "Israel", "Place", [], ["Israel"], {"geonames_id": 294640}),
        ],
        [
            ("ev1", "Attack", "asserted", "attacked",
             [("agent", "organization/isis", "Islamic State"), ("target", "place/geonames-294946", "Hadera"),
              ("place", "place/geonames-294946", "Hadera")], ("27 March 2022", "2022-03-27"), 0.85, None),
        ],
        [Relation("organization/isis", "attacked", "place/geonames-294946", "ev1", 0.85)],
    )
    return [call, attack]


@pytest.fixture(scope="module")
def hand_store(tmp_path_factory, hand_extractions):
    """A store on disk holding the two hand-made articles, each put in its own transaction as ingest does."""
    from graph.rdf import article_rdf
    from graph.store import open_store

    store = open_store(tmp_path_factory.mktemp("hand") / "kg")
    for article, extraction in hand_extractions:
        store.put(article_rdf(article, extraction, store.iris))
    yield store
    store.close()
