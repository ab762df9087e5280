"""What the readers build from a read-only store, kept with it until the snapshot is replaced.

Details of the nodes on a page are read straight from the indexes: a few microseconds each, where OPTIONAL joins in
the page's query would be evaluated over every node of the graph. Still, each quad read from disk costs about 5 µs
(ten times a store in memory), and an entity detail reads some 500. A read-only store (the server's snapshot) never
changes, so what is built from it is kept with it: pages that share statements, events and nodes (every page of a
hub, a dashboard going back and forth) read each once per snapshot, and a filter paged through is counted once.
A write makes a new snapshot, and so a new memo.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar
from weakref import WeakKeyDictionary

from graph.store import EventStore

T = TypeVar("T")
K = TypeVar("K")

_MEMO_ENTRIES = 50_000  # per snapshot: about 1.4 KB each (measured), so up to some 70 MB per server process
_memos: WeakKeyDictionary[EventStore, dict] = WeakKeyDictionary()


def memo(store: EventStore, read: Callable[[EventStore, K], T], key: K) -> T:
    """``read(store, key)``, remembered with ``store`` when it is read-only (emptied when full: simple, and safe
    from several threads). What it returns is shared: never modified."""
    if not store.read_only:
        return read(store, key)
    kept = _memos.get(store)
    if kept is None:
        kept = _memos.setdefault(store, {})
    found = kept.get((read, key))
    if found is None:
        if len(kept) >= _MEMO_ENTRIES:
            kept.clear()
        found = kept[(read, key)] = read(store, key)
    return found

