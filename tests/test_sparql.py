"""graph.sparql without HTTP: the read-only check, serialisation, the row limit, snapshots that follow another
writer, and the worker pool's real timeout."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import time

import pyoxigraph as ox
import pytest
from api_fixtures import build_store

from graph import sparql
from graph.store import EventStore

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("sparql-unit") / "store")


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE { OPTIONAL { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } } }",
    "ASK { FILTER NOT EXISTS { SERVICE <http://example.org/sparql> { ?s ?p ?o } } }",
    "CONSTRUCT { ?s ?p ?o } WHERE { { SELECT * { SERVICE <http://example.org/> { ?s ?p ?o } } } }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "INSERT DATA { <http://example.org/a> <http://example.org/b> 1 }",
])
def test_remote_access_and_updates_are_refused(query):
    with pytest.raises(sparql.QueryRefused):
        sparql.prepare(query)


def test_keywords_in_comments_strings_and_names_are_not_service():
    query = "PREFIX ex: <http://example.org/>\nSELECT ?SERVICE WHERE { # SERVICE <http://x/> {}\n" \
            "?SERVICE ex:SERVICE 'SERVICE <http://x/> { }' }"
    assert sparql.prepare(query).form == "SELECT"


def test_syntax_errors_carry_the_parser_message():
    with pytest.raises(sparql.QuerySyntaxError, match="line:1"):
        sparql.prepare("SELECT * WHERE { ?s ?p }")


def test_every_result_format_and_the_row_limit(store_path):
    store = EventStore(store_path, read_only=True).native
    query = sparql.prepare("SELECT ?e WHERE { ?e a ekg:Attack } ORDER BY ?e")
    answer = json.loads(sparql.execute(store, query, "application/sparql-results+json"))
    assert answer["head"]["vars"] == ["e"] and len(answer["results"]["bindings"]) == 2
    assert sparql.execute(store, query, "text/csv").count(b"\r\n") == 3
    assert sparql.execute(store, query, "text/tab-separated-values").startswith(b"?e\n<https://")
    assert b"<result>" in sparql.execute(store, query, "application/sparql-results+xml")
    with pytest.raises(sparql.ResultTooLarge):
        sparql.execute(store, query, "text/csv", max_rows=1)
    construct = sparql.prepare("CONSTRUCT WHERE { ?e a ekg:Attack }")
    for media, fmt in sparql.GRAPH_FORMATS.items():
        assert len(list(ox.parse(sparql.execute(store, construct, media), fmt[0]))) == 2
    with pytest.raises(sparql.SparqlError):
        sparql.execute(store, construct, "text/csv")


def test_from_and_default_graph_choose_the_dataset(store_path):
    store = EventStore(store_path, read_only=True)
    entities = str(store.iris.entities_graph)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?e a ekg:Attack }"
    ask = sparql.prepare(count)
    assert sparql.execute(store.native, ask, "text/csv").split()[1] == b"2"
    assert sparql.execute(store.native, ask, "text/csv", default_graph=[entities]).split()[1] == b"0"
    from_entities = sparql.prepare(count.replace("WHERE", f"FROM <{entities}> WHERE"))
    assert sparql.execute(store.native, from_entities, "text/csv").split()[1] == b"0"


def test_snapshot_follows_another_writer(tmp_path):
    path = build_store(tmp_path / "store")
    snapshot = sparql.Snapshot(path)
    first = snapshot.current()
    assert snapshot.current() is first  # nothing changed: no reopening
    writer = EventStore(path)
    writer.delete_article("wire/2022-03 attack")
    writer.close()
    assert snapshot.current() is not first
    assert snapshot.current().stats()["articles"] == 0


def test_snapshot_version_sees_every_write_settled_or_quick(tmp_path):
    """Each write changes the version: the first one after the folder has been still for over a second (the
    snapshot watches only a few files then) and writes following each other within the same clock tick."""
    path = build_store(tmp_path / "store")
    snapshot = sparql.Snapshot(path)
    time.sleep(1.2)
    versions = [snapshot.version()]
    assert snapshot.version() == versions[0]
    writer = EventStore(path)
    for n in range(3):
        writer.native.update(f"INSERT DATA {{ GRAPH <https://example.org/g> {{ <https://example.org/x> "
                             f"<https://example.org/n> {n} }} }}")
        versions.append(snapshot.version())
    writer.close()
    assert len(set(versions)) == len(versions)
    assert snapshot.current().native.query("ASK { GRAPH ?g { ?x <https://example.org/n> 2 } }")


def test_pool_stops_a_slow_query_and_keeps_answering(store_path):
    quick = sparql.Job(sparql.prepare("ASK { ?s ?p ?o }"), "application/sparql-results+json")
    slow = sparql.Job(sparql.prepare(SLOW), "text/csv")  # would run for days

    async def scenario(pool: sparql.QueryPool) -> None:
        assert json.loads(await pool.run(quick))["boolean"] is True
        before = {p.pid for p in multiprocessing.active_children()}
        with pytest.raises(sparql.QueryTimeout):
            await pool.run(slow)
        after = {p.pid for p in multiprocessing.active_children()}
        assert len(after) == len(before) and not after & before  # its worker was killed, a new one started
        assert json.loads(await pool.run(quick))["boolean"] is True

    pool = sparql.QueryPool(store_path, size=1, timeout=1.0)
    try:
        asyncio.run(scenario(pool))
    finally:
        pool.close()


def test_memory_copy_answers_like_the_store_and_never_outlives_a_write(tmp_path):
    """Once the store has settled the workers' copy in memory answers, with the same rows; a write sends queries back
    to the store on disk at once; a store over the size limit is never copied."""
    path = build_store(tmp_path / "store")
    snapshot = sparql.Snapshot(path)
    copy = sparql.MemoryCopy(snapshot, max_quads=1_000_000, settle=0.2)
    query = sparql.prepare("SELECT ?e ?label WHERE { ?e rdfs:label ?label } ORDER BY ?e ?label")
    on_disk = sparql.execute(snapshot.current().native, query, "text/csv")
    assert copy.current() is snapshot.current().native  # not settled yet
    deadline = time.monotonic() + 30
    while copy.current() is snapshot.current().native:
        assert time.monotonic() < deadline, "no copy in memory"
        time.sleep(0.1)
    assert sparql.execute(copy.current(), query, "text/csv") == on_disk
    assert len(copy.current()) == len(snapshot.current().native)
    writer = EventStore(path)
    writer.delete_article("wire/2022-03 attack")
    writer.close()
    assert copy.current() is snapshot.current().native
    assert sparql.execute(copy.current(), query, "text/csv") != on_disk

    too_small = sparql.MemoryCopy(sparql.Snapshot(path), max_quads=10, settle=0.0)
    for _ in range(20):
        store = too_small.current()
        time.sleep(0.05)
    assert store is too_small.snapshot.current().native
