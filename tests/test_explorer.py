"""The explorer end to end: the real server on a loopback port, the seed article extracted into a real store, and
Debian's headless Chromium (tests/browser.py) loading the built app.

Every step also checks that the page logged no console error and asked for nothing outside the server. One browser
and one server serve the whole module. Without Chromium the browser tests skip, except in CI (``CI=true``), where they
must run.
"""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path
from urllib.parse import quote, urlsplit

import httpx
import networkx as nx
import pytest

from api_fixtures import LiveServer, build_store
from browser import Browser, available
from ci import in_ci

REPO = Path(__file__).resolve().parent.parent

WAIT = 30  # seconds a page part may take to appear on this loaded machine


@pytest.fixture(scope="module")
def explorer_build():
    """The built app: ``make web`` builds it when its sources are newer than the build (and does nothing otherwise)."""
    done = subprocess.run(["make", "-s", "web"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, f"make web failed:\n{done.stdout}\n{done.stderr}"
    return REPO / "api" / "explorer" / "static"


@pytest.fixture(scope="module")
def server(tmp_path_factory, extractor, seed_article, explorer_build):
    from api.settings import Settings

    store = build_store(tmp_path_factory.mktemp("explorer") / "kg", extractor, seed_article)
    with LiveServer(Settings(store=store, query_workers=1)) as live:
        yield live


@pytest.fixture(scope="module")
def browser(server):
    missing = available()
    if missing:
        if in_ci():
            pytest.fail(f"CI must run the browser tests: {missing}")
        pytest.skip(missing)
    with Browser() as b:
        b.driver.get("about:blank")
        b.requested_urls(), b.console_errors()  # what Chromium loaded for itself at start is not the page's
        yield b


def _until(browser, find, what: str):
    """What ``find(driver)`` returns once it is truthy; an element the page replaced meanwhile means: look again."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser.driver, WAIT, ignored_exceptions=(StaleElementReferenceException,)).until(
        find, f"{what} after {WAIT} s")


def _wait(browser, css: str, count: int = 1):
    """The elements matching ``css`` once there are at least ``count`` of them."""
    def found(driver):
        elements = driver.find_elements("css selector", css)
        return elements if len(elements) >= count else False

    return _until(browser, found, f"no {count} × {css}")


def _wait_text(browser, css: str, text: str):
    """The first element matching ``css`` whose text contains ``text``, once there is one."""
    def found(driver):
        return next((e for e in driver.find_elements("css selector", css) if text in e.text), False)

    return _until(browser, found, f"no {css} reading {text!r}")


def _open(browser, server, route: str) -> None:
    """A fresh load of the app at ``route`` (a hash change alone would keep the previous page's elements a while)."""
    browser.driver.get("about:blank")
    browser.driver.get(server.url + route)


def _assert_clean(browser, server) -> None:
    """No console error, and every request went to the server (data: and blob: URLs are no requests)."""
    assert browser.console_errors() == []
    outside = [url for url in browser.requested_urls()
               if urlsplit(url).scheme not in ("data", "blob", "about") and not url.startswith(server.url + "/")]
    assert outside == []


def test_overview_loads_offline(browser, server):
    _open(browser, server, "/")
    tiles = _wait(browser, ".tile", 5)
    stats = httpx.get(f"{server.url}/stats").json()
    assert tiles[1].text.split()[0] == f"{stats['events']:,}"
    _wait(browser, ".card ol li")  # the most central entities, from /analytics/centrality
    _assert_clean(browser, server)


def test_search_finds_isis_by_daesh(browser, server):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    _open(browser, server, "/")
    box = _wait(browser, ".search-box input")[0]
    box.send_keys("Daesh")
    _wait_text(browser, ".suggestions li.active[data-route]", "ISIS")
    box.send_keys(Keys.ENTER)
    _wait_text(browser, ".page-head h1", "ISIS")
    assert browser.driver.current_url.endswith("#/entity/organization/isis")
    assert "Daesh" in browser.driver.find_element(By.CSS_SELECTOR, "dl.facts").text
    _assert_clean(browser, server)


def test_entity_page_shows_relations_events_map_and_connections(browser, server):
    entity = httpx.get(f"{server.url}/entities/organization/isis").json()
    _open(browser, server, "/#/entity/organization/isis")
    relations = _wait(browser, "table.relations tbody tr")
    shown = min(entity["relations_out"]["total"], 10) + min(entity["relations_in"]["total"], 10)
    assert len(_wait(browser, "table.relations tbody tr", shown)) == shown
    assert any(r.find_elements("css selector", "q") for r in relations)  # the evidence sentence
    _wait(browser, "svg.strip circle")  # the events on a timeline
    _wait(browser, "svg.map circle")  # where they happened
    graph = _wait(browser, ".network[data-nodes]")[0]
    assert int(graph.get_attribute("data-nodes")) == min(_neighbours(server, "organization/isis"), 15) + 1 > 1
    _assert_clean(browser, server)


def _neighbours(server, key: str) -> int:
    """How many entities ``key`` is directly linked to, by the API."""
    return len(httpx.get(f"{server.url}/entities/{key}/neighbors").json()["nodes"]) - 1


def test_ego_graph_draws_the_strongest_connections_and_exports_them(browser, server):
    _open(browser, server, "/#/graph?center=organization/isis&top=5&min_confidence=0.7")
    graph = _wait(browser, ".network[data-nodes]")[0]
    filters = {"min_confidence": 0.7}
    shown = httpx.get(f"{server.url}/analytics/network", params={"center": "organization/isis", "top": 5, **filters}).json()
    # the page draws what the API answers: ISIS and five of its neighbours in the filtered network
    whole = nx.node_link_graph(httpx.get(f"{server.url}/export/json", params=filters).json(), edges="edges")
    isis = shown["nodes"][0]["iri"]
    neighbours = set(nx.all_neighbors(whole, isis))
    assert {n["iri"] for n in shown["nodes"][1:]} <= neighbours and len(shown["nodes"]) == min(len(neighbours), 5) + 1
    assert int(graph.get_attribute("data-nodes")) == len(shown["nodes"]) > 2
    _assert_exports(browser, shown, "center=organization%2Fisis", "min_confidence=0.7", "top=5")
    _assert_clean(browser, server)


def test_graph_of_a_filter_draws_the_networks_nodes_and_exports_them(browser, server):
    _open(browser, server, "/#/graph?type=Attack&type=Killing&type=Statement&top=50")
    graph = _wait(browser, ".network[data-nodes]")[0]
    shown = httpx.get(f"{server.url}/analytics/network",
                      params={"type": ["Attack", "Killing", "Statement"], "top": 50}).json()
    assert int(graph.get_attribute("data-nodes")) == len(shown["nodes"]) > 0
    _assert_exports(browser, shown, "type=Attack&type=Killing&type=Statement", "top=50")
    _assert_clean(browser, server)


def test_graph_of_a_filter_says_how_many_it_leaves_out(browser, server):
    _open(browser, server, "/#/graph?top=5")
    total = httpx.get(f"{server.url}/analytics/network", params={"top": 5}).json()["total_nodes"]
    assert total > 5
    _wait_text(browser, "section.card h2", f"Showing the top 5 of {total} entities by degree")


def _assert_exports(browser, shown: dict, *params: str) -> None:
    """The page's GEXF, GraphML and CSV links carry ``params`` and download exactly the entities and edges of
    ``shown`` (an /analytics/network answer): each file is parsed by a reader that is not ours."""
    links = {a.get_attribute("data-format"): a.get_attribute("href") for a in _wait(browser, ".exports a", 4)}
    assert set(links) == {"gexf", "graphml", "csv-nodes", "csv-edges"}
    assert all(p in link for link in links.values() for p in params)
    nodes = {n["iri"] for n in shown["nodes"]}
    edges = {(e["source"], e["target"], e["predicate"]) for e in shown["edges"]}
    files = {format: httpx.get(link).raise_for_status().content for format, link in links.items()}
    for format in ("gexf", "graphml"):
        G = (nx.read_gexf if format == "gexf" else nx.read_graphml)(io.BytesIO(files[format]))
        assert set(G.nodes) == nodes, format
        key = "label" if format == "gexf" else "predicate"  # GEXF names an edge's predicate its label
        assert {(s, t, d[key]) for s, t, d in G.edges(data=True)} == edges, format
    rows = list(csv.DictReader(io.StringIO(files["csv-nodes"].decode())))
    assert {r["Id"] for r in rows} == nodes
    rows = list(csv.DictReader(io.StringIO(files["csv-edges"].decode())))
    assert {(r["Source"], r["Target"], r["Label"]) for r in rows} == edges


def test_events_on_the_map_and_over_time_click_through(browser, server):
    _open(browser, server, "/#/events?modality=asserted")
    _wait(browser, "svg.chart rect.clickable")
    places = _wait(browser, "svg.map circle.clickable")
    browser.driver.execute_script("arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true}))", places[0])
    label = places[0].find_element("css selector", "title").get_attribute("textContent").split(" — ")[0]
    _wait_text(browser, "section.card h2", f"Events: in {label}")
    _wait(browser, "table.data tbody tr")
    link = _wait(browser, ".exports a[data-format=gexf]")[0].get_attribute("href")
    assert "modality=asserted" in link
    whole = nx.read_gexf(io.BytesIO(httpx.get(link).raise_for_status().content))
    expected = httpx.get(f"{server.url}/analytics/network", params={"modality": "asserted", "top": 2000}).json()
    assert set(whole.nodes) == {n["iri"] for n in expected["nodes"]}
    _assert_clean(browser, server)


def test_article_text_marks_every_event_trigger(browser, server, seed_article):
    article = httpx.get(f"{server.url}/articles/{quote(seed_article.id)}").json()
    _open(browser, server, f"/#/article/{quote(seed_article.id)}")
    triggers = _wait(browser, "mark.trigger[data-event]", len(article["events"]))
    assert {m.get_attribute("data-event") for m in triggers} == {e["id"] for e in article["events"]}
    _wait(browser, "mark.mention")
    _assert_clean(browser, server)


def test_sparql_editor_shows_the_rows_with_entity_links(browser, server):
    query = "SELECT ?e ?label WHERE { ?e a ekg:Organization ; rdfs:label ?label } ORDER BY ?label"
    expected = httpx.post(f"{server.url}/sparql", data={"query": query},
                          headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    _open(browser, server, "/#/sparql?" + httpx.QueryParams(query=query).__str__())
    rows = _wait(browser, "table.sparql-results tbody tr", len(expected))
    assert len(rows) == len(expected) > 0
    assert [r.find_elements("css selector", "td")[1].text for r in rows] == [b["label"]["value"] for b in expected]
    link = rows[0].find_element("css selector", "td a")
    assert "#/entity/" in link.get_attribute("href")
    _assert_clean(browser, server)


def test_sparql_examples_come_from_docs_queries(browser, server):
    from selenium.webdriver.support.ui import Select

    _open(browser, server, "/#/sparql")
    picker = Select(_wait(browser, "select[aria-label='Example queries']")[0])
    titles = [o.text for o in picker.options[1:]]
    documented = [line[3:].strip() for line in (REPO / "docs" / "queries.md").read_text().splitlines()
                  if line.startswith("## ")]
    assert titles == documented
    picker.select_by_visible_text("Everything known about ISIS, under any of its names")
    browser.driver.find_element("css selector", "button.primary").click()
    assert len(_wait(browser, "table.sparql-results tbody tr")) > 0
    _assert_clean(browser, server)


def test_swagger_ui_renders_offline(browser, server):
    _open(browser, server, "/docs")
    operations = _wait(browser, ".swagger-ui .opblock", 10)
    assert any("/entities" in op.text for op in operations)
    _assert_clean(browser, server)


def test_a_browser_asking_sparql_for_html_goes_to_the_editor(server):
    answer = httpx.get(f"{server.url}/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert answer.status_code == 303 and answer.headers["location"] == "/#/sparql"
    machine = httpx.get(f"{server.url}/sparql", headers={"Accept": "*/*"})
    assert machine.status_code == 200 and machine.headers["content-type"].startswith("text/turtle")


def test_redoc_sends_to_the_offline_swagger_ui(server):
    answer = httpx.get(f"{server.url}/redoc")
    assert answer.status_code == 307 and answer.headers["location"] == "/docs"


def test_network_keeps_the_most_connected_entities(server):
    full = httpx.get(f"{server.url}/analytics/network", params={"top": 2000}).json()
    top = httpx.get(f"{server.url}/analytics/network", params={"top": 3}).json()
    assert top["total_nodes"] == full["total_nodes"] == len(full["nodes"])
    assert top["nodes"] == full["nodes"][:3]
    kept = {n["iri"] for n in top["nodes"]}
    assert all(e["source"] in kept and e["target"] in kept for e in top["edges"])
    assert httpx.get(f"{server.url}/analytics/network", params={"top": 0}).status_code == 422


def test_network_parts_refuse_what_they_cannot_show(server):
    ttl = httpx.get(f"{server.url}/export/ttl", params={"top": 5})
    assert ttl.status_code == 400 and "top or center" in ttl.json()["detail"]
    assert httpx.get(f"{server.url}/analytics/network", params={"center": "Nobody at all"}).status_code == 404
    lonely = httpx.get(f"{server.url}/export/gexf", params={"center": "organization/isis", "type": "Invasion"})
    assert lonely.status_code == 404 and "no relations with these filters" in lonely.json()["detail"]
