"""The SPARQL 1.1 endpoint through a real SPARQL client (SPARQLWrapper) and raw HTTP, against the real server."""

from __future__ import annotations

import threading
import time
from urllib.parse import urlencode

import httpx
import psutil
import pytest
from api_fixtures import LiveServer, build_store
from rdflib import RDF, Graph, URIRef
from SPARQLWrapper import CSV, JSON, JSONLD, POST, TSV, TURTLE, XML, SPARQLWrapper

from api.settings import Settings
from graph.sparql import SD

PREFIX = "PREFIX ekg: <https://w3id.org/eventkg/ontology#>\nPREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
ATTACKS = PREFIX + "SELECT ?e ?label WHERE { ?e a ekg:Attack ; rdfs:label ?label } ORDER BY ?e"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    store = build_store(tmp_path_factory.mktemp("sparql") / "store")
    settings = Settings(store=store, query_timeout=2.0, max_result_rows=200, api_token="secret", enable_update=True)
    with LiveServer(settings) as live:
        yield live


def client(server, fmt, method="GET") -> SPARQLWrapper:
    sw = SPARQLWrapper(server.url + "/sparql")
    sw.setReturnFormat(fmt)
    sw.setMethod(method)
    return sw


@pytest.mark.parametrize("method", ["GET", POST])
def test_select_json_with_a_real_client(server, method):
    sw = client(server, JSON, method)
    sw.setQuery(ATTACKS)
    bindings = sw.query().convert()["results"]["bindings"]
    assert [b["label"]["value"] for b in bindings] == ['Attack "attacked" by ISIS in Kabul', 'Attack "attacks" on Europe']


def test_select_xml_csv_tsv(server):
    sw = client(server, XML)
    sw.setQuery(ATTACKS)
    xml = sw.query().convert()
    assert len(xml.getElementsByTagName("result")) == 2
    sw = client(server, CSV)
    sw.setQuery(ATTACKS)
    csv = sw.query().convert().decode()
    assert csv.splitlines()[0] == "e,label" and len(csv.splitlines()) == 3
    sw = client(server, TSV, POST)
    sw.setQuery(ATTACKS)
    tsv = sw.query().convert().decode()
    assert tsv.splitlines()[0] == "?e\t?label" and '"Attack \\"attacks\\" on Europe"' in tsv


def test_ask(server):
    sw = client(server, JSON)
    sw.setQuery(PREFIX + "ASK { ?e a ekg:Invasion }")
    assert sw.query().convert()["boolean"] is True
    sw.setQuery(PREFIX + "ASK { ?e a ekg:Arrest }")
    assert sw.query().convert()["boolean"] is False


def test_construct_turtle_and_jsonld(server):
    query = PREFIX + "CONSTRUCT { ?e rdfs:label ?l } WHERE { ?e a ekg:Attack ; rdfs:label ?l }"
    for fmt in (TURTLE, JSONLD):
        sw = client(server, fmt)
        sw.setQuery(query)
        result = sw.query()
        graph = Graph().parse(data=result.response.read(), format="turtle" if fmt == TURTLE else "json-ld")
        assert len(graph) == 2


def test_content_negotiation_with_q_values(server):
    headers = {"Accept": "application/sparql-results+json;q=0.5, text/csv;q=0.9, */*;q=0.1"}
    r = httpx.get(server.url + "/sparql", params={"query": ATTACKS}, headers=headers)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    r = httpx.get(server.url + "/sparql", params={"query": ATTACKS}, headers={"Accept": "image/png"})
    assert r.status_code == 406


def test_post_sparql_query_body_and_graph_parameters(server):
    graph = "https://w3id.org/eventkg/id/graph/entities"
    query = PREFIX + "SELECT (COUNT(?e) AS ?n) WHERE { ?e a ekg:Attack }"
    r = httpx.post(server.url + "/sparql", content=query, params={"default-graph-uri": graph},
                   headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert r.status_code == 200 and r.text.splitlines()[1] == "0"  # events are not in the entity graph
    r = httpx.post(server.url + "/sparql", content=query,
                   headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert r.text.splitlines()[1] == "2"  # the union of all graphs by default


def test_service_description(server):
    r = httpx.get(server.url + "/sparql")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    description = Graph().parse(data=r.text, format="turtle")
    assert (None, RDF.type, SD.Service) in description
    assert (None, SD.endpoint, URIRef(server.url + "/sparql")) in description


def test_syntax_error_is_400_with_the_parser_message(server):
    r = httpx.get(server.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert r.status_code == 400 and "syntax" in r.json()["detail"].lower()


@pytest.mark.parametrize("query, words", [
    ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", "no outbound requests"),
    ("SELECT * WHERE { OPTIONAL { SERVICE <http://example.org/> { ?s ?p ?o } } }", "no outbound requests"),
    ("LOAD <http://example.org/data.ttl>", "updates go to /sparql/update"),
    ("INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
     "updates go to /sparql/update"),
    ("DROP ALL", "updates go to /sparql/update"),
])
def test_service_load_and_updates_are_refused_and_change_nothing(server, query, words):
    before = httpx.get(server.url + "/stats").json()["quads"]
    r = httpx.post(server.url + "/sparql", data={"query": query})
    assert r.status_code == 400 and words in r.json()["detail"], r.text
    assert httpx.get(server.url + "/stats").json()["quads"] == before


def test_keywords_in_comments_and_strings_do_not_fool_the_check(server):
    query = "SELECT ?s WHERE { # SERVICE <http://example.org/> {}\n ?s ?p ?o FILTER(?o = 'SERVICE <x> {}') }"
    assert httpx.get(server.url + "/sparql", params={"query": query}).status_code == 200


def test_row_limit(server):
    r = httpx.get(server.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    assert r.status_code == 400 and "more than 200 rows" in r.json()["detail"]


def test_slow_query_is_stopped_with_503_while_others_are_answered(server):
    answers = []

    def slow():
        answers.append(httpx.get(server.url + "/sparql", params={"query": SLOW}, timeout=60))

    thread = threading.Thread(target=slow)
    thread.start()
    time.sleep(0.3)
    quick = httpx.get(server.url + "/sparql", params={"query": ATTACKS}, timeout=60)
    health = httpx.get(server.url + "/health", timeout=60)
    thread.join()
    assert quick.status_code == 200 and health.status_code == 200
    (answer,) = answers
    assert answer.status_code == 503 and "stopped" in answer.json()["detail"]
    # The killed worker was replaced: the endpoint keeps answering.
    assert httpx.get(server.url + "/sparql", params={"query": ATTACKS}).status_code == 200


def test_update_needs_the_token_and_refuses_load(server):
    update = "INSERT DATA { GRAPH <https://example.org/g> { <https://example.org/a> <https://example.org/b> 1 } }"
    url = server.url + "/sparql/update"
    headers = {"Content-Type": "application/sparql-update"}
    assert httpx.post(url, content=update, headers=headers).status_code == 401
    r = httpx.post(url, content="LOAD <http://example.org/x>", headers={**headers, "Authorization": "Bearer secret"},
                   timeout=60)
    assert r.status_code == 400 and "no outbound requests" in r.json()["detail"]
    # an update re-resolves the entities and recounts the counters after it: seconds on a loaded machine
    assert httpx.post(url, content=update, headers={**headers, "Authorization": "Bearer secret"},
                      timeout=60).status_code == 204
    r = httpx.get(server.url + "/sparql", params={"query": "ASK { <https://example.org/a> ?p 1 }"},
                  headers={"Accept": "application/sparql-results+json"})
    assert r.json()["boolean"] is True


def test_large_answers_arrive_whole(server):
    # Answers bigger than one read from the worker's pipe (the server's event loop watches that pipe).
    query = "SELECT ?s ?p ?o ?t WHERE { ?s ?p ?o . ?a ekg:text ?t } LIMIT 200"
    r = httpx.get(server.url + "/sparql", params={"query": query}, headers={"Accept": "text/csv"}, timeout=60)
    assert r.status_code == 200 and len(r.text.splitlines()) > 200 and len(r.content) > 32 * 1024


def test_posted_queries_are_cached_until_the_store_changes(server):
    """A POSTed query's answer is kept while the store is unchanged, and never outlives a write."""
    count = PREFIX + "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <https://example.org/cache> { ?s ?p ?o } }"
    headers = {"Accept": "application/sparql-results+json"}

    def posted() -> int:
        r = httpx.post(server.url + "/sparql", data={"query": count}, headers=headers)
        assert r.status_code == 200 and "cache-control" not in r.headers
        return int(r.json()["results"]["bindings"][0]["n"]["value"])

    assert posted() == posted() == 0
    update = "INSERT DATA { GRAPH <https://example.org/cache> { <https://example.org/c> <https://example.org/d> 1 } }"
    assert httpx.post(server.url + "/sparql/update", content=update, headers={
        "Content-Type": "application/sparql-update", "Authorization": "Bearer secret"}, timeout=60).status_code == 204
    assert posted() == 1


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_volatile_queries_are_never_cached(server, method):
    query = "SELECT (STRUUID() AS ?id) WHERE {}"
    answers = []
    for _ in range(2):
        r = httpx.request(method, server.url + "/sparql", params={"query": query} if method == "GET" else None,
                          data={"query": query} if method == "POST" else None, headers={"Accept": "text/csv"})
        assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
        answers.append(r.text)
    assert answers[0] != answers[1]


# -- SPARQL 1.1 Protocol conformance (the layer in front of the engine) ----------------------------------------------

GRAPH = "https://w3id.org/eventkg/id/graph/entities"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def csv_count(r: httpx.Response) -> int:
    assert r.status_code == 200, r.text
    return int(r.text.splitlines()[1])


def update(server, text: str, **params) -> httpx.Response:
    return httpx.post(server.url + "/sparql/update", content=text, params=params, headers={
        "Content-Type": "application/sparql-update", "Authorization": "Bearer secret"}, timeout=30)


def test_relative_iris_resolve_against_the_service_iri(server):
    r = httpx.get(server.url + "/sparql", params={"query": "SELECT ?o { VALUES ?o { <p> } }"},
                  headers={"Accept": "text/csv"})
    assert r.status_code == 200 and r.text.splitlines()[1] == server.url + "/p"
    assert update(server, 'INSERT DATA { GRAPH <g-relative> { <s> <p> "relative" } }').status_code == 204
    ask = f'ASK {{ GRAPH <{server.url}/sparql/g-relative> {{ <{server.url}/sparql/s> ?p "relative" }} }}'
    assert httpx.get(server.url + "/sparql", params={"query": ask}).json()["boolean"] is True


def test_the_service_iri_of_a_server_address_given_as_a_list():
    from api.sparql_protocol import service_iri

    # ASGI allows any two-item iterable (Starlette's TestClient and Daphne send a list); the URL is cached by it
    scope = {"scheme": "http", "server": ["127.0.0.1", 8000], "root_path": "", "path": "/sparql", "headers": []}
    assert service_iri(scope) == "http://127.0.0.1:8000/sparql"


def test_unknown_function_is_the_clients_error(server):
    r = httpx.get(server.url + "/sparql", params={"query": "SELECT (<http://example.org/f>(1) AS ?x) {}"})
    assert r.status_code == 400 and "custom function <http://example.org/f> is not supported" in r.json()["detail"]
    assert "retry-after" not in r.headers


def test_negative_decimals(server):
    for query in ("SELECT ?x { VALUES ?x { -1.0 } }", "SELECT * { ?s ?p -1.0 }"):
        assert httpx.get(server.url + "/sparql", params={"query": query}).status_code == 200


@pytest.mark.parametrize("name", ["default-graph-uri", "named-graph-uri"])
def test_invalid_graph_iris_are_400_and_kill_no_worker(server, name):
    before = {p.pid for p in psutil.Process().children()}
    r = httpx.get(server.url + "/sparql", params={"query": COUNT, name: "a b"})
    assert r.status_code == 400 and name in r.json()["detail"]
    started = time.monotonic()
    assert httpx.get(server.url + "/sparql", params={"query": ATTACKS}, timeout=60).status_code == 200
    assert time.monotonic() - started < 10  # generous: nobody waits for a replacement worker
    assert {p.pid for p in psutil.Process().children()} == before


def test_protocol_graphs_replace_the_querys_dataset(server):
    get = lambda query, **params: httpx.get(server.url + "/sparql", params={"query": query, **params},  # noqa: E731
                                            headers={"Accept": "text/csv"})
    in_graph = csv_count(get(COUNT, **{"default-graph-uri": GRAPH}))
    assert 0 < in_graph < csv_count(get(COUNT))
    # named-graph-uri alone: the default graph is empty, GRAPH ranges over the one named
    assert csv_count(get(COUNT, **{"named-graph-uri": GRAPH})) == 0
    assert csv_count(get("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", **{"named-graph-uri": GRAPH})) == in_graph
    # the protocol's graphs win over FROM / FROM NAMED
    with_from = "SELECT (COUNT(*) AS ?n) FROM <https://example.org/none> WHERE { ?s ?p ?o }"
    assert csv_count(get(with_from)) == 0
    assert csv_count(get(with_from, **{"default-graph-uri": GRAPH})) == in_graph


def test_using_graph_parameters_set_the_updates_dataset(server):
    marker = "https://example.org/using"
    r = update(server, f"INSERT {{ GRAPH <{marker}> {{ ?s <{marker}#seen> 1 }} }} WHERE {{ ?s a ?type }}",
               **{"using-graph-uri": GRAPH})
    assert r.status_code == 204, r.text
    in_marker = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{marker}> {{ ?s ?p ?o }} }}"
    typed_in_graph = f"SELECT (COUNT(DISTINCT ?s) AS ?n) FROM <{GRAPH}> WHERE {{ ?s a ?type }}"
    counts = [csv_count(httpx.get(server.url + "/sparql", params={"query": q}, headers={"Accept": "text/csv"}))
              for q in (in_marker, typed_in_graph)]
    assert counts[0] == counts[1] > 0
    r = update(server, f"WITH <{GRAPH}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}", **{"using-graph-uri": GRAPH})
    assert r.status_code == 400 and "not both" in r.json()["detail"]
    assert update(server, f"DROP GRAPH <{marker}>").status_code == 204


@pytest.mark.parametrize("params", [
    [("query", "ASK {}"), ("query", "ASK {}")],
    [("query", "")],
    [("query", "   ")],
])
def test_one_non_empty_query(server, params):
    r = httpx.get(server.url + "/sparql", params=params)
    assert r.status_code == 400 and "query" in r.json()["detail"]
    r = httpx.post(server.url + "/sparql", content=urlencode(params), headers=FORM)
    assert r.status_code == 400


def test_one_non_empty_update(server):
    url, headers = server.url + "/sparql/update", {"Authorization": "Bearer secret", **FORM}
    twice = urlencode([("update", "CLEAR SILENT GRAPH <https://example.org/x>")] * 2)
    assert httpx.post(url, content=twice, headers=headers).status_code == 400
    assert httpx.post(url, content="update=", headers=headers).status_code == 400


@pytest.mark.parametrize("text, words", [
    ("CLEAR GRAPH <https://example.org/missing>", "does not exist"),
    (f"CREATE GRAPH <{GRAPH}>", "already exists"),
    ("INSERT DATA { <a> <b> }", "syntax error"),
])
def test_update_errors_are_400_with_a_message(server, text, words):
    r = update(server, text)
    assert r.status_code == 400 and words in r.json()["detail"]


def test_construct_with_only_results_formats_acceptable_is_406(server):
    r = httpx.get(server.url + "/sparql", params={"query": "CONSTRUCT WHERE { ?s a ekg:Attack }"},
                  headers={"Accept": "text/csv"})
    assert r.status_code == 406 and "text/turtle" in r.json()["detail"]


def test_errors_name_no_path(server):
    for r in (httpx.get(server.url + "/sparql", params={"query": "SELECT * WHERE { ?s ?p }"}),
              update(server, "CLEAR GRAPH <https://example.org/missing>")):
        assert server.store not in r.text and "/tmp" not in r.text


def test_drop_all_leaves_the_store_empty(tmp_path):
    settings = Settings(store=build_store(tmp_path / "store"), query_workers=1, api_token="secret",
                        enable_update=True)
    with LiveServer(settings) as live:
        assert update(live, "DROP ALL").status_code == 204
        assert update(live, "INSERT DATA { <https://example.org/a> <https://example.org/b> 1 }").status_code == 204
        assert update(live, "DELETE DATA { <https://example.org/a> <https://example.org/b> 1 }").status_code == 204
        r = httpx.get(live.url + "/sparql", params={"query": "SELECT (COUNT(*) AS ?n) { { ?s ?p ?o } UNION "
                                                    "{ GRAPH ?g { ?s ?p ?o } } }"}, headers={"Accept": "text/csv"})
        assert csv_count(r) == 0


def test_updates_keep_the_dashboards_counters(server):
    """A user's update may add or remove events: the counters behind the REST time series follow (graph.aggregates)."""
    graph = "https://w3id.org/eventkg/id/graph/article/sparql-update-test"
    event = "https://w3id.org/eventkg/id/event/sparql-update-test/ev1"
    timeline = lambda: httpx.get(server.url + "/analytics/timeline", params={"granularity": "year"}).json()  # noqa: E731
    before = timeline()
    insert = (f'INSERT DATA {{ GRAPH <{graph}> {{ <{event}> a ekg:Attack ; ekg:modality "asserted" ; '
              f'ekg:time "1999-05"^^xsd:gYearMonth }} }}')
    assert update(server, insert).status_code == 204
    assert timeline() != before
    assert update(server, f"DROP GRAPH <{graph}>").status_code == 204
    assert timeline() == before
