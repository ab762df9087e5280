"""The store on a SPARQL 1.1 server (graph/remote.py): the Oxigraph server (PyPI ``oxigraph``) and Virtuoso (Debian
``virtuoso-opensource``, installed by .ci/run), each on loopback, hold the same article graphs and entities as the
embedded store built from the same input; a re-run changes nothing; deleting an article undoes it."""

from __future__ import annotations

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
