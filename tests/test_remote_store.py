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
import time
import xml.etree.ElementTree as ET
from pathlib import Path

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


# A writer process: opens the server store for writing, says so, and holds it until its stdin closes
HOLDER = """import sys
from graph.store import EventStore
store = EventStore(sys.argv[1], update_url=sys.argv[2] or None, user=sys.argv[3] or None, password=sys.argv[4] or None)
print("held", flush=True)
sys.stdin.read()
store.close()
"""


def test_one_writer_at_a_time_on_a_server_store(server):
    import sys

    from graph.lease import TTL, Lease
    from graph.store import StoreBusy

    emptied(server)
    access = [server.update_url, server.user or "", server.password or ""]
    env = server_env(server)

    def holder() -> subprocess.Popen:
        process = subprocess.Popen([sys.executable, "-c", HOLDER, server.query_url, *access], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True, env=env)
        assert process.stdout.readline() == "held\n"
        return process

    def delete(wait: float) -> subprocess.Popen:
        return subprocess.Popen([EVENTKG, "delete", "nothing", "--store", server.query_url], stderr=subprocess.PIPE,
                                text=True, env={**env, "EVENTKG_STORE_LOCK_WAIT": str(wait)})

    first = holder()
    try:
        server_store(server, lease=False).close()  # eventkg serve starts beside a writer (its store writes nothing)
        busy = delete(1)  # another writer waits, then fails with the busy error naming the holder
        err = busy.communicate(timeout=120)[1]
        assert busy.returncode == 2, err
        assert "waiting for the store lock" in err and f"pid {first.pid} on" in err and "gave up after waiting" in err
        waiting = delete(120)  # this one gets the lease when the holder closes
        assert waiting.stderr.readline().startswith("store: ") and "waiting" in waiting.stderr.readline()
    finally:
        first.stdin.close()
        first.wait(timeout=60)
    assert "no article 'nothing' in the store" in waiting.communicate(timeout=120)[1]  # it ran: the lease was free

    crashed = holder()  # a writer that dies holding the lease: its claim lives until its time
    crashed.kill()
    crashed.wait()
    with pytest.raises(StoreBusy, match=f"pid {crashed.pid} on"):
        server_store(server)
    store = server_store(server, lease=False)
    try:  # a writer whose clock is past the claim's time drops it and takes the lease
        late = Lease(store.native, store.iris.base, clock=lambda: time.time() + TTL + 1)
        late.take()
        late.release()
    finally:
        store.close()
    server_store(server).close()


def test_a_holder_that_cannot_renew_its_lease_in_time_stops_writing(server):
    from graph.lease import TTL, Lease
    from graph.store import StoreBusy

    with emptied_store(server, lease=False) as store:  # eventkg serve's store: it writes only holding the lease
        with pytest.raises(StoreBusy, match="writer lease"):
            store.reresolve()
        now = [time.time()]
        mine = Lease(store.native, store.iris.base, clock=lambda: now[0])  # a clock moved by hand: no renewal
        mine.take()
        try:
            assert mine.held
            now[0] += TTL - 5  # its renewals failed until 5 s before its claim's time: no write may start
            assert not mine.held
            # another writer, whose clock is past the claim's time, finds it dead and takes the lease
            other = Lease(store.native, store.iris.base, clock=lambda: now[0] + 10)
            other.take()
            assert other.held and not mine.renew()  # the first holder finds its claim gone
            other.release()
        finally:
            mine.release()


@pytest.mark.parametrize("server", ["oxigraph"], indirect=True)  # the store's own order of lock and lease
def test_a_write_that_waited_for_the_write_lock_checks_the_lease_once_it_holds_it(server, hand_extractions,
                                                                                  monkeypatch):
    import threading

    from graph import lease
    from graph.rdf import article_rdf
    from graph.store import StoreBusy

    monkeypatch.setattr(lease, "RENEW", 0.1)  # the holder finds its claim gone at once, not 15 s later
    (article, extraction), _ = hand_extractions
    failed = []

    def put():
        try:
            store.put(article_rdf(article, extraction, store.iris))
        except StoreBusy as err:
            failed.append(str(err))

    with emptied_store(server) as store:  # a writer: it holds the lease from its opening
        other = lease.Lease(store.native, store.iris.base, clock=lambda: time.time() + lease.TTL + 1)
        try:
            with store._write_lock:  # another thread's long write
                waiting = threading.Thread(target=put)
                waiting.start()
                time.sleep(0.5)  # the put waits for the write lock
                # meanwhile another writer, whose clock is past the claim's time, finds it dead and takes the lease
                other.take()
                deadline = time.monotonic() + 30
                while store._lease.lease.held and time.monotonic() < deadline:  # the holder finds its claim gone
                    time.sleep(0.05)
            waiting.join(timeout=60)
            assert failed and "writer lease" in failed[0]
            assert store.article_ids() == []
        finally:
            other.release()


@pytest.mark.parametrize("server", ["oxigraph"], indirect=True)  # open_store's own waiting: the same on either server
def test_an_open_that_loses_its_place_in_the_queue_says_it_waits_once(server):
    import threading

    from graph.lease import TTL, Lease

    emptied(server)
    holder = server_store(server)  # a writer: it holds the lease
    late = Lease(holder.native, holder.iris.base, clock=lambda: time.time() + TTL + 1)
    waits = []

    def on_wait():
        waits.append("waiting")
        if len(waits) == 1:
            # while the open waits, a writer whose clock is past every claim's time drops them and takes the lease:
            # the open loses its place in the queue, starts again and waits for that writer, which closes in 1 s
            late.take()
            threading.Timer(1.0, late.release).start()

    try:
        open_store(server.query_url, wait=60, on_wait=on_wait, update_url=server.update_url, user=server.user,
                   password=server.password).close()
    finally:
        holder.close()
    assert waits == ["waiting"]


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


DASHBOARDS = ["/analytics/timeline?granularity=month", "/analytics/top/place", "/analytics/top/agent",
              "/analytics/top/place?modality=reported"]


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
    settings = Settings(store=server.query_url, store_update=server.update_url, store_user=server.user,
                        store_password=server.password, api_token="secret", enable_update=True)
    with LiveServer(settings) as live, httpx.Client(base_url=live.url, timeout=60) as client:
        def held(label: str) -> bool:  # an entity of that name in the entity graph
            r = client.get("/sparql", params={"query": f'ASK {{ GRAPH <{entities}> {{ ?e ?p "{label}" }} }}'},
                           headers={"Accept": "application/sparql-results+json"})
            return r.json()["boolean"]

        assert held("Europe") and held("ISIS")
        assert all(client.get(path).json() != expected[path] for path in DASHBOARDS[:3])  # "call" still counted
        # SILENT: Virtuoso drops without it only a graph made by CREATE GRAPH
        r = client.post("/sparql/update", content=f"DROP SILENT GRAPH <{call}>",
                        headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer secret"})
        assert r.status_code == 204, r.text
        assert not held("Europe") and held("ISIS")  # Europe was only in "call"; ISIS is in "attack" too
        last = client.get("/changes", params={"limit": 1000}).json()["items"][-1]
        assert (last["article"], last["change"]) == ("call", "deleted")
        # the dashboards' counters recounted (graph.aggregates.settle)
        assert {path: client.get(path).json() for path in DASHBOARDS} == expected
        # dropping a graph the store does not hold is the request's fault on either server (each answers 500)
        r = client.post("/sparql/update", content=f"DROP GRAPH <{call}>",
                        headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer secret"})
        assert r.status_code == 400, r.text


# -- eventkg load into a server store ------------------------------------------------------------------------------


@pytest.mark.parametrize("server", ["virtuoso"], indirect=True)  # it refuses a literal the Oxigraph server keeps
def test_a_load_that_fails_midway_leaves_whole_graphs_and_a_rerun_replaces_them(server, tmp_path):
    from graph.store import StoreError

    with emptied_store(server) as store:
        graphs = [f"{store.iris.base}graph/loaded/{n}" for n in range(5)]
        store.native.request_bytes = 6000  # one graph per request (4 MB by default)
        # the fourth graph's last literal is no integer: Virtuoso refuses its request, the fourth of five
        with pytest.raises(StoreError, match=r"first 3 graph\(s\) are stored, each whole; the others are as they "
                                             r"were before the load.*run the same load again"):
            store.load(_graphs_file(tmp_path, graphs, '"forty"'))
        assert _held(store, graphs) == {g: 41 for g in graphs[:3]}

        assert store.load(_graphs_file(tmp_path, graphs, '"39"')) == 5 * 41
        # every graph whole; a graph stored before is replaced, its blank node too
        assert _held(store, graphs) == {g: 41 for g in graphs}


def test_a_graph_larger_than_a_request_is_staged_and_switched_in_one_update(server, tmp_path):
    from graph.remote_load import GENID, STAGE
    from graph.store import StoreError

    with emptied_store(server) as store:
        graphs = [f"{store.iris.base}graph/loaded/{n}" for n in range(3)]
        store.native.request_bytes = 1500  # each graph's 41 triples take several requests
        store.load(_graphs_file(tmp_path, graphs, '"39"'))
        store.load(_graphs_file(tmp_path, graphs, '"39"'))  # a re-run replaces each graph
        assert _held(store, graphs) == {g: 41 for g in graphs}
        blanks = {str(q.subject) for q in store.native.quads_for_pattern(None, ox.NamedNode("https://example.org/in"))}
        assert len(blanks) == 3 and all(b.startswith(f"<{GENID}") for b in blanks)  # skolemised across requests
        assert not _staged(store, STAGE)
        if server.name == "virtuoso":  # a staged part it refuses: the graph stays as it was
            with pytest.raises(StoreError, match=r"the large graph <.*/loaded/1> is as it was"):
                store.load(_graphs_file(tmp_path, graphs, '"forty"', bad_graph=1))
            assert _held(store, graphs) == {g: 41 for g in graphs}


def test_a_graph_of_many_short_triples_loads_in_one_request(server, tmp_path):
    # Virtuoso's SPARQL compiler refuses a block of more than about 5,000 triples ("SP030 … memory exhausted")
    with emptied_store(server) as store:
        graph = f"{store.iris.base}graph/loaded/many"
        path = tmp_path / "many.nq"
        path.write_text("".join(f'<https://example.org/s{i}> <https://example.org/p> "v" <{graph}> .\n'
                                for i in range(6000)))
        assert store.load(path) == 6000
        assert _held(store, [graph]) == {graph: 6000}


def test_an_article_of_more_triples_than_a_virtuoso_block_is_stored_whole(server, hand_extractions, tmp_path):
    # its write goes in blocks of BLOCK_TRIPLES (Virtuoso refuses a block of more than about 5,000), in one request
    import dataclasses

    from graph.rdf import article_rdf
    from graph.terms import BLOCK_TRIPLES

    emptied(server)
    (article, extraction), _ = hand_extractions
    killing = extraction.events[2]
    many = dataclasses.replace(extraction, events=extraction.events + [
        dataclasses.replace(killing, id=f"ev-{n}", confidence=0.5 + n / 1000) for n in range(400)])
    remote, local = server_store(server), EventStore(tmp_path / "kg")
    try:
        for store in (remote, local):
            store.put(article_rdf(article, many, store.iris))
        graph = str(article_rdf(article, many, remote.iris).graph)
        assert _held(remote, [graph])[graph] > 5 * BLOCK_TRIPLES
        assert comparable_quads(remote) == comparable_quads(local)
    finally:
        remote.close()
        local.close()


def _graphs_file(tmp_path: Path, graphs: list[str], last: str, bad_graph: int = 3) -> Path:
    """N-Quads: in each graph 40 integer literals (the last of graph ``bad_graph`` is ``last``) and a blank node."""
    path = tmp_path / "graphs.nq"
    with path.open("w") as out:
        for n, graph in enumerate(graphs):
            for i in range(40):
                value = last if (n, i) == (bad_graph, 39) else f'"{i}"'
                out.write(f"<https://example.org/s{n}> <https://example.org/p{i}> {value}^^"
                          f"<http://www.w3.org/2001/XMLSchema#integer> <{graph}> .\n")
            out.write(f"_:b{n} <https://example.org/in> <{graph}> <{graph}> .\n")
    return path


def _held(store, graphs: list[str]) -> dict[str, int]:
    return {g: n for g in graphs if (n := sum(1 for _ in store.native.quads_for_pattern(None, None, None,
                                                                                         ox.NamedNode(g))))}


def _staged(store, stage: str) -> list:
    return list(store.native.query(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                                   f"FILTER STRSTARTS(STR(?g), \"{stage}\") }}"))
