"""A small event graph for the API and SPARQL tests, written through the real RDF mapping into a real store on disk.

The seed article goes through the real extractor; a second, short article carries a hand-written extraction with
events, roles, times and direct edges, so every REST filter has something to find whatever the extractor's coverage.
"""

from __future__ import annotations

from pathlib import Path

from extract.model import Argument, Article, Entity, Event, Extraction, Relation, Span, TimeValue
from extract.readers import iter_articles
from graph.ingest import ingest
from graph.rdf import article_rdf
from graph.store import EventStore, open_store

TEXT = (
    "ISIS attacked Kabul in March 2022. The group's spokesman Abu-Omar al-Muhajir called for attacks on Europe. "
    "Russia invaded Ukraine on 24 February 2022."
)


def _span(text: str) -> Span:
    start = TEXT.index(text)
    return Span(text, start, start + len(text))


def _arg(role: str, text: str, entity: str) -> Argument:
    span = _span(text)
    return Argument(role, text, span.start, span.end, entity)


def handmade() -> tuple[Article, Extraction]:
    article = Article(id="wire/2022-03 attack", text=TEXT, title="Attacks and calls", published="2022-03-20",
                      publisher="Test Wire", url="https://example.org/wire/1")
    sentences = [_span(s + ".") for s in TEXT.rstrip(".").split(". ")]
    entities = [
        Entity("organization/isis", "ISIS", "Organization", aliases=["Islamic State", "Daesh"],
               mentions=[_span("ISIS"), _span("The group")]),
        Entity("person/abu-omar-al-muhajir", "Abu-Omar al-Muhajir", "Person", mentions=[_span("Abu-Omar al-Muhajir")]),
        Entity("place/geonames-1138958", "Kabul", "Place", country="Afghanistan", latitude=34.53, longitude=69.17,
               geonames_id=1138958, mentions=[_span("Kabul")]),
        Entity("place/europe", "Europe", "Place", mentions=[_span("Europe")]),
        Entity("place/geonames-2017370", "Russia", "Place", geonames_id=2017370, mentions=[_span("Russia")]),
        Entity("place/geonames-690791", "Ukraine", "Place", geonames_id=690791, mentions=[_span("Ukraine")]),
    ]
    events = [
        Event("ev1", "Attack", "asserted", _span("attacked"), sentences[0],
              [_arg("agent", "ISIS", "organization/isis"), _arg("place", "Kabul", "place/geonames-1138958")],
              TimeValue("March 2022", "2022-03"), 0.9),
        Event("ev2", "CallForAction", "asserted", _span("called for"), sentences[1],
              [_arg("agent", "Abu-Omar al-Muhajir", "person/abu-omar-al-muhajir"), _arg("topic", "attacks", "ev3")],
              None, 0.8),
        Event("ev3", "Attack", "called-for", _span("attacks"), sentences[1],
              [_arg("target", "Europe", "place/europe")], None, 0.7),
        Event("ev4", "Invasion", "asserted", _span("invaded"), sentences[2],
              [_arg("agent", "Russia", "place/geonames-2017370"), _arg("target", "Ukraine", "place/geonames-690791")],
              TimeValue("24 February 2022", "2022-02-24"), 0.95),
    ]
    relations = [
        Relation("organization/isis", "attacked", "place/geonames-1138958", "ev1", 0.9),
        Relation("person/abu-omar-al-muhajir", "spokespersonOf", "organization/isis", None, 0.85,
                 evidence=sentences[1], role="spokesman"),
        Relation("person/abu-omar-al-muhajir", "calledFor", "ev3", "ev2", 0.8),
        Relation("place/geonames-2017370", "invaded", "place/geonames-690791", "ev4", 0.95),
    ]
    return article, Extraction(id=article.id, extractor="handmade", extractor_version="1",
                               entities=entities, events=events, relations=relations)


SECOND = "wire/kabul-again"
TEXT2 = "Barack Obama said ISIS attacked Kabul again in May 2022. Michelle Obama visited Kabul province."


def _span2(text: str) -> Span:
    start = TEXT2.index(text)
    return Span(text, start, start + len(text))


def second_article() -> tuple[Article, Extraction]:
    """Kabul a second time (the city, now in two articles) and a province also labelled Kabul (in one); two Obamas."""
    sentences = [_span2(TEXT2.split(". ")[0] + "."), _span2(TEXT2.split(". ")[1])]
    kabul = _span2("Kabul")
    province = _span2("Kabul province")
    entities = [
        Entity("person/barack-obama", "Barack Obama", "Person", mentions=[_span2("Barack Obama")]),
        Entity("person/michelle-obama", "Michelle Obama", "Person", mentions=[_span2("Michelle Obama")]),
        Entity("organization/isis", "ISIS", "Organization", mentions=[_span2("ISIS")]),
        Entity("place/geonames-1138958", "Kabul", "Place", country="Afghanistan", geonames_id=1138958, mentions=[kabul]),
        # another GeoNames entry (the province, 1138957): resolution never merges two gazetteer entries of one name
        Entity("place/geonames-1138957", "Kabul", "Place", country="Afghanistan", geonames_id=1138957,
               mentions=[province]),
    ]
    events = [
        Event("ev1", "Attack", "asserted", _span2("attacked"), sentences[0],
              [Argument("agent", "ISIS", *_offsets("ISIS"), "organization/isis"),
               Argument("place", "Kabul", kabul.start, kabul.end, "place/geonames-1138958")],
              TimeValue("May 2022", "2022-05"), 0.6),
        Event("ev2", "Statement", "asserted", _span2("said"), sentences[0],
              [Argument("agent", "Barack Obama", *_offsets("Barack Obama"), "person/barack-obama"),
               Argument("topic", "attacked", *_offsets("attacked"), "ev1")], None, 0.7),
    ]
    relations = [Relation("organization/isis", "attacked", "place/geonames-1138958", "ev1", 0.6),
                 Relation("person/barack-obama", "stated", "ev1", "ev2", 0.7)]
    article = Article(id=SECOND, text=TEXT2, title="Kabul again", published="2022-05-20")
    return article, Extraction(id=SECOND, extractor="handmade", extractor_version="1", entities=entities,
                               events=events, relations=relations)


def _offsets(text: str) -> tuple[int, int]:
    span = _span2(text)
    return span.start, span.end


def build_store(path: Path, extractor=None, seed_article=None) -> Path:
    """Fill a store at ``path`` with the hand-made article (and the seed article, extracted, when given)."""
    store = EventStore(path)
    article, extraction = handmade()
    store.put(article_rdf(article, extraction, store.iris))
    if extractor is not None and seed_article is not None:
        store.put(article_rdf(seed_article, extractor.extract(seed_article), store.iris))
    store.close()
    return path


class LiveServer:
    """The real app under uvicorn on a free loopback port, in a thread of the test process, with the HTTP protocol
    ``eventkg serve`` runs it with."""

    def __init__(self, settings):
        import socket
        import threading

        import uvicorn

        from api.app import create_app
        from api.http_protocol import CorkedHttpToolsProtocol

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.store = str(settings.store)
        self.server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=port,
                                                    log_level="warning", http=CorkedHttpToolsProtocol))  # as served
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        import time

        self.thread.start()
        deadline = time.monotonic() + 60
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(30)


def ingested(source: Path, extractor, path: Path, articles: int) -> Path:
    """The store at ``path`` after a plain in-process ingest of ``source`` (the same code as ``eventkg ingest``), which
    must store ``articles`` articles and fail none."""
    with open_store(path) as kg:
        summary = ingest(kg, iter_articles([source]), extractor)
    assert (summary.new, summary.failed) == (articles, 0)
    return path
