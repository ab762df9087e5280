"""The store on a SPARQL 1.1 server (graph/remote.py): the Oxigraph server (PyPI ``oxigraph``) and Virtuoso (Debian
``virtuoso-opensource``, installed by .ci/run), each on loopback, hold the same article graphs and entities as the
embedded store built from the same input; a re-run changes nothing; deleting an article undoes it."""

from __future__ import annotations

import json
import os
from contextlib import contextmanager

import pyoxigraph as ox
import pytest

from bench.servers import oxigraph_available, oxigraph_server, virtuoso_available, virtuoso_server
from graph.ingest import ingest
from graph.store import EventStore

SERVERS = {"oxigraph": (oxigraph_available, oxigraph_server), "virtuoso": (virtuoso_available, virtuoso_server)}


@pytest.fixture(scope="module", params=sorted(SERVERS))
def server(request, tmp_path_factory):
    with _started(request.param, tmp_path_factory) as running:
        yield running


@contextmanager
def _started(name: str, tmp_path_factory):
    available, start = SERVERS[name]
    if not available():
        reason = f"{name} is not installed (.ci/run installs it)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    with start(tmp_path_factory.mktemp(name)) as running:
        yield running


@pytest.fixture(scope="module")
def embedded(seed_article, extractor, tmp_path_factory):
    store = EventStore(tmp_path_factory.mktemp("embedded") / "kg")
    ingest(store, [seed_article], extractor)
    yield store
    store.close()


def _quads(store: EventStore) -> set[tuple]:
    """Every quad of the store's graphs, doubles compared to three decimals (Virtuoso answers doubles in its own
    lexical form, with six significant digits), and times of writing (the change log) as just times."""
    def term(t):
        if isinstance(t, ox.Literal) and t.datatype.value.endswith("#double"):
            return ("double", round(float(t.value), 3))
        if isinstance(t, ox.Literal) and t.datatype.value.endswith("#dateTime"):
            return "a time"
        return str(t)

    return {tuple(term(t) for t in (q.subject, q.predicate, q.object, q.graph_name))
            for q in store.native.quads_for_pattern(None, None, None, None)
            if not isinstance(q.graph_name, ox.DefaultGraph)}


def test_remote_store_holds_what_the_embedded_store_holds(server, embedded, seed_article, extractor):
    store = EventStore(server.query_url, update_url=server.update_url, user=server.user, password=server.password)
    try:
        empty = _quads(store)  # the ontology graph only
        first = ingest(store, [seed_article], extractor)
        assert (first.new, first.failed) == (1, 0)
        assert _quads(store) == _quads(embedded)
        assert store.stats() == embedded.stats()

        again = ingest(store, [seed_article], extractor)
        assert (again.unchanged, again.new, again.updated) == (1, 0, 0)

        assert store.delete_article(seed_article.id)
        log = str(store.iris.changes_graph)  # keeps a tombstone of the deletion for the change feed
        assert {q for q in _quads(store) if q[3] != f"<{log}>"} == {q for q in empty if q[3] != f"<{log}>"}
    finally:
        store.close()


def test_wrong_credentials_are_a_clear_error(tmp_path_factory):
    from graph.errors import Unavailable

    with _started("virtuoso", tmp_path_factory) as server:  # the Oxigraph server has no authentication
        # a fresh store: opening it writes the ontology, which the server refuses
        with pytest.raises(Unavailable, match="EVENTKG_STORE_USER"):
            EventStore(server.query_url, update_url=server.update_url, user=server.user, password="wrong")


def _rounded(value):
    """JSON with floats to three decimals (Virtuoso answers doubles with six significant digits), and when each store
    was written left out."""
    if isinstance(value, float):
        return round(value, 3)
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


READS = ["/entities?limit=50", "/events?limit=50", "/relations?limit=50", "/stats",
         "/entities/organization%2Fisis", "/analytics/timeline?granularity=month", "/analytics/top/agent",
         "/analytics/top/place?modality=asserted"]
SPARQL = ("SELECT ?who ?what WHERE { ?who ekg:calledFor ?what } ORDER BY ?who ?what",
          "SELECT ?type (COUNT(?e) AS ?n) WHERE { ?e a ?type ; ekg:modality ?m } GROUP BY ?type ORDER BY ?type")


def test_serve_on_a_remote_store_answers_as_on_the_embedded_one(server, embedded, seed_article, extractor):
    import httpx

    from api.settings import Settings
    from tests.api_fixtures import LiveServer

    store = EventStore(server.query_url, update_url=server.update_url, user=server.user, password=server.password)
    ingest(store, [seed_article], extractor)
    store.close()
    on_server = Settings(store=server.query_url, store_update=server.update_url, store_user=server.user,
                         store_password=server.password, response_cache=16)
    here = Settings(store=embedded.path, response_cache=16)
    answers = []
    for settings in (on_server, here):
        with LiveServer(settings) as live, httpx.Client(base_url=live.url, timeout=60) as client:
            got = {path: _rounded(client.get(path).json()) for path in READS}
            for query in SPARQL:
                response = client.get("/sparql", params={"query": query},
                                      headers={"Accept": "application/sparql-results+json"})
                got[query] = response.json()["results"]["bindings"]
            gexf = client.get("/export/gexf")
            got["gexf"] = (gexf.status_code, len(gexf.content) > 0)
            answers.append(got)
    if server.name == "virtuoso":  # the same rows; where a sort has ties, Virtuoso breaks them its own way
        answers = [_unordered(a) for a in answers]
    for key in answers[1]:
        assert answers[0][key] == answers[1][key], key
