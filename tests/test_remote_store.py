"""The store on a SPARQL 1.1 server (graph/remote.py): the Oxigraph server (PyPI ``oxigraph``) and Virtuoso (Debian
``virtuoso-opensource``, installed by .ci/run), each on loopback and started once per session
(tests/scale_fixtures.py). For each: the article graphs and entities equal the embedded store's built from the same
input; ``eventkg ingest --dask local:2`` into it with a worker SIGKILLed mid-run loses and doubles nothing, and a
re-run changes nothing; ``eventkg serve --store URL`` answers ``/sparql`` (in every format), ``/entities``,
``/events`` and ``/export/gexf`` as on the embedded store, in the same order wherever the answer is sorted.

The tests of one server share it: each empties it first, and the ones after the Dask ingest read what it stored
(its fixture), so keep the seed test first."""

from __future__ import annotations

import io
import json
import subprocess
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from graph.ingest import ingest
from graph.reading.stats import stats
from graph.store import EventStore, open_store
from tests.scale_fixtures import (
    EVENTKG,
    PLACES,
    comparable_quads,
    emptied,
    emptied_store,
    ingest_killing_a_worker,
    server_env,
    server_store,
    six_digits,
)


@pytest.fixture(scope="module")
def embedded(seed_article, extractor, tmp_path_factory):
    store = EventStore(tmp_path_factory.mktemp("embedded") / "kg")
    ingest(store, [seed_article], extractor)
    yield store
    store.close()


def test_remote_store_holds_what_the_embedded_store_holds(server, embedded, seed_article, extractor):
    with emptied_store(server) as store:
        empty = comparable_quads(store)  # the ontology graph only
        first = ingest(store, [seed_article], extractor)
        assert (first.new, first.failed) == (1, 0)
        assert comparable_quads(store) == comparable_quads(embedded)
        assert stats(store) == stats(embedded)

        again = ingest(store, [seed_article], extractor)
        assert (again.unchanged, again.new, again.updated) == (1, 0, 0)

        assert store.delete_article(seed_article.id)
        log = f"<{store.iris.changes_graph}>"  # keeps a tombstone of the deletion for the change feed
        assert {q for q in comparable_quads(store) if q[3] != log} == {q for q in empty if q[3] != log}


@pytest.mark.parametrize("server", ["oxigraph"], indirect=True)  # the same change log on either server
def test_the_answer_cache_version_follows_this_process_at_once_and_others_after_its_ttl(server, hand_extractions):
    from graph.rdf import article_rdf
    from graph.sparql.remote import RemoteSnapshot

    emptied(server)
    (article, extraction), _ = hand_extractions
    reader, other = server_store(server, lease=False), server_store(server)  # eventkg serve's store, a writer
    try:
        snapshot = RemoteSnapshot(reader, ttl=3600)
        before = snapshot.version()
        other.put(article_rdf(article, extraction, other.iris))  # another writer: not seen within the TTL
        assert snapshot.version() == before
        assert RemoteSnapshot(reader, ttl=0).version() != before  # what a read after the TTL finds
        snapshot.changed()  # a write by this process: read again at once
        assert snapshot.version() != before
    finally:
        reader.close()
        other.close()


ELSEWHERE = "https://example.org/elsewhere"  # a graph outside eventkg's: no change-log entry is written for it
COUNT_ELSEWHERE = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ELSEWHERE}> {{ ?s ?p ?o }} }}"


def _served(server, **settings):
    """``eventkg serve`` on ``server``'s store (updates on, token ``secret``)."""
    from api.settings import Settings
    from tests.api_fixtures import LiveServer

    return LiveServer(Settings(store=server.query_url, store_update=server.update_url, store_user=server.user,
                               store_password=server.password, api_token="secret", enable_update=True, **settings))


def _update(client, text: str, **params):
    return client.post("/sparql/update", content=text, params=params, headers={
        "Content-Type": "application/sparql-update", "Authorization": "Bearer secret"})


@pytest.mark.parametrize("server", ["oxigraph"], indirect=True)  # the same answer cache on either server
def test_the_answer_cache_of_a_server_store_is_emptied_by_its_writes_not_by_a_refused_update(server):
    import httpx

    emptied(server)
    with _served(server) as live, httpx.Client(base_url=live.url, timeout=60) as client:
        def count() -> int:
            r = client.get("/sparql", params={"query": COUNT_ELSEWHERE}, headers={"Accept": "text/csv"})
            assert r.status_code == 200, r.text
            return int(r.text.split()[1])

        assert count() == 0
        # another tool writes to the server directly: no change-log entry, so the cached answer stays (documented)
        httpx.post(server.update_url, data={"update": f"INSERT DATA {{ GRAPH <{ELSEWHERE}> {{ <s> <p> 1 }} }}"},
                   auth=(server.user, server.password) if server.user else None).raise_for_status()
        assert count() == 0
        # refused, by eventkg (USING beside using-graph-uri) and by the server (a graph it does not hold): nothing
        # written, the cache kept
        r = _update(client, f"WITH <{ELSEWHERE}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
                    **{"using-graph-uri": ELSEWHERE})
        assert r.status_code == 400, r.text
        assert _update(client, "DROP GRAPH <https://example.org/never>").status_code == 400
        assert count() == 0
        # a write by eventkg that leaves no change-log entry either: the cache is emptied all the same
        assert _update(client, f"INSERT DATA {{ GRAPH <{ELSEWHERE}> {{ <s> <p> 2 }} }}").status_code == 204
        assert count() == 2


@pytest.mark.parametrize("server", ["oxigraph"], indirect=True)  # the same count on either server
def test_health_counts_a_server_stores_quads_once_per_version(server, monkeypatch):
    import httpx

    from graph.prefixes import DEFAULT_BASE_IRI
    from graph.remote import SparqlService

    counted = []  # the server's count of every quad, each time it is asked for
    count = SparqlService.__len__
    monkeypatch.setattr(SparqlService, "__len__", lambda service: counted.append(1) or count(service))
    emptied(server)
    # without the answer cache, which would answer a second probe alike (not one with other headers)
    with _served(server, response_cache=0) as live, httpx.Client(base_url=live.url, timeout=60) as client:
        before = len(counted)
        quads = client.get("/health").json()["quads"]
        assert client.get("/health").json()["quads"] == quads  # nothing written between: counted once
        assert len(counted) == before + 1
        ours = f"{DEFAULT_BASE_IRI}graph/health"  # a graph of the store's (its count leaves out others)
        assert _update(client, f"INSERT DATA {{ GRAPH <{ours}> {{ <s> <p> 1, 2 }} }}").status_code == 204
        after = len(counted)
        assert client.get("/health").json()["quads"] == quads + 2  # a write by eventkg: counted again
        assert len(counted) == after + 1


@pytest.mark.parametrize("server", ["virtuoso"], indirect=True)  # the Oxigraph server has no authentication
def test_wrong_credentials_are_a_clear_error(server):
    from graph.errors import Unavailable

    # a store the server does not hold yet: opening it writes the ontology, which the server refuses
    with pytest.raises(Unavailable, match="EVENTKG_STORE_USER"):
        EventStore(server.query_url, update_url=server.update_url, user=server.user, password="wrong",
                   base_iri="https://example.org/not-yet/")


# -- eventkg ingest --dask into the server, then eventkg serve on it -------------------------------------------------


@pytest.fixture(scope="session")
def dask_ingested(server, corpus):
    """``server`` after ``eventkg ingest --dask local:2`` of the corpus, a worker SIGKILLed mid-run."""
    pytest.importorskip("distributed", reason="the dask extra is not installed (pip install -e '.[dask]')")
    emptied(server)
    ingest_killing_a_worker(corpus, server.query_url, server_env(server))
    return server


def test_dask_ingest_into_a_server_equals_the_plain_ingest_and_a_rerun_changes_nothing(dask_ingested, corpus,
                                                                                       plain_store):
    server = dask_ingested
    with open_store(plain_store, read_only=True) as plain:
        expected = comparable_quads(plain)
    store = server_store(server, read_only=True)  # a reader: the re-run below is the writer
    try:
        assert comparable_quads(store) == expected  # nothing lost or doubled by the killed worker
        again = subprocess.run([EVENTKG, "ingest", str(corpus), "--store", server.query_url, "--dask", "local:1"],
                               capture_output=True, text=True, timeout=600, env=server_env(server))
        assert again.returncode == 0, again.stderr
        assert f"0 new, 0 updated, {len(PLACES)} unchanged, 0 failed" in again.stdout
        assert comparable_quads(store) == expected
    finally:
        store.close()


def _rounded(value):
    """JSON with floats to six significant digits (as Virtuoso answers doubles), and when each store was written
    left out."""
    if isinstance(value, float):
        return six_digits(value)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items() if k != "ingested"}
    return value


def _unordered(value):
    """JSON with every list sorted (by its items' JSON)."""
    if isinstance(value, list):
        return sorted((_unordered(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, dict):
        return {k: _unordered(v) for k, v in value.items()}
    return value


# Sorted answers: the same rows in the same order on every store. The corpus repeats one text, so many events tie on
# time and confidence: the sorts' tie-breakers decide. (Pages are short: on a server store every item is a few
# requests.)
SORTED = ["/entities?limit=30", "/entities?q=al&limit=10&offset=3", "/events?sort=time&limit=30&offset=40",
          "/events?sort=-confidence&limit=20&offset=20", "/events?sort=-time&type=Attack&limit=20",
          "/articles/wire%2F03", "/articles?limit=5&offset=4", "/stats", "/analytics/timeline?granularity=month",
          "/analytics/top/agent", "/analytics/top/place?modality=asserted"]
# Listed in the store's own index order (docs/api.md): the same rows, each listed whole here, in the server's order.
INDEX_ORDER = ["/events?article=wire%2F05&limit=1000", "/relations?predicate=calledFor&limit=1000"]
SELECT = """SELECT ?who ?what ?confidence WHERE { ?st rdf:subject ?who ; rdf:predicate ekg:calledFor ; rdf:object ?what ;
            ekg:confidence ?confidence } ORDER BY ?who ?what DESC(?confidence) STR(?st)"""
COUNTS = "SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e a ?type ; ekg:modality ?m } GROUP BY ?type ORDER BY ?type"
COMMENTED = "# not a CONSTRUCT: a form's word in a comment before the form\n" + COUNTS
# Only the prologue lines a text needs are forwarded (graph.remote.prologue): a relative IRI resolves against the
# endpoint (an IRI with a scheme is enough to tell: the two servers' ports differ), a text's own declaration of one of
# eventkg's prefixes stands.
RELATIVE = 'SELECT (IF(STRSTARTS(STR(<rel>), "http://127.0.0.1:"), "resolved", "not") AS ?iri) WHERE {}'
OWN_PREFIX = "PREFIX ekg: <http://example.org/other#>\nSELECT (STR(ekg:x) AS ?x) (STR(rdfs:label) AS ?l) WHERE {}"
CONSTRUCT = "CONSTRUCT { ?e rdfs:label ?l ; ekg:confidence ?c } WHERE { ?e a ekg:Attack ; rdfs:label ?l ; ekg:confidence ?c }"
RESULT_FORMATS = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                  "application/sparql-results+xml": ox.QueryResultsFormat.XML,
                  "text/tab-separated-values": ox.QueryResultsFormat.TSV}
GRAPH_FORMATS = {"application/n-triples": ox.RdfFormat.N_TRIPLES, "text/turtle": ox.RdfFormat.TURTLE,
                 "application/ld+json": ox.RdfFormat.JSON_LD, "application/rdf+xml": ox.RdfFormat.RDF_XML}


def _term(t) -> str:
    if isinstance(t, ox.Literal) and t.datatype.value.endswith("#double"):
        return f"{six_digits(float(t.value))}"
    return str(t)


def _sparql(client) -> dict:
    """The answers to the queries above in every format, parsed: rows in order, triples as a set."""
    got = {}
    for query in (SELECT, COUNTS, COMMENTED, RELATIVE, OWN_PREFIX):
        for media, fmt in RESULT_FORMATS.items():
            response = client.post("/sparql", data={"query": query}, headers={"Accept": media})
            assert response.status_code == 200 and response.headers["content-type"].startswith(media), response.text
            got[query, media] = [tuple(_term(t) for t in row)
                                 for row in ox.parse_query_results(response.content, fmt)]
    for media, fmt in GRAPH_FORMATS.items():
        response = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": media})
        assert response.status_code == 200 and response.headers["content-type"].startswith(media), response.text
        got[CONSTRUCT, media] = {tuple(_term(t) for t in triple) for triple in ox.parse(response.content, fmt)}
    return got


def _gexf(body: bytes) -> list:
    """A GEXF document as nested (tag, attributes, children) lists, numbers to six significant digits."""
    def number(text: str) -> str:
        try:
            return f"{six_digits(float(text))}"
        except ValueError:
            return text

    def element(e):
        return [e.tag, {k: number(v) if k == "value" else v for k, v in e.attrib.items()}, [element(c) for c in e]]

    root = element(ET.parse(io.BytesIO(body)).getroot())
    # the document's metadata says when it was made
    root[2] = [child for child in root[2] if not child[0].endswith("meta")]
    return root


def test_serve_on_a_server_store_answers_as_on_the_embedded_one(dask_ingested, plain_store):
    import httpx

    from api.settings import Settings
    from tests.api_fixtures import LiveServer

    server = dask_ingested
    on_server = Settings(store=server.query_url, store_update=server.update_url, store_user=server.user,
                         store_password=server.password, response_cache=16)
    here = Settings(store=str(plain_store), response_cache=16)
    answers, health = [], []
    for settings in (on_server, here):
        with LiveServer(settings) as live, httpx.Client(base_url=live.url, timeout=60) as client:
            health.append(client.get("/health").json())
            got = {}
            # a place of one article: its entity page lists everything, in index order
            (kano,) = client.get("/entities", params={"q": "kano", "type": "Place"}).json()["items"]
            for path in SORTED + INDEX_ORDER + [f"/entities/{kano['key']}?limit=1000"]:
                response = client.get(path)
                assert response.status_code == 200, (path, response.text)
                got[path] = _rounded(response.json())
            for path in INDEX_ORDER + [f"/entities/{kano['key']}?limit=1000"]:
                got[path] = _unordered(got[path])
            got.update(_sparql(client))
            gexf = client.get("/export/gexf")
            assert gexf.status_code == 200
            got["gexf"] = _gexf(gexf.content)
            answers.append(got)
    for answer, store in zip(answers, (server.query_url, str(plain_store)), strict=True):  # eventkg query (its exit:
        done = subprocess.run([EVENTKG, "query", COUNTS, "--store", store, "--format", "json"],  # connections closed)
                              capture_output=True, text=True, timeout=120, env=server_env(server))
        assert done.returncode == 0, done.stderr
        answer["eventkg query"] = json.loads(done.stdout)["results"]["bindings"]
    assert answers[1][RELATIVE, "application/sparql-results+json"] == [(str(ox.Literal("resolved")),)]
    assert answers[1][OWN_PREFIX, "application/sparql-results+json"] == [
        (str(ox.Literal("http://example.org/other#x")), str(ox.Literal("http://www.w3.org/2000/01/rdf-schema#label")))]
    assert len(answers[1]["/events?sort=time&limit=30&offset=40"]["items"]) == 30  # the corpus is as large as said
    assert len(answers[1]["/relations?predicate=calledFor&limit=1000"]["items"]) > 10
    differing = [key for key in answers[1] if answers[0][key] != answers[1][key]]
    assert not differing, (differing, answers[0][differing[0]], answers[1][differing[0]])
    with server_store(server, lease=False) as store:  # the server counts its quads for /health
        assert health[0] == {"status": "ok", "store": "server", "quads": len(store)}
    assert health[1] == {"status": "ok", "store": plain_store.name, "quads": len(ox.Store.read_only(str(plain_store)))}


# The first three each count the article "call" (its places are in a called-for attack and a reported killing; the
# rankings count asserted events by default).
DASHBOARDS = ["/analytics/timeline?granularity=month", "/analytics/top/place?modality=called-for",
              "/analytics/top/agent", "/analytics/top/place?modality=reported"]


def test_dropping_an_article_graph_by_sparql_update_on_a_server_store_is_a_delete(server, hand_extractions, tmp_path):
    import httpx

    from api.settings import Settings
    from graph.rdf import article_rdf
    from tests.api_fixtures import LiveServer

    emptied(server)
    store, remaining = server_store(server), EventStore(tmp_path / "kg")
    try:
        for article, extraction in hand_extractions:
            store.put(article_rdf(article, extraction, store.iris))
            if article.id != "call":
                remaining.put(article_rdf(article, extraction, remaining.iris))
        call, entities = store.iris.article_graph("call"), store.iris.entities_graph
    finally:
        store.close()
        remaining.close()
    with LiveServer(Settings(store=str(tmp_path / "kg"))) as live, httpx.Client(base_url=live.url) as client:
        expected = {path: client.get(path).json() for path in DASHBOARDS}  # an embedded store of the other article
    with _served(server) as live, httpx.Client(base_url=live.url, timeout=60) as client:
        def held(label: str) -> bool:  # an entity of that name in the entity graph
            r = client.get("/sparql", params={"query": f'ASK {{ GRAPH <{entities}> {{ ?e ?p "{label}" }} }}'},
                           headers={"Accept": "application/sparql-results+json"})
            return r.json()["boolean"]

        assert held("Europe") and held("ISIS")
        assert all(client.get(path).json() != expected[path] for path in DASHBOARDS[:3])  # "call" still counted
        # SILENT: Virtuoso drops without it only a graph made by CREATE GRAPH
        r = _update(client, f"DROP SILENT GRAPH <{call}>")
        assert r.status_code == 204, r.text
        assert not held("Europe") and held("ISIS")  # Europe was only in "call"; ISIS is in "attack" too
        last = client.get("/changes", params={"limit": 1000}).json()["items"][-1]
        assert (last["article"], last["change"]) == ("call", "deleted")
        # the dashboards' counters recounted (graph.aggregates.settle)
        assert {path: client.get(path).json() for path in DASHBOARDS} == expected
        # dropping a graph the store does not hold is the request's fault on either server (each answers 500)
        r = _update(client, f"DROP GRAPH <{call}>")
        assert r.status_code == 400, r.text
