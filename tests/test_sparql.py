"""graph.sparql without HTTP: the engine's parse and errors, serialisation, the row limit, the dataset, the
sandbox, snapshots that follow another writer, and the worker pool's real timeout."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import time

import psutil
import pyoxigraph as ox
import pytest
from api_fixtures import build_store

from graph import sparql
from graph.namespaces import PREFIXES
from graph.reading.stats import stats
from graph.store import EventStore

JSON = "application/sparql-results+json"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o }"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("sparql-unit") / "store")


def run(store, job: sparql.Job) -> tuple[str, bytes]:
    return sparql.execute(store, job, PREFIXES)


def job(text: str, media: str = "text/csv", **options) -> sparql.Job:
    return sparql.Job(text, media if media in sparql.RESULT_FORMATS else None,
                      media if media in sparql.GRAPH_FORMATS else None, **options)


def test_every_result_format_and_the_row_limit(store_path):
    store = EventStore(store_path, read_only=True).native
    query = "SELECT ?e WHERE { ?e a ekg:Attack } ORDER BY ?e"
    media, body = run(store, job(query, "application/sparql-results+json"))
    answer = json.loads(body)
    assert media == "application/sparql-results+json"
    assert answer["head"]["vars"] == ["e"] and len(answer["results"]["bindings"]) == 2
    assert run(store, job(query))[1].count(b"\r\n") == 3
    assert run(store, job(query, "text/tab-separated-values"))[1].startswith(b"?e\n<https://")
    assert b"<result>" in run(store, job(query, "application/sparql-results+xml"))[1]
    for media in sparql.RESULT_FORMATS:  # the limit exactly: within it, and one row over
        assert run(store, job(query, media, max_rows=2))[1] == run(store, job(query, media))[1]
        with pytest.raises(sparql.ResultTooLarge):
            run(store, job(query, media, max_rows=1))
    construct = "CONSTRUCT WHERE { ?e a ekg:Attack }"
    for media, fmt in sparql.GRAPH_FORMATS.items():
        assert len(list(ox.parse(run(store, job(construct, media))[1], fmt))) == 2
    with pytest.raises(sparql.NotAcceptable):  # a graph asked for in a results-only format
        run(store, job(construct, "text/csv"))


def test_the_engine_parses_and_its_errors_are_the_clients(store_path):
    store = EventStore(store_path, read_only=True).native
    with pytest.raises(sparql.QuerySyntaxError, match="error at 1:"):
        run(store, job("SELECT * WHERE { ?s ?p }"))
    with pytest.raises(sparql.QuerySyntaxError, match="updates go to /sparql/update"):
        run(store, job("PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b 1 }"))
    with pytest.raises(sparql.SparqlError, match="custom function <http://example.org/f> is not supported"):
        run(store, job("SELECT (<http://example.org/f>(1) AS ?x) {}"))
    values = json.loads(run(store, job("SELECT ?x { VALUES ?x { -1.0 } }", JSON))[1])
    (x,) = [row["x"] for row in values["results"]["bindings"]]
    assert float(x["value"]) == -1.0 and x["datatype"].endswith("#decimal")
    relative = job("SELECT ?o { VALUES ?o { <p> } }", base_iri="http://127.0.0.1:8000/sparql")
    assert run(store, relative)[1] == b"o\r\nhttp://127.0.0.1:8000/p\r\n"


def test_from_and_protocol_graphs_choose_the_dataset(store_path):
    store = EventStore(store_path, read_only=True)
    entities = str(store.iris.entities_graph)
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?e a ekg:Attack }"

    def n(text: str, **options) -> int:
        return int(run(store.native, job(text, **options))[1].split()[1])

    assert n(count) == 2  # the union of all graphs
    assert n(count, default_graphs=(entities,), named_graphs=()) == 0
    assert n(count.replace("WHERE", f"FROM <{entities}> WHERE")) == 0
    # protocol graphs replace the query's FROM; named-graph-uri alone leaves the default graph empty
    assert n(count.replace("WHERE", f"FROM <{entities}> WHERE"), default_graphs=(), named_graphs=(entities,)) == 0
    assert n("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }", default_graphs=(), named_graphs=(entities,)) > 0
    # "from" as a name, in a comment or a string is not FROM: the union still applies
    assert n("PREFIX from: <https://example.org/>\nSELECT (COUNT(*) AS ?n) WHERE { # FROM <x>\n"
             "?e a ekg:Attack FILTER(?e != from:x && STR(?e) != 'FROM <x>') }") == 2


@pytest.mark.parametrize("text, volatile", [
    ("SELECT (NOW() AS ?t) {}", True),
    ("SELECT (rand () AS ?t) {}", True),
    ("SELECT (\\u0055UID() AS ?t) {}", True),
    ("SELECT ?x { BIND(BNODE() AS ?x) }", True),
    ("SELECT ('NOW()' AS ?t) { # RAND()\n }", False),
    ("SELECT ?now { ?now ?p ?o }", True),  # conservative: a false positive only costs caching
    ("SELECT ?e { ?e a ekg:Attack }", False),
])
def test_volatile_queries_are_told_lexically(text, volatile):
    assert sparql.is_volatile(text) is volatile


def test_the_service_description_names_every_format():
    from graph.sparql.description import FORMAT_IRIS

    assert set(FORMAT_IRIS) == {*sparql.RESULT_FORMATS, *sparql.GRAPH_FORMATS}


@pytest.mark.parametrize("sandbox", ["deny_network", "ensure"])
def test_a_sandboxed_process_has_no_network_but_its_pipes(sandbox):
    """``deny_network`` installs the filter; ``ensure``, in a process started without it, does too (a worker started
    by hand is sandboxed all the same)."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    process = context.Process(target=_try_sockets, args=(child, sandbox))
    process.start()
    assert parent.recv() == {"inet": "EACCES", "inet6": "EACCES", "unix": "ok"}
    process.join()


def _try_sockets(conn, sandbox: str) -> None:
    import errno
    import socket

    from graph.sparql import sandbox as module

    getattr(module, sandbox)()
    seen = {}
    for name, family in (("inet", socket.AF_INET), ("inet6", socket.AF_INET6)):
        try:
            socket.socket(family).close()
            seen[name] = "opened"
        except OSError as err:
            seen[name] = errno.errorcode[err.errno]
    first, second = socket.socketpair()
    first.sendall(b"x")
    seen["unix"] = "ok" if second.recv(1) == b"x" else "broken"
    conn.send(seen)


def test_snapshot_follows_another_writer(tmp_path):
    path = build_store(tmp_path / "store")
    snapshot = sparql.Snapshot(path)
    first = snapshot.current()
    assert snapshot.current() is first  # nothing changed: no reopening
    writer = EventStore(path)
    writer.delete_article("wire/2022-03 attack")
    writer.close()
    assert snapshot.current() is not first
    assert stats(snapshot.current())["articles"] == 0


def test_snapshot_hands_out_at_once_only_the_store_open_at_the_version_and_never_waits(tmp_path):
    """current_now: the open store when nothing is to be opened; None (without waiting) before the first opening,
    after a write, and while another thread holds the snapshot (reopening it)."""
    path = build_store(tmp_path / "store")
    snapshot = sparql.Snapshot(path)
    assert snapshot.current_now() is None
    first = snapshot.current()
    assert snapshot.current_now() is first and snapshot.current_now(snapshot.version()) is first
    with snapshot._lock:  # a reopening under way in another thread
        assert snapshot.current_now() is None
    writer = EventStore(path)
    writer.delete_article("wire/2022-03 attack")
    writer.close()
    assert snapshot.current_now() is None
    assert snapshot.current_now(snapshot.version()) is None
    assert snapshot.current() is not first


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
    async def scenario(pool: sparql.QueryPool) -> None:
        assert await answers(pool)
        before = {p.pid for p in psutil.Process().children()}
        with pytest.raises(sparql.QueryTimeout):
            await pool.run(job(SLOW))  # would run for days
        after = {p.pid for p in psutil.Process().children()}
        assert len(before - after) == len(after - before) == 1  # its worker was killed, a new one started
        assert await answers(pool)

    in_pool(store_path, scenario, size=1, timeout=1.0)


def test_a_job_queued_behind_a_slow_one_is_taken_back_and_answered(store_path):
    """Sent in the same moment, a quick query is queued behind a slow one on the same worker; a quarter of a second
    into the slow one it is taken back and answered by a second worker while the slow one still runs."""
    async def scenario(pool: sparql.QueryPool) -> None:
        assert await answers(pool)
        slow = asyncio.create_task(pool.run(job(SLOW)))
        quick = asyncio.create_task(answers(pool))  # placed in the same turn: behind the slow one
        assert await asyncio.wait_for(quick, 60)
        assert not slow.done() and len(pool._workers) == 2
        slow.cancel()

    in_pool(store_path, scenario, size=2, timeout=120.0)


def test_a_dead_worker_is_replaced_without_keeping_anyone_waiting(store_path):
    """Workers killed from outside (as the kernel's OOM killer would) while idle: the queries that come next are
    answered by fresh workers; one killed with a job fails that job at once with 503 (not at the timeout)."""
    async def kill_workers(after: float = 0.0) -> None:
        await asyncio.sleep(after)
        workers = [c for c in psutil.Process().children() if "graph.sparql.worker" in " ".join(c.cmdline())]
        for worker in workers:
            worker.kill()
        while any(map(_alive, workers)):
            await asyncio.sleep(0.01)

    async def scenario(pool: sparql.QueryPool) -> None:
        assert await answers(pool)
        await kill_workers()
        assert all(await asyncio.gather(answers(pool), answers(pool)))
        killer = asyncio.create_task(kill_workers(after=0.5))
        with pytest.raises(sparql.StoreUnavailable, match=r"stopped unexpectedly \(exit code -9\)"):
            await pool.run(job(SLOW))
        await killer
        assert await answers(pool)

    in_pool(store_path, scenario, size=2, timeout=30.0)


def in_pool(store_path, scenario, **options) -> None:
    pool = sparql.QueryPool(store_path, **options)
    try:
        asyncio.run(scenario(pool))
    finally:
        pool.close()


async def answers(pool: sparql.QueryPool) -> bool:
    """Whether the pool answers a quick ASK (true on any store)."""
    return json.loads((await pool.run(job("ASK { ?s ?p ?o }", JSON)))[1])["boolean"]


def _alive(process: psutil.Process) -> bool:
    """Not dead yet: dead is waitable, every thread gone (a killed worker's main thread shows as a zombie while its
    other threads still exit, and until then the pool cannot see it dead); asked without reaping it (WNOWAIT)."""
    try:
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
    except ChildProcessError:  # reaped already
        return False
