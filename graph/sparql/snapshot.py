"""Reading a store another process writes: a read-only :class:`Snapshot` that reopens after a write, and a
:class:`MemoryCopy` of it for faster answers once it has settled."""

from __future__ import annotations

import os
import tempfile
import threading
import time
from pathlib import Path

import pyoxigraph as ox

from graph.namespaces import DEFAULT_BASE_IRI
from graph.sparql.errors import StoreUnavailable
from graph.store import EventStore, StoreError

_OPEN_ATTEMPTS = 10
_SETTLED_NS = 1_000_000_000  # a folder unchanged for this long has had every change's time stamped


class Snapshot:
    """The store at ``path`` opened read-only, reopened when a writer (``eventkg ingest``, the server) has changed it.

    A read-only Oxigraph store sees the data as it was when it was opened and holds no lock, so readers never stop a
    writer in another process. :meth:`current` compares the store's files with those seen at the last opening
    (a few microseconds) and reopens only after a write.
    """

    def __init__(self, path: str | Path, base_iri: str = DEFAULT_BASE_IRI):
        self.path = Path(path)
        self.base_iri = base_iri
        self._lock = threading.Lock()
        self._files: tuple | None = None
        self._listing: tuple[int, list[str]] = (-1, [])  # folder mtime, paths of the files worth a stat
        self._store: EventStore | None = None

    def version(self) -> tuple:
        """Changes whenever the store's data may have changed (a few microseconds: a handful of ``stat`` calls)."""
        return self._files_state()

    def current(self, version: tuple | None = None) -> EventStore:
        """The store as of ``version`` (a :meth:`version` just read for the same request) or, without it, as of now."""
        files = version if version is not None else self._files_state()
        with self._lock:
            if self._store is not None and files == self._files:
                return self._store
            for attempt in range(_OPEN_ATTEMPTS):
                try:
                    self._store = EventStore(self.path, base_iri=self.base_iri, read_only=True)
                    self._files = files
                    return self._store
                except (StoreError, RuntimeError) as err:
                    # A writer compacted and deleted files between our listing and our opening: look again.
                    failure = err
                    time.sleep(0.01 * (attempt + 1))
                    files = self._files_state()
            if self._store is not None:  # the previous snapshot is still whole; use it until the writer settles
                return self._store
            raise StoreUnavailable("the store could not be opened (another process is rewriting it?); "
                                   "try again") from failure

    def _files_state(self) -> tuple:
        """The store folder's modification time, and size and modification time of the files a write appends to:
        the newest write-ahead log and the manifest.

        Other files are never changed once written (tables, older logs) or change only with the folder (a new
        manifest makes ``CURRENT`` name it): creating or removing them changes the folder's modification time. The
        folder is listed again only after that changed, or while it changed within the last second (file times can
        be as coarse as a scheduler tick, so a second change inside the same tick would go unseen). A check is
        three ``stat`` calls, made once per request.
        """
        try:
            folder = os.stat(self.path)
        except OSError as err:
            raise StoreUnavailable("the store folder is missing") from err
        listed_at, watched = self._listing
        if folder.st_mtime_ns != listed_at or time.time_ns() - folder.st_mtime_ns < _SETTLED_NS:
            names = os.listdir(self.path)
            logs = sorted((n for n in names if n.endswith(".log")), key=lambda n: (len(n), n))
            watched = [os.path.join(self.path, n) for n in [*logs[-1:], *sorted(n for n in names
                                                                                if n.startswith("MANIFEST"))]]
            self._listing = (folder.st_mtime_ns, watched)
        state: list = [folder.st_mtime_ns]
        for path in watched:
            try:
                stat = os.stat(path)
            except FileNotFoundError:  # a writer removed it since the listing: the folder's time shows that
                continue
            state.append((path, stat.st_size, stat.st_mtime_ns))
        return tuple(state)


class MemoryCopy:
    """A copy in memory of the store a :class:`Snapshot` reads, for the query workers: Oxigraph answers the same query
    2–8× faster from memory than from its on-disk store (docs/benchmarks.md), which decodes every term it reads.

    The copy is made in a background thread once the store has been unchanged for ``settle`` seconds, and after a
    first copy for ten times as long as that copy took (so that however often the store changes, copying takes at most
    a tenth of the worker's time), and only for stores of at most ``max_quads`` quads (about 370 MB per million).
    :meth:`current` hands out the copy while it is of the store as it is now; before it is ready, and as soon as the
    store changes, it hands out the snapshot on disk, so an answer is never older than the store.
    """

    def __init__(self, snapshot: Snapshot, max_quads: int, settle: float = 2.0):
        self.snapshot, self.max_quads, self.settle = snapshot, max_quads, settle
        self._quiet_needed = settle  # seconds the store must stay unchanged before a copy
        self._copy: tuple[tuple, ox.Store] | None = None  # (version copied, the copy)
        self._seen: tuple[tuple, float] = ((), 0.0)  # the version last seen and since when
        self._declined: tuple | None = None  # a version too big to copy
        self._copying = threading.Lock()

    def current(self) -> ox.Store:
        version = self.snapshot.version()
        copy = self._copy
        if copy is not None:
            if copy[0] == version:
                return copy[1]
            self._copy = None  # the store changed: the copy will never be current again, let go of its memory
        now = time.monotonic()
        if version != self._seen[0]:
            self._seen = (version, now)
        elif (now - self._seen[1] >= self._quiet_needed and version != self._declined
              and self._copying.acquire(blocking=False)):
            threading.Thread(target=self._make, args=(version,), name="eventkg-memory-copy", daemon=True).start()
        return self.snapshot.current().native

    def _make(self, version: tuple) -> None:
        try:
            disk = self.snapshot.current().native
            if len(disk) > self.max_quads:
                self._declined = version
                return
            # Through a file: dumping and bulk-loading let go of the GIL, so the worker goes on answering from disk
            # meanwhile (copying quad by quad from Python held it for the whole copy).
            started = time.monotonic()
            with tempfile.TemporaryDirectory(prefix="eventkg-memory-copy-") as folder:
                dump = os.path.join(folder, "store.nq")
                disk.dump(dump, ox.RdfFormat.N_QUADS)
                memory = ox.Store()
                memory.bulk_load(path=dump, format=ox.RdfFormat.N_QUADS)
            self._quiet_needed = max(self.settle, 10 * (time.monotonic() - started))
            if self.snapshot.version() == version:  # else the store changed while copying: the copy is stale
                self._copy = (version, memory)
        except (StoreError, OSError, RuntimeError):  # the store was being rewritten: a later query tries again
            pass
        finally:
            self._copying.release()
