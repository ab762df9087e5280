"""The SPARQL 1.1 endpoint through a real SPARQL client (SPARQLWrapper) and raw HTTP, against the real server."""

from __future__ import annotations

import threading
import time

import httpx
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


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://example.org/> { ?s ?p ?o } } }",
    "LOAD <http://example.org/data.ttl>",
    "INSERT DATA { <http://example.org/a> <http://example.org/b> <http://example.org/c> }",
    "DROP ALL",
])
def test_service_load_and_updates_are_refused_and_change_nothing(server, query):
    before = httpx.get(server.url + "/stats").json()["quads"]
    r = httpx.post(server.url + "/sparql", data={"query": query})
    assert r.status_code == 403, r.text
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
    assert httpx.post(url, content="LOAD <http://example.org/x>",
                      headers={**headers, "Authorization": "Bearer secret"}).status_code == 403
    assert httpx.post(url, content=update, headers={**headers, "Authorization": "Bearer secret"}).status_code == 204
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
        "Content-Type": "application/sparql-update", "Authorization": "Bearer secret"}).status_code == 204
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
