"""Reading a store another process writes: a read-only :class:`Snapshot` that reopens after a write.

Imports nothing of rdflib: the query workers use it with their own opener (a bare ``pyoxigraph.Store``)."""

from __future__ import annotations

import ctypes
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from graph.errors import GraphError
from graph.sparql.errors import StoreUnavailable

_OPEN_ATTEMPTS = 10
_SETTLED_NS = 1_000_000_000  # a folder unchanged for this long has had every change's time stamped


class Snapshot:
    """The store at ``path`` opened read-only, reopened when a writer (``eventkg ingest``, the server) has changed it.

    A read-only Oxigraph store sees the data as it was when it was opened and holds no lock, so readers never stop a
    writer in another process. :meth:`current` compares the store's files with those seen at the last opening
    (a few microseconds) and reopens only after a write.
    """

    def __init__(self, path: str | Path, base_iri: str | None = None, opener: Callable[[str], Any] | None = None):
        """``opener`` opens the store read-only; by default as an :class:`~graph.store.EventStore` minting under
        ``base_iri``."""
        self.path = Path(path)
        self._folder = str(self.path)  # for os.stat, without a Path conversion on every request
        if opener is None:
            # imported here, so that the workers, which pass their own opener, never load rdflib
            from graph.namespaces import DEFAULT_BASE_IRI
            from graph.store import EventStore

            def opener(folder: str) -> EventStore:
                return EventStore(folder, base_iri=base_iri or DEFAULT_BASE_IRI, read_only=True)
        self._open = opener
        self._lock = threading.Lock()
        self._files: tuple | None = None
        self._listing: tuple[int, list[str]] = (-1, [])  # folder mtime, paths of the files worth a stat
        self._store: Any = None
        self._count: tuple[tuple, int] | None = None  # (version, quads)
        self._count_lock = threading.Lock()

    def version(self) -> tuple:
        """Changes whenever the store's data may have changed (a few microseconds: a handful of ``stat`` calls)."""
        return self._files_state()

    def current(self, version: tuple | None = None) -> Any:
        """The store as of ``version`` (a :meth:`version` just read for the same request) or, without it, as of now."""
        files = version if version is not None else self._files_state()
        with self._lock:
            if self._store is not None and files == self._files:
                return self._store
            for attempt in range(_OPEN_ATTEMPTS):
                try:
                    self._store = self._open(str(self.path))
                    self._files = files
                    return self._store
                except (GraphError, OSError, RuntimeError) as err:
                    # A writer compacted and deleted files between our listing and our opening: look again.
                    failure = err
                    time.sleep(0.01 * (attempt + 1))
                    files = self._files_state()
            if self._store is not None:  # the previous snapshot is still whole; use it until the writer settles
                return self._store
            raise StoreUnavailable("the store could not be opened (another process is rewriting it?); "
                                   "try again") from failure

    def close(self) -> None:
        """Let the store go, with its caches (the next :meth:`current` opens it again)."""
        with self._lock:
            self._store, self._files = None, None

    def quads(self) -> int:
        """The number of quads in the store, counted once per version of it, on a store handle of its own that is
        closed right after, its memory handed back to the system. A count reads every quad: done on the snapshot
        that serves requests, it left that process about 40 MiB of caches for good (1M quads)."""
        version = self._files_state()
        with self._count_lock:
            if self._count is None or self._count[0] != version:
                try:
                    counted = ox.Store.read_only(str(self.path))
                except (OSError, RuntimeError):  # a writer is rewriting the files: count on the snapshot instead
                    return len(self.current(version))
                quads = len(counted)
                del counted  # closed here, with its caches
                release_memory()
                self._count = (version, quads)
            return self._count[1]

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
            folder = os.stat(self._folder)
        except OSError as err:
            raise StoreUnavailable("the store folder is missing") from err
        listed_at, watched = self._listing
        if folder.st_mtime_ns != listed_at or time.time_ns() - folder.st_mtime_ns < _SETTLED_NS:
            names = os.listdir(self._folder)
            logs = sorted((n for n in names if n.endswith(".log")), key=lambda n: (len(n), n))
            watched = [os.path.join(self._folder, n) for n in [*logs[-1:], *sorted(n for n in names
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


def release_memory() -> None:
    """Hand the memory freed in this process back to the system (glibc's ``malloc_trim``; elsewhere nothing): what
    a large count or query used stays resident otherwise, in free lists, for the life of the process."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


_LIBC = ctypes.CDLL(None)
