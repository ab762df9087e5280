"""Readers keep being answered while ``eventkg ingest`` (another process) and ``POST /articles`` write the store, and
the server sees what the other process wrote."""

from __future__ import annotations

import subprocess
import threading

import httpx
import pytest
from api_fixtures import LiveServer, build_store, handmade

from api.settings import Settings
from graph.rdf import article_rdf
from graph.store import EventStore
from tests.scale_fixtures import EVENTKG


@pytest.fixture()
def live(tmp_path):
    store = build_store(tmp_path / "store")
    with LiveServer(Settings(store=store, api_token="secret")) as server:
        yield server


def test_readers_are_answered_while_the_cli_and_the_api_write(live, repo_dir, seed_article):
    statuses: list[int] = []
    stop = threading.Event()

    def read() -> None:
        with httpx.Client(base_url=live.url, timeout=60) as http:
            while not stop.is_set():
                statuses.append(http.get("/entities/organization/isis").status_code)
                statuses.append(http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"}).status_code)

    readers = [threading.Thread(target=read) for _ in range(2)]
    for thread in readers:
        thread.start()
    ingest = subprocess.Popen(
        [EVENTKG, "ingest", str(repo_dir / "seeds"), "--store", live.store],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    record = {"id": "posted", "text": "ISIS attacked Kabul in March 2022.", "published": "2022-03-20"}
    posted = httpx.post(live.url + "/articles", json=record, headers={"Authorization": "Bearer secret"}, timeout=300)
    out, err = ingest.communicate(timeout=300)
    stop.set()
    for thread in readers:
        thread.join()
    assert ingest.returncode == 0, err
    # The API's write either got its turn or said clearly that the other process held the store.
    assert posted.status_code == 201 or (posted.status_code == 503 and "another process" in posted.json()["detail"])
    assert statuses and set(statuses) == {200}
    # The server's snapshot followed the other process's writes.
    assert httpx.get(live.url + "/articles/isis-global-offensive").status_code == 200


def test_the_snapshot_is_reopened_after_a_write_off_the_event_loop(live):
    """Reopening the store's snapshot takes tens of milliseconds (more while a writer compacts): on the event loop's
    thread it would hold up every other request. The real opener is kept; the test only notes the thread it runs in."""
    snapshot = live.server.config.app.state.snapshot
    real_open, opened_in = snapshot._open, []

    def open_noting_the_thread(folder):
        opened_in.append(threading.current_thread().name)
        return real_open(folder)

    snapshot._open = open_noting_the_thread
    with httpx.Client(base_url=live.url, timeout=60, headers={"Authorization": "Bearer secret"}) as http:
        # each of the two ways a request gets the store is the first read after a write, so reopens the snapshot
        assert http.delete("/articles/wire/2022-03 attack").status_code == 204
        assert http.get("/entities/organization/isis").status_code == 404  # read_small (api.responses)
        assert len(opened_in) == 1
        writer = EventStore(live.store)  # another process's write, as an `eventkg ingest`
        article, extraction = handmade()
        writer.put(article_rdf(article, extraction, writer.iris))
        writer.close()
        assert http.get("/articles").json()["total"] == 1  # the store dependency (api.deps.get_store)
    assert len(opened_in) == 2 and live.thread.name not in opened_in, opened_in
