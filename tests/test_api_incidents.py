"""``/incidents`` and the roll-up of article-local actors in exports and analyses, on the real server and CLI, over
the incidents fixture (tests/fixtures/incidents: three wire reports of one attack in Homs) run through the real
extractor."""

from __future__ import annotations

import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import httpx
import networkx as nx
import pytest
from api_fixtures import LiveServer

from api.settings import Settings
from extract.model import Article
from graph.rdf import article_rdf
from graph.store import EventStore
from tests.scale_fixtures import EVENTKG

B = "https://w3id.org/eventkg/id/"
VIOLENCE = {"predicate": ["attacked", "killed"], "modality": ["asserted", "reported"]}
# An article-local actor whose name states its group: rolled up, "Islamic State fighters" become ISIS.
FIGHTERS = Article(id="kabul-checkpoint", publisher="Wire Four", published="2021-05-04", title="Kabul checkpoint",
                   text="Islamic State fighters attacked a checkpoint in Kabul on Monday, killing 11 soldiers.")


@pytest.fixture(scope="module")
def store_path(repo_dir, extractor, tmp_path_factory) -> Path:
    with (repo_dir / "tests" / "fixtures" / "incidents" / "articles.jsonl").open() as lines:
        articles = [Article(**json.loads(line)) for line in lines] + [FIGHTERS]
    path = tmp_path_factory.mktemp("incidents") / "store"
    with EventStore(path) as store:
        for article, extraction in zip(articles, extractor.extract_many(articles)):
            store.put(article_rdf(article, extraction, store.iris))
    return path


@pytest.fixture(scope="module")
def http(store_path):
    with LiveServer(Settings(store=store_path)) as server, httpx.Client(base_url=server.url, timeout=120) as client:
        yield client


def test_the_fixture_incident_is_one_item_with_its_three_sources(http):
    r = http.get("/incidents", params={"type": "Attack", "single_source": "false"})
    assert r.status_code == 200, r.text
    (homs,) = r.json()["items"]
    assert r.headers["X-Total-Count"] == "1" and 'rel="first"' in r.headers["Link"]
    assert homs["sources"] == 3 and len(homs["articles"]) == 3
    detail = http.get(f"/incidents/{homs['id']}").json()
    assert detail["incident"] == homs["incident"] and detail["sources"] == 3
    assert sorted({rep["article"]["id"] for rep in detail["reports"]}) == ["wire-1", "wire-2", "wire-3"]
    assert {rep["publisher"] for rep in detail["reports"]} == {"Wire One", "Wire Two", "Wire Three"}
    assert all(rep["event"]["kind"] == "event" and rep["event"]["type"] == "Attack" for rep in detail["reports"])
    assert http.get("/incidents/0000000000000000").status_code == 404


CONFLICTING = """PREFIX ekg: <https://w3id.org/eventkg/ontology#>
SELECT ?incident (GROUP_CONCAT(DISTINCT STR(?figure); separator=" ") AS ?figures) WHERE {
  ?incident a ekg:Incident ; ekg:victimCount ?figure .
} GROUP BY ?incident HAVING (COUNT(DISTINCT ?figure) > 1)"""


def test_sources_that_disagree_on_the_dead_make_a_conflicting_incident(http):
    # wire-1: "attacked the FSA in Homs on Saturday, killing 11 people" (the killing of the attack's clause);
    # wire-2: "The attack killed 12 people" (the killing's subject is the attack); wire-3 gives no figure
    r = http.get("/incidents", params={"conflicting": "true"})
    assert r.status_code == 200, r.text
    (homs,) = r.json()["items"]
    assert (homs["type"], homs["sources"], homs["victim_counts"]) == ("Attack", 3, [11, 12])
    agreeing = http.get("/incidents", params={"conflicting": "false", "limit": 1000}).json()["items"]
    assert agreeing and homs["id"] not in {i["id"] for i in agreeing}
    rows = http.get("/sparql", params={"query": CONFLICTING},
                    headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    assert [(row["incident"]["value"], sorted(row["figures"]["value"].split())) for row in rows] == [
        (homs["incident"], ["11", "12"])]


def test_a_death_toll_counts_for_the_lethal_events_before_it():
    from graph.incidents import victim_figures

    text = "Gunmen attacked a hotel in Kabul. Police arrived. The death toll rose to 15 on Sunday."
    events = [{"id": "ev1", "type": "Attack", "trigger": {"start": 7, "end": 15}, "sentence": {"start": 0, "end": 33}},
              {"id": "ev2", "type": "Death", "trigger": {"start": 54, "end": 59},
               "sentence": {"start": 50, "end": 86}}]
    assert victim_figures(events, [], text) == {"ev1": {15}}


def test_single_source_filters_and_pages(http):
    every = http.get("/incidents", params={"limit": 1000}).json()
    single = http.get("/incidents", params={"single_source": "true", "limit": 1000}).json()
    assert single["items"] and all(i["sources"] == 1 for i in single["items"])
    assert single["total"] == sum(i["sources"] == 1 for i in every["items"]) < every["total"]
    first = http.get("/incidents", params={"limit": 1})
    assert first.json()["items"] == every["items"][:1] and 'rel="next"' in first.headers["Link"]
    assert http.get("/incidents", params={"type": "Picnic"}).status_code == 422


def components(G: nx.MultiDiGraph) -> int:
    return nx.number_weakly_connected_components(G)


def test_roll_up_on_the_json_export_and_analytics(http):
    plain, rolled = (nx.node_link_graph(http.get("/export/json", params={**VIOLENCE, **extra}).json(), edges="edges")
                     for extra in ({}, {"roll_up": "true"}))
    assert components(rolled) <= components(plain)
    assert rolled.number_of_nodes() < plain.number_of_nodes()
    army = next(n for n, a in rolled.nodes(data=True) if a.get("label") == "army of Syria")
    assert army not in plain  # "army", "troops" act in Homs: rolled up to the army of Syria, their country's army
    killers = [{G.nodes[s]["label"] for s, _, p in G.edges(data="predicate") if p == "killed"} for G in (plain, rolled)]
    assert "Islamic State fighters" in killers[0] and "Islamic State fighters" not in killers[1]
    assert "ISIS" in killers[1]  # the group the fighters' name states
    ranked = http.get("/analytics/centrality", params={**VIOLENCE, "roll_up": "true", "top": 50}).json()
    assert army in {r["entity"] for r in ranked}
    assert http.get("/export/ttl", params={"roll_up": "true"}).status_code == 400  # the RDF dump is not a projection


def gexf_graph(path: Path) -> nx.Graph:
    root = ET.parse(path).getroot()
    G = nx.Graph()
    G.add_nodes_from(e.get("id") for e in root.iter() if e.tag.endswith("}node"))
    G.add_edges_from((e.get("source"), e.get("target")) for e in root.iter() if e.tag.endswith("}edge"))
    return G


def test_roll_up_on_the_command_line(store_path, tmp_path):
    def eventkg(*args: str, status: int = 0, flags=VIOLENCE) -> str:
        options = [f"--{k}={v}" for k, vs in flags.items() for v in vs]
        result = subprocess.run([EVENTKG, *args, *options, "--store", str(store_path)], capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == status, result.stderr
        return result.stdout + (result.stderr if status else "")

    eventkg("export", "--format", "gexf", "-o", str(tmp_path / "plain.gexf"))
    eventkg("export", "--format", "gexf", "-o", str(tmp_path / "rolled.gexf"), "--roll-up")
    plain, rolled = gexf_graph(tmp_path / "plain.gexf"), gexf_graph(tmp_path / "rolled.gexf")
    assert nx.number_connected_components(rolled) <= nx.number_connected_components(plain)
    assert rolled.number_of_nodes() < plain.number_of_nodes()
    ranked = json.loads(eventkg("analyze", "centrality", "--format", "json", "--roll-up"))
    assert "army of Syria" in {r["label"] for r in ranked}
    plain_ranked = json.loads(eventkg("analyze", "centrality", "--format", "json"))
    assert "army of Syria" not in {r["label"] for r in plain_ranked}
    assert "--roll-up does not apply to the timeline" in eventkg("analyze", "timeline", "--roll-up", status=1, flags={})


def test_a_sparql_update_is_followed_by_entity_resolution_and_incidents(repo_dir, extractor, tmp_path):
    """Dropping an article's graph through /sparql/update is a delete: the entities and incidents it supported
    follow, as if the article had never been ingested."""
    with (repo_dir / "tests" / "fixtures" / "incidents" / "articles.jsonl").open() as lines:
        articles = [Article(**json.loads(line)) for line in lines]
    path = tmp_path / "store"
    with EventStore(path) as store:
        for article, extraction in zip(articles, extractor.extract_many(articles)):
            store.put(article_rdf(article, extraction, store.iris))
        wire1 = store.iris.article_graph("wire-1")
    settings = Settings(store=path, query_workers=1, api_token="secret", enable_update=True)
    with LiveServer(settings) as server, httpx.Client(base_url=server.url, timeout=120) as client:
        def ask(query: str) -> list[dict]:
            r = client.get("/sparql", params={"query": query}, headers={"Accept": "application/sparql-results+json"})
            return r.json()["results"]["bindings"]

        about_trump = 'SELECT DISTINCT ?e WHERE { ?c ekg:key "person/trump" ; ekg:about ?e }'
        assert [r["e"]["value"] for r in ask(about_trump)] == [f"{B}entity/person/donald-trump"]
        assert client.get("/incidents", params={"conflicting": "true"}).json()["total"] == 1
        r = client.post("/sparql/update", content=f"DROP GRAPH <{wire1}>",
                        headers={"Content-Type": "application/sparql-update", "Authorization": "Bearer secret"})
        assert r.status_code == 204, r.text
        # "Donald Trump" was only in wire-1: the other articles' "Trump" is an entity of its own again
        assert [r["e"]["value"] for r in ask(about_trump)] == [f"{B}entity/person/trump"]
        assert not ask(f"SELECT ?p WHERE {{ <{B}entity/person/donald-trump> ?p ?o }}")
        (homs,) = client.get("/incidents", params={"type": "Attack"}).json()["items"]
        assert (homs["sources"], homs["victim_counts"]) == (2, [12])
        assert client.get("/incidents", params={"conflicting": "true"}).json()["total"] == 0
        # and the change feed says so
        last = client.get("/changes", params={"limit": 1000}).json()["items"][-1]
        assert (last["article"], last["change"]) == ("wire-1", "deleted")
