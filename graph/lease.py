"""One writer at a time on a server store: a writer lease kept in the store itself (docs/scale-out.md, "One writer at
a time").

An embedded store has RocksDB's lock; a SPARQL server has no lock an update can take, and a conditional update is
not one: of two ``INSERT … WHERE { no live lease }`` sent together, both inserted in 32 (``FILTER NOT EXISTS``) and 8
(a ``COUNT`` subquery) of 200 rounds on the Oxigraph server, whose transactions read a snapshot; Virtuoso 7.2 does
not apply the ``FILTER NOT EXISTS`` form at all (``python -m bench.lease_race``). So the lease is Lamport's bakery algorithm, which needs no more than
what every server gives: each update is applied whole, and a query sees every update answered before it was sent.
A writer

1. enters the doorway: it adds a claim of its own (a random token) marked *choosing*;
2. reads the live claims and takes a ticket one above the highest one it sees, then drops *choosing*;
3. holds the lease once no other live claim is choosing and none has a lower ticket (ties: the lower token).

A claim names its process (host, pid, command) for the message of whoever waits, and lives until a time its owner
pushes on every :data:`RENEW` seconds (a thread of its own); a claim past its time is dead (its owner crashed, or
stalled longer than :data:`TTL`) and is dropped by the next writer. A holder that finds its claim gone has lost the
lease: its store refuses further writes. Times are the writers' clocks: hosts that write one store must agree on the
time within a few seconds (NTP).

The claims are in the graph ``urn:eventkg:lease:<digest of the base IRI>``, outside the store's graphs, in a
vocabulary of its own (``urn:eventkg:lease:ticket`` …), so no query in eventkg's vocabulary sees them.

:class:`StoreLease` is how an :class:`graph.store.EventStore` holds it: from its opening to its closing, or only while
it writes.
"""

from __future__ import annotations

import hashlib
import os
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pyoxigraph as ox

from graph.errors import GraphError, StoreBusy

TTL = 60.0  # seconds a claim lives without being renewed (how long a crashed writer keeps others out)
RENEW = 15.0  # seconds between renewals
POLL = 0.2  # seconds between looks at the claims while waiting
_MARGIN = 10.0  # seconds before its claim's time a holder stops starting writes (a write must end before it)
_NS = "urn:eventkg:lease:"
_TICKET, _CHOOSING, _UNTIL, _OWNER = (ox.NamedNode(_NS + p) for p in ("ticket", "choosing", "until", "owner"))


def _owner() -> str:
    """Who writes, for the message of a writer that waits: the program and its command (``eventkg ingest``; no
    arguments, which may be paths), pid and host."""
    words = [os.path.basename(sys.argv[0]) or "python", *(a for a in sys.argv[1:2] if a.isidentifier())]
    return f"{' '.join(words)} (pid {os.getpid()} on {socket.gethostname()})"


class Lease:
    """The writer lease of the store with base IRI ``base`` on ``service`` (a :class:`graph.remote.SparqlService`)."""

    def __init__(self, service, base: str, *, clock: Callable[[], float] = time.time):
        self.service, self.clock = service, clock
        self.graph = ox.NamedNode(_NS + hashlib.sha256(base.encode()).hexdigest()[:32])
        self.claim: ox.NamedNode | None = None
        self.until = 0.0  # the claim's time as last written
        self.lost = False
        self._stop = threading.Event()
        self._renewer: threading.Thread | None = None

    @property
    def held(self) -> bool:
        """Whether the lease is this process's: taken, and its claim's time not so near that others may soon find it
        dead (renewals failing), so that a write starting now ends before they can take the lease."""
        return self.claim is not None and not self.lost and self.clock() < self.until - _MARGIN

    def take(self, wait: float = 0.0, on_wait: Callable[[], None] | None = None) -> None:
        """Hold the lease, waiting up to ``wait`` seconds for the writer holding it (``on_wait`` called once, when the
        waiting starts); then :class:`StoreBusy`, naming that writer."""
        deadline = time.monotonic() + wait
        self.claim, self.lost = ox.NamedNode(f"{_NS}claim/{uuid.uuid4().hex}"), False
        try:
            now = self.clock()
            self.until = now + TTL
            facts = f"{_CHOOSING} true ; {_UNTIL} {_number(self.until)} ; {_OWNER} {ox.Literal(_owner())}"
            self.service.update(f"{self._drop_dead(now)} ;\n"
                                f"INSERT DATA {{ GRAPH {self.graph} {{ {self.claim} {facts} }} }}")
            ticket = 1 + max((c["ticket"] for c in self._live() if c["ticket"] is not None), default=0)
            self.service.update(f"DELETE WHERE {{ GRAPH {self.graph} {{ {self.claim} {_CHOOSING} ?c }} }} ;\n"
                                f"INSERT DATA {{ GRAPH {self.graph} {{ {self.claim} {_TICKET} {ticket} }} }}")
            renewed = time.monotonic()
            while (ahead := self._ahead(ticket)) is not None:
                if time.monotonic() >= deadline:
                    raise StoreBusy(f"another eventkg process is writing the store: {ahead} (a server store takes "
                                    "one writer at a time)")
                if on_wait is not None:
                    on_wait()
                    on_wait = None
                if time.monotonic() - renewed > RENEW:  # a long wait: this claim keeps its place in the queue
                    self.renew()
                    renewed = time.monotonic()
                time.sleep(POLL)
        except BaseException:
            self._drop_claim()
            raise
        self._stop.clear()
        self._renewer = threading.Thread(target=self._keep, name="eventkg-lease", daemon=True)
        self._renewer.start()

    def release(self) -> None:
        """Give the lease up (nothing if it is not held)."""
        if self.claim is None:
            return
        self._stop.set()
        if self._renewer is not None:
            self._renewer.join()
            self._renewer = None
        self._drop_claim()

    # -- internals --------------------------------------------------------------------------------------------------

    def _ahead(self, ticket: int) -> str | None:
        """The owner of a live claim that goes first (choosing, or a lower ticket), or None: the lease is ours."""
        claims = self._live()
        if all(claim["node"] != self.claim for claim in claims):  # dropped as dead: this process stalled past TTL
            raise StoreBusy("this process lost its place in the queue for the store's writer lease; try again")
        for claim in claims:
            if claim["node"] == self.claim:
                continue
            if claim["choosing"] or (claim["ticket"] is not None
                                     and (claim["ticket"], claim["node"].value) < (ticket, self.claim.value)):
                return claim["owner"]
        return None

    def _live(self) -> list[dict]:
        now = self.clock()
        rows = self.service.query(
            f"SELECT ?node ?until ?ticket ?choosing ?owner WHERE {{ GRAPH {self.graph} {{ ?node {_UNTIL} ?until . "
            f"OPTIONAL {{ ?node {_TICKET} ?ticket }} OPTIONAL {{ ?node {_CHOOSING} ?choosing }} "
            f"OPTIONAL {{ ?node {_OWNER} ?owner }} }} }}")
        return [{"node": row["node"], "ticket": int(row["ticket"].value) if row["ticket"] is not None else None,
                 "choosing": row["choosing"] is not None, "owner": row["owner"].value if row["owner"] else "unknown"}
                for row in rows if float(row["until"].value) >= now or row["node"] == self.claim]

    def _keep(self) -> None:
        """Renew the claim every :data:`RENEW` seconds until released; a claim found gone is a lost lease."""
        while not self._stop.wait(RENEW):
            try:
                if not self.renew():
                    self.lost = True
                    return
            except GraphError:  # the server did not answer: try again at the next turn (the claim lives TTL)
                continue

    def renew(self) -> bool:
        """Push the claim's time on (the renewing thread does it every :data:`RENEW` seconds); whether the claim was
        still there."""
        until = self.clock() + TTL
        self.service.update(f"DELETE {{ GRAPH {self.graph} {{ {self.claim} {_UNTIL} ?u }} }} "
                            f"INSERT {{ GRAPH {self.graph} {{ {self.claim} {_UNTIL} {_number(until)} }} }} "
                            f"WHERE {{ GRAPH {self.graph} {{ {self.claim} {_UNTIL} ?u }} }}")
        there = bool(self.service.query(f"ASK {{ GRAPH {self.graph} {{ {self.claim} {_TICKET} ?t }} }}"))
        if there:
            self.until = until
        return there

    def _drop_dead(self, now: float) -> str:
        return (f"DELETE {{ GRAPH {self.graph} {{ ?c ?p ?o }} }} "
                f"WHERE {{ GRAPH {self.graph} {{ ?c {_UNTIL} ?u ; ?p ?o }} FILTER (?u < {_number(now)}) }}")

    def _drop_claim(self) -> None:
        claim, self.claim = self.claim, None
        try:
            self.service.update(f"DELETE WHERE {{ GRAPH {self.graph} {{ {claim} ?p ?o }} }}")
        except GraphError:  # the server is gone: the claim dies at its time
            pass


class StoreLease:
    """A store's hold on its writer lease: ``lease`` (a server store's, or None for a store that has none: an embedded
    store, whose folder RocksDB locks, or a read-only one), taken for the store's life (:meth:`take` at its opening,
    :meth:`release` at its closing) or only inside :meth:`writing` (``eventkg serve``'s store, open for the server's
    life). Without a lease every method does nothing more than :meth:`writing`'s lock."""

    def __init__(self, lease: Lease | None):
        self.lease = lease
        self._lock = threading.RLock()  # one holder of the lease at a time in this process

    def take(self, wait: float = 0.0, on_wait: Callable[[], None] | None = None) -> None:
        """Hold the lease until :meth:`release` (:meth:`Lease.take`)."""
        if self.lease is not None:
            self.lease.take(wait, on_wait)

    def release(self) -> None:
        """Give the lease up (nothing if it is not held)."""
        if self.lease is not None:
            self.lease.release()

    @contextmanager
    def writing(self, wait: float = 0.0) -> Iterator[None]:
        """Hold the lease for the time of the block unless it is held already (waiting up to ``wait`` seconds, then
        :class:`StoreBusy`); blocks of other threads wait."""
        with self._lock:
            if self.lease is None or self.lease.claim is not None:  # held from the opening (or lost: see check)
                yield
                return
            self.lease.take(wait)
            try:
                yield
            finally:
                self.lease.release()

    def check(self) -> None:
        """:class:`StoreBusy` unless a write may start: the lease, if there is one, is held and not near its time."""
        if self.lease is not None and not self.lease.held:
            raise StoreBusy("this process does not hold the store's writer lease (it could not renew it in time): "
                            "its writes stop; open the store again")  # or a write outside writing()


def _number(seconds: float) -> str:
    """A time as a decimal number of seconds (SPARQL compares it as a number on every server)."""
    return f"{seconds:.3f}"
