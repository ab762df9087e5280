"""Reading a store another process writes: a read-only :class:`Snapshot` that reopens after a write.

Imports nothing of rdflib nor Oxigraph: the query workers use it with their own opener (a bare ``pyoxigraph.Store``),
the server for the store's version alone until a request reads the store."""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from collections.abc import Callable, Hashable
from functools import partial
from pathlib import Path
from typing import Any, Generic, TypeVar

from graph.errors import GraphError
from graph.sparql.errors import StoreUnavailable

T = TypeVar("T")
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
        self._folder = str(path)  # for os.stat, without a Path conversion on every request
        self._open = opener or partial(_event_store, base_iri=base_iri)
        self._lock = threading.Lock()
        self._files: tuple | None = None
        self._listing: tuple[int, list[str]] = (-1, [])  # folder mtime, paths of the files worth a stat
        self._store: Any = None
        self._quads = PerVersion(self.version, partial(_count_apart, self._folder))

    def version(self) -> tuple:
        """Changes whenever the store's data may have changed (a few microseconds: a handful of ``stat`` calls)."""
        return self._files_state()

    def current(self, version: tuple | None = None) -> Any:
        """The store as of ``version`` (a :meth:`version` just read for the same request) or, without it, as of now."""
        files = version if version is not None else self._files_state()
        with self._lock:
            if self._store is not None and files == self._files:
                return self._store
            try:
                self._store, self._files = self._opened(files)
            except StoreUnavailable:
                if self._store is None:
                    raise
                # the previous snapshot is still whole; use it until the writer settles
            return self._store

    def current_now(self, version: tuple | None = None) -> Any:
        """The store as :meth:`current` hands it out, if that takes no waiting: it is open at ``version`` (or as of
        now) and nobody is reopening it; otherwise None, and :meth:`current` opens it (tens of milliseconds, more
        while a writer compacts). One step, so that a reopening cannot start between a check and the hand-out."""
        files = version if version is not None else self._files_state()
        if not self._lock.acquire(blocking=False):
            return None
        try:
            return self._store if files == self._files else None
        finally:
            self._lock.release()

    def _opened(self, files: tuple) -> tuple[Any, tuple]:
        """The store opened, and the state of its files then; tried again a few times while a writer
        compacts (it deletes files between our listing and our opening)."""
        for attempt in range(_OPEN_ATTEMPTS):
            try:
                return self._open(self._folder), files
            except (GraphError, OSError, RuntimeError) as err:
                failure = err
                time.sleep(0.01 * (attempt + 1))
                files = self._files_state()
        raise StoreUnavailable("the store could not be opened (another process is rewriting it?); "
                               "try again") from failure

    def close(self) -> None:
        """Let the store go, with its caches (the next :meth:`current` opens it again)."""
        with self._lock:
            self._store, self._files = None, None

    def quads(self) -> int:
        """The number of quads in the store, counted once per version of it, by a process of its own
        (``python -m graph.sparql.snapshot FOLDER``). A count reads every quad: done on the snapshot that serves
        requests, it left that process about 40 MiB of caches for good (1M quads); and a server whose queries all run
        in the workers would load Oxigraph (10 MiB resident) for the count alone."""
        return self._quads()

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


class PerVersion(Generic[T]):
    """A value computed once per version of a store: ``compute()`` runs again only when ``version()`` differs from
    the version it last ran for; callers at the same time wait for the one computation (the quad count of
    :meth:`Snapshot.quads` and :meth:`graph.sparql.remote.RemoteSnapshot.quads`).

    >>> from itertools import count
    >>> version = 1
    >>> runs = PerVersion(lambda: version, count(1).__next__)  # the value: how many times it was computed
    >>> runs(), runs()
    (1, 1)
    >>> version = 2
    >>> runs(), runs()
    (2, 2)
    """

    def __init__(self, version: Callable[[], Hashable], compute: Callable[[], T]):
        self._version, self._compute = version, compute
        self._lock = threading.Lock()
        self._value: tuple[Hashable, T] | None = None  # (version, value)

    def __call__(self) -> T:
        with self._lock:
            version = self._version()
            if self._value is None or self._value[0] != version:
                self._value = (version, self._compute())
            return self._value[1]


def _event_store(folder: str, base_iri: str | None):
    """The store at ``folder`` as a read-only :class:`~graph.store.EventStore` (imported here: the workers, which open
    a bare ``pyoxigraph.Store``, never load rdflib, and the server only for its first REST request)."""
    from graph.prefixes import DEFAULT_BASE_IRI
    from graph.store import EventStore

    return EventStore(folder, base_iri=base_iri or DEFAULT_BASE_IRI, read_only=True)


def _count_apart(folder: str) -> int:
    """The quads in the store at ``folder``, counted by a child process (this module run as a program), which opens
    the store read-only as the query workers do and exits."""
    import subprocess  # here: the query workers, which import this module, never start a process

    done = subprocess.run([sys.executable, "-m", "graph.sparql.snapshot", folder], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, env=child_env())
    if done.returncode != 0:
        raise StoreUnavailable("the store could not be read (another process is rewriting it?); try again")
    return int(done.stdout)


def child_env() -> dict[str, str]:
    """The environment of a ``python -m`` child process that runs this code (a query worker, the quad count): this
    process's, with the folder this code is in first on ``PYTHONPATH``, wherever this process was started from."""
    package_root = str(Path(__file__).resolve().parents[2])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (package_root, os.environ.get("PYTHONPATH")) if p)}


def _count(folder: str) -> int:
    import pyoxigraph as ox

    snapshot = Snapshot(folder, opener=ox.Store.read_only)
    return len(snapshot.current())


def release_memory() -> None:
    """Hand the memory freed in this process back to the system (glibc's ``malloc_trim``; elsewhere nothing): what
    a large count or query used stays resident otherwise, in free lists, for the life of the process."""
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


_LIBC = ctypes.CDLL(None)


if __name__ == "__main__":  # the count of Snapshot.quads
    print(_count(sys.argv[1]))
