"""One writer at a time on a store on a SPARQL server (graph/lease.py, docs/scale-out.md "One writer at a time"): the
writer lease kept in the store, on the Oxigraph server and Virtuoso started once per session (tests/scale_fixtures.py).
A second writer waits and fails with the holder named; a crashed holder's claim lives until its time; a holder that
cannot renew stops writing; a write checks the lease once it holds the write lock; an open says it waits once."""

from __future__ import annotations

import subprocess
import time

import pytest

from graph.store import open_store
from tests.scale_fixtures import EVENTKG, emptied, emptied_store, server_env, server_store


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
            # the store's own write lock and lease, private: no public call holds the one or tells whether the other
            # is still held, and this is the order between them under test
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
