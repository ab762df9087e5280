"""The resolution state a store's writer leaves (every article's claims, the clusters they make, the incidents), kept
in this process for the next opening of the same store folder, so that opening it again to write does not read every
article's claims again."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from graph.entity_graph import EntityGraph
from graph.incidents import IncidentIndex


@dataclass
class Kept:
    """The claims, clusters and incidents of a store as its writer left them, and the store's version then."""

    version: tuple
    entities: EntityGraph
    incidents: IncidentIndex


class KeptStates:
    """The last resolution state of each store folder written in this process: the HTTP API opens the store for each
    write, and reading every article's claims again took about 2 ms per stored article each time."""

    def __init__(self):
        self._lock = threading.Lock()
        self._states: dict[tuple[str, str], Kept] = {}

    def take(self, key: tuple[str, str] | None) -> Kept | None:
        with self._lock:
            return self._states.pop(key, None) if key is not None else None

    def keep(self, key: tuple[str, str], state: Kept) -> None:
        with self._lock:
            self._states[key] = state


kept_states = KeptStates()
